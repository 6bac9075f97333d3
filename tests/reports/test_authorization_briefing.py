"""Who may read a follow-group meeting's briefing (see tests/authz.py).

The meeting is a follow-group meeting of programme A, to which A's municipal staff member is invited (to present
the local test). The briefing is for whoever may see the meeting: A's facilitators and politicians, the invited
staff member and the admin; A's advisor and observer do not see follow-group meetings (404), and nobody in
programme B does. Both URLs are read-only GETs."""

from tests.authz import Case, everyone
from tests.workshops.factories import MeetingFactory
from workshops.models import Meeting, MeetingInvitation

READERS = everyone(404, admin=200, facilitator=200, politician=200, staff=200)
FILE_READERS = everyone(404, admin=202, facilitator=202, politician=202, staff=202)  # asked for: being prepared


def _follow_group_pk(world):
    meeting = MeetingFactory(programme=world.a.programme, kind=Meeting.Kind.FOLLOW_GROUP,
                             organiser=world.a.users["facilitator"], title_en="Follow-group meeting")
    MeetingInvitation.objects.create(meeting=meeting, user=world.a.users["staff"])
    return {"pk": meeting.pk}


CASES = {
    "reports:briefing": Case(kwargs=_follow_group_pk, own=READERS),
    "reports:briefing-pdf": Case(kwargs=_follow_group_pk, own=FILE_READERS),
}
