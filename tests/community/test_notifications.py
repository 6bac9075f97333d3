"""Nobody is told (issue 15.7, 15.8): community notifications are e-mailed as each person chose, moderators
hear about reports (only those who moderate what was reported), moderators find the moderation page in the
community's navigation, and the author of a hidden thread is told so instead of a 404."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Adoption, ModerationAction, Thread, Visibility
from notifications.models import Notification, NotificationPreference
from notifications.services import digest_send
from tests.community.factories import LibraryItemFactory, PostFactory, ThreadFactory, solution_model
from tests.factories import AdminFactory, facilitator_of, staff_of

pytestmark = pytest.mark.django_db


def notes(user):
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def danish(user):
    user.language = "da"
    user.save()
    return user


# --- 15.7: community notifications by e-mail, as the person chose -------------------------------------------

def test_an_answer_is_emailed_at_once_in_the_askers_language(world, django_capture_on_commit_callbacks):
    asker = danish(world.a.users["staff"])
    thread = ThreadFactory(author=asker, municipality=world.a.participation.municipality, title="Materialebank?")
    answerer = world.b.users["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(thread=thread, by=answerer, body="Vi har en hal i **Høje-Taastrup**.")
    (note,) = notes(asker)
    assert note.category == "community" and note.emailed_at is not None
    (message,) = mail.outbox
    assert message.to == [asker.email]
    assert message.subject == "By b1 svarede på “Materialebank?”"
    assert message.body.startswith(f"Kære {asker.get_short_name()}")
    assert "Vi har en hal i Høje-Taastrup." in message.body
    assert post.get_absolute_url() in message.body
    assert ("Du modtager dette som en notifikation fra platformen Cirkulære byer "
            "(Community: svar, omtaler og ibrugtagninger)") in message.body
    assert mails_to(answerer) == [] and notes(answerer) == []


def test_community_mail_follows_the_preference_daily_or_off(world, django_capture_on_commit_callbacks):
    asker, earlier = world.a.users["staff"], world.b.users["staff"]
    NotificationPreference.objects.create(user=asker, category="community", frequency="daily")
    NotificationPreference.objects.create(user=earlier, category="community", frequency="off")
    thread = ThreadFactory(author=asker, title="Genbrug af tegl?")
    PostFactory(thread=thread, author=earlier)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(thread=thread, by=world.a.users["advisor"], body="Prøv Gamle Mursten.")
    assert mail.outbox == []
    assert [n.digest for n in notes(asker)] == ["daily"]
    assert [n.digest for n in notes(earlier)] == [""]  # in the centre only
    assert digest_send(user_id=asker.pk, frequency="daily", now=timezone.now()) == 1
    (digest,) = mail.outbox
    assert digest.to == [asker.email] and "Genbrug af tegl?" in digest.body


def test_a_mention_is_emailed_and_nobody_is_told_about_their_own_mention(world, django_capture_on_commit_callbacks):
    author = world.a.users["staff"]
    author.email = "ole.author@kommune.dk"
    author.save()
    mentioned = staff_of(world.a.other_participation.municipality, user__email="maja.lund@kommune.dk",
                         user__full_name="Maja Lund")
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_create(by=author, kind=Thread.Kind.QUESTION, title="Hvem ved noget om tekstiler?",
                               body="@maja.lund og @ole.author, hvad siger I?", visibility=Visibility.COMMUNITY)
    (message,) = mail.outbox
    assert message.to == [mentioned.email]
    assert "mentioned you in “Hvem ved noget om tekstiler?”" in message.subject
    assert notes(author) == []


def test_an_adoption_is_emailed_to_the_original_team_not_the_adopter(world, django_capture_on_commit_callbacks):
    item = solution_model(world.a.participation, visibility=Visibility.COMMUNITY)
    team = world.a.users["staff"]
    adopter = world.b.users["facilitator"]
    with django_capture_on_commit_callbacks(execute=True):
        services.adoption_record(item=item, municipality=world.b.participation.municipality, by=adopter,
                                 kind=Adoption.Kind.REUSE, note="Vi bruger den som den er")
    (message,) = mail.outbox
    assert message.to == [team.email]
    assert "By b1 reuses your solution model" in message.subject and "Vi bruger den som den er" in message.body
    assert notes(adopter) == []


def test_the_unsubscribe_link_of_a_community_mail_switches_the_community_off(world, client,
                                                                             django_capture_on_commit_callbacks):
    asker = world.a.users["staff"]
    thread = ThreadFactory(author=asker)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(thread=thread, by=world.b.users["staff"], body="Svar")
    (message,) = mail.outbox
    path = "/notifications/unsubscribe/" + message.extra_headers["List-Unsubscribe"].split(
        "/notifications/unsubscribe/")[1].rstrip(">")
    client.post(path, {"List-Unsubscribe": "One-Click"})
    assert NotificationPreference.objects.get(user=asker, category="community").frequency == "off"


# --- 15.8: moderators hear about reports ----------------------------------------------------------------------

def test_a_report_reaches_the_facilitators_of_that_programme_only(world, django_capture_on_commit_callbacks):
    thread = ThreadFactory(author=world.a.users["staff"], programme=world.a.programme, visibility=Visibility.COHORT,
                           title="Tilbud på affaldssortering")
    reporter = world.a.users["advisor"]
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_create(by=reporter, target=thread, reason="Reklame for et firma")
    facilitator = world.a.users["facilitator"]
    (note,) = notes(facilitator)
    assert note.category == "moderation"
    assert note.title == "The thread “Tilbud på affaldssortering” was reported"
    assert note.body == "Reason: Reklame for et firma"
    assert note.url == reverse("community:moderation") + f"#report-{report.pk}"
    (message,) = mail.outbox
    assert message.to == [facilitator.email]
    # not programme B's facilitator (who does not moderate it), not the reporter, not the admin, not the author
    for person in (world.b.users["facilitator"], reporter, world.admin, world.a.users["staff"]):
        assert notes(person) == []


def test_a_report_mail_is_in_danish_for_a_danish_moderator(world, django_capture_on_commit_callbacks):
    facilitator = danish(world.a.users["facilitator"])
    thread = ThreadFactory(programme=world.a.programme, visibility=Visibility.COHORT, title="Spørgsmål")
    post = PostFactory(thread=thread, author=world.a.users["advisor"], body="Køb vores produkt")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_create(by=world.a.users["staff"], target=post, reason="Reklame")
    (message,) = mail.outbox
    assert message.to == [facilitator.email]
    assert message.subject == "Et svar i “Spørgsmål” er blevet anmeldt"
    assert "Begrundelse: Reklame" in message.body
    assert "Anmeldelser i fællesskabet til moderatorer" in message.body


def test_a_report_on_community_wide_content_reaches_every_facilitator(world, django_capture_on_commit_callbacks):
    item = LibraryItemFactory(visibility=Visibility.COMMUNITY, programme=None, title_da="Metode", title_en="Method")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_create(by=world.a.users["staff"], target=item, reason="Forkert")
    for side in (world.a, world.b):
        assert [n.title for n in notes(side.users["facilitator"])] == [
            "The library item “Method” was reported"]
    assert notes(world.admin) == []


def test_a_moderator_who_reports_is_not_told_and_admins_hear_when_no_facilitator_moderates(
        world, django_capture_on_commit_callbacks):
    facilitator = world.a.users["facilitator"]
    colleague = facilitator_of(world.a.programme)
    thread = ThreadFactory(programme=world.a.programme)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_create(by=facilitator, target=thread, reason="Dublet")
    assert notes(facilitator) == []
    assert len(notes(colleague)) == 1 and Notification.objects.count() == 1

    for person in (facilitator, colleague):
        person.roles.all().delete()  # nobody facilitates programme A any more
    second_admin = AdminFactory(email="admin-2@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_create(by=world.a.users["staff"], target=thread, reason="Stadig dublet")
    assert len(notes(world.admin)) == 1 and len(notes(second_admin)) == 1
    assert notes(world.b.users["facilitator"]) == []


def test_a_report_resolved_before_the_task_runs_tells_nobody(world, django_capture_on_commit_callbacks):
    thread = ThreadFactory(programme=world.a.programme)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.report_create(by=world.a.users["staff"], target=thread, reason="Spam")
    services.report_resolve(report=report, by=world.admin)
    for callback in callbacks:
        callback()
    assert Notification.objects.count() == 0


# --- 15.8: the way to the moderation page -----------------------------------------------------------------------

def _subnav_links(client, user):
    client.force_login(user)
    page = BeautifulSoup(client.get(reverse("community:library")).content, "html.parser")
    return {a.get_text(strip=True): a["href"] for a in page.select("nav.subnav a")}


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_moderators_find_the_moderation_page_in_the_community_navigation(client, world, role):
    client.cookies["django_language"] = "da"
    links = _subnav_links(client, world.user(role))
    assert links["Moderering"] == reverse("community:moderation")
    client.force_login(world.user(role))
    page = BeautifulSoup(client.get(reverse("community:moderation")).content, "html.parser")
    assert page.select_one('nav.subnav a[aria-current="page"]').get_text(strip=True) == "Moderering"


@pytest.mark.parametrize("role", ["staff", "advisor", "politician", "observer"])
def test_others_have_no_moderation_link(client, world, role):
    assert reverse("community:moderation") not in _subnav_links(client, world.user(role)).values()


# --- 15.8: the author of a hidden thread is told so -------------------------------------------------------------

@pytest.fixture
def hidden_thread(world):
    thread = ThreadFactory(author=world.a.users["staff"], programme=world.a.programme, visibility=Visibility.COHORT,
                           title="Køb vores containere", body="Ring til os i dag!")
    services.moderate(target=thread, by=world.a.users["facilitator"], action=ModerationAction.Action.HIDE,
                      reason="Reklame er ikke tilladt i sparring.")
    return thread


def test_the_author_of_a_hidden_thread_sees_that_a_moderator_hid_it(client, world, hidden_thread):
    client.cookies["django_language"] = "da"
    client.force_login(world.a.users["staff"])
    response = client.get(hidden_thread.get_absolute_url())
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text(strip=True) == "Køb vores containere"
    notice = page.select_one(".notice-hidden").get_text(" ", strip=True)
    assert f"En moderator skjulte denne tråd den {timezone.localdate():%d.%m.%Y}." in notice
    assert "Moderatorens begrundelse: Reklame er ikke tilladt i sparring." in notice
    assert "Ring til os i dag!" not in response.content.decode()  # the page tells, it does not show it again
    assert not page.select('form[action$="/answer/"]')  # and it cannot be answered


def test_the_hidden_thread_page_in_english(client, world, hidden_thread):
    client.force_login(world.a.users["staff"])
    page = client.get(hidden_thread.get_absolute_url()).content.decode()
    assert "A moderator hid this thread on" in page and "Other members can no longer see it or answer it." in page


@pytest.mark.parametrize("role, own", [("advisor", True), ("politician", True), ("observer", True),
                                       ("staff", False), ("facilitator", False)])
def test_a_hidden_thread_is_still_404_for_everyone_else(client, world, hidden_thread, role, own):
    client.force_login(world.user(role, own=own))
    assert client.get(hidden_thread.get_absolute_url()).status_code == 404


def test_moderators_still_see_the_hidden_thread_itself(client, world, hidden_thread):
    client.force_login(world.a.users["facilitator"])
    page = client.get(hidden_thread.get_absolute_url()).content.decode()
    assert "Ring til os i dag!" in page and "A moderator has hidden this thread" in page


def test_the_author_still_cannot_answer_a_hidden_thread(client, world, hidden_thread):
    client.force_login(world.a.users["staff"])
    response = client.post(reverse("community:post-create", args=[hidden_thread.pk]), {"body": "Men dog"})
    assert response.status_code == 404
    assert not hidden_thread.posts.exists()


def test_a_restored_thread_is_shown_to_its_author_as_before(client, world, hidden_thread):
    services.moderate(target=hidden_thread, by=world.a.users["facilitator"], action=ModerationAction.Action.RESTORE)
    client.force_login(world.a.users["staff"])
    page = client.get(hidden_thread.get_absolute_url()).content.decode()
    assert "Ring til os i dag!" in page and "A moderator hid this thread" not in page
