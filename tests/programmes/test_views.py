"""The facilitator screens as a person uses them: who may do what, htmx fragments, messages on the form,
and pages whose query count does not grow with the data."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, RoleAssignment
from programmes.models import Cohort, Milestone, Participation, Phase, Programme
from tests.factories import (
    CohortFactory,
    MilestoneFactory,
    ParticipationFactory,
    PhaseFactory,
    ProgrammeFactory,
    RoleAssignmentFactory,
    advisor_of,
    staff_of,
)
from tests.programmes.helpers import BudgetLineFactory, SpendingFactory, url_name

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def login(client, user):
    client.force_login(user)
    user.language = "en"
    user.save(update_fields=["language"])
    return client


# --- Programme list and detail -------------------------------------------------------------------------

def test_list_filters_by_status_and_answers_htmx_with_the_results_only(client, world):
    login(client, world.admin)
    ProgrammeFactory(name_en="Planned one", status=Programme.Status.PLANNED)
    page = client.get(reverse("programmes:list"), {"status": "planned"})
    assert "Planned one" in page.text and "Programme a" not in page.text
    assert 'value="planned" selected' in page.text  # the bookmarkable filter shows as chosen
    partial = client.get(reverse("programmes:list"), {"status": "active"}, **HTMX)
    assert "<html" not in partial.text and 'id="programme-results"' in partial.text
    assert "Programme a" in partial.text and "Planned one" not in partial.text


def test_new_programme_button_only_for_facilitators(client, world):
    assert "New programme" in login(client, world.a.users["facilitator"]).get(reverse("programmes:list")).text
    assert "New programme" not in login(client, world.a.users["observer"]).get(reverse("programmes:list")).text


def test_detail_shows_only_the_municipalities_a_staff_member_may_see(client, world):
    login(client, world.a.users["staff"])
    page = client.get(world.a.programme.get_absolute_url())
    assert "By a1" in page.text and "By a2" not in page.text
    assert "Budget" not in page.text.split("<main")[1].split("</nav>")[0]  # no budget link for staff
    login(client, world.a.users["facilitator"])
    page = client.get(world.a.programme.get_absolute_url())
    assert "By a1" in page.text and "By a2" in page.text


def test_demo_programme_says_what_is_demo_data(client, world):
    Programme.objects.filter(pk=world.a.programme.pk).update(is_demo=True)
    page = login(client, world.a.users["observer"]).get(world.a.programme.get_absolute_url())
    assert "Participant choice, challenges and people are demo data" in page.text


# --- Create and edit -----------------------------------------------------------------------------------

def programme_post(**overrides):
    data = {"name_da": "Cirkulære havne", "name_en": "Circular Harbours", "slug": "", "starts_on": "2025-01-01",
            "ends_on": "2026-12-31", "status": "planned", "budget_dkk": "1000000", "description_da": "",
            "description_en": "", "objectives-TOTAL_FORMS": "2", "objectives-INITIAL_FORMS": "0",
            "objectives-MIN_NUM_FORMS": "0", "objectives-MAX_NUM_FORMS": "20",
            "objectives-0-text_da": "Mål", "objectives-0-text_en": "Goal"}
    data.update(overrides)
    return data


def test_facilitator_creates_a_programme_and_becomes_its_facilitator(client, world):
    user = world.a.users["facilitator"]
    response = login(client, user).post(reverse("programmes:create"), programme_post())
    programme = Programme.objects.get(slug="circular-harbours")
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()
    assert RoleAssignment.objects.filter(user=user, role=Role.FACILITATOR, programme=programme).exists()
    assert programme.objectives.get().text_en == "Goal"


@pytest.mark.parametrize("overrides, message", [
    ({"ends_on": "2024-01-01"}, "cannot end before it starts"),
    ({"budget_dkk": "-5"}, "The budget cannot be negative."),
])
def test_bad_programme_input_shows_on_the_form_and_saves_nothing(client, world, overrides, message):
    response = login(client, world.a.users["facilitator"]).post(reverse("programmes:create"),
                                                                 programme_post(**overrides))
    assert response.status_code == 200
    assert message in response.text and "Nothing was saved" in response.text
    assert not Programme.objects.filter(name_da="Cirkulære havne").exists()


def test_message_in_the_users_language(client, world, settings):
    """Danish users get the Danish message (a string the Danish catalogue already has)."""
    settings.LANGUAGE_CODE = "da"
    user = world.a.users["facilitator"]
    user.language = "da"
    user.save(update_fields=["language"])
    client.force_login(user)
    with translation.override("da"):
        response = client.post(reverse("programmes:milestone-add", args=[world.a.programme.slug]), {
            "milestone-new-title_da": "For sent", "milestone-new-due_on": "2030-01-01",
            "milestone-new-status": "planned"}, **HTMX)
    assert "inden for programmets periode" in response.text
    assert not Milestone.objects.filter(title_da="For sent").exists()


def test_edit_programme_refuses_dates_that_strand_a_phase(client, world):
    PhaseFactory(programme=world.a.programme, starts_on=date(2021, 9, 1), ends_on=date(2022, 3, 1))
    data = programme_post(name_da="Program a", name_en="Programme a", starts_on="2022-01-01", ends_on="2023-01-01")
    data.pop("slug")
    response = login(client, world.a.users["facilitator"]).post(
        reverse("programmes:edit", args=[world.a.programme.slug]), data)
    assert response.status_code == 200 and "Move them first" in response.text
    world.a.programme.refresh_from_db()
    assert world.a.programme.starts_on == date(2021, 8, 31)


@pytest.mark.parametrize("role", ["politician", "observer", "advisor", "staff"])
def test_read_only_roles_get_403_on_writes(client, world, role):
    login(client, world.a.users[role])
    slug = world.a.programme.slug
    assert client.post(reverse("programmes:phase-add", args=[slug]), {}).status_code == 403
    assert client.get(reverse("programmes:edit", args=[slug])).status_code == 403
    milestone = MilestoneFactory(programme=world.a.programme)
    assert client.post(reverse("programmes:milestone-edit", args=[milestone.pk]), {}).status_code == 403


def test_foreign_facilitator_gets_404(client, world):
    login(client, world.b.users["facilitator"])
    slug = world.a.programme.slug
    for name in ("detail", "timeline", "board", "budget", "history", "milestones", "phases"):
        assert client.get(reverse(url_name(name), args=[slug])).status_code == 404, name
    milestone = MilestoneFactory(programme=world.a.programme)
    assert client.post(reverse("programmes:milestone-complete", args=[milestone.pk])).status_code == 404


# --- Inline edits with htmx ----------------------------------------------------------------------------

def test_htmx_add_phase_returns_the_list_fragment(client, world):
    login(client, world.a.users["facilitator"])
    response = client.post(reverse("programmes:phase-add", args=[world.a.programme.slug]), {
        "phase-new-name_da": "Afdækning", "phase-new-name_en": "Discover",
        "phase-new-starts_on": "2021-11-01", "phase-new-ends_on": "2022-02-28"}, **HTMX)
    assert response.status_code == 200 and "<html" not in response.text
    assert response["HX-Retarget"] == "#phase-list"
    assert "Afdækning" in response.text


def test_htmx_bad_phase_keeps_the_form_with_its_message(client, world):
    login(client, world.a.users["facilitator"])
    response = client.post(reverse("programmes:phase-add", args=[world.a.programme.slug]), {
        "phase-new-name_da": "Efter", "phase-new-starts_on": "2024-01-01", "phase-new-ends_on": "2024-05-01"},
        **HTMX)
    assert response.status_code == 200
    assert "must lie within the programme (31.08.2021 – 29.02.2024)" in response.text
    assert 'value="Efter"' in response.text  # the input is kept
    assert not Phase.objects.exists()


def test_inline_edit_row_then_save(client, world):
    login(client, world.a.users["facilitator"])
    phase = PhaseFactory(programme=world.a.programme)
    row = client.get(reverse("programmes:phase-edit", args=[phase.pk]), **HTMX)
    assert row.text.lstrip().startswith(f'<tr id="phase-{phase.pk}"')
    response = client.post(reverse("programmes:phase-edit", args=[phase.pk]), {
        f"phase-{phase.pk}-name_da": "Ny", f"phase-{phase.pk}-starts_on": "2021-09-01",
        f"phase-{phase.pk}-ends_on": "2021-12-01"}, **HTMX)
    assert response["HX-Retarget"] == "#phase-list"
    phase.refresh_from_db()
    assert phase.name_da == "Ny"


def test_reorder_buttons_move_a_phase(client, world):
    login(client, world.a.users["facilitator"])
    first = PhaseFactory(programme=world.a.programme, order=1, name_da="Først")
    second = PhaseFactory(programme=world.a.programme, order=2, name_da="Så")
    response = client.post(reverse("programmes:phase-move", args=[second.pk]), {"direction": "up"}, **HTMX)
    assert response.text.index("Så") < response.text.index("Først")
    assert f'id="move-{second.pk}-up"' in response.text  # focus can stay on the button that was pressed
    first.refresh_from_db()
    assert first.order == 2


def test_staff_marks_their_milestone_done_but_not_a_programme_milestone(client, world):
    login(client, world.a.users["staff"])
    own = MilestoneFactory(programme=world.a.programme, participation=world.a.participation)
    response = client.post(reverse("programmes:milestone-complete", args=[own.pk]), **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#milestone-list"
    own.refresh_from_db()
    assert own.status == Milestone.Status.DONE and own.completed_at
    programme_level = MilestoneFactory(programme=world.a.programme)
    assert client.post(reverse("programmes:milestone-complete", args=[programme_level.pk])).status_code == 403
    other = MilestoneFactory(programme=world.a.programme, participation=world.a.other_participation)
    assert client.post(reverse("programmes:milestone-complete", args=[other.pk])).status_code == 404


def test_milestone_list_shows_staff_only_their_municipality(client, world):
    MilestoneFactory(programme=world.a.programme, participation=world.a.participation, title_en="Own step")
    MilestoneFactory(programme=world.a.programme, participation=world.a.other_participation, title_en="Other step")
    MilestoneFactory(programme=world.a.programme, title_en="Shared step")
    page = login(client, world.a.users["staff"]).get(reverse("programmes:milestones",
                                                             args=[world.a.programme.slug]))
    assert "Own step" in page.text and "Shared step" in page.text and "Other step" not in page.text
    assert "Add a milestone" not in page.text


def test_cohort_add_and_delete_refused_while_it_has_municipalities(client, world):
    login(client, world.a.users["facilitator"])
    response = client.post(reverse("programmes:cohort-add", args=[world.a.programme.slug]),
                           {"cohort-new-name": "Hold 2"}, **HTMX)
    assert response["HX-Retarget"] == "#cohorts" and "Hold 2" in response.text
    response = client.post(reverse("programmes:cohort-delete", args=[world.a.cohort.pk]), **HTMX)
    assert "Remove them from the cohort first" in response.text
    assert Cohort.objects.filter(pk=world.a.cohort.pk).exists()


# --- Budget ----------------------------------------------------------------------------------------------

def test_budget_page_warns_about_overspending_and_over_allocation(client, world):
    Programme.objects.filter(pk=world.a.programme.pk).update(budget_dkk=Decimal("1000"))
    line = BudgetLineFactory(programme=world.a.programme, code="WP1", allocated_dkk=Decimal("1500"))
    SpendingFactory(budget_line=line, amount_dkk=Decimal("1600"))
    page = login(client, world.a.users["observer"]).get(reverse("programmes:budget", args=[world.a.programme.slug]))
    assert "more than the programme budget of 1,000 DKK" in page.text
    assert "WP1 has spent 1,600 DKK, 100 DKK more than its allocation" in page.text
    assert 'role="img"' in page.text and "<table" in page.text
    assert "Record spending" not in page.text  # observers read


def test_spending_above_allocation_is_saved_with_a_visible_warning(client, world):
    line = BudgetLineFactory(programme=world.a.programme, code="WP2", allocated_dkk=Decimal("100"))
    login(client, world.a.users["facilitator"])
    response = client.post(reverse("programmes:spending-add", args=[world.a.programme.slug]), {
        "spending-budget_line": line.pk, "spending-spent_on": "2022-05-01", "spending-amount_dkk": "150",
        "spending-description": "Leje af lokale"}, **HTMX)
    assert "Saved, but note:" in response.text and "more than its allocation" in response.text
    assert line.spendings.count() == 1


def test_negative_spending_shows_a_message_and_saves_nothing(client, world):
    line = BudgetLineFactory(programme=world.a.programme)
    login(client, world.a.users["facilitator"])
    response = client.post(reverse("programmes:spending-add", args=[world.a.programme.slug]), {
        "spending-budget_line": line.pk, "spending-spent_on": "2022-05-01", "spending-amount_dkk": "-3",
        "spending-description": "x"}, **HTMX)
    assert "The amount must be more than 0 DKK." in response.text
    assert not line.spendings.exists()


# --- Timeline, board and history -----------------------------------------------------------------------

def test_timeline_draws_phases_milestones_and_today(client, world):
    today = timezone.localdate()
    Programme.objects.filter(pk=world.a.programme.pk).update(starts_on=today - timedelta(days=200),
                                                              ends_on=today + timedelta(days=200))
    PhaseFactory(programme=world.a.programme, name_en="Discover", starts_on=today - timedelta(days=100),
                 ends_on=today + timedelta(days=10))
    MilestoneFactory(programme=world.a.programme, participation=world.a.participation, title_en="Local test",
                     due_on=today - timedelta(days=5))
    page = login(client, world.a.users["facilitator"]).get(reverse("programmes:timeline",
                                                                   args=[world.a.programme.slug]))
    assert 'class="tl-today"' in page.text and 'class="tl-phase"' in page.text
    assert "tl-ms-overdue" in page.text  # past due and still planned
    assert "Local test" in page.text and "By a1" in page.text


def test_board_places_each_municipality_in_its_stage(client, world):
    Participation.objects.filter(pk=world.a.participation.pk).update(stage=Participation.Stage.DEVELOP)
    MilestoneFactory(programme=world.a.programme, participation=world.a.participation, due_on=date(2022, 1, 1))
    page = login(client, world.a.users["facilitator"]).get(reverse("programmes:board",
                                                                   args=[world.a.programme.slug]))
    row = page.text.split("By a1")[1].split("</tr>")[0]
    assert row.count('"stage-cell stage-passed"') == 2 and row.index("stage-current") > row.index("stage-passed")
    assert "1 overdue milestone" in row
    assert world.a.users["advisor"].full_name in row
    staff_page = login(client, world.a.users["staff"]).get(reverse("programmes:board",
                                                                   args=[world.a.programme.slug]))
    assert "By a1" in staff_page.text and "By a2" not in staff_page.text


def test_history_shows_who_changed_what(client, world):
    facilitator = world.a.users["facilitator"]
    milestone = MilestoneFactory(programme=world.a.programme, title_en="Report")
    login(client, facilitator)
    client.post(reverse("programmes:milestone-edit", args=[milestone.pk]), {
        f"milestone-{milestone.pk}-title_da": milestone.title_da, f"milestone-{milestone.pk}-title_en": "Report",
        f"milestone-{milestone.pk}-due_on": "2022-07-01", f"milestone-{milestone.pk}-status": "in_progress",
        f"milestone-{milestone.pk}-owner": facilitator.pk})
    page = client.get(reverse("programmes:history", args=[world.a.programme.slug]))
    assert page.status_code == 200
    assert "01.06.2022</del>" in page.text and "01.07.2022</ins>" in page.text
    assert "In progress</ins>" in page.text and f"{facilitator.full_name}</ins>" in page.text
    assert facilitator.full_name in page.text.split("<tbody>")[1].split("</td>")[1]
    assert login(client, world.a.users["observer"]).get(
        reverse("programmes:history", args=[world.a.programme.slug])).status_code == 403


# --- Queries do not grow with the data -----------------------------------------------------------------

def grow(programme, n: int) -> None:
    """n more municipalities (with advisors and overdue milestones), phases, programme milestones and a cohort."""
    cohort = CohortFactory(programme=programme)
    for _ in range(n):
        participation = ParticipationFactory(cohort=cohort)
        advisor_of(participation)
        staff_of(participation.municipality)
        MilestoneFactory(programme=programme, participation=participation, due_on=date(2022, 1, 1))
        MilestoneFactory(programme=programme, owner=None)
        PhaseFactory(programme=programme)


# A page may make at most this many queries (session, user, roles and the layout's own included); what matters
# more is that the count measured at 1x is also the bound at 10x: it does not grow with the data.
PAGE_LIMIT = 16


def assert_queries_do_not_grow(client, url, grow_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(PAGE_LIMIT) as first:
        assert client.get(url).status_code == 200
    grow_data()
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200


def _with_spending(programme, n):
    def more():
        grow(programme, n)
        for _ in range(n):
            SpendingFactory(budget_line=BudgetLineFactory(programme=programme))
    return more


@pytest.mark.parametrize("name", ["detail", "timeline", "board", "milestones", "budget", "history"])
def test_programme_pages_queries_do_not_grow(client, world, django_assert_max_num_queries, name):
    programme = world.a.programme
    login(client, world.a.users["facilitator"])
    _with_spending(programme, 2)()
    assert_queries_do_not_grow(client, reverse(url_name(name), args=[programme.slug]),
                               _with_spending(programme, 20), django_assert_max_num_queries)


@pytest.mark.parametrize("name", ["detail", "timeline", "board"])
def test_pages_for_staff_queries_do_not_grow(client, world, django_assert_max_num_queries, name):
    programme = world.a.programme
    login(client, world.a.users["staff"])
    grow(programme, 2)
    assert_queries_do_not_grow(client, reverse(url_name(name), args=[programme.slug]),
                               lambda: grow(programme, 20), django_assert_max_num_queries)


def test_programme_list_queries_do_not_grow(client, world, django_assert_max_num_queries):
    user = world.a.users["facilitator"]
    login(client, user)

    def more(n):
        for _ in range(n):
            programme = ProgrammeFactory()
            RoleAssignmentFactory(user=user, role=Role.FACILITATOR, programme=programme)
            ParticipationFactory(cohort=CohortFactory(programme=programme))

    more(2)
    assert_queries_do_not_grow(client, reverse("programmes:list"), lambda: more(20), django_assert_max_num_queries)


def test_facilitator_edits_organisations_and_objectives(client, world):
    from programmes.models import Organisation

    clean = Organisation.objects.create(name="CLEAN", kind=Organisation.Kind.FACILITATOR)
    data = programme_post(name_da="Program a", name_en="Programme a", starts_on="2021-08-31", ends_on="2024-02-29",
                          facilitators=[clean.pk], **{"objectives-0-text_da": "Nyt mål", "objectives-0-text_en": ""})
    data.pop("slug")
    response = login(client, world.a.users["facilitator"]).post(
        reverse("programmes:edit", args=[world.a.programme.slug]), data)
    assert response.status_code == 302
    world.a.programme.refresh_from_db()
    assert world.a.programme.budget_dkk == Decimal("1000000")
    assert [o.text_da for o in world.a.programme.objectives.all()] == ["Nyt mål"]
    assert [link.organisation for link in world.a.programme.organisation_links.all()] == [clean]
    page = client.get(reverse("programmes:edit", args=[world.a.programme.slug]))
    assert 'value="Nyt mål"' in page.text and f'value="{clean.pk}" id="id_facilitators_0" checked' in page.text


@pytest.mark.parametrize("language, name, description", [
    ("da", "Program a", "Et innovationsforløb."), ("en", "Programme a", "An innovation programme.")])
def test_detail_in_the_current_language(client, world, settings, language, name, description):
    user = world.a.users["observer"]
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    settings.LANGUAGE_CODE = language
    client.cookies["django_language"] = language
    page = client.get(world.a.programme.get_absolute_url())
    assert f"<h1>{name}</h1>" in page.text and description in page.text


@pytest.mark.django_db
def test_facilitator_home_shows_stalled_tests(client):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import MilestoneFactory, ParticipationFactory, ProgrammeFactory, facilitator_of

    today = timezone.localdate()
    programme = ProgrammeFactory(starts_on=today - timedelta(days=200), ends_on=today + timedelta(days=200))
    stalled = ParticipationFactory(cohort__programme=programme, municipality__name="Stilleby",
                                   joined_on=today - timedelta(days=100))
    MilestoneFactory(programme=programme, participation=stalled, due_on=today - timedelta(days=3))
    client.force_login(facilitator_of(programme))
    page = client.get("/").content.decode()
    assert "Stilleby" in page
    assert "En milepæl er forsinket" in page or "A milestone is overdue" in page


def test_milestone_add_form_is_fetched_when_asked_for(client, world, settings):
    """The list does not carry the add form (its lists of every person and municipality): the button fetches it,
    as a fragment for htmx or as a page of its own; after a save the form stays open, empty, for the next one."""
    settings.LANGUAGE_CODE = "da"
    slug = world.a.programme.slug
    user = world.a.users["facilitator"]
    user.language = "da"
    user.save(update_fields=["language"])
    client.force_login(user)
    with translation.override("da"):
        page = client.get(reverse("programmes:milestones", args=[slug])).text
        assert "milestone-new-owner" not in page and "Tilføj en milepæl" in page
        fragment = client.get(reverse("programmes:milestone-add", args=[slug]), **HTMX).text
        assert 'name="milestone-new-owner"' in fragment and "<html" not in fragment
        whole = client.get(reverse("programmes:milestone-add", args=[slug])).text
        assert 'name="milestone-new-title_da"' in whole and "<html" in whole
        response = client.post(reverse("programmes:milestone-add", args=[slug]), {
            "milestone-new-title_da": "Læringsmodul", "milestone-new-due_on": "2022-03-15",
            "milestone-new-status": "planned"}, **HTMX)
    assert "Læringsmodul" in response.text and 'name="milestone-new-title_da"' in response.text
    assert 'value="Læringsmodul"' not in response.text  # the reopened form is empty
    assert Milestone.objects.filter(programme=world.a.programme, title_da="Læringsmodul").count() == 1


@pytest.mark.parametrize(("side", "role", "status"), [
    ("a", "staff", 403), ("a", "advisor", 403), ("a", "politician", 403), ("b", "facilitator", 404),
    ("b", "staff", 404)])
def test_milestone_add_form_refused_to_those_who_may_not_add(client, world, side, role, status):
    login(client, getattr(world, side).users[role])
    response = client.get(reverse("programmes:milestone-add", args=[world.a.programme.slug]), **HTMX)
    assert response.status_code == status
