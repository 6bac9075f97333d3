"""In a real browser, as the funder (an observer): the funder report shows its key figures and charts, each chart
followed by its table, passes axe-core in Danish and English, and prints without the navigation and the
download buttons (test-artifacts/funder-report-*.png)."""

import pytest
from django.urls import reverse

from tests.factories import DEMO_PASSWORD, observer_of
from tests.reports.test_funder import build_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("language", ["da", "en"])
def test_funder_reads_the_report(browser_page, language):
    programme = build_programme()
    funder = observer_of(programme, user__full_name="Rie Realdania")
    page = browser_page
    page.login(funder.email, DEMO_PASSWORD)
    page.switch_language(language)

    page.goto(programme.get_absolute_url())
    page.locator(f"nav.subnav a[href='{reverse('reports:funder', args=[programme.slug])}']").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1
    assert page.locator(".fr-figure").count() == 8
    charts = page.locator("main svg[role=img]")
    assert charts.count() == 5  # budget, stages, partners, skills, indicators
    with_chart = page.locator("section.fr-section:has(svg[role=img])")
    assert with_chart.count() == 5
    for index in range(with_chart.count()):
        assert with_chart.nth(index).locator("table[data-table]").count() == 1
    assert "175" in page.locator("#fr-budget").inner_text()
    assert "Materia" in page.locator("#fr-solution_models").inner_text()
    page.check_accessibility(f"funder report ({language})")
    page.screenshot(f"funder-report-{language}")

    # Printed: no navigation, no download buttons, the charts stay.
    page.emulate_media(media="print")
    assert not page.locator(".fr-downloads").is_visible()
    assert not page.locator("nav.subnav").is_visible()
    assert page.locator("main svg[role=img]").first.is_visible()
    page.screenshot(f"funder-report-{language}-print")
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.locator(f"a[href='{reverse('reports:funder-pdf', args=[programme.slug])}']").click()
    assert download.value.suggested_filename.endswith(".pdf")
