"""The meeting screens as a user meets them: permissions, forms, answers, the calendar and the feed."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.factories import (
    ParticipationFactory,
    ProgrammeFactory,
    UserFactory,
    facilitator_of,
    observer_of,
    politician_of,
    staff_of,
)
from tests.workshops.factories import InvitationFactory, MeetingFactory, PastMeetingFactory
from workshops import services
from workshops.models import CalendarFeed, Meeting, MeetingInvitation

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def setting(db):
    """A programme with one cohort of two municipalities, people in every role, and a sparring session."""
    programme = ProgrammeFactory()
    participation = ParticipationFactory(cohort__programme=programme)
    other = ParticipationFactory(cohort=participation.cohort)
    people = {
        "facilitator": facilitator_of(programme),
        "staff": staff_of(participation.municipality),
        "other_staff": staff_of(other.municipality),
        "politician": politician_of(programme, municipality=participation.municipality),
        "observer": observer_of(programme),
        "outsider": facilitator_of(ProgrammeFactory()),
    }
    meeting = MeetingFactory(programme=programme, cohort=participation.cohort, organiser=people["facilitator"],
                             capacity=10)
    return {"programme": programme, "participation": participation, "meeting": meeting, **people}


def _meeting_post(**overrides):
    data = {"kind": "sparring", "audience": "programme", "title_da": "Sparring om test",
            "starts_at": "2030-03-31T10:00", "ends_at": "2030-03-31T13:00", "place": "BLOXHUB",
            "agenda-TOTAL_FORMS": "3", "agenda-INITIAL_FORMS": "0", "agenda-MIN_NUM_FORMS": "0",
            "agenda-MAX_NUM_FORMS": "40", "agenda-0-title": "Velkomst", "agenda-0-duration_minutes": "15",
            "agenda-1-title": "Sparring i par"}
    data.update(overrides)
    return data


# --- Scheduling -------------------------------------------------------------------------------------------

def test_a_facilitator_schedules_a_meeting_for_a_cohort_in_copenhagen_time(client, setting):
    client.force_login(setting["facilitator"])
    cohort = setting["participation"].cohort
    response = client.post(reverse("workshops:create", args=[setting["programme"].slug]),
                           _meeting_post(audience=f"cohort-{cohort.pk}"))
    meeting = Meeting.objects.exclude(pk=setting["meeting"].pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("workshops:invite", args=[meeting.pk])
    assert meeting.starts_at == datetime(2030, 3, 31, 8, 0, tzinfo=UTC)  # the last Sunday of March: summer time
    assert meeting.cohort == cohort and meeting.organiser == setting["facilitator"]
    assert [item.title for item in meeting.agenda_items.all()] == ["Velkomst", "Sparring i par"]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "10:00–13:00" in page


def test_end_before_start_is_refused_on_the_form_and_nothing_is_saved(client, setting):
    client.force_login(setting["facilitator"])
    response = client.post(reverse("workshops:create", args=[setting["programme"].slug]),
                           _meeting_post(ends_at="2030-03-31T09:00"))
    assert response.status_code == 200
    assert "The meeting must end after it starts." in response.content.decode()
    assert Meeting.objects.count() == 1


def test_a_time_that_does_not_exist_in_copenhagen_is_refused(client, setting):
    client.force_login(setting["facilitator"])
    response = client.post(reverse("workshops:create", args=[setting["programme"].slug]),
                           _meeting_post(starts_at="2030-03-31T02:30"))
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"]
    assert Meeting.objects.count() == 1


def test_capacity_below_the_yes_answers_is_refused_on_the_edit_page(client, setting):
    meeting = setting["meeting"]
    InvitationFactory.create_batch(3, meeting=meeting, response="yes")
    client.force_login(setting["facilitator"])
    data = _meeting_post(capacity="2", starts_at=timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
                         ends_at=timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"))
    response = client.post(reverse("workshops:edit", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "capacity cannot be lower" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.capacity == 10 and meeting.title_da != "Sparring om test"


def test_read_only_roles_get_403_on_every_write_and_outsiders_404(client, setting):
    meeting = setting["meeting"]
    for role in ("politician", "observer"):
        client.force_login(setting[role])
        assert client.get(meeting.get_absolute_url()).status_code == 200
        assert client.get(reverse("workshops:edit", args=[meeting.pk])).status_code == 403
        assert client.post(reverse("workshops:cancel", args=[meeting.pk])).status_code == 403
        assert client.post(reverse("workshops:decision-add", args=[meeting.pk]), {"text": "x"}).status_code == 403
    client.force_login(setting["outsider"])
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(reverse("workshops:calendar", args=[setting["programme"].slug])).status_code == 404
    meeting.refresh_from_db()
    assert not meeting.is_cancelled and not meeting.decisions.exists()


def test_the_page_shows_the_organiser_the_answers_against_capacity(client, setting):
    meeting = setting["meeting"]
    InvitationFactory(meeting=meeting, user=setting["staff"], response="yes")
    InvitationFactory(meeting=meeting, user=setting["other_staff"], response="maybe")
    client.force_login(setting["facilitator"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "1 of 10 places taken" in page and str(setting["other_staff"]) in page
    client.force_login(setting["observer"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "1 of 10 places taken" in page and str(setting["other_staff"]) not in page  # no names for others


# --- Answers --------------------------------------------------------------------------------------------

def test_an_invitee_answers_on_the_page_with_htmx(client, setting):
    meeting = setting["meeting"]
    invitation = InvitationFactory(meeting=meeting, user=setting["staff"])
    client.force_login(setting["staff"])
    response = client.post(reverse("workshops:rsvp", args=[meeting.pk]), {"response": "maybe"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="answer-' in response.content.decode() and "<html" not in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == "maybe"
    response = client.post(reverse("workshops:rsvp", args=[meeting.pk]),
                           {"response": "yes", "next": reverse("workshops:mine")})
    assert response["Location"] == reverse("workshops:mine")
    response = client.post(reverse("workshops:rsvp", args=[meeting.pk]),
                           {"response": "no", "next": "https://evil.example.com/"})
    assert response["Location"] == meeting.get_absolute_url()


def test_someone_who_is_not_invited_cannot_answer(client, setting):
    client.force_login(setting["observer"])
    response = client.post(reverse("workshops:rsvp", args=[setting["meeting"].pk]), {"response": "yes"})
    assert response.status_code == 403
    assert not MeetingInvitation.objects.exists()


def test_the_answer_link_from_the_email_works_without_logging_in(client, setting,
                                                                django_capture_on_commit_callbacks):
    meeting = setting["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invite(meeting=meeting, by=setting["facilitator"], people=[setting["staff"]])
    link = next(line for line in mail.outbox[0].body.splitlines() if "?answer=no" in line).split(": ", 1)[1]
    path = link.replace("https://cc.example.org", "")
    page = client.get(path)  # opening shows the choice; a mail scanner following the link changes nothing
    assert page.status_code == 200
    assert re.search(r'value="no"[^>]*checked', page.content.decode())  # the answer chosen in the mail
    invitation = MeetingInvitation.objects.get()
    assert invitation.response == "pending"
    response = client.post(path.split("?")[0], {"response": "no"})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == "no"
    assert client.get("/meetings/answer/forged-token/").status_code == 404


def test_the_answer_link_to_a_meeting_under_way_says_answers_are_closed_and_saves_nothing(client, setting):
    # Over, the link shows only that it expired (tests/workshops/test_answer_links.py)
    started = timezone.now() - timedelta(hours=1)
    invitation = InvitationFactory(meeting=MeetingFactory(programme=setting["programme"], starts_at=started,
                                                          ends_at=started + timedelta(hours=3)),
                                   user=observer_of(setting["programme"]))
    url = reverse("workshops:rsvp-link", args=[services.rsvp_token(invitation)])
    assert "answers are closed" in client.get(url).content.decode()
    response = client.post(url, {"response": "yes"})
    assert "already taken place" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == "pending"


def test_a_full_meeting_tells_the_invitee_on_the_page(client, setting):
    meeting = setting["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(capacity=1)
    InvitationFactory(meeting=meeting, response="yes")
    InvitationFactory(meeting=meeting, user=setting["staff"])
    client.force_login(setting["staff"])
    response = client.post(reverse("workshops:rsvp", args=[meeting.pk]), {"response": "yes"},
                           HTTP_HX_REQUEST="true")
    assert "The meeting is full" in response.content.decode()


# --- Follow-group ----------------------------------------------------------------------------------------

def test_the_follow_group_minutes_are_for_politicians_and_facilitators(client, setting):
    meeting = PastMeetingFactory(programme=setting["programme"], kind=Meeting.Kind.FOLLOW_GROUP,
                                 minutes="Følgegruppen drøftede testene.")
    services.decision_add(meeting=meeting, text="Følgegruppen bakker op.")
    client.force_login(setting["politician"])
    assert "Følgegruppen drøftede" not in client.get(meeting.get_absolute_url()).content.decode()  # a draft
    services.minutes_publish(meeting=meeting, by=setting["facilitator"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Følgegruppen drøftede" in page and "Følgegruppen bakker op." in page
    assert reverse("workshops:minutes", args=[meeting.pk]) not in page  # no edit links
    assert client.get(reverse("workshops:minutes", args=[meeting.pk])).status_code == 403
    for role in ("observer", "staff"):
        client.force_login(setting[role])
        assert client.get(meeting.get_absolute_url()).status_code == 404


def test_minutes_decisions_and_actions_on_the_minutes_page(client, setting):
    meeting = PastMeetingFactory(programme=setting["programme"], organiser=setting["facilitator"])
    client.force_login(setting["facilitator"])
    client.post(reverse("workshops:minutes", args=[meeting.pk]), {"minutes": "Godt møde."})
    response = client.post(reverse("workshops:decision-add", args=[meeting.pk]), {"text": "Vi tester videre."},
                           HTTP_HX_REQUEST="true")
    assert "Vi tester videre." in response.content.decode() and "<html" not in response.content.decode()
    response = client.post(reverse("workshops:action-add", args=[meeting.pk]),
                           {"text": "Ring til vaskeriet", "owner": setting["staff"].pk, "due_on": "2022-06-01",
                            "make_milestone": "on"}, HTTP_HX_REQUEST="true")
    assert "Ring til vaskeriet" in response.content.decode()
    action = meeting.action_items.get()
    assert action.owner == setting["staff"] and action.milestone.title_da == "Ring til vaskeriet"
    response = client.post(reverse("workshops:action-add", args=[meeting.pk]), {"text": "", "due_on": ""})
    assert response.status_code == 200 and "Write what is to be done." in response.content.decode()
    client.post(reverse("workshops:minutes-publish", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.minutes == "Godt møde." and meeting.minutes_published_at


def test_attendance_page_records_who_came(client, setting):
    meeting = PastMeetingFactory(programme=setting["programme"], cohort=setting["participation"].cohort)
    came = InvitationFactory(meeting=meeting, user=setting["staff"], response="yes")
    InvitationFactory(meeting=meeting, user=setting["other_staff"], response="no")
    client.force_login(setting["facilitator"])
    page = client.get(reverse("workshops:attendance", args=[meeting.pk]))
    assert page.status_code == 200
    response = client.post(reverse("workshops:attendance", args=[meeting.pk]),
                           {"attended": [came.user_id], "walk_ins": [setting["politician"].pk]})
    assert response.status_code == 302
    assert set(meeting.invitations.filter(attended=True).values_list("user", flat=True)) == {
        setting["staff"].pk, setting["politician"].pk}


# --- The calendar ----------------------------------------------------------------------------------------

def test_the_month_grid_places_meetings_on_their_local_day_and_swaps_with_htmx(client, setting):
    client.cookies["django_language"] = "da"  # this test reads the Danish titles
    late = MeetingFactory(programme=setting["programme"], title_da="Sent møde",
                          starts_at=datetime(2030, 3, 31, 23, 30, tzinfo=CPH),  # 21:30 UTC
                          ends_at=datetime(2030, 3, 31, 23, 45, tzinfo=CPH))
    client.force_login(setting["staff"])
    url = reverse("workshops:calendar", args=[setting["programme"].slug])
    page = client.get(url, {"month": "2030-03"}).content.decode()
    assert "Sent møde" in page and 'href="?month=2030-04"' in page and 'href="?month=2030-02"' in page
    cell = page.split('datetime="2030-03-31"')[1].split("</td>")[0]
    assert "Sent møde" in cell and "23:30" in cell
    assert '<th scope="col">' in page and '<th scope="row"' in page
    fragment = client.get(url, {"month": "2030-04"}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="calendar-grid"') and "Sent møde" not in fragment
    assert late.pk
    filtered = client.get(url, {"month": "2030-03", "kind": "learning_module"}).content.decode()
    assert "Sent møde" not in filtered


def test_the_list_filters_by_kind_and_time(client, setting):
    client.cookies["django_language"] = "da"  # this test reads the Danish titles
    PastMeetingFactory(programme=setting["programme"], title_da="Gammelt modul",
                       kind=Meeting.Kind.LEARNING_MODULE)
    client.force_login(setting["observer"])
    url = reverse("workshops:list", args=[setting["programme"].slug])
    page = client.get(url).content.decode()
    assert "Gammelt modul" in page and setting["meeting"].title_da in page
    assert "Gammelt modul" not in client.get(url, {"when": "upcoming"}).content.decode()
    only = client.get(url, {"kind": "learning_module"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Gammelt modul" in only and setting["meeting"].title_da not in only


# --- My meetings and the feed ------------------------------------------------------------------------------

def test_my_meetings_lists_upcoming_invitations_with_answer_buttons(client, setting):
    client.cookies["django_language"] = "da"  # this test reads the Danish titles
    InvitationFactory(meeting=setting["meeting"], user=setting["staff"])
    client.force_login(setting["staff"])
    page = client.get(reverse("workshops:mine")).content.decode()
    assert setting["meeting"].title_da in page
    assert reverse("workshops:rsvp", args=[setting["meeting"].pk]) in page


def test_the_feed_link_is_shown_once_and_revoking_it_makes_it_404(client, setting):
    client.force_login(setting["staff"])
    response = client.post(reverse("workshops:feed-create"))
    feed_url = response.context["feed_url"]
    assert feed_url in response.content.decode()
    token = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(token_hash=token).exists()  # only the hash is stored
    assert token not in client.get(reverse("workshops:mine")).content.decode()  # never shown again
    anonymous = client.__class__()
    assert anonymous.get(feed_url).status_code == 200
    client.post(reverse("workshops:feed-revoke"))
    response = anonymous.get(feed_url)
    assert response.status_code == 404
    assert b"revoked" not in response.content.lower()


def test_a_new_feed_link_replaces_the_old_one_and_a_bad_token_is_404(client, setting):
    _feed, old = services.feed_create(user=setting["staff"])
    _feed, new = services.feed_create(user=setting["staff"])
    assert client.get(reverse("workshops:feed", args=[old])).status_code == 404
    assert client.get(reverse("workshops:feed", args=[new])).status_code == 200
    assert client.get(reverse("workshops:feed", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("workshops:feed", args=["x" * 500])).status_code == 404
    setting["staff"].is_active = False
    setting["staff"].save()
    assert client.get(reverse("workshops:feed", args=[new])).status_code == 404


def test_the_feed_follows_the_persons_current_roles(client, setting):
    politician = setting["politician"]
    meeting = MeetingFactory(programme=setting["programme"], kind=Meeting.Kind.FOLLOW_GROUP)
    InvitationFactory(meeting=meeting, user=politician)
    _feed, token = services.feed_create(user=politician)
    assert meeting.uid.encode() in client.get(reverse("workshops:feed", args=[token])).content
    politician.roles.filter(role=Role.POLITICIAN).update(ends_on=timezone.localdate() - timedelta(days=1))
    assert meeting.uid.encode() not in client.get(reverse("workshops:feed", args=[token])).content


# --- Skills ------------------------------------------------------------------------------------------------

def test_a_participant_assesses_and_the_chart_shows_averages(client, setting):
    programme = setting["programme"]
    client.force_login(setting["staff"])
    url = reverse("workshops:skills-assess", args=[programme.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"stage": "before", "systems_thinking": "2", "circular_models": "1"})
    assert response.status_code == 302
    client.post(url, {"stage": "after", "systems_thinking": "4", "circular_models": "4"})
    page = client.get(reverse("workshops:skills", args=[programme.slug])).content.decode()
    assert "+2,0" not in page and "+2.0" not in page  # one person's answers: no average that reveals them
    assert "only 1 answer: not shown" in page
    for _i in range(2):  # two colleagues answer too: three answers, averages shown
        colleague = staff_of(setting["participation"].municipality)
        for stage, score in (("before", 2), ("after", 4)):
            services.skill_assessment_save(user=colleague, programme=programme, stage=stage, systems_thinking=score,
                                           circular_models=score)
    page = client.get(reverse("workshops:skills", args=[programme.slug])).content.decode()
    assert 'role="img"' in page and "<title>" in page
    assert "+2,0" in page or "+2.0" in page
    assert "210,0" not in page  # SVG coordinates are never localised
    refused = client.post(url, {"stage": "after", "systems_thinking": "9", "circular_models": "4"})
    assert refused.status_code == 200 and refused.context["form"].errors
    client.force_login(setting["politician"])
    assert client.get(url).status_code == 403


# --- Queries do not grow with the data ------------------------------------------------------------------

def _grow(setting, n):
    programme, cohort = setting["programme"], setting["participation"].cohort
    start = datetime(2030, 3, 4, 9, 0, tzinfo=CPH)
    for i in range(n):
        meeting = MeetingFactory(programme=programme, cohort=cohort, starts_at=start + timedelta(days=i % 25),
                                 ends_at=start + timedelta(days=i % 25, hours=2))
        InvitationFactory(meeting=meeting, user=setting["staff"], response="yes")
        InvitationFactory(meeting=meeting, user=setting["facilitator"], response="maybe")
        for _ in range(2):
            InvitationFactory(meeting=meeting, user=UserFactory())
    detail = setting["meeting"]
    for _ in range(n):
        InvitationFactory(meeting=detail, user=UserFactory(), response="yes")
        services.decision_add(meeting=detail, text="Beslutning")
    return detail


@pytest.mark.parametrize("who", ["facilitator", "staff", "politician"])
def test_query_counts_do_not_grow_with_the_data(client, setting, who, django_assert_max_num_queries):
    client.force_login(setting[who])
    calendar = reverse("workshops:calendar", args=[setting["programme"].slug])
    listing = reverse("workshops:list", args=[setting["programme"].slug])
    # Measured: 6–7, 7–8, 9–11, 8–10 and 7–8 queries; the same bound holds at 1× and 10× the data.
    pages = [(calendar + "?month=2030-03", 10), (listing, 10), (setting["meeting"].get_absolute_url(), 14),
             (reverse("workshops:mine"), 12), (reverse("workshops:skills", args=[setting["programme"].slug]), 10)]
    for factor in (1, 10):
        _grow(setting, 3 if factor == 1 else 27)  # 3 meetings, then 30
        for url, bound in pages:
            with django_assert_max_num_queries(bound):
                assert client.get(url).status_code == 200, url
