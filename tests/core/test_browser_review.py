"""In a real browser: the facilitator's home with "Waiting for your review" and the unread card, in Danish
and English, passes axe-core (test-artifacts/home-facilitator-da.png, home-facilitator-en.png)."""

import pytest
from django.utils import timezone

from municipalities import services
from municipalities.models import StageGateOutput
from tests.factories import DEMO_PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_facilitator_home_shows_what_waits_for_review_in_both_languages(browser_page):
    world = build_world()
    side = world.a
    side.users["facilitator"].language = "da"  # notifications are written in the recipient's language
    side.users["facilitator"].save()
    # Submitted through the service, so the facilitator is told as in real use (Celery runs in-process).
    services.stage_output_submit(participation=side.participation, by=side.users["staff"], stage="discover",
                                 kind=StageGateOutput.Kind.INSIGHTS, title="Indsigter fra genbrugspladsen",
                                 body="Interviews med 12 brugere og 3 virksomheder.")
    services.stage_output_submit(participation=side.other_participation, by=side.users["staff"], stage="discover",
                                 kind=StageGateOutput.Kind.INSIGHTS, title="Interessentkort for byggeaffald",
                                 body="Kortlægning af 20 aktører.")
    StageGateOutput.objects.filter(title="Interessentkort for byggeaffald").update(submitted_at=timezone.now())
    services.stage_output_submit(participation=world.b.participation, by=world.b.users["staff"], stage="discover",
                                 kind=StageGateOutput.Kind.INSIGHTS, title="Program B's output", body="B")
    page = browser_page
    page.login(side.users["facilitator"].email, DEMO_PASSWORD)
    page.goto("/")
    for language in ("da", "en"):
        page.switch_language(language)
        assert page.locator("[data-section=review] li").count() == 2
        assert page.locator("[data-section=notifications] li").count() == 2
        assert page.get_by_text("Program B's output").count() == 0
        assert page.locator("[data-section=notifications]").get_by_text(
            "By a1 har indsendt “Indsigter fra genbrugspladsen” til vurdering").count() == 1
        page.check_accessibility(f"facilitator {language}")
        page.screenshot(f"home-facilitator-{language}")
    page.locator("[data-section=review] li a").first.click()
    page.wait_for_load_state()
    assert "/stages/" in page.page.url and "#output-" in page.page.url
