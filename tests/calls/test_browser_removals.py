"""Removing what was added by mistake on a call's manage page, in a real browser, in Danish and English: the
browser asks first (data-confirm), a cancelled question removes nothing, a refusal is shown as a message."""

import pytest

from calls import services
from calls.models import Criterion, Reviewer
from tests.calls.helpers import danish_municipality, make_call, reviewer_of, submitted_application
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXT = {
    "da": {"removed": "Kriteriet “Forankring” er fjernet.", "refused": "kan ikke fjernes"},
    "en": {"removed": "The criterion “Anchoring” was removed.", "refused": "cannot be removed"},
}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_remove_buttons_ask_first_and_refuse_what_is_in_use(browser_page, lang):
    world = build_world()
    call = make_call(world.a)
    facilitator = world.a.users["facilitator"]
    application = submitted_application(call, danish_municipality("Aarhus"))
    busy = reviewer_of(call=call, user=world.a.users["advisor"], by=facilitator)
    review = services.review_assign(application=application, reviewer=busy)
    services.review_save(review=review, conflict_of_interest=True, comment="Inhabil")
    idle = reviewer_of(call=call, user=facilitator)
    first, second = call.criteria.all()
    page = browser_page
    page.login(facilitator.email, None)
    page.switch_language(lang)
    page.goto(f"/calls/manage/{call.pk}/")
    page.check_accessibility(f"manage with remove buttons ({lang})")
    page.screenshot(f"calls-manage-remove-{lang}")

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.locator(f"#criterion-{second.pk} button").click()
    page.wait_for_timeout(300)
    assert questions and ("Forankring" in questions[0] or "Anchoring" in questions[0])
    assert Criterion.objects.filter(pk=second.pk).exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#criterion-{second.pk} button").click()
    page.get_by_text(TEXT[lang]["removed"]).wait_for()
    assert not Criterion.objects.filter(pk=second.pk).exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#reviewer-{busy.pk} button").click()
    page.locator(".messages").get_by_text(TEXT[lang]["refused"]).wait_for()
    assert Reviewer.objects.filter(pk=busy.pk).exists() and Reviewer.objects.filter(pk=idle.pk).exists()
    page.screenshot(f"calls-manage-remove-refused-{lang}")
