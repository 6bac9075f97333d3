"""The meeting page and a programme's list of meetings keep their body until the data changes
(circular_cities/datacache.py): each person still sees their own answer and what they may see, writes show at
once, and a warm page costs a fixed, small number of queries."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ParticipationFactory, ProgrammeFactory, facilitator_of, observer_of, staff_of
from tests.kept import logged_in, queries_of, text, token_of
from tests.workshops.factories import InvitationFactory, MeetingFactory, PastMeetingFactory
from workshops import services
from workshops.models import MeetingInvitation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_page_parts")]


@pytest.fixture
def setting(db):
    programme = ProgrammeFactory()
    participation = ParticipationFactory(cohort__programme=programme)
    other = ParticipationFactory(cohort=participation.cohort)
    people = {
        "facilitator": facilitator_of(programme),
        "second_facilitator": facilitator_of(programme),
        "staff": staff_of(participation.municipality),
        "colleague": staff_of(participation.municipality),
        "other_staff": staff_of(other.municipality),
        "observer": observer_of(programme),
        "outsider": facilitator_of(ProgrammeFactory()),
    }
    meeting = MeetingFactory(programme=programme, cohort=participation.cohort, organiser=people["facilitator"],
                             capacity=10)
    return {"programme": programme, "participation": participation, "other": other, "meeting": meeting, **people}


def test_each_person_sees_their_own_answer_and_the_organisers_see_the_invitees(setting):
    meeting = setting["meeting"]
    InvitationFactory(meeting=meeting, user=setting["staff"], response="yes")
    InvitationFactory(meeting=meeting, user=setting["other_staff"], response="no")
    url = meeting.get_absolute_url()
    facilitator, staff, other_staff, observer, outsider = logged_in(*(setting[k] for k in (
        "facilitator", "staff", "other_staff", "observer", "outsider")))
    organiser_page = text(facilitator, url)
    assert str(setting["other_staff"]) in organiser_page and "Your answer" not in organiser_page
    staff_page = text(staff, url)
    assert "You answered: <strong>Yes</strong>" in staff_page and str(setting["other_staff"]) not in staff_page
    other_page = text(other_staff, url)
    assert "You answered: <strong>No</strong>" in other_page and "You answered: <strong>Yes" not in other_page
    observer_page = text(observer, url)
    assert "Your answer" not in observer_page and str(setting["other_staff"]) not in observer_page
    assert "1 of 10 places taken" in observer_page
    assert outsider.get(url).status_code == 404  # the permission check runs on every request


def test_draft_minutes_stay_with_the_organisers(setting):
    meeting = PastMeetingFactory(programme=setting["programme"], minutes="Hemmeligt udkast")
    url = meeting.get_absolute_url()
    facilitator, observer = logged_in(setting["facilitator"], setting["observer"])
    assert "Hemmeligt udkast" in text(facilitator, url)
    assert "Hemmeligt udkast" not in text(observer, url)
    services.minutes_publish(meeting=meeting, by=setting["facilitator"])
    assert "Hemmeligt udkast" in text(observer, url)


def test_an_answer_shows_on_the_next_request_for_the_person_and_in_the_counts(setting):
    meeting = setting["meeting"]
    invitation = InvitationFactory(meeting=meeting, user=setting["staff"])
    staff, observer = logged_in(setting["staff"], setting["observer"])
    url = meeting.get_absolute_url()
    assert "You have not answered yet." in text(staff, url)
    assert "0 of 10 places taken" in text(observer, url)
    services.invitation_answer(invitation=invitation, response="yes")
    assert "You answered: <strong>Yes</strong>" in text(staff, url)
    assert "1 of 10 places taken" in text(observer, url)
    listing = reverse("workshops:list", args=[setting["programme"].slug])
    assert '<td class="num">1 / 10</td>' in text(observer, listing)


def test_the_kept_answer_form_carries_the_token_of_whoever_asks(setting):
    """Two invitees who have not answered share the kept body; each posts with the token of their own page."""
    meeting = setting["meeting"]
    for who in ("staff", "colleague"):
        InvitationFactory(meeting=meeting, user=setting[who])
    first, second = logged_in(setting["staff"], setting["colleague"], csrf=True)
    url = meeting.get_absolute_url()
    first_page = text(first, url)
    with CaptureQueriesContext(connection) as queries:
        second_page = text(second, url)
    assert not any("workshops_agendaitem" in q["sql"] for q in queries)  # the body was kept
    assert token_of(first_page) != token_of(second_page)
    response = second.post(reverse("workshops:rsvp", args=[meeting.pk]),
                           {"response": "maybe", "csrfmiddlewaretoken": token_of(second_page)})
    assert response.status_code == 302
    assert MeetingInvitation.objects.get(meeting=meeting, user=setting["colleague"]).response == "maybe"
    assert "You answered: <strong>Maybe</strong>" in text(second, url)
    assert "You have not answered yet." in text(first, url)


def test_the_list_shows_each_person_their_own_answers_and_meetings(setting):
    meeting = setting["meeting"]
    local = MeetingFactory(programme=setting["programme"], participation=setting["participation"],
                           title_en="Local test review")
    InvitationFactory(meeting=meeting, user=setting["staff"], response="yes")
    staff, colleague, other_staff = logged_in(setting["staff"], setting["colleague"], setting["other_staff"])
    url = reverse("workshops:list", args=[setting["programme"].slug])
    assert "<td>Yes</td>" in text(staff, url) and local.title_en in text(staff, url)
    colleague_page = text(colleague, url)
    assert "<td>Yes</td>" not in colleague_page and local.title_en in colleague_page
    other_page = text(other_staff, url)
    assert local.title_en not in other_page and meeting.title_en in other_page


def test_the_list_filters_with_htmx_from_the_kept_parts(setting):
    PastMeetingFactory(programme=setting["programme"], title_en="Earlier session")
    (facilitator,) = logged_in(setting["facilitator"])
    url = reverse("workshops:list", args=[setting["programme"].slug])
    for _ in range(2):  # filled, then kept
        full = text(facilitator, url + "?when=past")
        partial = text(facilitator, url + "?when=past", HX_Request="true")
        assert "<html" in full and "<html" not in partial and partial.lstrip().startswith('<div id="results">')
        assert "Earlier session" in partial and setting["meeting"].title_en not in partial
    upcoming = text(facilitator, url + "?when=upcoming", HX_Request="true")
    assert "Earlier session" not in upcoming and setting["meeting"].title_en in upcoming


def grow(setting, times: int):
    for _ in range(times):
        other = MeetingFactory(programme=setting["programme"], cohort=setting["participation"].cohort)
        InvitationFactory(meeting=other, user=setting["staff"], response="yes")
        InvitationFactory(meeting=setting["meeting"], user=staff_of(setting["other"].municipality))


@pytest.mark.parametrize("who", ["facilitator", "staff", "observer"])
def test_a_warm_page_makes_the_same_few_queries_whatever_the_data(setting, who):
    InvitationFactory(meeting=setting["meeting"], user=setting["staff"])
    (client,) = logged_in(setting[who])
    urls = [setting["meeting"].get_absolute_url(), reverse("workshops:list", args=[setting["programme"].slug])]
    counts = []
    for times in (1, 10):
        grow(setting, times)
        for url in urls:
            client.get(url)  # fills the cache for the new data version
        counts.append([queries_of(client, url) for url in urls])
    assert counts[0] == counts[1] and max(counts[1]) <= 3, counts
