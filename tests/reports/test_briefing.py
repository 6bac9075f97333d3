"""The follow-group meeting briefing (issue 7): what it shows, in which order, the PDF telling the same story in
the reader's language, and a fixed number of queries whatever the data."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from municipalities.models import ProgressEntry
from programmes.models import Milestone
from reports.briefing import briefing_for_meeting, briefing_meeting_get_for_user_or_404
from reports.pdf import pdf_text
from tests.factories import (
    CohortFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ParticipationFactory,
    facilitator_of,
    politician_of,
    staff_of,
)
from tests.municipalities.factories_local import IndicatorFactory, MeasurementFactory, entry_with_photo
from tests.reports.downloads import build_waiting_reports, fetch_report
from tests.workshops.factories import ActionItemFactory, DecisionFactory, MeetingFactory
from workshops.models import AgendaItem, Meeting, MeetingInvitation

pytestmark = pytest.mark.django_db

FOLLOW_GROUP = Meeting.Kind.FOLLOW_GROUP


def _days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def _at(n: int, hour: int = 16):
    return timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(days=n)


def _meeting(programme, days: int, **kwargs):
    kwargs.setdefault("title_en", f"Follow-group meeting {days}")
    kwargs.setdefault("title_da", f"Følgegruppemøde {days}")
    return MeetingFactory(programme=programme, kind=FOLLOW_GROUP, starts_at=_at(days),
                          ends_at=_at(days) + timedelta(hours=2), **kwargs)


def _entry(participation, days: int, text: str, **kwargs):
    kwargs.setdefault("state", ProgressEntry.State.PUBLISHED)
    kwargs.setdefault("published_at", timezone.now())
    return ProgressEntry.objects.create(participation=participation, happened_on=_days(days), what_happened=text,
                                        **kwargs)


@pytest.fixture
def scene():
    """A programme with two municipalities, a previous follow-group meeting 30 days ago (minutes published, one
    decision), a cancelled one 10 days ago, and the one being briefed in 14 days."""
    cohort = CohortFactory(name="Hold 1")
    programme = cohort.programme
    aarhus = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name="Aarhusby"), stage="deliver")
    vejle = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name="Vejleby"), stage="develop")
    facilitator = facilitator_of(programme)
    previous = _meeting(programme, -30, title_en="Spring follow-group meeting", title_da="Forårsmøde i følgegruppen",
                        minutes="Vi drøftede testene.", minutes_published_at=timezone.now())
    DecisionFactory(meeting=previous, text="The municipalities share their test designs before the summer.")
    ActionItemFactory(meeting=previous, text="Send the test designs to the facilitators", owner=facilitator)
    _meeting(programme, -10, title_en="Cancelled meeting", status=Meeting.Status.CANCELLED)
    meeting = _meeting(programme, 14, title_en="Autumn follow-group meeting", title_da="Efterårsmøde i følgegruppen",
                       place="Rådhuset, Aarhus")
    AgendaItem.objects.create(meeting=meeting, order=1, title="Welcome and news from the tests", duration_minutes=15)
    AgendaItem.objects.create(meeting=meeting, order=2, title="Decision: scale up the reuse station",
                              presenter="Aarhusby")

    _entry(aarhus, -40, "Old news from before the previous meeting.")
    _entry(aarhus, -30, "News on the day of the previous meeting.")
    _entry(aarhus, -20, "The first reuse station for building materials opened.")
    _entry(aarhus, -5, "Forty visitors took home 3 tonnes of timber.", next_steps="Open a second station.")
    _entry(aarhus, -3, "A secret draft nobody else may read.", state=ProgressEntry.State.DRAFT, published_at=None)
    _entry(vejle, -2, "The tender for reused tiles is stuck.", status=ProgressEntry.Status.AT_RISK,
           blockers="The tender needs political backing for reused materials.")

    done = MilestoneFactory(programme=programme, participation=aarhus, title_en="Reuse station opened",
                            due_on=date(2023, 1, 1), status=Milestone.Status.DONE)
    Milestone.objects.filter(pk=done.pk).update(completed_at=timezone.now() - timedelta(days=10))
    old = MilestoneFactory(programme=programme, participation=aarhus, title_en="Test plan approved",
                           due_on=date(2022, 1, 1), status=Milestone.Status.DONE)
    Milestone.objects.filter(pk=old.pk).update(completed_at=timezone.now() - timedelta(days=60))
    MilestoneFactory(programme=programme, participation=vejle, title_en="Tender published", due_on=date(2022, 6, 1))
    MilestoneFactory(programme=programme, title_en="Mid-term evaluation", due_on=date(2022, 9, 1))

    indicator = IndicatorFactory(participation=aarhus, name="Timber reused", unit="tonnes", baseline=0, target=40)
    MeasurementFactory(indicator=indicator, measured_on=_days(-45), value=12)
    MeasurementFactory(indicator=indicator, measured_on=_days(-4), value=18)

    politician = politician_of(programme)
    return {"programme": programme, "cohort": cohort, "aarhus": aarhus, "vejle": vejle, "meeting": meeting,
            "previous": previous, "politician": politician, "facilitator": facilitator}


def _page(client, user, meeting) -> str:
    client.force_login(user)
    response = client.get(reverse("reports:briefing", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _pdf(client, user, meeting) -> bytes:
    client.force_login(user)
    response = fetch_report(client, reverse("reports:briefing-pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- What the briefing shows ---------------------------------------------------------------------------------

def test_only_published_progress_since_the_previous_meeting_newest_first(client, scene):
    html = _page(client, scene["politician"], scene["meeting"])
    assert "A secret draft" not in html
    assert "Old news" not in html
    assert "News on the day of the previous meeting" not in html  # it was in the previous meeting's briefing
    newest = html.index("Forty visitors took home 3 tonnes of timber.")
    older = html.index("The first reuse station for building materials opened.")
    assert newest < older
    assert "Open a second station." in html
    # Municipalities in the board's order, each with its traffic light and stage.
    assert html.index("Aarhusby") < html.index("Vejleby")
    assert "light-green" in html and "light-amber" in html
    assert "Deliver (test)" in html


def test_the_period_starts_after_the_previous_non_cancelled_meeting(scene):
    data = briefing_for_meeting(user=scene["politician"], meeting=scene["meeting"])
    assert data.previous == scene["previous"]
    assert data.period_start == _days(-29)
    assert data.period_end == _days(14)
    aarhus, vejle = data.municipalities
    assert [e.what_happened[:5] for e in aarhus.entries] == ["Forty", "The f"]
    assert [m.title for m in aarhus.completed] == ["Reuse station opened"]  # not the one completed 60 days ago
    assert [m.title for m in vejle.overdue] == ["Tender published"]
    assert [m.title for m in data.programme_overdue] == ["Mid-term evaluation"]
    assert data.entry_count == 3 and data.completed_count == 1 and data.overdue_count == 2
    [row] = aarhus.indicators
    assert (row.before, row.value, row.target, row.share_of_target) == (12, 18, 40, 45)


def test_the_first_meeting_covers_everything_since_the_programme_started(client, scene):
    first = _meeting(scene["programme"], -60, title_en="First follow-group meeting")
    data = briefing_for_meeting(user=scene["politician"], meeting=first)
    assert data.previous is None
    assert data.period_start == scene["programme"].starts_on
    html = _page(client, scene["politician"], first)
    assert "Since the programme started on 31.08.2021" in html
    assert "Decided at the previous meeting" not in html


def test_decisions_needed_agenda_and_previous_decisions(client, scene):
    html = _page(client, scene["politician"], scene["meeting"])
    assert "Decision: scale up the reuse station" in html
    assert html.index("Welcome and news from the tests") < html.index("Decision: scale up the reuse station")
    assert "The tender needs political backing for reused materials." in html
    assert "Mid-term evaluation" in html
    assert "The municipalities share their test designs before the summer." in html
    assert "Send the test designs to the facilitators" in html
    assert "Cancelled meeting" not in html


def test_unpublished_minutes_keep_the_previous_decisions_from_politicians(client, scene):
    Meeting.objects.filter(pk=scene["previous"].pk).update(minutes_published_at=None)
    html = _page(client, scene["politician"], scene["meeting"])
    assert "The municipalities share their test designs" not in html
    assert "The minutes of the previous meeting are not published yet." in html
    # The organisers see their draft decisions.
    assert "The municipalities share their test designs" in _page(client, scene["facilitator"], scene["meeting"])


def test_an_invited_municipal_employee_sees_only_their_own_municipality(client, scene):
    staff = staff_of(scene["aarhus"].municipality)
    MeetingInvitation.objects.create(meeting=scene["meeting"], user=staff)
    html = _page(client, staff, scene["meeting"])
    assert "Aarhusby" in html
    assert "Vejleby" not in html and "political backing" not in html


def test_only_follow_group_meetings_have_a_briefing(client, scene):
    sparring = MeetingFactory(programme=scene["programme"], kind=Meeting.Kind.SPARRING)
    client.force_login(scene["facilitator"])
    assert client.get(reverse("reports:briefing", args=[sparring.pk])).status_code == 404
    assert fetch_report(client, reverse("reports:briefing-pdf", args=[sparring.pk])).status_code == 404
    with pytest.raises(Http404):
        briefing_meeting_get_for_user_or_404(user=scene["facilitator"], pk=sparring.pk)


def test_a_cohort_meeting_briefs_only_that_cohort(client, scene):
    other = CohortFactory(programme=scene["programme"], name="Hold 2")
    ParticipationFactory(cohort=other, municipality=MunicipalityFactory(name="Odenseby"))
    meeting = _meeting(scene["programme"], 20, cohort=scene["cohort"])
    html = _page(client, scene["politician"], meeting)
    assert "Aarhusby" in html and "Odenseby" not in html
    assert "Odenseby" in _page(client, scene["politician"], scene["meeting"])


# --- The PDF ---------------------------------------------------------------------------------------------------

PAGE_AND_PDF = [
    "Briefing", "Aarhusby", "Vejleby", "Rådhuset, Aarhus",
    "Forty visitors took home 3 tonnes of timber.", "The first reuse station for building materials opened.",
    "The tender needs political backing for reused materials.", "Welcome and news from the tests",
    "Decision: scale up the reuse station", "Reuse station opened", "Tender published", "Mid-term evaluation",
    "The municipalities share their test designs before the summer.", "Timber reused",
    "On track", "Watch", "Deliver (test)", "Progress reports in the period", "Milestones completed in the period",
    "Milestones overdue now", "At a glance", "For the follow-group's attention", "Decided at the previous meeting",
]


def test_the_pdf_has_the_figures_and_headlines_of_the_page(client, scene):
    html = _flat(_page(client, scene["politician"], scene["meeting"]).replace("&#x27;", "'"))
    text = _flat(pdf_text(_pdf(client, scene["politician"], scene["meeting"])))
    for phrase in PAGE_AND_PDF:
        assert phrase in html, phrase
        assert phrase in text, phrase
    assert "A secret draft" not in text and "Old news" not in text
    assert text.index("Forty visitors") < text.index("The first reuse station")
    # The headline figures: 3 reports, 1 milestone completed, 2 overdue; the indicator 12 → 18 of 40.
    assert "Progress reports in the period 3" in text
    assert "Milestones completed in the period 1" in text
    assert "Milestones overdue now 2" in text
    assert "Timber reused (tonnes) 12 18 40" in text
    for figure in ('<span class="briefing-figure">3</span>', '<span class="briefing-figure">1</span>',
                   '<span class="briefing-figure">2</span>'):
        assert figure in html


@pytest.fixture
def danish_catalogue(settings, tmp_path):
    """The Danish catalogue compiled from locale/da (the .mo is a build product, not in git), so the Danish
    check does not depend on whether `make translations` ran before the tests."""
    import polib

    target = tmp_path / "locale" / "da" / "LC_MESSAGES"
    target.mkdir(parents=True)
    polib.pofile(str(settings.BASE_DIR / "locale" / "da" / "LC_MESSAGES" / "django.po")).save_as_mofile(
        str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]  # setting_changed empties Django's translation caches


@pytest.mark.usefixtures("danish_catalogue")
@pytest.mark.parametrize(("language", "title", "label", "stage", "agenda"), [
    ("en", "Autumn follow-group meeting", "On track", "Deliver (test)", "Agenda"),
    ("da", "Efterårsmøde i følgegruppen", "På sporet", "Test", "Dagsorden"),
])
def test_page_and_pdf_speak_the_readers_language(client, scene, language, title, label, stage, agenda):
    politician = scene["politician"]
    politician.language = language
    politician.save(update_fields=["language"])
    html = _page(client, politician, scene["meeting"])
    assert f'<html lang="{language}">' in html
    text = _flat(pdf_text(_pdf(client, politician, scene["meeting"])))
    for phrase in (title, label, stage, agenda):
        assert phrase in html, phrase
        assert phrase in text, phrase


def test_a_progress_photo_is_on_the_page_and_in_the_pdf(client, scene):
    entry = entry_with_photo(scene["aarhus"], scene["facilitator"])
    ProgressEntry.objects.filter(pk=entry.pk).update(happened_on=_days(-1))
    photo = entry.photos.get()
    html = _page(client, scene["politician"], scene["meeting"])
    assert reverse("municipalities:photo-thumbnail", args=[photo.pk]) in html
    assert client.get(reverse("municipalities:photo-thumbnail", args=[photo.pk])).status_code == 200
    reader = PdfReader(BytesIO(_pdf(client, scene["politician"], scene["meeting"])))
    assert sum(len(page.images) for page in reader.pages) == 1


# --- Queries do not grow with the data --------------------------------------------------------------------------

def _grow(scene, times: int):
    """More municipalities, each with entries (some with blockers), milestones and indicators with measurements."""
    for i in range(times):
        participation = ParticipationFactory(cohort=scene["cohort"])
        for day in (-1, -6, -12, -18, -24, -26):
            _entry(participation, day, f"Entry {i} {day}", blockers="Stuck." if day == -6 else "")
        MilestoneFactory(programme=scene["programme"], participation=participation, due_on=date(2022, 3, 1))
        done = MilestoneFactory(programme=scene["programme"], participation=participation, due_on=date(2023, 3, 1),
                                status=Milestone.Status.DONE)
        Milestone.objects.filter(pk=done.pk).update(completed_at=timezone.now() - timedelta(days=2))
        for n in range(2):
            indicator = IndicatorFactory(participation=participation)
            for day in (-40, -20, -3):
                MeasurementFactory(indicator=indicator, measured_on=_days(day), value=10 + n + abs(day))
    DecisionFactory.create_batch(3, meeting=scene["previous"])
    ActionItemFactory.create_batch(3, meeting=scene["previous"])
    for n in range(5):
        AgendaItem.objects.create(meeting=scene["meeting"], order=10 + n, title=f"Item {n}")


def _count(callable_) -> int:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


@pytest.mark.parametrize("user_key", ["politician", "facilitator"])
def test_queries_do_not_grow_with_the_data(client, scene, django_assert_num_queries, user_key):
    user = scene[user_key]
    meeting = scene["meeting"]
    client.force_login(user)
    page, pdf = reverse("reports:briefing", args=[meeting.pk]), reverse("reports:briefing-pdf", args=[meeting.pk])
    client.get(page)  # warm up: session, content types

    def selector():
        user.__dict__.pop("_cc_scope", None)
        briefing_for_meeting(user=user, meeting=meeting)

    def ask_and_build():
        """Ask for the PDF (202: being prepared) and build it as the worker does; the file replaces an earlier one."""
        meeting.save()  # a write to the programme: the next PDF is a new file (reports/versions.py)
        return _count(lambda: client.get(pdf)), _count(build_waiting_reports)

    ask_and_build()  # the first file of this reader
    small = {"selector": _count(selector), "page": _count(lambda: client.get(page)), "pdf": ask_and_build()}
    assert small["selector"] <= 14
    _grow(scene, 12)
    with django_assert_num_queries(small["selector"]):
        selector()
    with django_assert_num_queries(small["page"]):
        response = client.get(page)
    # the screen shows ten municipalities a page, the PDF all fourteen
    assert response.content.decode().count(" briefing-municipality\"") == 10
    with django_assert_num_queries(small["page"]):
        response = client.get(page + "?page=2")
    assert response.content.decode().count(" briefing-municipality\"") == 4
    assert ask_and_build() == small["pdf"]
    response = fetch_report(client, pdf)
    text = pdf_text(response.content)
    for row in briefing_for_meeting(user=user, meeting=meeting).municipalities:
        assert str(row.municipality) in text


def test_meeting_page_and_politician_overview_link_to_the_briefing(client, scene):
    meeting = scene["meeting"]
    client.force_login(scene["politician"])
    briefing, pdf = reverse("reports:briefing", args=[meeting.pk]), reverse("reports:briefing-pdf", args=[meeting.pk])
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert briefing in detail and pdf in detail
    overview = client.get(reverse("dashboards:programme", args=[scene["programme"].slug])).content.decode()
    assert briefing in overview and pdf in overview
    sparring = MeetingFactory(programme=scene["programme"], kind=Meeting.Kind.SPARRING)
    assert "/briefing" not in client.get(sparring.get_absolute_url()).content.decode()


def test_the_pdf_is_cached_by_its_content_never_across_what_people_may_see(client, scene):
    """Readers whose briefing comes out the same share one rendered file (reports/pdf.py ``cached_render``); a
    reader who sees less gets their own, and a newly published entry is in the next download."""
    meeting = scene["meeting"]
    facilitator_pdf = _pdf(client, scene["facilitator"], meeting)
    politician_pdf = _pdf(client, scene["politician"], meeting)
    staff = staff_of(scene["aarhus"].municipality)
    MeetingInvitation.objects.create(meeting=meeting, user=staff)
    staff_text = pdf_text(_pdf(client, staff, meeting))
    assert "Aarhusby" in staff_text and "Vejleby" not in staff_text
    assert "Vejleby" in pdf_text(politician_pdf) and "Vejleby" in pdf_text(facilitator_pdf)
    _entry(scene["vejle"], -1, "Published just before the meeting")
    assert "Published just before the meeting" in pdf_text(_pdf(client, scene["politician"], meeting))
