"""In a real browser: a facilitator enrols two municipalities through the live search, assigns an
advisor and describes the challenge; the first municipality's staff see their page but not the other's.
Every new page is checked with axe-core and photographed (test-artifacts/)."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from municipalities.data import DANISH_MUNICIPALITIES
from municipalities.models import Municipality
from programmes.models import LocalChallenge, Participation
from tests.factories import RoleAssignmentFactory, build_world, staff_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def ensure_reference_municipalities():
    """The 98 municipalities come from a data migration. A transactional test can start after another
    one flushed the database without its serialized data coming back, so put back whatever is missing."""
    existing = set(Municipality.objects.values_list("code", flat=True))
    Municipality.objects.bulk_create([Municipality(code=code, name=name, region=region, country="DK")
                                      for code, name, region in DANISH_MUNICIPALITIES if code not in existing])


def check(page, name):
    page.check_accessibility(name)
    page.screenshot(f"municipalities-{name}")
    # axe-core and the screenshot leave empty style="" attributes behind; htmx's settle step would copy
    # them onto swapped-in elements and the CSP would (rightly) complain. The app itself sets none.
    page.evaluate("() => document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))")


def test_facilitator_enrols_assigns_and_describes_then_staff_see_only_their_own(browser_page):
    ensure_reference_municipalities()
    world = build_world()
    programme, cohort = world.a.programme, world.a.cohort
    programme.is_demo = True
    programme.save()
    pooled = RoleAssignmentFactory(role=Role.ADVISOR, programme=programme, participation=None,
                                   user__full_name="Birgitte Nørgaard").user
    RoleAssignmentFactory(role=Role.POLITICIAN, programme=programme, municipality=world.a.participation.municipality,
                          position="Formand for Teknik- og Miljøudvalget", starts_on=date(2021, 8, 31),
                          ends_on=date(2021, 12, 31), user__full_name="Bent Sørensen")
    page = browser_page
    page.login(world.a.users["facilitator"].email, None)

    # Enrol two municipalities through the live search (no full reloads).
    page.goto(reverse("municipalities:enrol", args=[cohort.pk]))
    check(page, "enrol-empty-search")
    page.locator("#id_q").press_sequentially("Rosk", delay=30)
    result = page.locator("li.search-result", has_text="Roskilde")
    result.wait_for()
    check(page, "enrol-search-results")
    result.locator("button[type=submit]").click()
    page.locator("#enrolled tr", has_text="Roskilde").wait_for()
    page.locator("li.search-result", has_text="Roskilde").locator(".badge").wait_for()
    check(page, "enrol-after-enrolment")
    page.locator("#id_q").fill("")
    page.locator("#id_q").press_sequentially("259", delay=30)
    page.locator("li.search-result", has_text="Køge").locator("button[type=submit]").click()
    page.locator("#enrolled tr", has_text="Køge").wait_for()
    roskilde = Participation.objects.get(cohort=cohort, municipality__code="265")
    koege = Participation.objects.get(cohort=cohort, municipality__code="259")
    staff = staff_of(roskilde.municipality, user__full_name="Sofie Roskilde", responsibility="Projektleder")

    # Assign an advisor from the pool, inline.
    page.goto(roskilde.get_absolute_url())
    check(page, "participation-facilitator-before")
    page.locator("#advisor a.button").click()
    page.locator("#advisor select").wait_for()
    check(page, "advisor-inline-form")
    page.locator("#advisor select").select_option(str(pooled.pk))
    page.locator("#advisor button[type=submit]").click()
    page.locator("#advisor li", has_text="Birgitte Nørgaard").wait_for()
    assert RoleAssignment.objects.get(role=Role.ADVISOR, participation=roskilde).user == pooled

    # Describe the local challenge, inline.
    page.locator("#challenge a.button").click()
    page.locator("#challenge form").wait_for()
    check(page, "challenge-inline-form")
    page.fill("#id_title", "Fra engangsservice til genbrugsservice")
    page.fill("#id_problem_statement", "Byens arrangementer bruger mange engangskopper.")
    page.select_option("#id_material_stream", "packaging")
    page.check("input[name=strategy][value=R3]")
    page.check("input[name=sdgs][value='12']")
    page.check("input[name=sdgs][value='14']")
    page.locator("#challenge button[type=submit]").click()
    page.locator("#challenge .rung-chosen").wait_for()
    assert page.locator("#challenge .rung-chosen .rung-code").inner_text() == "R3"
    assert LocalChallenge.objects.get(participation=roskilde).sdgs == [12, 14]

    # The plan, inline; a validation error stays in place and saves nothing.
    page.locator("#plan a.button").click()
    page.fill("#id_action_plan_url", "ikke et link")
    page.locator("#plan button[type=submit]").click()
    page.locator("#plan .errorlist").wait_for()
    check(page, "plan-inline-form-error")
    page.fill("#id_action_plan_url", "https://example.org/handleplan")
    page.fill("#id_solution_model", "Fælles pantsystem for genbrugsservice.")
    page.locator("#plan button[type=submit]").click()
    page.locator("#plan a.long-link").wait_for()

    # Invite a team member, inline.
    page.locator("#team details.invite summary").click()
    page.fill("#id_invite-full_name", "Ole Olsen")
    page.fill("#id_invite-email", "ole@example.org")
    page.fill("#id_invite-department", "Kultur og Fritid")
    page.locator("#team details.invite button[type=submit]").click()
    page.locator("#team li", has_text="ole@example.org").wait_for()
    page.locator("#team tr a.button").first.click()
    page.locator("#team tr.editing form").wait_for()
    check(page, "team-inline-edit")
    page.locator("#team tr.editing a").click()  # cancel
    page.locator("#team tr.editing").wait_for(state="detached")
    page.reload()
    check(page, "participation-facilitator-after")

    # Every other new page, without JavaScript's help.
    for name, url in [
        ("challenge-page", reverse("municipalities:challenge-edit", args=[roskilde.pk])),
        ("plan-page", reverse("municipalities:participation-edit", args=[roskilde.pk])),
        ("advisor-page", reverse("municipalities:advisor-edit", args=[roskilde.pk])),
        ("history-page", reverse("municipalities:participation-history", args=[roskilde.pk])),
        ("team-invite-page", reverse("accounts:team-invite", args=[roskilde.pk])),
        ("team-member-page", reverse("accounts:team-member-edit", args=[
            world.a.participation.pk,
            RoleAssignment.objects.get(user=world.a.users["staff"], role=Role.STAFF).pk])),
        ("follow-group-invite-page", reverse("accounts:follow-group-invite", args=[programme.slug])),
        ("follow-group-member-page", reverse("accounts:follow-group-edit", args=[
            programme.slug, RoleAssignment.objects.get(user=world.a.users["politician"]).pk])),
    ]:
        assert page.goto(url).status == 200, name
        check(page, name)
    assert "Birgitte Nørgaard" in page.goto(
        reverse("municipalities:participation-history", args=[roskilde.pk])).text()

    # The follow-group, with an inline edit.
    page.goto(reverse("accounts:follow-group", args=[programme.slug]))
    check(page, "follow-group")
    page.locator("#follow-group tr", has_text="Bent Sørensen").locator("a.button").click()
    page.locator("#follow-group tr.editing form").wait_for()
    check(page, "follow-group-inline-edit")
    page.fill("#follow-group tr.editing input[name=position]", "Næstformand")
    page.locator("#follow-group tr.editing button[type=submit]").click()
    page.locator("#follow-group tr", has_text="Næstformand").wait_for()

    # The staff of the first municipality see its page, but not the second's.
    page.logout()
    page.login(staff.email, None)
    response = page.goto(roskilde.get_absolute_url())
    assert response.status == 200
    assert page.locator("#challenge .rung-chosen").is_visible()
    assert page.locator("#history").count() == 0  # the audit trail is for facilitators
    check(page, "participation-staff")
    assert page.goto(koege.get_absolute_url()).status == 404
    page.goto(reverse("accounts:follow-group", args=[programme.slug]))
    check(page, "follow-group-staff")
    errors = [e for e in page.console_errors if "status of 404" not in e]  # favicon and the expected 404
    assert not errors, errors
