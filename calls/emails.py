"""The e-mails of a call, each in the language of the person it goes to."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from circular_cities.utils import absolute_url

from .models import Application, Call, Review, Reviewer


def _language(code: str) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _send(template: str, context: dict, to: list[str]) -> None:
    subject = " ".join(render_to_string(f"calls/email/{template}_subject.txt", context).split())
    body = render_to_string(f"calls/email/{template}.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to).send()


def send_link_email(*, call_id: int, email: str, language: str, token: str) -> None:
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        return
    with translation.override(_language(language)):
        _send("link", {"call": call, "url": absolute_url(reverse("calls:confirm", args=[token]))}, [email])


def send_applicant_email(*, application_id: int, kind: str) -> None:
    application = Application.objects.select_related("call", "municipality").filter(pk=application_id).first()
    if application is None:
        return
    recipients = sorted({application.contact_email, *application.editors.values_list("email", flat=True)})
    with translation.override(_language(application.language)):
        context = {"application": application, "call": application.call,
                   "url": absolute_url(reverse("calls:apply", args=[application.call_id]))}
        _send(kind, context, recipients)


def send_review_assigned(*, review_id: int) -> None:
    review = Review.objects.select_related("application__call", "application__municipality",
                                           "reviewer__user").filter(pk=review_id).first()
    if review is None:
        return
    user = review.reviewer.user
    with translation.override(_language(user.language)):
        context = {"review": review, "call": review.application.call,
                   "url": absolute_url(reverse("calls:review", args=[review.pk]))}
        _send("review_assigned", context, [user.email])


def send_reviewer_added(*, reviewer_id: int) -> None:
    """Tell a person with an account that they now review a call (in their own language)."""
    reviewer = Reviewer.objects.select_related("call", "user", "added_by").filter(pk=reviewer_id).first()
    if reviewer is None or not reviewer.user.is_active:
        return
    with translation.override(_language(reviewer.user.language)):
        context = {"reviewer": reviewer, "call": reviewer.call, "url": absolute_url(reverse("calls:my-reviews"))}
        _send("reviewer_added", context, [reviewer.user.email])


def send_draft_reminder(*, application: Application, email: str) -> None:
    with translation.override(_language(application.language)):
        context = {"application": application, "call": application.call,
                   "url": absolute_url(reverse("calls:apply", args=[application.call_id]))}
        _send("draft_reminder", context, [email])
