"""In a real browser, as a politician of the follow-group: the programme overview shows every municipality's
traffic light and the timeline; the next follow-group meeting links to its briefing, which shows the progress
since the previous meeting with its photo, downloads as a PDF with the same headlines, passes axe-core in English
and Danish (test-artifacts/briefing-*.png); every edit page answers 403, and another programme 404."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import ProgressEntry
from reports.pdf import pdf_text
from tests.factories import (
    DEMO_PASSWORD,
    CohortFactory,
    facilitator_of,
    politician_of,
)
from tests.municipalities.factories_local import IndicatorFactory, MeasurementFactory, image_bytes, photo_upload
from tests.programmes.helpers import three_towns
from tests.workshops.factories import DecisionFactory, MeetingFactory
from workshops.models import AgendaItem, Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _at(days: int):
    return timezone.localtime().replace(hour=16, minute=0, second=0, microsecond=0) + timedelta(days=days)


def _programme():
    programme, towns = three_towns()
    programme.ends_on = timezone.localdate() + timedelta(days=365)  # still running: its news is of this week
    programme.save(update_fields=["ends_on"])
    facilitator = facilitator_of(programme)

    previous = MeetingFactory(programme=programme, kind=Meeting.Kind.FOLLOW_GROUP, starts_at=_at(-30),
                              ends_at=_at(-30) + timedelta(hours=2), title_en="Follow-group meeting 2",
                              title_da="Følgegruppemøde 2", minutes="Godt møde.", minutes_published_at=timezone.now())
    DecisionFactory(meeting=previous, text="The municipalities share their test designs before the summer.")
    meeting = MeetingFactory(programme=programme, kind=Meeting.Kind.FOLLOW_GROUP, title_da="Følgegruppemøde 3",
                             title_en="Follow-group meeting 3", place="Rådhuset, Aarhus")
    AgendaItem.objects.create(meeting=meeting, order=1, title="News from the local tests", duration_minutes=20)
    AgendaItem.objects.create(meeting=meeting, order=2, title="Decision: scale up the reuse station")

    from municipalities.services import progress_entry_save

    progress_entry_save(participation=towns["Aarhusby"], by=facilitator,
                        happened_on=timezone.localdate() - timedelta(days=3),
                        what_happened="The first reuse station for building materials opened with 40 visitors.",
                        photos=[photo_upload(image_bytes(size=(640, 420), color=(70, 140, 100)))], publish=True)
    ProgressEntry.objects.create(
        participation=towns["Vejleby"], happened_on=timezone.localdate() - timedelta(days=8),
        what_happened="The tender for reused tiles is waiting.", status=ProgressEntry.Status.AT_RISK,
        blockers="The tender needs political backing for reused materials.",
        state=ProgressEntry.State.PUBLISHED, published_at=timezone.now())
    indicator = IndicatorFactory(participation=towns["Aarhusby"], name="Timber reused", unit="tonnes", baseline=0,
                                 target=40)
    MeasurementFactory(indicator=indicator, measured_on=timezone.localdate() - timedelta(days=40), value=8)
    MeasurementFactory(indicator=indicator, measured_on=timezone.localdate() - timedelta(days=2), value=18)
    return programme, towns, meeting


def test_politician_reads_the_briefing_and_downloads_its_pdf(browser_page):
    programme, towns, meeting = _programme()
    other = CohortFactory().programme
    other_meeting = MeetingFactory(programme=other, kind=Meeting.Kind.FOLLOW_GROUP)
    politician = politician_of(programme, user__full_name="Pia Politiker")
    page = browser_page
    page.login(politician.email, DEMO_PASSWORD)

    # The overview: every municipality's traffic light and the timeline.
    page.goto(reverse("dashboards:programme", args=[programme.slug]))
    cards = page.locator("article.dash-card")
    assert cards.count() == 3
    for name, colour in (("Aarhusby", "green"), ("Vejleby", "amber"), ("Sønderby", "red")):
        assert cards.filter(has_text=name).locator(f".light-{colour} .light-icon").count() == 1
    assert page.locator("svg.timeline-svg[role=img]").count() == 1

    # The next follow-group meeting links to its briefing.
    page.get_by_role("link", name=re.compile(r"^Briefing\W+Follow-group meeting 3$")).click()
    page.wait_for_load_state("networkidle")
    assert page.page.url.endswith(reverse("reports:briefing", args=[meeting.pk]))
    assert page.locator("h1").inner_text().strip() == "Follow-group meeting 3"
    municipalities = page.locator("article.briefing-municipality")
    assert municipalities.count() == 3
    for name, colour in (("Aarhusby", "green"), ("Vejleby", "amber"), ("Sønderby", "red")):
        assert municipalities.filter(has_text=name).locator(f".light-{colour} .light-label").inner_text().strip()
    photo = municipalities.filter(has_text="Aarhusby").locator(".briefing-photo img")
    assert photo.count() == 1
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", photo.element_handle())
    main = page.locator("main").inner_text()
    for phrase in ("The first reuse station", "political backing", "Decision: scale up the reuse station",
                   "The municipalities share their test designs", "Timber reused"):
        assert phrase in main, phrase
    page.check_accessibility("briefing (English)")
    page.screenshot("briefing-en")
    # On paper: no site header, navigation or buttons; the municipalities and their pictures stay.
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.get_by_role("link", name="Download PDF", exact=True).is_visible()
    assert photo.is_visible()
    page.screenshot("briefing-print")
    page.emulate_media(media="screen")

    # The PDF: asked for from the page, built by the worker while the reader waits on a "being prepared" page,
    # which fetches the file by itself when it is ready (no reload), with the same headlines.
    with page.expect_download(timeout=30_000) as download_info:
        page.get_by_role("link", name="Download PDF", exact=True).click()
        status = page.locator("#report-status")
        status.wait_for()
        assert "Being prepared" in status.inner_text()
        page.screenshot("briefing-pdf-being-prepared-en")
    download = download_info.value
    assert page.locator("#report-status").get_by_text("The file is ready.").count() == 1
    page.get_by_role("link", name="Back", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        text = " ".join(pdf_text(handle.read()).split())
    for phrase in ("Follow-group meeting 3", "Aarhusby", "Vejleby", "Sønderby",
                   "The first reuse station for building materials opened with 40 visitors.",
                   "The tender needs political backing for reused materials.", "Timber reused", "On track",
                   "Needs attention", "Decision: scale up the reuse station"):
        assert phrase in text, phrase

    # In Danish.
    page.switch_language("da")
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("h1").inner_text().strip() == "Følgegruppemøde 3"
    page.check_accessibility("briefing (Danish)")
    page.screenshot("briefing-da")

    # Read-only: every edit page is forbidden; another programme does not exist for them.
    participation = towns["Aarhusby"]
    for url in (reverse("workshops:edit", args=[meeting.pk]), reverse("workshops:minutes", args=[meeting.pk]),
                reverse("programmes:edit", args=[programme.slug]),
                reverse("workshops:create", args=[programme.slug]),
                reverse("municipalities:participation-edit", args=[participation.pk]),
                reverse("municipalities:progress-create", args=[participation.pk])):
        assert page.goto(url).status == 403, url
    for url in (reverse("dashboards:programme", args=[other.slug]),
                reverse("reports:briefing", args=[other_meeting.pk]),
                reverse("reports:briefing-pdf", args=[other_meeting.pk])):
        assert page.goto(url).status == 404, url


def test_a_danish_politician_asks_for_the_briefing_pdf_and_gets_it_without_reloading(browser_page):
    """Issue 17: the PDF is built by the worker; the politician sees that it is being prepared and the file
    arrives by itself; the politician of another programme never reaches it."""
    programme, _towns, meeting = _programme()
    politician = politician_of(programme, user__full_name="Pia Politiker")
    other_politician = politician_of(CohortFactory().programme, user__full_name="Ole Andenby")
    page = browser_page
    page.login(politician.email, DEMO_PASSWORD)
    page.switch_language("da")
    page.goto(reverse("reports:briefing", args=[meeting.pk]))
    with page.expect_download(timeout=30_000) as download_info:
        page.get_by_role("link", name="Hent PDF", exact=True).click()
        status = page.locator("#report-status")
        status.wait_for()
        assert "Forberedes" in status.inner_text()
        assert page.locator("html").get_attribute("lang") == "da"
        page.check_accessibility("briefing PDF being prepared (Danish)")
        page.screenshot("briefing-pdf-being-prepared-da")
    download = download_info.value
    assert download.suggested_filename.startswith("orientering-") and download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        text = " ".join(pdf_text(handle.read()).split())
    assert "Følgegruppemøde 3" in text and "Aarhusby" in text
    assert page.locator("#report-status").get_by_text("Filen er klar.").count() == 1
    page.screenshot("briefing-pdf-ready-da")

    page.logout()
    page.login(other_politician.email, DEMO_PASSWORD)
    assert page.goto(reverse("reports:briefing-pdf", args=[meeting.pk])).status == 404
