"""Reminder and digest e-mails: HTML and plain text, in the recipient's language, with an unsubscribe link
(and the List-Unsubscribe headers of RFC 2369 / RFC 8058) in every one. Meeting reminders carry the .ics and
the person's own answer links. A reminder's Message-ID is its delivery's (``Delivery.message_id``), the same on
every attempt, as the .ics UID is the meeting's; a notification's and a digest's are made from what they hold
(``content_message_id``), so a retry after a failed attempt sends the same Message-ID too."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .content import Content, absolute
from .models import KIND_CATEGORY, MANDATORY_CATEGORIES, Category, Kind

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
ICS_KINDS = {Kind.MEETING_BEFORE, Kind.RSVP_NUDGE, Kind.FOLLOWGROUP_BRIEFING}


def unsubscribe_token(user, category: str) -> str:
    """Signed (not encrypted): names a person and a category and cannot be forged. It does not expire, as
    unsubscribe links in old mails must keep working."""
    return signing.dumps({"u": user.pk, "c": category}, salt=UNSUBSCRIBE_SALT, compress=False)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or data.get("c") not in Category.values:
        return None
    return data["u"], data["c"]


def unsubscribe_url(user, category: str) -> str:
    return absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user, category)]))


def _headers(url: str, *, one_click: bool = True) -> dict[str, str]:
    headers = {"List-Unsubscribe": f"<{url}>", "Auto-Submitted": "auto-generated"}
    if one_click:
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def content_message_id(kind: str, notifications) -> str:
    """The Message-ID of an e-mail about ``notifications``: the same for the same notifications (a retry), another
    for any other set, and unique across databases (their creation times are part of it)."""
    key = ";".join(f"{n.pk}@{n.created_at.isoformat()}" for n in sorted(notifications, key=lambda n: n.pk))
    digest = hashlib.sha256(f"{kind};{key}".encode()).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "circular-cities.local"
    return f"<{kind}.{digest}@{domain}>"


def _language(user) -> str:
    return user.language or settings.LANGUAGE_CODE


def send_reminder_email(*, delivery, target, user, content: Content) -> None:
    reminder_email(delivery=delivery, target=target, user=user, content=content).send()


def reminder_email(*, delivery, target, user, content: Content) -> EmailMultiAlternatives:
    """The reminder e-mail, ready to send (rendering it touches no mail server)."""
    category = KIND_CATEGORY[delivery.kind]
    with translation.override(_language(user)):
        url = unsubscribe_url(user, category)
        context = {
            "user": user, "content": content, "url": absolute(content.url), "unsubscribe_url": url,
            "category": Category(category).label, "mandatory": category in MANDATORY_CATEGORIES,
            "preferences_url": absolute(reverse("notifications:preferences")), "language": _language(user),
        }
        subject = " ".join(render_to_string("notifications/email/reminder_subject.txt", context).split())
        text = render_to_string("notifications/email/reminder.txt", context)
        html = render_to_string("notifications/email/reminder.html", context)
        ics = None
        if delivery.kind in ICS_KINDS and content.meeting is not None:
            try:
                from workshops.ics import meeting_ics
            except ImportError:
                meeting_ics = None
            if meeting_ics is not None:
                ics = meeting_ics(content.meeting, attendee=user)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email],
                                     headers={**_headers(url, one_click=category not in MANDATORY_CATEGORIES),
                                              # the same on every attempt: a repeat can be recognised
                                              "Message-ID": delivery.message_id})
    message.attach_alternative(html, "text/html")
    if ics is not None:
        message.attach("meeting.ics", ics.decode(), "text/calendar; method=PUBLISH; charset=utf-8")
    return message


def send_notification_email(*, notification) -> None:
    """One notification (not a reminder) by e-mail at once, in the recipient's language, with the reminders'
    templates: its title, its text and a link to what it is about."""
    from django.utils.translation import gettext as _

    user = notification.recipient
    category = notification.category
    with translation.override(_language(user)):
        paragraphs = [p for p in notification.body.split("\n\n") if p.strip()]
        content = Content(title=notification.title, paragraphs=paragraphs, url=notification.url or "/",
                          action=_("Open it on the platform"))
        url = unsubscribe_url(user, category)
        context = {
            "user": user, "content": content, "url": absolute(content.url), "unsubscribe_url": url,
            "category": Category(category).label, "mandatory": category in MANDATORY_CATEGORIES, "notice": True,
            "preferences_url": absolute(reverse("notifications:preferences")), "language": _language(user),
        }
        subject = " ".join(render_to_string("notifications/email/reminder_subject.txt", context).split())
        text = render_to_string("notifications/email/reminder.txt", context)
        html = render_to_string("notifications/email/reminder.html", context)
    headers = _headers(url, one_click=category not in MANDATORY_CATEGORIES)
    headers["Message-ID"] = content_message_id("notification", [notification])
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()


def send_digest_email(*, user, notifications, frequency: str) -> None:
    with translation.override(_language(user)):
        categories = sorted({n.category for n in notifications if n.category not in MANDATORY_CATEGORIES})
        # One link switches all the digest's categories off that can be; the rest link to the preferences page.
        url = unsubscribe_url(user, categories[0]) if len(categories) == 1 else absolute(
            reverse("notifications:preferences"))
        context = {
            "user": user, "notifications": [(n, absolute(n.url) if n.url else "") for n in notifications],
            "frequency": frequency, "unsubscribe_url": url, "language": _language(user),
            "preferences_url": absolute(reverse("notifications:preferences")),
            "centre_url": absolute(reverse("notifications:list")),
        }
        subject = " ".join(render_to_string("notifications/email/digest_subject.txt", context).split())
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    headers = _headers(url, one_click=len(categories) == 1)
    headers["Message-ID"] = content_message_id(f"digest.{frequency}", notifications)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()
