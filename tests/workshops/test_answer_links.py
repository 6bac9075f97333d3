"""The answer links in meeting e-mails expire (issue 14.5): once the meeting is over, and at once when the
invitation is withdrawn or the person deactivated. An expired link shows only a message and changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ProgrammeFactory, facilitator_of
from tests.workshops.factories import InvitationFactory, MeetingFactory
from workshops import services
from workshops.models import Meeting, MeetingInvitation

pytestmark = pytest.mark.django_db

EXPIRED_DA = "Dette svarlink virker ikke længere"


@pytest.fixture
def invitation():
    programme = ProgrammeFactory()
    meeting = MeetingFactory(programme=programme, title_da="Læringsmodul om genbrug", place="Rådhuset, Vejle")
    return InvitationFactory(meeting=meeting, user=facilitator_of(programme))


def _link(invitation) -> str:
    return reverse("workshops:rsvp-link", args=[services.rsvp_token(invitation)])


def _assert_only_the_message(response, status=410):
    page = response.content.decode()
    assert response.status_code == status
    assert EXPIRED_DA in page
    assert "Læringsmodul om genbrug" not in page and "Rådhuset, Vejle" not in page  # nothing of the meeting
    assert 'name="response"' not in page  # no answer form
    assert reverse("workshops:mine") in page  # a way on: log in and see your meetings


@pytest.fixture
def danish(client):
    client.cookies["django_language"] = "da"
    return client


def test_a_valid_link_shows_the_meeting_and_the_choice(danish, invitation):
    page = danish.get(_link(invitation) + "?answer=yes").content.decode()
    assert "Læringsmodul om genbrug" in page and 'name="response"' in page


def test_the_link_expires_when_the_meeting_is_over_and_saves_nothing(danish, invitation):
    url = _link(invitation)
    ended = timezone.now() - timedelta(minutes=1)
    Meeting.objects.filter(pk=invitation.meeting_id).update(starts_at=ended - timedelta(hours=2), ends_at=ended)
    _assert_only_the_message(danish.get(url + "?answer=yes"))
    _assert_only_the_message(danish.post(url, {"response": "yes"}))
    invitation.refresh_from_db()
    assert invitation.response == MeetingInvitation.Response.PENDING and invitation.responded_at is None


def test_the_link_expires_at_once_when_the_invitation_is_withdrawn(danish, invitation):
    url = _link(invitation)
    user, meeting = invitation.user, invitation.meeting
    services.invitation_remove(invitation=invitation)
    _assert_only_the_message(danish.get(url))
    _assert_only_the_message(danish.post(url, {"response": "yes"}))
    assert not MeetingInvitation.objects.filter(meeting=meeting, user=user).exists()
    # Invited again: the new e-mail's link works, the old one stays dead
    again = InvitationFactory(meeting=meeting, user=user)
    _assert_only_the_message(danish.post(url, {"response": "no"}))
    assert danish.post(_link(again), {"response": "no"}).status_code == 200
    again.refresh_from_db()
    assert again.response == MeetingInvitation.Response.NO


def test_the_link_expires_at_once_when_the_person_is_deactivated(danish, invitation):
    url = _link(invitation)
    assert danish.get(url).status_code == 200
    invitation.user.is_active = False
    invitation.user.save(update_fields=["is_active"])
    _assert_only_the_message(danish.get(url))
    _assert_only_the_message(danish.post(url, {"response": "yes"}))
    invitation.refresh_from_db()
    assert invitation.response == MeetingInvitation.Response.PENDING


def test_a_forged_link_shows_the_same_message(danish, invitation):
    token = services.rsvp_token(invitation)
    _assert_only_the_message(danish.get(reverse("workshops:rsvp-link", args=[token[:-2] + "xx"])), status=404)


def test_the_expired_message_in_english(client, invitation):
    client.cookies["django_language"] = "en"
    Meeting.objects.filter(pk=invitation.meeting_id).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1))
    page = client.get(_link(invitation)).content.decode()
    assert "This answer link no longer works" in page and "Læringsmodul om genbrug" not in page


def test_the_link_expires_when_the_person_no_longer_has_a_place_in_the_programme(danish, invitation):
    """A facilitator whose role ended (as a team member removed or a term run out): the e-mailed link no longer
    shows the meeting nor takes an answer."""
    from accounts.models import RoleAssignment

    url = _link(invitation)
    RoleAssignment.objects.filter(user=invitation.user).update(ends_on=timezone.localdate() - timedelta(days=1))
    _assert_only_the_message(danish.get(url + "?answer=yes"))
    _assert_only_the_message(danish.post(url, {"response": "yes"}))
    invitation.refresh_from_db()
    assert invitation.response == MeetingInvitation.Response.PENDING
