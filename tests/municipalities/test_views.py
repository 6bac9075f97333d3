import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from municipalities.models import Municipality
from programmes.models import LocalChallenge, Participation
from tests.factories import MilestoneFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client, user, language="en"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(participation):
    return reverse("municipalities:participation", args=[participation.pk])


CHALLENGE = {"title": "Genbrugsservice", "problem_statement": "Engangskopper ved arrangementer.",
             "material_stream": "packaging", "strategy": "R3", "sdgs": ["11", "12"]}


# --- Who sees what ------------------------------------------------------------------------------

def test_staff_see_their_own_municipality_but_not_the_other_one(client, world):
    login(client, world.a.users["staff"])
    response = client.get(page(world.a.participation))
    assert response.status_code == 200
    assert "Cross-departmental team" in response.text
    assert client.get(page(world.a.other_participation)).status_code == 404
    assert client.get(page(world.b.participation)).status_code == 404


def test_staff_may_edit_their_challenge_but_advisors_only_read(client, world):
    participation = world.a.participation
    login(client, world.a.users["staff"])
    assert client.post(reverse("municipalities:challenge-edit", args=[participation.pk]), CHALLENGE).status_code == 302
    assert LocalChallenge.objects.get(participation=participation).title == "Genbrugsservice"

    login(client, world.a.users["advisor"])
    response = client.get(page(participation))
    assert response.status_code == 200
    assert "Genbrugsservice" in response.text
    assert reverse("municipalities:challenge-edit", args=[participation.pk]) not in response.text
    changed = {**CHALLENGE, "title": "Advisor was here"}
    assert client.post(reverse("municipalities:challenge-edit", args=[participation.pk]), changed).status_code == 403
    assert LocalChallenge.objects.get(participation=participation).title == "Genbrugsservice"


@pytest.mark.parametrize("role", ["politician", "observer", "advisor"])
@pytest.mark.parametrize("name, data", [
    ("municipalities:challenge-edit", CHALLENGE),
    ("municipalities:participation-edit", {"action_plan_url": "https://example.org/x", "solution_model": "x"}),
    ("municipalities:advisor-edit", {"advisor": ""}),
])
def test_read_only_roles_get_403_on_every_write(client, world, role, name, data):
    login(client, world.a.users[role])
    response = client.post(reverse(name, args=[world.a.participation.pk]), data, **HTMX)
    assert response.status_code == 403
    assert not LocalChallenge.objects.exists()
    assert RoleAssignment.objects.filter(role=Role.ADVISOR, participation=world.a.participation).exists()


def test_staff_cannot_assign_advisors_or_enrol(client, world):
    login(client, world.a.users["staff"])
    assert client.post(reverse("municipalities:advisor-edit", args=[world.a.participation.pk]),
                       {"advisor": ""}).status_code == 403
    roskilde = Municipality.objects.get(code="265")
    assert client.post(reverse("municipalities:enrol", args=[world.a.cohort.pk]),
                       {"municipality": roskilde.pk}).status_code == 403
    assert not Participation.objects.filter(municipality=roskilde).exists()


# --- Enrolment ----------------------------------------------------------------------------------

