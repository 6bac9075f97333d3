"""Meeting e-mails: the invitation (with the .ics and answer links), a moved or cancelled meeting, and
published minutes. One message per person, in their language, with their own answer links."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from circular_cities.utils import absolute_url

from .ics import meeting_ics
from .models import Meeting, MeetingInvitation
from .services import rsvp_token


def _absolute(path: str) -> str:
    return absolute_url(path)


def _answer_links(invitation: MeetingInvitation) -> dict[str, str]:
    base = _absolute(reverse("workshops:rsvp-link", args=[rsvp_token(invitation)]))
    return {answer: f"{base}?answer={answer}" for answer in ("yes", "no", "maybe")}


def _send(invitation: MeetingInvitation, template: str, *, attach_ics: bool, extra: dict | None = None) -> None:
    meeting, user = invitation.meeting, invitation.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"meeting": meeting, "invitation": invitation, "user": user,
                   "meeting_url": _absolute(meeting.get_absolute_url()), "answer_links": _answer_links(invitation),
                   **(extra or {})}
        subject = " ".join(render_to_string(f"workshops/email/{template}_subject.txt", context).split())
        text = render_to_string(f"workshops/email/{template}.txt", context)
        html = render_to_string(f"workshops/email/{template}.html", context)
        ics = meeting_ics(meeting, attendee=user) if attach_ics else None
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    if ics is not None:
        method = "CANCEL" if meeting.is_cancelled else "PUBLISH"
        message.attach("meeting.ics", ics.decode(), f"text/calendar; method={method}; charset=utf-8")
    message.send()


def _invitations(**filters):
    return MeetingInvitation.objects.select_related(
        "meeting__programme", "meeting__participation__municipality", "meeting__cohort", "meeting__organiser",
        "user").filter(user__is_active=True, **filters)


def send_meeting_invitations(*, invitation_ids: list[int]) -> None:
    for invitation in _invitations(pk__in=invitation_ids):
        meeting = invitation.meeting
        if meeting.is_cancelled or meeting.has_started:
            continue  # cancelled or begun before the mail went out: nothing worth sending
        _send(invitation, "invitation", attach_ics=True)


def send_meeting_changed(*, meeting_id: int, change: str) -> None:
    """``change``: "moved" or "cancelled". Everybody invited hears of it, with the updated .ics."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or meeting.is_past:
        return
    for invitation in _invitations(meeting_id=meeting_id):
        _send(invitation, "cancelled" if change == "cancelled" else "moved", attach_ics=True)


def send_minutes_published(*, meeting_id: int) -> None:
    for invitation in _invitations(meeting_id=meeting_id):
        _send(invitation, "minutes", attach_ics=False)
