"""The community's writes: library items and files, adoptions and who hears about them, threads, answers and
@mentions, profiles, reports and moderation, and the demo data."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Role
from community import services
from community.models import Adoption, LibraryItem, ModerationAction, Profile, Report, Thread, Visibility
from notifications.models import Notification
from programmes.models import LocalChallenge
from tests.community.factories import (
    PDF_BYTES,
    LibraryItemFactory,
    PostFactory,
    ReportFactory,
    ThreadFactory,
    solution_model,
)
from tests.factories import RoleAssignmentFactory, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def notifications_of(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def _challenge(participation, stream="construction", strategy="R3"):
    return LocalChallenge.objects.create(participation=participation, title="Udfordring", problem_statement="…",
                                         material_stream=stream, strategy=strategy, sdgs=[11, 12])


# --- Library ------------------------------------------------------------------------------------------

def test_solution_model_takes_programme_municipality_and_tags_from_its_local_test(world):
    _challenge(world.a.participation)
    item = services.library_item_create(
        by=world.a.users["staff"], kind=LibraryItem.Kind.SOLUTION_MODEL, visibility=Visibility.COHORT,
        title_da="Materialebank", participation=world.a.participation, publish=True)
    assert item.programme == world.a.programme
    assert item.municipality == world.a.participation.municipality
    assert (item.material_stream, item.strategy, item.sdgs) == ("construction", "R3", [11, 12])
    assert item.is_published


def test_a_local_test_has_one_solution_model(world):
    solution_model(world.a.participation)
    with pytest.raises(ValidationError) as error:
        services.library_item_create(by=world.a.users["staff"], kind=LibraryItem.Kind.SOLUTION_MODEL,
                                     visibility=Visibility.COMMUNITY, title_da="Igen",
                                     participation=world.a.participation)
    assert "participation" in error.value.message_dict


def test_cohort_only_needs_a_programme_and_a_draft_is_not_published(world):
    with pytest.raises(ValidationError) as error:
        services.library_item_create(by=world.a.users["staff"], kind=LibraryItem.Kind.CASE,
                                     visibility=Visibility.COHORT, title_da="Kun for holdet")
    assert "programme" in error.value.message_dict
    item = services.library_item_create(by=world.a.users["staff"], kind=LibraryItem.Kind.CASE,
                                        visibility=Visibility.COHORT, title_da="Kun for holdet",
                                        programme=world.a.programme, publish=False)
    assert item.published_at is None
    updated = services.library_item_update(item=item, by=world.a.users["staff"], visibility=Visibility.COMMUNITY,
                                           title_da="Til alle", publish=True)
    assert updated.is_published and updated.visibility == Visibility.COMMUNITY


def test_a_pdf_is_stored_privately_and_can_be_removed(world):
    item = services.library_item_create(
        by=world.a.users["staff"], kind=LibraryItem.Kind.RESOURCE, visibility=Visibility.COMMUNITY,
        title_da="Skabelon", attachment=SimpleUploadedFile("skabelon.pdf", PDF_BYTES, "application/pdf"))
    assert item.attachment_type == "application/pdf"
    assert item.attachment.read() == PDF_BYTES
    assert "skabelon" not in item.attachment.name  # stored names say nothing about the original file
    item = services.library_item_update(item=item, by=world.a.users["staff"], visibility=Visibility.COMMUNITY,
                                        title_da="Skabelon", remove_attachment=True)
    assert not item.attachment


def _png(width=20, height=20) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "green").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("x.png", b"<html><script>alert(1)</script></html>", "image/png"), "not accepted"),
    (SimpleUploadedFile("x.svg", b'<svg onload="alert(1)"></svg>', "image/svg+xml"), "not accepted"),
    (SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"%%EOF", "application/pdf"),
     "too large"),
    (SimpleUploadedFile("empty.pdf", b"", "application/pdf"), "empty"),
])
def test_unsafe_or_oversized_files_are_refused_and_nothing_is_stored(world, upload, message):
    with pytest.raises(ValidationError) as error:
        services.library_item_create(by=world.a.users["staff"], kind=LibraryItem.Kind.RESOURCE,
                                     visibility=Visibility.COMMUNITY, title_da="Fil", attachment=upload)
    assert message in " ".join(error.value.message_dict["attachment"])
    assert not LibraryItem.objects.exists()


def test_a_photo_is_re_encoded(world):
    item = services.library_item_create(
        by=world.a.users["staff"], kind=LibraryItem.Kind.CASE, visibility=Visibility.COMMUNITY, title_da="Foto",
        attachment=SimpleUploadedFile("foto.png", _png(), "image/png"))
    assert item.attachment_type == "image/png"
    assert Image.open(item.attachment).size == (20, 20)


# --- Adoptions ----------------------------------------------------------------------------------------

def test_adoption_notifies_the_original_team_but_not_the_adopter(world, django_capture_on_commit_callbacks):
    item = solution_model(world.a.participation, visibility=Visibility.COMMUNITY)
    team = world.a.users["staff"]
    colleague = staff_of(world.a.participation.municipality, user__language="en")
    adopter = world.a.users["facilitator"]
    with django_capture_on_commit_callbacks(execute=True):
        adoption, created = services.adoption_record(item=item, municipality=world.a.other_participation.municipality,
                                                     by=adopter, kind=Adoption.Kind.ADAPT, note="Vi tilpasser")
    assert created
    assert len(notifications_of(team)) == 1
    english = notifications_of(colleague)
    assert len(english) == 1 and "adapts your solution model" in english[0]
    assert notifications_of(adopter) == []
    # Recording it again changes the note and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        again, created = services.adoption_record(item=item, municipality=world.a.other_participation.municipality,
                                                  by=adopter, kind=Adoption.Kind.REUSE, note="Som den er")
    assert not created and again.pk == adoption.pk and again.kind == Adoption.Kind.REUSE
    assert len(notifications_of(team)) == 1


def test_a_municipality_cannot_adopt_its_own_model_or_a_case(world):
    item = solution_model(world.a.participation)
    with pytest.raises(ValidationError):
        services.adoption_record(item=item, municipality=world.a.participation.municipality,
                                 by=world.a.users["staff"])
    with pytest.raises(ValidationError):
        services.adoption_record(item=LibraryItemFactory(), municipality=world.a.participation.municipality,
                                 by=world.a.users["staff"])
    draft = solution_model(world.a.other_participation, published_at=None)
    with pytest.raises(ValidationError):
        services.adoption_record(item=draft, municipality=world.a.participation.municipality,
                                 by=world.a.users["staff"])


# --- Threads, answers, mentions ------------------------------------------------------------------------

def test_mentions_are_parsed_from_handles_and_full_names_not_from_e_mail_addresses():
    handles, names = services.parse_mentions(
        'Hej @maja.lund og @"Kirsten Mathiesen". Skriv til a.b@example.org. Tak, @peter.')
    assert handles == ["maja.lund", "peter"]
    assert names == ["Kirsten Mathiesen"]


def test_an_answer_notifies_the_asker_and_earlier_answerers_in_their_language(world,
                                                                                django_capture_on_commit_callbacks):
    asker = world.a.users["staff"]
    earlier = world.b.users["staff"]
    thread = ThreadFactory(author=asker, municipality=world.a.participation.municipality, title="Materialebank?")
    PostFactory(thread=thread, author=earlier)
    answerer = staff_of(world.b.other_participation.municipality)
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(thread=thread, by=answerer, body="Vi har en hal.")
    assert post.municipality == world.b.other_participation.municipality
    assert len(notifications_of(asker)) == 1 and len(notifications_of(earlier)) == 1
    assert str(world.b.other_participation.municipality) in notifications_of(asker)[0]
    assert notifications_of(answerer) == []
    thread.refresh_from_db()
    assert thread.last_activity_at == post.created_at


def test_mentions_notify_only_members_who_may_see_the_thread(world, django_capture_on_commit_callbacks):
    inside = staff_of(world.a.other_participation.municipality, user__email="maja.lund@kommune.dk",
                      user__full_name="Maja Lund")
    outside = staff_of(world.b.participation.municipality, user__email="ole@kommune.dk", user__full_name="Ole Nør")
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_create(by=world.a.users["staff"], kind=Thread.Kind.QUESTION, title="Hvem ved noget?",
                               body='@maja.lund og @"Ole Nør", hvad siger I?', visibility=Visibility.COHORT,
                               programme=world.a.programme)
    assert len(notifications_of(inside)) == 1
    assert notifications_of(outside) == []  # the thread is for programme A only


def test_a_hidden_thread_cannot_be_answered(world):
    thread = ThreadFactory(author=world.a.users["staff"])
    services.moderate(target=thread, by=world.admin, action=ModerationAction.Action.HIDE, reason="Spam")
    thread.refresh_from_db()
    with pytest.raises(ValidationError):
        services.post_create(thread=thread, by=world.b.users["staff"], body="Svar")


# --- Profiles ------------------------------------------------------------------------------------------

def test_profile_tags_are_cleaned_and_saving_twice_changes_nothing(world):
    user = world.a.users["staff"]
    profile = services.profile_save(user=user, organisation=" Teknik ", expertise="byggeri, , Byggeri,udbud ",
                                    bio="Hej", show_email=True)
    assert profile.expertise == "byggeri, udbud"
    assert profile.expertise_tags == ["byggeri", "udbud"]
    before = Profile.objects.get(user=user).updated_at
    services.profile_save(user=user, organisation="Teknik", expertise="byggeri, udbud", bio="Hej", show_email=True)
    assert Profile.objects.get(user=user).updated_at == before


# --- Moderation ----------------------------------------------------------------------------------------

def test_hiding_logs_resolves_reports_and_restoring_undoes_it(world):
    item = LibraryItemFactory(programme=world.a.programme)
    report = ReportFactory(item=item, reporter=world.a.users["advisor"])
    moderator = world.a.users["facilitator"]
    entry = services.moderate(target=item, by=moderator, action=ModerationAction.Action.HIDE, reason="Forkert")
    item.refresh_from_db()
    report.refresh_from_db()
    assert item.is_hidden and report.resolved and report.resolved_by == moderator
    assert (entry.action, entry.by, entry.reason, entry.item) == ("hide", moderator, "Forkert", item)
    assert services.moderate(target=item, by=moderator, action="hide") is None  # already hidden: nothing logged
    services.moderate(target=item, by=moderator, action=ModerationAction.Action.RESTORE)
    item.refresh_from_db()
    assert not item.is_hidden
    assert list(ModerationAction.objects.values_list("action", flat=True)) == ["restore", "hide"]


def test_a_report_needs_a_reason(world):
    with pytest.raises(ValidationError):
        services.report_create(by=world.a.users["politician"], target=LibraryItemFactory(), reason="   ")
    report = services.report_create(by=world.a.users["politician"], target=LibraryItemFactory(), reason="Usandt")
    assert Report.objects.get() == report and report.target_kind == "item"


# --- Alumni --------------------------------------------------------------------------------------------

def test_alumni_stay_members_and_staff_alumni_may_still_post(world):
    from community.permissions import can_contribute, is_member

    alumnus = RoleAssignmentFactory(role=Role.STAFF, municipality=world.a.participation.municipality,
                                    starts_on=date(2021, 8, 31), ends_on=date(2024, 2, 29)).user
    former_politician = RoleAssignmentFactory(role=Role.POLITICIAN, programme=world.a.programme,
                                              ends_on=date(2022, 1, 1)).user
    assert is_member(alumnus) and can_contribute(alumnus)
    assert is_member(former_politician) and not can_contribute(former_politician)


# --- Demo ----------------------------------------------------------------------------------------------

def test_the_demo_loads_twice_without_changes():
    from community.demo import load_community_demo
    from programmes.demo import load_demo

    programme = load_demo()["programme"]
    load_community_demo(programme)
    counts = (LibraryItem.objects.count(), Adoption.objects.count(), Thread.objects.count())
    load_community_demo(programme)
    assert (LibraryItem.objects.count(), Adoption.objects.count(), Thread.objects.count()) == counts
    assert counts[0] >= 6 + 4 and counts[1] >= 2 and Thread.objects.filter(programme=programme).count() == 2
    assert LibraryItem.objects.filter(kind=LibraryItem.Kind.SOLUTION_MODEL, visibility=Visibility.PUBLIC).exists()
