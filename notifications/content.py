"""What a reminder says: title, text and link, in the language active when it is called (the recipient's).

One function per family of kinds; the same words go into the notification centre and the e-mail."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from circular_cities.utils import absolute_url

from .engine import TZ, local_day
from .models import Delivery, Kind


@dataclass
class Content:
    title: str
    paragraphs: list[str]
    url: str  # a path on this site
    action: str  # the label of the link
    meeting: object | None = None
    answer_links: dict[str, str] = field(default_factory=dict)
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, value) rows

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def absolute(path: str) -> str:
    return absolute_url(path)


def _date(day) -> str:
    return formats.date_format(day, "d.m.Y")


def _when(moment) -> str:
    local = moment.astimezone(TZ)
    return f"{formats.date_format(local, 'd.m.Y')} {formats.time_format(local, 'H:i')}"


def _reverse(name: str, *args, fallback: str = "/") -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _milestone_url(milestone, programme=None) -> str:
    programme = programme or milestone.programme
    if milestone.participation_id:
        return _reverse("municipalities:participation", milestone.participation_id,
                        fallback=_reverse("programmes:milestones", programme.slug))
    return _reverse("programmes:milestones", programme.slug)


def _milestone(delivery: Delivery, milestone, user) -> Content:
    title = milestone.title
    scope = str(milestone.participation.municipality) if milestone.participation_id else milestone.programme.name
    due = _date(milestone.due_on)
    days = (local_day(delivery.send_at) - milestone.due_on).days
    kind = delivery.kind
    if kind == Kind.MILESTONE_BEFORE:
        heading = ngettext("Milestone due in %(days)d day: %(title)s", "Milestone due in %(days)d days: %(title)s",
                           -days) % {"days": -days, "title": title}
        lead = _("“%(title)s” (%(scope)s) is due on %(due)s.") % {"title": title, "scope": scope, "due": due}
    elif kind == Kind.MILESTONE_DUE:
        heading = _("Milestone due today: %(title)s") % {"title": title}
        lead = _("“%(title)s” (%(scope)s) is due today, %(due)s. Mark it as done when it is.") % {
            "title": title, "scope": scope, "due": due}
    else:
        heading = ngettext("Milestone %(days)d day overdue: %(title)s", "Milestone %(days)d days overdue: %(title)s",
                           days) % {"days": days, "title": title}
        lead = _("“%(title)s” (%(scope)s) was due on %(due)s and is not marked as done.") % {
            "title": title, "scope": scope, "due": due}
    paragraphs = [lead]
    if kind == Kind.MILESTONE_OVERDUE_OWNER:
        paragraphs.append(_("Please finish it and mark it as done, or agree a new date with the facilitators."))
    elif kind == Kind.MILESTONE_OVERDUE_ADVISOR:
        paragraphs.append(_("You advise this municipality: please check in with the team about what is holding "
                            "it up."))
    elif kind == Kind.MILESTONE_OVERDUE_FACILITATORS:
        owner = milestone.owner.get_full_name() if milestone.owner_id else _("no owner")
        paragraphs.append(_("It is still open after a week (owner: %(owner)s). Consider a new date or more "
                            "support.") % {"owner": owner})
    details = [(_("Milestone"), title), (_("Due"), due), (_("For"), scope)]
    return Content(title=heading, paragraphs=paragraphs, url=_milestone_url(milestone),
                   action=_("Open the milestone"), details=details)


def _answer_links(meeting, user) -> dict[str, str]:
    """The person's own yes / no / maybe links (the workshops app's signed RSVP links), when they are invited."""
    try:
        from workshops.services import rsvp_token

        invitation = meeting.invitations.filter(user=user).first()
        if invitation is None:
            return {}
        base = absolute(reverse("workshops:rsvp-link", args=[rsvp_token(invitation)]))
    except (ImportError, NoReverseMatch):
        return {}
    return {answer: f"{base}?answer={answer}" for answer in ("yes", "maybe", "no")}


def _meeting(delivery: Delivery, meeting, user) -> Content:
    title = meeting.title
    when = _when(meeting.starts_at)
    place = meeting.place or meeting.online_url or _("to be announced")
    kind = delivery.kind
    details = [(_("Meeting"), title), (_("When"), when), (_("Where"), place)]
    url = _reverse("workshops:detail", meeting.pk, fallback=_reverse("programmes:detail", meeting.programme.slug))
    answer_links = {}
    if kind == Kind.MEETING_BEFORE:
        heading = _("Reminder: %(title)s, %(when)s") % {"title": title, "when": when}
        paragraphs = [_("“%(title)s” starts %(when)s (Copenhagen time), %(place)s.") % {
            "title": title, "when": when, "place": place}]
        answer_links = _answer_links(meeting, user)
        action = _("See the agenda and materials")
    elif kind == Kind.RSVP_NUDGE:
        heading = _("Please answer: %(title)s, %(when)s") % {"title": title, "when": when}
        paragraphs = [_("You are invited to “%(title)s” on %(when)s and have not answered yet. Will you come?") % {
            "title": title, "when": when}]
        answer_links = _answer_links(meeting, user)
        action = _("Answer on the platform")
    elif kind == Kind.MINUTES_NUDGE:
        heading = _("Minutes not yet published: %(title)s") % {"title": title}
        paragraphs = [_("“%(title)s” took place on %(when)s. The participants are waiting for the minutes, "
                        "decisions and actions: please publish them.") % {"title": title, "when": when}]
        action = _("Write and publish the minutes")
    else:  # follow-group briefing
        heading = _("Follow-group briefing: %(title)s, %(when)s") % {"title": title, "when": when}
        paragraphs = [_("The follow-group meets %(when)s (Copenhagen time), %(place)s.") % {
            "when": when, "place": place}]
        if meeting.description:
            paragraphs.append(meeting.description)
        agenda = [item.title for item in meeting.agenda_items.all()] if hasattr(meeting, "agenda_items") else []
        if agenda:
            paragraphs.append(_("On the agenda:") + "\n" + "\n".join(f"• {item}" for item in agenda))
        answer_links = _answer_links(meeting, user)
        action = _("Read the briefing material")
    return Content(title=heading, paragraphs=paragraphs, url=url, action=action, meeting=meeting,
                   answer_links=answer_links, details=details)


def _progress(delivery: Delivery, participation, user) -> Content:
    days = (local_day(delivery.send_at) - participation.last_progress).days
    municipality = str(participation.municipality)
    heading = ngettext("No progress logged for %(days)d day: %(municipality)s",
                       "No progress logged for %(days)d days: %(municipality)s", days) % {
        "days": days, "municipality": municipality}
    paragraphs = [_("The local test in %(municipality)s has had no progress entry since %(date)s. A short entry "
                    "on what happened, what you learned and what is next keeps the advisor and the cohort "
                    "informed.") % {"municipality": municipality, "date": _date(participation.last_progress)}]
    return Content(title=heading, paragraphs=paragraphs, url=_reverse("municipalities:participation",
                                                                        participation.pk),
                   action=_("Log progress"), details=[(_("Municipality"), municipality)])


def _call(delivery: Delivery, call, user) -> Content:
    day = _date(call.assessment_ends_on)
    if delivery.kind == Kind.CALL_REVIEWS_DUE:
        heading = _("Reviews due by %(day)s: %(call)s") % {"day": day, "call": call.title}
        paragraphs = [_("You have applications to review in the open call %(call)s. The assessment ends on "
                        "%(day)s.") % {"call": call.title, "day": day}]
        return Content(title=heading, paragraphs=paragraphs, url=_reverse("calls:my-reviews"),
                       action=_("Review the applications"), details=[(_("Programme"), call.programme.name)])
    heading = _("The assessment ends today: %(call)s") % {"call": call.title}
    paragraphs = [_("The assessment period of the open call %(call)s ends today. The table shows the weighted "
                    "scores and the reviews still missing; then decide on the applications.") % {"call": call.title}]
    return Content(title=heading, paragraphs=paragraphs, url=_reverse("calls:assessment", call.pk),
                   action=_("See the assessment"), details=[(_("Programme"), call.programme.name)])


def reminder_content(delivery: Delivery, target, user) -> Content:
    if delivery.kind.startswith("call_"):
        return _call(delivery, target, user)
    if delivery.kind.startswith("milestone_"):
        return _milestone(delivery, target, user)
    if delivery.kind == Kind.PROGRESS_STALE:
        return _progress(delivery, target, user)
    return _meeting(delivery, target, user)


def describe_target(delivery: Delivery) -> tuple[str, str]:
    """(label, link) of what a delivery is about, for the delivery log (``selectors.with_targets`` first)."""
    target = delivery.target_obj
    if target is None:
        return _("(deleted)"), ""
    if delivery.kind.startswith("milestone_"):
        return target.title, _milestone_url(target, delivery.programme)
    if delivery.kind == Kind.PROGRESS_STALE:
        return str(target.municipality), _reverse("municipalities:participation", target.pk)
    if delivery.kind.startswith("call_"):
        return target.title, _reverse("calls:manage", target.pk)
    return target.title, _reverse("workshops:detail", target.pk, fallback="")


def describe_occurrence(delivery: Delivery) -> str:
    """The date or time a delivery is about (its ``occurrence``: an ISO date, or a UTC start time), in words and
    in Copenhagen time: "Due 01.05.2023", "Starts 01.05.2023 09:00", "Last progress 01.05.2023"."""
    from datetime import date, datetime

    value = delivery.occurrence
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return _("Starts %(when)s") % {"when": _when(moment)}
        day = date.fromisoformat(value)
    except ValueError:
        return value  # written by an older engine: shown as it is
    if delivery.kind == Kind.PROGRESS_STALE:
        return _("Last progress %(day)s") % {"day": _date(day)}
    if delivery.kind.startswith("call_"):
        return _("Assessment ends %(day)s") % {"day": _date(day)}
    return _("Due %(day)s") % {"day": _date(day)}
