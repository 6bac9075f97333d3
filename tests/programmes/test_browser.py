"""In a real browser, as a facilitator: create a programme with a cohort, a phase and milestones (inline, with
htmx), see two municipalities on the timeline and the cohort board, keep the budget; then, as one municipality's
staff, see the programme but not the other municipality. Every page is checked with axe-core and photographed
(test-artifacts/programmes-*.png)."""

import pytest
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from programmes.models import Milestone, Organisation, Participation, Phase, Programme
from tests.factories import (
    MunicipalityFactory,
    ParticipationFactory,
    ProgrammeFactory,
    advisor_of,
    facilitator_of,
    staff_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def check(page, name):
    page.wait_for_load_state("networkidle")
    page.check_accessibility(name)
    page.screenshot(f"programmes-{name}")
    # Playwright hides the caret for the screenshot with style="caret-color: …" on inputs and leaves it there;
    # htmx would copy those attributes onto swapped-in inputs, which CSP (rightly) blocks. Our pages have no
    # style attributes of their own, so clear the photographer's.
    page.evaluate("document.querySelectorAll('[style]').forEach(e => e.removeAttribute('style'))")


def test_facilitator_sets_up_a_programme_and_sees_it_on_timeline_and_board(browser_page):
    facilitator = facilitator_of(ProgrammeFactory(slug="earlier-programme"), user__full_name="Frida Facilitator"
                                 )
    realdania = Organisation.objects.create(name="Realdania", kind=Organisation.Kind.FUNDER)
    Organisation.objects.create(name="CLEAN", kind=Organisation.Kind.FACILITATOR)
    page = browser_page
    page.login(facilitator.email, None)

    # The list, with a button for a new programme.
    page.goto(reverse("programmes:list"))
    check(page, "list")
    page.locator("main a.button", has_text="New programme").click()
    check(page, "create-form")

    # Bad input first: it ends before it starts. A clear message, nothing saved.
    page.fill("input[name=name_da]", "Cirkulære havne")
    page.fill("input[name=name_en]", "Circular Harbours")
    page.fill("input[name=starts_on]", "2025-09-01")
    page.fill("input[name=ends_on]", "2025-01-01")
    page.fill("input[name=budget_dkk]", "2400000")
    page.select_option("select[name=status]", "active")
    page.check(f"input[name=funders][value='{realdania.pk}']")
    page.fill("input[name='objectives-0-text_da']", "Teste genbrug i havnene")
    page.fill("input[name='objectives-0-text_en']", "Test reuse in the harbours")
    page.locator("main form button[type=submit].primary").click()
    page.locator(".form-error-summary").wait_for()
    check(page, "create-form-errors")
    assert not Programme.objects.filter(name_da="Cirkulære havne").exists()
    page.fill("input[name=ends_on]", "2027-08-31")
    page.locator("main form button[type=submit].primary").click()
    page.locator("h1", has_text="Circular Harbours").wait_for()
    programme = Programme.objects.get(name_da="Cirkulære havne")
    assert [link.organisation for link in programme.organisation_links.all()] == [realdania]
    assert RoleAssignment.objects.filter(user=facilitator, role=Role.FACILITATOR, programme=programme).exists()

    # A cohort, added inline.
    page.fill("input[name='cohort-new-name']", "Hold 1")
    page.locator("#cohorts form.add-form button[type=submit]").click()
    page.locator("#cohorts h3", has_text="Hold 1").wait_for()
    cohort = programme.cohorts.get()
    page.locator(f"#cohort-{cohort.pk} a.button.secondary").click()
    page.locator(f"input[name='cohort-{cohort.pk}-name']").fill("Hold 1 (2025–2027)")
    page.locator(f"#cohort-{cohort.pk} button[type=submit]").click()
    page.locator("#cohorts h3", has_text="Hold 1 (2025–2027)").wait_for()
    check(page, "detail")

    # The list, filtered by status without a reload; the filter stays in the address (bookmarkable).
    page.goto(reverse("programmes:list"))
    page.select_option("#id_status", "active")
    page.wait_for_url("**/programmes/?status=active")
    page.locator("#programme-results", has_text="Circular Harbours").wait_for()
    assert page.locator("#programme-results .programme-card").count() == 2
    page.select_option("#id_status", "planned")
    page.wait_for_url("**/programmes/?status=planned")
    page.locator("#programme-results .programme-card").first.wait_for(state="detached")
    check(page, "list-filtered")

    # Phases, added inline; one is edited in place and moved up.
    page.goto(reverse("programmes:phases", args=[programme.slug]))
    for name_da, name_en, start, end in (("Afdækning", "Discover", "2025-09-01", "2026-02-28"),
                                         ("Test", "Deliver (test)", "2026-03-01", "2027-05-31")):
        page.fill("input[name='phase-new-name_da']", name_da)
        page.fill("input[name='phase-new-name_en']", name_en)
        page.fill("input[name='phase-new-starts_on']", start)
        page.fill("input[name='phase-new-ends_on']", end)
        page.locator("#phase-list form.add-form button[type=submit]").click()
        page.locator("#phase-list tbody th", has_text=name_da).wait_for()
    discover, test_phase = Phase.objects.filter(programme=programme).order_by("order")
    page.locator(f"#phase-{test_phase.pk} a.button").click()
    page.locator(f"input[name='phase-{test_phase.pk}-name_da']").wait_for()
    check(page, "phase-inline-edit")
    page.fill(f"input[name='phase-{test_phase.pk}-name_da']", "Test og læring")
    page.locator(f"#phase-{test_phase.pk}.edit-row button[type=submit]").click()
    page.locator("#phase-list tbody th", has_text="Test og læring").wait_for()
    page.locator(f"#move-{test_phase.pk}-up").click()
    page.wait_for_function(
        "() => document.querySelector('#phase-list tbody tr').id === 'phase-%d'" % test_phase.pk)
    assert page.evaluate("document.activeElement.id") == f"move-{test_phase.pk}-up"  # focus kept for the keyboard
    check(page, "phases")

    # Two municipalities take part (enrolment is the municipalities screens' job: made here directly).
    aarhus = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name="Aarhushavn"),
                                  stage=Participation.Stage.DEFINE)
    koege = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name="Køgehavn"))
    advisor_of(aarhus, user__full_name="Birgitte Nørgaard")
    staff = staff_of(aarhus.municipality, user__full_name="Sofie Medarbejder")

    # Milestones: one for the whole programme, one for a municipality; a bad date first.
    page.goto(reverse("programmes:milestones", args=[programme.slug]))
    page.locator("#milestone-add a.button").click()  # the form is fetched when asked for
    page.locator("#milestone-add-title").wait_for()
    assert page.evaluate("document.activeElement.id") == "milestone-add-title"  # focus follows, for the keyboard
    page.fill("input[name='milestone-new-title_da']", "Opstartsseminar")
    page.fill("input[name='milestone-new-due_on']", "2028-01-01")
    page.locator("#milestone-list form.add-form button[type=submit]").click()
    page.locator("#milestone-list .form-error-summary").wait_for()
    check(page, "milestone-form-errors")
    page.fill("input[name='milestone-new-due_on']", "2025-09-15")
    page.select_option("select[name='milestone-new-phase']", str(discover.pk))
    page.select_option("select[name='milestone-new-owner']", str(facilitator.pk))
    page.locator("#milestone-list form.add-form button[type=submit]").click()
    page.locator("#milestone-list tbody th", has_text="Opstartsseminar").wait_for()
    page.fill("input[name='milestone-new-title_da']", "Lokal udfordring beskrevet")
    page.fill("input[name='milestone-new-due_on']", "2025-11-30")
    page.select_option("select[name='milestone-new-participation']", str(aarhus.pk))
    page.select_option("select[name='milestone-new-owner']", str(staff.pk))
    page.locator("#milestone-list form.add-form button[type=submit]").click()
    page.locator("#milestone-list tbody th", has_text="Lokal udfordring beskrevet").wait_for()
    seminar = Milestone.objects.get(programme=programme, title_da="Opstartsseminar")
    page.locator(f"#milestone-{seminar.pk} form", has_text="Mark as done").locator("button").click()
    page.locator(f"#milestone-{seminar.pk} .status-done").wait_for()
    check(page, "milestones")

    # The timeline: both phases, both milestones, both municipalities.
    page.goto(reverse("programmes:timeline", args=[programme.slug]))
    svg = page.locator("svg.timeline-svg")
    for text in ("Discover", "Deliver (test)", "Aarhushavn", "Køgehavn"):
        assert svg.locator("text", has_text=text).count() >= 1, text
    assert svg.locator("g.tl-ms").count() == 2
    assert page.locator("#timeline-tables", has_text="Lokal udfordring beskrevet").count() == 1
    check(page, "timeline")

    # The cohort board: each municipality in its stage, with its advisor.
    page.goto(reverse("programmes:board", args=[programme.slug]))
    aarhus_row = page.locator("table.board tbody tr", has_text="Aarhushavn")
    assert "Birgitte Nørgaard" in aarhus_row.locator("td.stage-current").inner_text()
    assert aarhus_row.locator("td.stage-cell").nth(1).get_attribute("class").endswith("stage-current")
    assert page.locator("table.board tbody tr", has_text="Køgehavn").locator("td.stage-cell").first \
        .get_attribute("class").endswith("stage-current")
    check(page, "board")

    # The budget: a work package, spending above it is saved with a warning.
    page.goto(reverse("programmes:budget", args=[programme.slug]))
    page.fill("input[name='line-new-code']", "WP1")
    page.fill("input[name='line-new-name_da']", "Læringsforløb")
    page.fill("input[name='line-new-allocated_dkk']", "100000")
    page.locator("#budget-body form.add-form", has_text="WP").locator("button[type=submit]").click()
    page.locator("#budget-body tbody th", has_text="WP1").wait_for()
    page.select_option("select[name='spending-budget_line']", label="WP1 Læringsforløb")
    page.fill("input[name='spending-spent_on']", "2025-10-01")
    page.fill("input[name='spending-amount_dkk']", "120000")
    page.fill("input[name='spending-description']", "Læringsmodul 1")
    page.locator("#budget-body form.add-form", has_text="spending").locator("button[type=submit]").click()
    page.locator("#budget-body .message-warning", has_text="WP1").first.wait_for()
    assert page.locator("svg.chart-svg rect.bar-over").count() == 1
    check(page, "budget")

    page.goto(reverse("programmes:history", args=[programme.slug]))
    assert page.locator("table.history tbody tr").count() >= 4
    check(page, "history")
    page.goto(reverse("programmes:edit", args=[programme.slug]))
    check(page, "edit")

    # As Aarhushavn's staff: the programme and their own municipality, not the other one.
    page.logout()
    page.login(staff.email, None)
    page.goto(programme.get_absolute_url())
    assert page.locator("#cohorts", has_text="Aarhushavn").count() == 1
    assert page.locator("#cohorts", has_text="Køgehavn").count() == 0
    check(page, "detail-as-staff")
    page.goto(reverse("programmes:board", args=[programme.slug]))
    assert page.locator("table.board tbody tr").count() == 1
    check(page, "board-as-staff")
    page.goto(reverse("programmes:timeline", args=[programme.slug]))
    assert page.locator("svg.timeline-svg text", has_text="Køgehavn").count() == 0
    response = page.goto(koege.get_absolute_url())
    assert response.status == 404
    response = page.goto(reverse("programmes:budget", args=[programme.slug]))
    assert response.status == 403
