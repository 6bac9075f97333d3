"""Agenda items the follow-group is asked to decide on: set on the meeting form, shown on the meeting page, the
politicians' overview and the briefing (page and PDF)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.pdf import pdf_text
from tests.factories import ParticipationFactory, ProgrammeFactory, facilitator_of, politician_of, staff_of
from tests.reports.downloads import fetch_report
from tests.workshops.factories import MeetingFactory
from tests.workshops.test_views import _meeting_post
from workshops.models import AgendaItem, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_group():
    programme = ProgrammeFactory()
    participation = ParticipationFactory(cohort__programme=programme)
    facilitator = facilitator_of(programme)
    start = timezone.now() + timedelta(days=10)
    meeting = MeetingFactory(programme=programme, kind=Meeting.Kind.FOLLOW_GROUP, organiser=facilitator,
                             starts_at=start, ends_at=start + timedelta(hours=2), title_en="Follow-group meeting")
    AgendaItem.objects.create(meeting=meeting, order=1, title="News from the tests")
    AgendaItem.objects.create(meeting=meeting, order=2, title="Scale up the reuse station", decision_needed=True)
    return {"programme": programme, "participation": participation, "meeting": meeting, "facilitator": facilitator,
            "politician": politician_of(programme)}


def test_the_meeting_form_marks_an_item_for_decision(client, follow_group):
    client.force_login(follow_group["facilitator"])
    response = client.post(reverse("workshops:create", args=[follow_group["programme"].slug]), _meeting_post(
        kind="follow_group", **{"agenda-1-decision_needed": "on"}))
    assert response.status_code == 302
    meeting = Meeting.objects.exclude(pk=follow_group["meeting"].pk).get()
    assert [(i.title, i.decision_needed) for i in meeting.agenda_items.all()] == [
        ("Velkomst", False), ("Sparring i par", True)]
    page = client.get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Decision needed" in page
    edit = client.get(reverse("workshops:edit", args=[meeting.pk])).content.decode()
    assert 'name="agenda-1-decision_needed" id="id_agenda-1-decision_needed" checked' in edit


def test_a_decision_without_a_title_is_refused_and_nothing_saved(client, follow_group):
    client.force_login(follow_group["facilitator"])
    before = Meeting.objects.count()
    response = client.post(reverse("workshops:create", args=[follow_group["programme"].slug]), _meeting_post(
        **{"agenda-2-decision_needed": "on"}))
    assert response.status_code == 200
    assert "Give the agenda item a title." in response.content.decode()
    assert Meeting.objects.count() == before


def test_politicians_see_the_decisions_of_the_next_meetings(client, follow_group):
    client.force_login(follow_group["politician"])
    page = client.get(reverse("dashboards:programme", args=[follow_group["programme"].slug])).content.decode()
    section = page[page.index('id="upcoming-title"'):]
    assert "1 decision needed" in section and "Scale up the reuse station" in section
    assert "News from the tests" not in section  # only the items to decide on
    AgendaItem.objects.filter(meeting=follow_group["meeting"]).update(decision_needed=False)
    page = client.get(reverse("dashboards:programme", args=[follow_group["programme"].slug])).content.decode()
    assert "decision needed" not in page[page.index('id="upcoming-title"'):]


def test_the_briefing_page_and_pdf_list_the_decisions(client, follow_group):
    client.force_login(follow_group["politician"])
    meeting = follow_group["meeting"]
    page = client.get(reverse("reports:briefing", args=[meeting.pk])).content.decode()
    attention = page[page.index('id="attention-heading"'):]
    assert "Decisions needed at this meeting" in attention and "Scale up the reuse station" in attention
    text = " ".join(pdf_text(fetch_report(client, reverse("reports:briefing-pdf", args=[meeting.pk])).content).split())
    assert "Decisions needed at this meeting" in text
    assert "Scale up the reuse station (decision needed)" in text
    today = f"as of {timezone.localdate():%d.%m.%Y}"  # the lights are today's, also for a past meeting
    assert today in page and today in text


def test_staff_do_not_see_decisions_of_meetings_they_may_not_see(client, follow_group):
    """The decisions come with the meeting: somebody who cannot see the meeting does not see them."""
    staff = staff_of(follow_group["participation"].municipality)
    client.force_login(staff)
    response = client.get(reverse("dashboards:programme", args=[follow_group["programme"].slug]))
    assert response.status_code == 200
    assert "Scale up the reuse station" not in response.content.decode()
