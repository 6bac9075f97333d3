"""In a real browser, as a politician: the overview shows every municipality's traffic light (with words and a
shape, not colour alone) and the programme's timeline, and passes axe-core (test-artifacts/dashboard-*.png).
A facilitator's cohort dashboard filters with htmx and keeps the filter in the address."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import ProgressEntry
from programmes.models import Participation
from programmes.status import status_refresh
from tests.factories import (
    DEMO_PASSWORD,
    facilitator_of,
    politician_of,
)
from tests.programmes.helpers import three_towns
from tests.workshops.factories import MeetingFactory
from workshops.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _programme():
    programme, towns = three_towns(advisors=True)
    ProgressEntry.objects.create(
        participation=towns["Aarhusby"], happened_on=timezone.localdate() - timedelta(days=3),
        what_happened="Første genbrugsstation for byggematerialer åbnede med 40 besøgende.",
        status=ProgressEntry.Status.ON_TRACK, state=ProgressEntry.State.PUBLISHED, published_at=timezone.now())
    status_refresh(participation_ids=[towns["Aarhusby"].pk])  # as the services do (programmes/status.py)
    MeetingFactory(programme=programme, kind=Meeting.Kind.FOLLOW_GROUP, title_da="Følgegruppemøde 3",
                   title_en="Follow-group meeting 3")
    return programme, towns


def test_politician_sees_every_traffic_light_and_the_timeline(browser_page):
    programme, towns = _programme()
    politician = politician_of(programme, user__full_name="Pia Politiker")
    page = browser_page
    page.login(politician.email, DEMO_PASSWORD)

    page.goto(reverse("programmes:detail", args=[programme.slug]))
    page.get_by_role("link", name="Overview for politicians").or_(
        page.locator(f"a[href='{reverse('dashboards:programme', args=[programme.slug])}']")).first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text()
    cards = page.locator("article.dash-card")
    assert cards.count() == 3
    for name, colour in (("Aarhusby", "green"), ("Vejleby", "amber"), ("Sønderby", "red")):
        card = cards.filter(has_text=name)
        assert card.locator(f".light-{colour} .light-icon").count() == 1
        assert card.locator(".light-label").inner_text().strip()
        assert card.locator(".dash-reason").inner_text().strip()
    assert "genbrugsstation" in cards.filter(has_text="Aarhusby").inner_text()
    assert page.locator("svg.timeline-svg[role=img]").count() == 1
    assert page.locator("svg.timeline-svg .tl-phase").count() == 2
    assert "Follow-group meeting 3" in page.locator("main").inner_text()
    page.check_accessibility("politician dashboard")
    page.screenshot("dashboard-politician")
    # The cohort dashboard is not for politicians.
    assert page.goto(reverse("dashboards:cohort", args=[programme.slug])).status == 403


def test_facilitator_filters_the_cohort_dashboard(browser_page):
    programme, towns = _programme()
    facilitator = facilitator_of(programme)
    page = browser_page
    page.login(facilitator.email, DEMO_PASSWORD)
    url = reverse("dashboards:cohort", args=[programme.slug])
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.check_accessibility("cohort dashboard")
    page.screenshot("dashboard-cohort")
    assert Participation.objects.filter(cohort__programme=programme).count() == 3

    page.select_option("#id_status", "red")
    page.wait_for_url("**status=red**")
    page.wait_for_load_state("networkidle")
    body = page.locator("#dashboard-body").inner_text()
    assert "Sønderby" in body and "Aarhusby" not in body
    page.check_accessibility("cohort dashboard, filtered")
    page.screenshot("dashboard-cohort-red")
