"""What people notice on the community pages, including the wrong people: private items answer 404,
read-only roles get 403 on writes, hidden content disappears, and profiles show only what their owner shows."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from community import services
from community.models import Adoption, LibraryItem, ModerationAction, Post, Thread, Visibility
from tests.community.factories import (
    LibraryItemFactory,
    PostFactory,
    ProfileFactory,
    ThreadFactory,
    cohort_item,
    solution_model,
)
from tests.factories import RoleAssignmentFactory, UserFactory, staff_of

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_a_cohort_item_is_404_outside_its_programme_and_never_listed(client, world):
    client.cookies["django_language"] = "da"  # this test reads the Danish titles
    item = cohort_item(world.a.programme, title_da="Kun for hold A")
    assert get(client, world.a.users["staff"], item.get_absolute_url()).status_code == 200
    assert get(client, world.b.users["facilitator"], item.get_absolute_url()).status_code == 404
    assert "Kun for hold A" not in get(client, world.b.users["staff"], reverse("community:library")).content.decode()
    assert "Kun for hold A" in get(client, world.a.users["politician"], reverse("community:library")).content.decode()


def test_a_draft_is_seen_by_its_author_and_the_moderators_only(client, world):
    draft = LibraryItemFactory(published_at=None, author=world.a.users["advisor"], programme=world.a.programme)
    assert get(client, world.a.users["advisor"], draft.get_absolute_url()).status_code == 200
    assert get(client, world.a.users["facilitator"], draft.get_absolute_url()).status_code == 200
    assert get(client, world.a.users["staff"], draft.get_absolute_url()).status_code == 404
    assert get(client, world.b.users["facilitator"], draft.get_absolute_url()).status_code == 404


def test_a_hidden_item_disappears_for_everyone_but_moderators(client, world):
    item = LibraryItemFactory(programme=world.a.programme, title_da="Skjult indhold")
    services.moderate(target=item, by=world.a.users["facilitator"], action="hide", reason="Fejl")
    assert get(client, world.a.users["staff"], item.get_absolute_url()).status_code == 404
    assert get(client, item.author or world.a.users["advisor"], item.get_absolute_url()).status_code == 404
    page = get(client, world.a.users["facilitator"], item.get_absolute_url())
    assert page.status_code == 200 and "A moderator has hidden this item" in page.content.decode()
    assert get(client, world.admin, item.get_absolute_url()).status_code == 200


def test_read_only_roles_may_read_but_get_403_on_every_write(client, world):
    thread = ThreadFactory()
    model = solution_model(world.a.other_participation)
    for role in ("politician", "observer"):
        client.force_login(world.a.users[role])
        assert client.get(reverse("community:library")).status_code == 200
        assert client.get(thread.get_absolute_url()).status_code == 200
        assert client.post(reverse("community:item-create"), {"kind": "case", "title_da": "x",
                                                               "visibility": "community"}).status_code == 403
        assert client.post(reverse("community:thread-create"), {"title": "x", "body": "y"}).status_code == 403
        assert client.post(reverse("community:post-create", args=[thread.pk]), {"body": "y"}).status_code == 403
        assert client.post(reverse("community:item-adopt", args=[model.pk]), {}).status_code == 403
    assert not Post.objects.exists() and Thread.objects.count() == 1 and not Adoption.objects.exists()


def test_people_without_any_role_are_not_members(client, world):
    stranger = UserFactory()
    assert get(client, stranger, reverse("community:index")).status_code == 403
    assert get(client, stranger, reverse("community:showcase")).status_code == 200


def test_alumni_keep_the_community(client, world):
    alumnus = RoleAssignmentFactory(role=Role.STAFF, municipality=world.a.participation.municipality,
                                    ends_on=date(2024, 2, 29)).user
    assert get(client, alumnus, reverse("community:index")).status_code == 200
    response = client.post(reverse("community:thread-create"), {
        "kind": "question", "title": "Stadig med", "body": "Jeg er alumne.", "visibility": "community"})
    assert response.status_code == 302
    assert "Community" in get(client, alumnus, reverse("community:index")).content.decode()


def test_staff_create_an_item_and_a_question_and_answer(client, world):
    staff = world.a.users["staff"]
    client.force_login(staff)
    response = client.post(reverse("community:item-create"), {
        "kind": "case", "title_da": "Vores test", "summary_da": "Kort", "body_da": "## Hvad\n\nTekst",
        "visibility": "community", "publish": "on", "sdgs": ["12"]})
    item = LibraryItem.objects.get(title_da="Vores test")
    assert response.status_code == 302 and response.url == item.get_absolute_url()
    assert item.author == staff and item.sdgs == [12]
    response = client.post(reverse("community:thread-create"), {
        "kind": "sparring", "title": "Sparring om byggeri", "body": "Hvem?", "visibility": "cohort",
        "programme": world.a.programme.pk, "material_stream": "construction",
        "municipality": world.a.participation.municipality.pk})
    thread = Thread.objects.get(title="Sparring om byggeri")
    assert response.status_code == 302 and thread.municipality == world.a.participation.municipality
    client.force_login(world.a.users["advisor"])
    response = client.post(reverse("community:post-create", args=[thread.pk]), {"body": "Vi ved noget"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Vi ved noget" in response.content.decode()
    assert 'hx-swap-oob="beforeend:#posts"' in response.content.decode()


def test_bad_input_gets_a_message_and_nothing_is_saved(client, world):
    client.force_login(world.a.users["staff"])
    response = client.post(reverse("community:item-create"), {"kind": "case", "visibility": "cohort"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Give the item a Danish title." in body and "Choose the programme" in body
    response = client.post(reverse("community:post-create", args=[ThreadFactory().pk]), {"body": ""},
                           HTTP_HX_REQUEST="true")
    assert "Write your answer first." in response.content.decode()
    assert not LibraryItem.objects.exists() and not Post.objects.exists()


def test_staff_cannot_publish_another_municipalitys_solution_model(client, world):
    client.force_login(world.a.users["staff"])
    response = client.post(reverse("community:item-create"), {
        "kind": "solution_model", "participation": world.a.other_participation.pk, "title_da": "Ikke vores",
        "visibility": "community", "publish": "on"})
    assert response.status_code == 200
    assert not LibraryItem.objects.exists()


def test_staff_record_and_remove_an_adoption(client, world):
    model = solution_model(world.a.other_participation)
    client.force_login(world.a.users["staff"])
    page = client.get(reverse("community:item-adopt", args=[model.pk]))
    assert page.status_code == 200 and str(world.a.participation.municipality) in page.content.decode()
    response = client.post(reverse("community:item-adopt", args=[model.pk]), {
        "municipality": world.a.participation.municipality.pk, "kind": "adapt", "note": "Tilpasset"})
    assert response.status_code == 302
    adoption = Adoption.objects.get()
    assert adoption.adopted_by == world.a.users["staff"]
    # Not for a municipality one does not work for.
    response = client.post(reverse("community:item-adopt", args=[model.pk]), {
        "municipality": world.b.participation.municipality.pk, "kind": "reuse"})
    assert response.status_code == 200 and Adoption.objects.count() == 1
    assert client.post(reverse("community:adoption-delete", args=[adoption.pk])).status_code == 302
    assert not Adoption.objects.exists()


def test_a_hidden_answer_shows_a_placeholder_except_to_moderators(client, world):
    thread = ThreadFactory(programme=world.a.programme)
    post = PostFactory(thread=thread, body="Upassende svar")
    services.moderate(target=post, by=world.a.users["facilitator"], action=ModerationAction.Action.HIDE)
    page = get(client, world.b.users["staff"], thread.get_absolute_url()).content.decode()
    assert "Upassende svar" not in page and "hidden by a moderator" in page
    page = get(client, world.a.users["facilitator"], thread.get_absolute_url()).content.decode()
    assert "Upassende svar" in page and "Restore" in page


def test_reporting_and_moderating_from_the_queue(client, world):
    item = LibraryItemFactory(programme=world.a.programme)
    client.force_login(world.a.users["politician"])
    response = client.post(reverse("community:report", args=["item", item.pk]), {"reason": "Forkerte tal"})
    assert response.status_code == 302
    page = get(client, world.a.users["facilitator"], reverse("community:moderation")).content.decode()
    assert "Forkerte tal" in page
    other = get(client, world.b.users["facilitator"], reverse("community:moderation")).content.decode()
    assert "Forkerte tal" not in other
    client.force_login(world.a.users["facilitator"])
    response = client.post(reverse("community:moderate", args=["item", item.pk]),
                           {"action": "hide", "reason": "Tjekket", "next": reverse("community:moderation")})
    assert response.status_code == 302 and response.url == reverse("community:moderation")
    page = client.get(reverse("community:moderation")).content.decode()
    assert "No open reports." in page and "Tjekket" in page
    assert client.get(reverse("community:report", args=["nonsense", item.pk])).status_code == 404


def test_the_directory_shows_only_what_each_member_chose(client, world):
    ProfileFactory(user=world.a.users["advisor"], organisation="Skjult organisation", show_organisation=False,
                   expertise="hemmelig ekspertise", show_expertise=False, show_email=False, bio="Min historie")
    ProfileFactory(user=world.a.users["observer"], listed=False)
    ProfileFactory(user=world.a.users["staff"], show_email=True, expertise="materialebank")
    viewer = world.b.users["politician"]
    page = get(client, viewer, reverse("community:members")).content.decode()
    assert world.a.users["advisor"].full_name in page
    assert "Skjult organisation" not in page and "hemmelig" not in page and world.a.users["advisor"].email not in page
    assert world.a.users["observer"].full_name not in page
    assert world.a.users["staff"].email in page and "materialebank" in page
    assert get(client, viewer, reverse("community:member", args=[world.a.users["observer"].pk])).status_code == 404
    detail = get(client, viewer, reverse("community:member", args=[world.a.users["advisor"].pk])).content.decode()
    assert "Min historie" in detail and "Skjult organisation" not in detail
    # A hidden field never makes a person findable.
    found = get(client, viewer, reverse("community:members") + "?q=hemmelig").content.decode()
    assert world.a.users["advisor"].full_name not in found
    found = get(client, viewer, reverse("community:search") + "?q=hemmelig").content.decode()
    assert world.a.users["advisor"].full_name not in found
    # The person sees their own page even when not listed, and edits the profile.
    client.force_login(world.a.users["observer"])
    assert client.get(reverse("community:member", args=[world.a.users["observer"].pk])).status_code == 200
    response = client.post(reverse("community:profile"), {"organisation": "Realdania", "listed": "on",
                                                          "show_organisation": "on"})
    assert response.status_code == 302
    assert "Realdania" in get(client, viewer, reverse("community:members")).content.decode()


def test_sparring_suggestions_rank_and_explain(client, world):
    from programmes.models import LocalChallenge

    LocalChallenge.objects.create(participation=world.b.participation, title="Byggeri", problem_statement="…",
                                  material_stream="construction", strategy="R8")
    LocalChallenge.objects.create(participation=world.b.other_participation, title="Genbrug", problem_statement="…",
                                  material_stream="food", strategy="R3")
    solution_model(world.a.other_participation, material_stream="construction", strategy="R3")
    client.force_login(world.a.users["staff"])
    client.cookies["django_language"] = "en"
    response = client.get(reverse("community:partner-suggestions") + "?material_stream=construction&strategy=R3",
                          HTTP_HX_REQUEST="true")
    names = [s.name for s in response.context["suggestions"]]
    assert names == [str(world.a.other_participation.municipality), str(world.b.participation.municipality),
                     str(world.b.other_participation.municipality)]
    body = response.content.decode()
    assert "Works on the same material stream: Construction and demolition" in body
    assert "Works with the same strategy: R3 Reuse" in body
    assert str(world.a.participation.municipality) not in names  # not one's own municipality


def test_community_and_showcase_links_in_the_navigation(client, world):
    assert reverse("community:index") in get(client, world.a.users["observer"], "/").content.decode()
    client.logout()
    login_page = client.get(reverse("account_login")).content.decode()
    assert reverse("community:showcase") in login_page


def test_item_file_is_served_after_the_visibility_check(client, world, settings, tmp_path):
    from tests.community.factories import PDF_BYTES, with_file

    settings.MEDIA_ROOT = str(tmp_path)
    private = with_file(cohort_item(world.a.programme))
    public = with_file(LibraryItemFactory(visibility=Visibility.PUBLIC))
    assert client.get(reverse("community:item-file", args=[public.pk])).status_code == 200
    assert client.get(reverse("community:item-file", args=[private.pk])).status_code == 404
    response = get(client, world.a.users["observer"], reverse("community:item-file", args=[private.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert get(client, world.b.users["staff"], reverse("community:item-file", args=[private.pk])).status_code == 404
    assert get(client, world.a.users["staff"], reverse("community:item-file",
                                                       args=[LibraryItemFactory().pk])).status_code == 404


def test_staff_of_another_programme_see_community_items(client, world):
    client.cookies["django_language"] = "da"  # this test reads the Danish titles
    item = LibraryItemFactory(programme=world.a.programme, visibility=Visibility.COMMUNITY, title_da="Til alle")
    assert get(client, world.b.users["staff"], item.get_absolute_url()).status_code == 200
    staff_b = staff_of(world.b.participation.municipality)
    assert "Til alle" in get(client, staff_b, reverse("community:library")).content.decode()
