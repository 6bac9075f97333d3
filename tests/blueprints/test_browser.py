"""In a real browser, in Danish: a facilitator starts a new programme from theirs — form, preview of every date,
confirm — and keeps a programme as a named template; the same pages in English. Every page is checked with
axe-core and photographed (test-artifacts/blueprints-*.png)."""

import pytest
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from blueprints.models import ProgrammeTemplate
from programmes.models import Milestone, Phase, Programme
from tests.blueprints.helpers import structure
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def check(page, name):
    page.wait_for_load_state("networkidle")
    page.check_accessibility(name)
    page.screenshot(f"blueprints-{name}")


def fill(page, start="2026-03-02"):
    page.fill("input[name=name_da]", "Cirkulære byer, runde 2")
    page.fill("input[name=name_en]", "Circular Cities, round 2")
    page.fill("input[name=slug]", "cirkulaere-byer-2")
    page.fill("input[name=starts_on]", start)


def test_facilitator_previews_every_date_then_confirms_in_danish(browser_page):
    world = build_world()
    structure(world.a)
    facilitator = world.a.users["facilitator"]
    facilitator.language = "da"
    facilitator.save(update_fields=["language"])
    page = browser_page
    page.login(facilitator.email, None)
    page.switch_language("da")

    page.goto(world.a.programme.get_absolute_url())
    page.locator("main a.button", has_text="Start et nyt program ud fra dette").click()
    check(page, "copy-form-da")

    # A start that would push dates past 2099: a clear message, the dates marked, nothing to confirm.
    fill(page, start="2099-06-01")
    page.locator("main button[name=preview]").click()
    page.locator("main h1", has_text="Tjek det nye programs datoer").wait_for()
    assert "31.12.2099" in page.locator("main [role=alert]").inner_text()
    assert page.locator("main button[name=confirm]").count() == 0
    assert page.locator("main tr.copy-outside").count() > 0
    check(page, "copy-preview-out-of-range-da")
    page.locator("main button[name=edit]").click()
    page.locator("main input[name=starts_on]").wait_for()

    fill(page)
    page.locator("main button[name=preview]").click()
    page.locator("main h1", has_text="Tjek det nye programs datoer").wait_for()
    text = page.locator("main").inner_text()
    assert "Alle datoer flyttes 1644 dage" in text
    assert "01.09.2021" in text and "03.03.2026" in text  # the phase "Afdækning" before and after
    assert "15.11.2021 09:30" in text and "17.05.2026 09:30" in text  # the learning module keeps its hour
    assert not Programme.objects.filter(slug="cirkulaere-byer-2").exists()  # nothing saved by the preview
    check(page, "copy-preview-da")

    page.locator("main button[name=confirm]").click()
    page.locator("main h1", has_text="Cirkulære byer, runde 2").wait_for()
    assert "blev oprettet ud fra" in page.locator("body").inner_text()
    copy = Programme.objects.get(slug="cirkulaere-byer-2")
    assert Phase.objects.filter(programme=copy).count() == 2 and Milestone.objects.filter(programme=copy).count() == 2
    assert list(RoleAssignment.objects.filter(programme=copy).values_list("user_id", "role")) == [
        (facilitator.pk, Role.FACILITATOR)]
    check(page, "copy-done-da")

    # Keep the first programme as a named template; it shows in the list.
    page.goto(reverse("blueprints:keep", args=[world.a.programme.slug]))
    check(page, "template-form-da")
    page.fill("input[name=name_da]", "Byforløb på to år")
    page.fill("input[name=name_en]", "Two-year city course")
    page.locator("main form button[type=submit]").click()
    page.locator("main h1", has_text="Programskabeloner").wait_for()
    assert ProgrammeTemplate.objects.filter(programme=world.a.programme).exists()
    check(page, "templates-da")
    page.locator("main a.button", has_text="Start et program").click()
    check(page, "template-start-da")

    # The same pages in English.
    page.switch_language("en")
    page.goto(reverse("blueprints:templates"))
    page.locator("main h1", has_text="Programme templates").wait_for()
    check(page, "templates-en")
    page.goto(reverse("blueprints:keep", args=[world.a.programme.slug]))
    check(page, "template-form-en")
    page.goto(reverse("blueprints:copy", args=[world.a.programme.slug]))
    check(page, "copy-form-en")
    page.fill("input[name=name_da]", "Cirkulære byer, runde 3")
    page.fill("input[name=starts_on]", "2027-01-04")
    page.locator("main button[name=preview]").click()
    page.locator("main h1", has_text="Check the new programme's dates").wait_for()
    check(page, "copy-preview-en")
