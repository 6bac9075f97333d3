"""The copy journey over HTTP, in Danish: form → preview of every date (nothing saved) → confirm (all saved);
who may, and "from the other programme?"; templates; query counts that stay flat."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from blueprints.models import ProgrammeTemplate
from programmes.models import Milestone, Phase, Programme
from tests.blueprints.helpers import structure
from tests.factories import MilestoneFactory, PhaseFactory

pytestmark = pytest.mark.django_db


def login(client, user, language="da"):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)


def form(**overrides):
    return {"name_da": "Program a, runde 2", "name_en": "Programme a, round 2", "slug": "program-a-2",
            "starts_on": "2026-03-02", **overrides}


def copy_url(world):
    return reverse("blueprints:copy", args=[world.a.programme.slug])


def test_facilitator_sees_the_form_in_danish_with_a_link_from_the_overview(client, world):
    login(client, world.a.users["facilitator"])
    overview = client.get(world.a.programme.get_absolute_url()).content.decode()
    assert copy_url(world) in overview and "Start et nyt program ud fra dette" in overview
    page = client.get(copy_url(world)).content.decode()
    assert "Ny start" in page and '<html lang="da"' in page


def test_preview_shows_every_date_and_saves_nothing(client, world):
    structure(world.a)
    login(client, world.a.users["facilitator"])
    before = Programme.objects.count()
    response = client.post(copy_url(world), form(preview="1"))
    page = response.content.decode()
    assert response.status_code == 200 and Programme.objects.count() == before
    assert "Tjek det nye programs datoer" in page
    # 31.08.2021 → 02.03.2026 is 1644 days; the phase "Afdækning" from 01.09.2021 to 03.03.2026.
    assert "1644 dage" in page
    assert "01.09.2021" in page and "03.03.2026" in page
    assert "15.11.2021 09:30" in page
    assert 'name="confirm"' in page and 'type="hidden" name="starts_on" value="2026-03-02"' in page


def test_confirm_creates_everything_and_makes_the_creator_its_facilitator(client, world):
    structure(world.a)
    facilitator = world.a.users["facilitator"]
    login(client, facilitator)
    response = client.post(copy_url(world), form(confirm="1"))
    copy = Programme.objects.get(slug="program-a-2")
    assert response.status_code == 302 and response["Location"] == copy.get_absolute_url()
    assert Phase.objects.filter(programme=copy).count() == 2
    assert Milestone.objects.filter(programme=copy).count() == 2
    assert list(RoleAssignment.objects.filter(programme=copy).values_list("user_id", "role")) == [
        (facilitator.pk, Role.FACILITATOR)]
    page = client.get(response["Location"]).content.decode()
    assert "blev oprettet ud fra" in page


def test_dates_past_2099_are_marked_and_cannot_be_confirmed(client, world):
    structure(world.a)
    login(client, world.a.users["facilitator"])
    page = client.post(copy_url(world), form(starts_on="2099-06-01", preview="1")).content.decode()
    assert "31.12.2099" in page and 'role="alert"' in page and 'name="confirm"' not in page
    response = client.post(copy_url(world), form(starts_on="2099-06-01", confirm="1"))
    assert response.status_code == 200 and not Programme.objects.filter(slug="program-a-2").exists()
    assert "31.12.2099" in response.content.decode()


def test_a_taken_short_name_shows_on_the_form(client, world):
    login(client, world.a.users["facilitator"])
    page = client.post(copy_url(world), form(slug=world.b.programme.slug, preview="1")).content.decode()
    assert "Et andet program bruger allerede dette korte navn" in page


def test_change_goes_back_to_the_form_with_the_values(client, world):
    login(client, world.a.users["facilitator"])
    page = client.post(copy_url(world), form(edit="1")).content.decode()
    assert 'value="Program a, runde 2"' in page and "Vis alle datoer, før der gemmes" in page


def test_facilitator_of_the_other_programme_gets_404_and_nothing_is_made(client, world):
    login(client, world.b.users["facilitator"])
    assert client.get(copy_url(world)).status_code == 404
    assert client.post(copy_url(world), form(confirm="1")).status_code == 404
    assert not Programme.objects.filter(slug="program-a-2").exists()


@pytest.mark.parametrize("role", ["observer", "politician", "staff", "advisor"])
def test_others_in_the_programme_get_403_and_from_the_other_programme_404(client, world, role):
    login(client, world.a.users[role])
    assert client.post(copy_url(world), form(confirm="1")).status_code == 403
    login(client, world.b.users[role])
    assert client.post(copy_url(world), form(confirm="1")).status_code == 404
    assert not Programme.objects.filter(slug="program-a-2").exists()


def test_template_kept_then_started_by_a_facilitator_of_another_programme(client, world):
    structure(world.a)
    login(client, world.a.users["facilitator"])
    response = client.post(reverse("blueprints:keep", args=[world.a.programme.slug]),
                           {"name_da": "Byforløb på to år", "name_en": "Two-year city course"})
    assert response.status_code == 302
    template = ProgrammeTemplate.objects.get(programme=world.a.programme)

    other = world.b.users["facilitator"]
    login(client, other)
    listing = client.get(reverse("blueprints:templates")).content.decode()
    assert "Byforløb på to år" in listing
    assert reverse("blueprints:template-remove", args=[template.pk]) not in listing  # not theirs to remove
    start = reverse("blueprints:template-start", args=[template.pk])
    assert "Byforløb på to år" in client.post(start, form(preview="1")).content.decode()
    response = client.post(start, form(confirm="1"))
    copy = Programme.objects.get(slug="program-a-2")
    assert response.status_code == 302
    assert list(RoleAssignment.objects.filter(programme=copy).values_list("user_id", flat=True)) == [other.pk]
    assert Phase.objects.filter(programme=copy).count() == 2
    assert client.post(reverse("blueprints:template-remove", args=[template.pk])).status_code == 403
    assert ProgrammeTemplate.objects.filter(pk=template.pk).exists()


def test_templates_are_not_for_people_who_do_not_run_programmes(client, world):
    template = ProgrammeTemplate.objects.create(programme=world.a.programme, name_da="Byforløb")
    login(client, world.a.users["politician"])
    assert client.get(reverse("blueprints:templates")).status_code == 403
    assert client.get(reverse("blueprints:template-start", args=[template.pk])).status_code == 404
    assert client.post(reverse("blueprints:template-start", args=[template.pk]), form(confirm="1")).status_code == 404


def test_english_preview(client, world):
    login(client, world.a.users["facilitator"], language="en")
    page = client.post(copy_url(world), form(preview="1")).content.decode()
    assert "Check the new programme" in page and "Every date moves by 1644 days." in page


def test_preview_queries_stay_flat(client, world, django_assert_max_num_queries):
    login(client, world.a.users["facilitator"])

    def grow(n):
        for i in range(n):
            phase = PhaseFactory(programme=world.a.programme, name_da=f"Fase {i}", order=i)
            MilestoneFactory(programme=world.a.programme, phase=phase, title_da=f"Milepæl {i}")
            MilestoneFactory(programme=world.a.programme, participation=world.a.participation)

    grow(3)
    structure(world.a)
    with django_assert_max_num_queries(25):
        assert client.post(copy_url(world), form(preview="1")).status_code == 200
    grow(30)
    with django_assert_max_num_queries(25):
        assert client.post(copy_url(world), form(preview="1")).status_code == 200


def test_confirm_queries_do_not_grow_with_the_plan(client, world, django_assert_max_num_queries):
    login(client, world.a.users["facilitator"])

    def grow(n):
        for i in range(n):
            phase = PhaseFactory(programme=world.a.programme, name_da=f"Fase {i}", order=i,
                                 starts_on=date(2021, 9, 1), ends_on=date(2022, 3, 1))
            MilestoneFactory(programme=world.a.programme, phase=phase, title_da=f"Milepæl {i}")

    grow(4)
    with django_assert_max_num_queries(60):
        assert client.post(copy_url(world), form(confirm="1")).status_code == 302
    grow(40)
    with django_assert_max_num_queries(60):
        assert client.post(copy_url(world), form(slug="program-a-3", confirm="1")).status_code == 302
    assert Milestone.objects.filter(programme__slug="program-a-2").count() == 4
    assert Milestone.objects.filter(programme__slug="program-a-3").count() == 44
