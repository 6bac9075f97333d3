"""In a real browser: the home pages of a municipal staff member and an innovation advisor, in Danish and
English, pass axe-core (test-artifacts/home-staff-da.png, home-advisor-en.png, …)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from municipalities.models import AdvisorySession, StageGateOutput
from notifications.models import Notification
from programmes.models import Programme
from tests.factories import DEMO_PASSWORD, MilestoneFactory, build_world
from tests.workshops.factories import InvitationFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _world():
    world = build_world()
    today = timezone.localdate()
    side = world.a
    Programme.objects.filter(pk=side.programme.pk).update(starts_on=today - timedelta(days=400),
                                                          ends_on=today + timedelta(days=300))
    MilestoneFactory(programme=side.programme, participation=side.participation, title_da="Testplan godkendt",
                     title_en="Test plan approved", due_on=today + timedelta(days=6))
    MilestoneFactory(programme=side.programme, participation=side.participation, title_da="Interessentkort",
                     title_en="Stakeholder map", due_on=today - timedelta(days=4))
    StageGateOutput.objects.create(
        participation=side.participation, stage="discover", kind=StageGateOutput.Kind.INSIGHTS,
        title="Indsigter fra genbrugspladsen", body="Interviews med 12 brugere.", state=StageGateOutput.State.RETURNED,
        review_comment="Tilføj et interessentkort, før I går videre.", submitted_at=timezone.now(),
        reviewed_at=timezone.now())
    for user in (side.users["staff"], side.users["advisor"]):
        meeting = MeetingFactory(programme=side.programme, title_da="Læringsmodul 3: Forretningsmodeller",
                                 title_en="Learning module 3: Business models")
        InvitationFactory(meeting=meeting, user=user)
        Notification.objects.create(recipient=user, category="escalations", title="Interessentkort er forsinket",
                                    url="/")
    AdvisorySession.objects.create(participation=side.participation, held_on=today + timedelta(days=9),
                                   advisor=side.users["advisor"], topics="Forberedelse af testen med genbrugspladsen")
    return world


@pytest.mark.parametrize("role", ["staff", "advisor"])
def test_home_page_in_both_languages(browser_page, role):
    world = _world()
    page = browser_page
    page.login(world.a.users[role].email, DEMO_PASSWORD)
    page.goto("/")
    for language in ("da", "en"):
        page.switch_language(language)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("[data-section=returned] li").count() == 1
        assert page.locator("[data-section=meetings] li").count() == 1
        assert page.locator("[data-section=notifications] li").count() == 1
        if role == "advisor":
            assert page.locator("[data-section=sessions] li").count() == 1
            assert page.locator("[data-section=advisor] li .badge-amber").count() == 1
        page.check_accessibility(f"{role} {language}")
        page.screenshot(f"home-{role}-{language}")
