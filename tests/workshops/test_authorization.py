"""Every meeting URL for every role (see tests/authz.py).

The meeting used is a sparring session for programme A's cohort: everybody with a role in A sees it
(staff and advisor through their municipality in the cohort); nobody in B does. Write cases make a fresh
meeting per request in ``kwargs``."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.authz import Case, everyone
from tests.workshops.factories import ActionItemFactory, DecisionFactory, MeetingFactory, PastMeetingFactory
from workshops import services
from workshops.models import Material, MeetingInvitation

ORGANISERS = everyone(403, admin=200, facilitator=200)
ORGANISERS_WRITE = everyone(403, admin=302, facilitator=302)


def _meeting(world, factory=MeetingFactory, **kwargs):
    kwargs.setdefault("cohort", world.a.cohort)
    return factory(programme=world.a.programme, organiser=world.a.users["facilitator"], **kwargs)


def _pk(world):
    return {"pk": _meeting(world).pk}


def _past_pk(world):
    meeting = _meeting(world, PastMeetingFactory, minutes="Vi drøftede de lokale tests.")
    return {"pk": meeting.pk}


def _slug(world):
    return {"slug": world.a.programme.slug}


def _invited(world):
    """A meeting to which A's staff, advisor, facilitator and the admin are invited (not the politician
    or the observer)."""
    meeting = _meeting(world)
    for user in (world.a.users["staff"], world.a.users["advisor"], world.a.users["facilitator"], world.admin):
        MeetingInvitation.objects.create(meeting=meeting, user=user)
    return meeting


def _invitation_pk(world):
    meeting = _meeting(world)
    return {"pk": MeetingInvitation.objects.create(meeting=meeting, user=world.a.users["staff"]).pk}


def _rsvp_token(world):
    invitation = MeetingInvitation.objects.create(meeting=_meeting(world), user=world.a.users["staff"])
    return {"token": services.rsvp_token(invitation)}


def _feed_token(world):
    _feed, token = services.feed_create(user=world.a.users["staff"])
    return {"token": token}


def _material_pk(world):
    meeting = _meeting(world)
    material = Material(meeting=meeting, title="Program", original_name="program.pdf",
                        content_type="application/pdf", size=9, kind=Material.Kind.PDF)
    material.file.save("meetings/test.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    material.save()
    return {"pk": material.pk}


def _decision_pk(world):
    return {"pk": DecisionFactory(meeting=_meeting(world, PastMeetingFactory)).pk}


def _action_pk(world):
    meeting = _meeting(world, PastMeetingFactory)
    return {"pk": ActionItemFactory(meeting=meeting, due_on=world.a.programme.ends_on - timedelta(days=30)).pk}


def _action_data(world):
    return {"text": "Del testdesignet", "due_on": (timezone.localdate() + timedelta(days=10)).isoformat()}


CASES = {
    # Personal pages: each person their own meetings and feed.
    "workshops:mine": Case(own=everyone(200), scoped=False),
    "workshops:feed-create": Case(method="post", own=everyone(200), scoped=False),
    "workshops:feed-revoke": Case(method="post", own=everyone(302), scoped=False),
    # Public: calendar apps fetch the feed without a session; the token is the key.
    "workshops:feed": Case(kwargs=_feed_token, own=everyone(200), anonymous=200, scoped=False),
    # Public: the answer link from the e-mail (a signed per-invitee token).
    "workshops:rsvp-link": Case(kwargs=_rsvp_token, own=everyone(200), anonymous=200, scoped=False),
    # A programme's calendar, list and skills: whoever sees the programme.
    "workshops:list": Case(kwargs=_slug, own=everyone(200)),
    "workshops:calendar": Case(kwargs=_slug, own=everyone(200)),
    "workshops:skills": Case(kwargs=_slug, own=everyone(200)),
    "workshops:skills-assess": Case(kwargs=_slug, own=everyone(403, staff=200)),
    "workshops:create": Case(kwargs=_slug, own=ORGANISERS),
    # One meeting.
    "workshops:detail": Case(kwargs=_pk, own=everyone(200)),
    "workshops:ics": Case(kwargs=_pk, own=everyone(200)),
    "workshops:edit": Case(kwargs=_pk, own=ORGANISERS),
    "workshops:cancel": Case(kwargs=_pk, method="post", own=ORGANISERS_WRITE),
    "workshops:invite": Case(kwargs=_pk, own=ORGANISERS),
    "workshops:invitation-remove": Case(kwargs=_invitation_pk, method="post", own=ORGANISERS_WRITE),
    # Answering is for invitees only: the politician and the observer are not invited here.
    "workshops:rsvp": Case(kwargs=lambda w: {"pk": _invited(w).pk}, method="post",
                           data=lambda w: {"response": "yes"}, own=everyone(302, politician=403, observer=403)),
    "workshops:attendance": Case(kwargs=_past_pk, own=ORGANISERS),
    "workshops:minutes": Case(kwargs=_past_pk, own=ORGANISERS),
    "workshops:minutes-publish": Case(kwargs=_past_pk, method="post", own=ORGANISERS_WRITE),
    "workshops:decision-add": Case(kwargs=_past_pk, method="post", data=lambda w: {"text": "Vi fortsætter."},
                                   own=ORGANISERS_WRITE),
    "workshops:decision-delete": Case(kwargs=_decision_pk, method="post", own=ORGANISERS_WRITE),
    "workshops:action-add": Case(kwargs=_past_pk, method="post", data=_action_data, own=ORGANISERS_WRITE),
    "workshops:action-delete": Case(kwargs=_action_pk, method="post", own=ORGANISERS_WRITE),
    "workshops:action-milestone": Case(kwargs=_action_pk, method="post", own=ORGANISERS_WRITE),
    "workshops:material-add": Case(kwargs=_pk, own=ORGANISERS),
    "workshops:material-download": Case(kwargs=_material_pk, own=everyone(200)),
    "workshops:material-delete": Case(kwargs=_material_pk, method="post", own=ORGANISERS_WRITE),
}