def test_live_search_finds_by_name_and_code_and_marks_enrolled_ones(client, world):
    login(client, world.a.users["facilitator"])
    url = reverse("municipalities:enrol", args=[world.a.cohort.pk])
    response = client.get(url, {"q": "ros"}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text and "Roskilde" in response.text
    assert client.get(url, {"q": "265"}, **HTMX).text.count("<li class=\"search-result\">") == 1
    assert "Ærø" in client.get(url, {"q": "ærø"}, **HTMX).text
    response = client.get(url, {"q": world.a.participation.municipality.name})
    assert "<html" in response.text and "Already in this cohort" in response.text


def test_facilitator_enrols_with_htmx_and_both_lists_are_refreshed(client, world):
    login(client, world.a.users["facilitator"])
    roskilde = Municipality.objects.get(code="265")
    response = client.post(reverse("municipalities:enrol", args=[world.a.cohort.pk]),
                           {"municipality": roskilde.pk, "q": "Roskilde"}, **HTMX)
    assert response.status_code == 200
    assert Participation.objects.filter(cohort=world.a.cohort, municipality=roskilde).exists()
    assert "Roskilde is now enrolled" in response.text
    assert "Already in this cohort" in response.text
    assert 'id="enrolled"' in response.text and 'hx-swap-oob="true"' in response.text


def test_enrolment_without_javascript_redirects_back_to_the_search(client, world):
    login(client, world.a.users["facilitator"])
    koege = Municipality.objects.get(code="259")
    response = client.post(reverse("municipalities:enrol", args=[world.a.cohort.pk]),
                           {"municipality": koege.pk, "q": "Kø"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("?q=K%C3%B8")
    assert "Køge is now enrolled" in client.get(response.headers["Location"]).text


def test_duplicate_enrolment_shows_a_clear_message_and_saves_nothing(client, world):
    login(client, world.a.users["facilitator"])
    municipality = world.a.participation.municipality
    for headers in (HTMX, {}):
        response = client.post(reverse("municipalities:enrol", args=[world.a.cohort.pk]),
                               {"municipality": municipality.pk, "q": municipality.name}, **headers)
        assert response.status_code == 200
        assert f"{municipality.name} already takes part in {world.a.cohort.name}." in response.text
    assert Participation.objects.filter(cohort=world.a.cohort, municipality=municipality).count() == 1


def test_enrolling_an_unknown_municipality_is_refused(client, world):
    login(client, world.a.users["facilitator"])
    response = client.post(reverse("municipalities:enrol", args=[world.a.cohort.pk]), {"municipality": 999999},
                           **HTMX)
    assert "That municipality does not exist" in response.text
    assert Participation.objects.filter(cohort=world.a.cohort).count() == 2


def test_facilitator_of_another_programme_cannot_enrol(client, world):
    login(client, world.b.users["facilitator"])
    response = client.post(reverse("municipalities:enrol", args=[world.a.cohort.pk]),
                           {"municipality": Municipality.objects.get(code="265").pk})
    assert response.status_code == 404


def test_facilitator_withdraws_a_municipality(client, world):
    login(client, world.a.users["facilitator"])
    other = world.a.other_participation
    response = client.post(reverse("municipalities:withdraw", args=[other.pk]))
    assert response.status_code == 302
    assert not Participation.objects.filter(pk=other.pk).exists()
    assert response.headers["Location"] == reverse("municipalities:enrol", args=[world.a.cohort.pk])


def test_withdraw_needs_post(client, world):
    login(client, world.a.users["facilitator"])
    assert client.get(reverse("municipalities:withdraw", args=[world.a.participation.pk])).status_code == 405


# --- Advisor ------------------------------------------------------------------------------------

def test_facilitator_assigns_an_advisor_from_the_pool_inline(client, world):
    participation = world.a.participation
    pooled = RoleAssignmentFactory(role=Role.ADVISOR, programme=world.a.programme, participation=None,
                                   user__full_name="Birgitte Nørgaard").user
    login(client, world.a.users["facilitator"])
    url = reverse("municipalities:advisor-edit", args=[participation.pk])
    form = client.get(url, **HTMX)
    assert "Birgitte Nørgaard" in form.text and "<html" not in form.text
    response = client.post(url, {"advisor": pooled.pk}, **HTMX)
    assert response.status_code == 200
    assert 'id="advisor"' in response.text and "Birgitte Nørgaard" in response.text
    assert list(RoleAssignment.objects.filter(role=Role.ADVISOR, participation=participation)
                .values_list("user", flat=True)) == [pooled.pk]


def test_choosing_someone_outside_the_advisor_pool_is_a_form_error(client, world):
    participation = world.a.participation
    stranger = UserFactory()
    login(client, world.a.users["facilitator"])
    response = client.post(reverse("municipalities:advisor-edit", args=[participation.pk]), {"advisor": stranger.pk},
                           **HTMX)
    assert response.status_code == 200
    assert "This person is not in the programme&#x27;s advisor pool" in response.text
    assert list(RoleAssignment.objects.filter(role=Role.ADVISOR, participation=participation)
                .values_list("user", flat=True)) == [world.a.users["advisor"].pk]


# --- Challenge and plan -------------------------------------------------------------------------

def test_challenge_inline_edit_returns_the_display_with_the_ladder(client, world):
    participation = world.a.participation
    login(client, world.a.users["facilitator"])
    url = reverse("municipalities:challenge-edit", args=[participation.pk])
    form = client.get(url, **HTMX)
    assert form.status_code == 200 and "<html" not in form.text and 'name="strategy"' in form.text
    assert "<html" in client.get(url).text  # without JavaScript: a page of its own
    response = client.post(url, CHALLENGE, **HTMX)
    assert response.status_code == 200
    assert 'id="challenge"' in response.text
    assert 'class="rung rung-chosen" aria-current="true"' in response.text
    assert response.text.count("rung-chosen") == 1
    assert "Responsible consumption and production" in response.text


@pytest.mark.parametrize("sdgs, message", [
    (["18"], "SDGs are numbered 1 to 17."),
    (["0"], "SDGs are numbered 1 to 17."),
])
def test_challenge_with_bad_sdgs_shows_a_message_and_saves_nothing(client, world, sdgs, message):
    login(client, world.a.users["staff"])
    response = client.post(reverse("municipalities:challenge-edit", args=[world.a.participation.pk]),
                           {**CHALLENGE, "sdgs": sdgs}, **HTMX)
    assert response.status_code == 200
    assert message in response.text
    assert not LocalChallenge.objects.exists()


def test_challenge_without_strategy_says_what_is_missing(client, world):
    login(client, world.a.users["staff"])
    data = {key: value for key, value in CHALLENGE.items() if key != "strategy"}
    response = client.post(reverse("municipalities:challenge-edit", args=[world.a.participation.pk]), data)
    assert "Choose one strategy on the R-ladder (R0–R9)." in response.text
    assert not LocalChallenge.objects.exists()


def test_messages_come_in_danish_for_danish_users(client, world):
    login(client, world.a.users["staff"], language="da")
    response = client.post(reverse("municipalities:challenge-edit", args=[world.a.participation.pk]),
                           {**CHALLENGE, "title": ""})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "da"


def test_staff_edit_the_action_plan_and_solution_model(client, world):
    participation = world.a.participation
    login(client, world.a.users["staff"])
    url = reverse("municipalities:participation-edit", args=[participation.pk])
    response = client.post(url, {"action_plan_url": "www.roskilde.dk/handleplan", "solution_model": "Pant"}, **HTMX)
    assert response.status_code == 200 and 'id="plan"' in response.text
    participation.refresh_from_db()
    assert participation.action_plan_url == "https://www.roskilde.dk/handleplan"
    bad = client.post(url, {"action_plan_url": "ikke et link", "solution_model": "Noget andet"}, **HTMX)
    assert "Enter a full web address" in bad.text
    participation.refresh_from_db()
    assert participation.solution_model == "Pant"


# --- Page content and history -------------------------------------------------------------------

def test_page_lists_team_milestones_and_history_for_facilitators(client, world):
    participation = world.a.participation
    MilestoneFactory(programme=world.a.programme, participation=participation, title_en="Test plan ready")
    MilestoneFactory(programme=world.a.programme, title_en="Programme-wide milestone")
    login(client, world.a.users["facilitator"])
    client.post(reverse("municipalities:challenge-edit", args=[participation.pk]), CHALLENGE)
    client.post(reverse("municipalities:challenge-edit", args=[participation.pk]), {**CHALLENGE, "strategy": "R2"})
    response = client.get(page(participation))
    text = response.text
    assert "Test plan ready" in text and "Programme-wide milestone" not in text
    assert world.a.users["staff"].full_name in text
    assert "Change history" in text
    assert "Circular strategy (R-ladder): R3 Reuse → R2 Reduce" in text
    assert world.a.users["facilitator"].full_name in text


def test_history_is_for_facilitators_only(client, world):
    login(client, world.a.users["staff"])
    assert "Change history" not in client.get(page(world.a.participation)).text
    url = reverse("municipalities:participation-history", args=[world.a.participation.pk])
    assert client.get(url).status_code == 403
    login(client, world.a.users["facilitator"])
    assert client.get(url).status_code == 200


def test_history_page_paginates(client, world):
    participation = world.a.participation
    login(client, world.a.users["facilitator"])
    for n in range(30):
        client.post(reverse("municipalities:participation-edit", args=[participation.pk]),
                    {"action_plan_url": f"https://example.org/plan-{n}", "solution_model": ""})
    url = reverse("municipalities:participation-history", args=[participation.pk])
    first = client.get(url).text
    assert "plan-29" in first and "Page 1 of 2" in first
    second = client.get(url, {"page": 2}).text
    assert "plan-0<" in second or "plan-0 " in second or "plan-0\n" in second


def test_demo_programme_says_the_participants_are_demo_data(client, world):
    world.a.programme.is_demo = True
    world.a.programme.save()
    login(client, world.a.users["staff"])
    assert "invented for this demonstration" in client.get(page(world.a.participation)).text
