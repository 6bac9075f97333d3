"""In a real browser, as a facilitator: the audit page lists the changes with their diffs, filters with htmx
and keeps the filters in the address, and passes axe-core (test-artifacts/audit-*.png)."""

import pytest
from django.urls import reverse

from tests.audit.test_audit import _changes_everywhere
from tests.factories import DEMO_PASSWORD, UserFactory, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_facilitator_reads_and_filters_the_audit(browser_page):
    world = build_world()
    editor = UserFactory(full_name="Ada Redaktør", email="ada@example.org")
    _changes_everywhere(world.a, editor, "A")
    _changes_everywhere(world.b, UserFactory(full_name="Bo Berg"), "B")
    page = browser_page
    page.login(world.a.users["facilitator"].email, DEMO_PASSWORD)
    page.goto("/")
    page.switch_language("en")
    page.locator("nav a", has_text="Audit").first.click()
    page.wait_for_load_state()
    assert page.page.url.endswith(reverse("audit:list"))
    assert page.locator("tbody tr").count() > 7
    assert page.locator("text=Bo Berg").count() == 0
    assert page.locator("ins", has_text="Done").count() >= 1
    page.check_accessibility("audit")
    page.screenshot("audit-list-en")

    page.select_option("#id_kind", "milestone")
    page.wait_for_url("**kind=milestone**")
    page.wait_for_load_state("networkidle")
    kinds = set(page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.kind)"))
    assert kinds == {"milestone"}
    assert "kind=milestone" in page.locator("#results a[download]").get_attribute("href")
    page.check_accessibility("audit filtered")
    page.screenshot("audit-milestones-en")

    page.goto(reverse("audit:list") + "?kind=milestone")  # the header's language switch returns to this address
    page.switch_language("da")
    assert page.locator("tbody tr").count() == 2  # created, then done
    page.check_accessibility("audit da")
    page.screenshot("audit-milestones-da")
