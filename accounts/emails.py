from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

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


def send_erasure_confirmation(*, email: str, language: str, erased_at: str) -> None:
    """Tell a person that their personal data was erased (GDPR art. 12 and 19), in their language. The address is
    no longer in the database, so it comes as an argument; ``erased_at`` is an ISO date-time."""
    from .gdpr import controller

    when = timezone.localtime(datetime.fromisoformat(erased_at))
    with translation.override(language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE):
        context = {"date": formats.date_format(when, "d.m.Y"), "controller": controller(),
                   "privacy_url": absolute_url(reverse("accounts:privacy"))}
        subject = " ".join(render_to_string("accounts/email/erasure_done_subject.txt", context).split())
        text = render_to_string("accounts/email/erasure_done.txt", context)
    EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [email]).send()
