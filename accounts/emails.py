from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from circular_cities.utils import absolute_url

from .models import Invitation


def send_invitation_email(*, invitation_id: int, token: str) -> None:
    invitation = (
        Invitation.objects.select_related("programme", "participation__municipality", "municipality", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.state != Invitation.State.PENDING:
        return  # revoked or used before the mail went out: nothing to send
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "url": absolute_url(reverse("accounts:invitation-accept", args=[token])),
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        text = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
