"""The overspend label of the budget chart is drawn whole (issue 15.14), in Danish and English, with the widest
figures a national programme has."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import DEMO_PASSWORD, build_world
from tests.programmes.helpers import BudgetLineFactory, SpendingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_overspend_label_fits_in_the_chart(browser_page):
    world = build_world()
    programme = world.a.programme
    line = BudgetLineFactory(programme=programme, code="WP4", allocated_dkk=Decimal("11440000"))
    SpendingFactory(budget_line=line, amount_dkk=Decimal("12585000"))
    page = browser_page
    page.login(world.a.users["facilitator"].email, DEMO_PASSWORD)
    for language in ("da", "en"):
        page.switch_language(language)
        page.goto(reverse("programmes:budget", args=[programme.slug]))
        label = page.locator("svg.chart-svg text.chart-over").first
        assert "12.585.000" in label.text_content() or "12,585,000" in label.text_content()
        right_edge, width = page.evaluate(
            """() => { const t = document.querySelector('svg.chart-svg text.chart-over');
                       const b = t.getBBox(); return [b.x + b.width, t.ownerSVGElement.viewBox.baseVal.width]; }""")
        assert right_edge <= width, f"label ends at {right_edge} of {width} ({language})"
        page.screenshot(f"budget-overspend-{language}")
