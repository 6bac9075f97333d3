"""Personal data: export (JSON + readable page), deletion requests, erasure that leaves no personal field behind."""

import json
from datetime import date, timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import gdpr
from accounts.models import DeletionRequest, Invitation, Role, User
from accounts.services import invitation_create
from community.models import Post, Profile, Thread
from municipalities.models import EntryComment, ProgressEntry
from notifications.models import Category, Notification, NotificationPreference
from tests.factories import DEMO_PASSWORD, AdminFactory, build_world, staff_of
from workshops.models import CalendarFeed, Meeting, MeetingInvitation, SkillAssessment

NAME = "Zebulon Quarrington"
EMAIL = "zebulon.quarrington@example.org"

pytestmark = pytest.mark.django_db


# --- Every reference to a person is handled ------------------------------------------------------------------

def test_every_foreign_key_to_the_user_model_is_handled_by_export_and_erasure():
    """Fails when a new model points at the user without saying what export and erasure do with it:
    add it to accounts.gdpr.USER_REFERENCES."""
    assert gdpr.unhandled_references() == []


def test_the_list_of_references_names_only_fields_that_exist():
    existing = {gdpr.reference_key(model, field) for model, field in gdpr.user_references()}
    assert sorted(set(gdpr.USER_REFERENCES) - existing) == []


# --- A person with something everywhere -------------------------------------------------------------------

@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def person(world, client):
    """A staff member of municipality A1 with data in every app, and copies of their name elsewhere."""
    participation = world.a.participation
    user = staff_of(participation.municipality, user__email=EMAIL, user__full_name=NAME,
                    responsibility="Leads the textile pilot")
    facilitator = world.a.users["facilitator"]
    entry = ProgressEntry.objects.create(participation=participation, happened_on=date(2022, 3, 1),
                                         what_happened="Pilot with the recycling centre", author=user)
    EntryComment.objects.create(entry=entry, author=user, body="Looks good")
    meeting = Meeting.objects.create(programme=world.a.programme, kind="sparring", title_da="Sparring",
                                     starts_at=timezone.now() + timedelta(days=3),
                                     ends_at=timezone.now() + timedelta(days=3, hours=2), organiser=facilitator)
    MeetingInvitation.objects.create(meeting=meeting, user=user, response="yes")
    thread = Thread.objects.create(title="Textile take-back", body="Who has tried it?", author=user)
    Post.objects.create(thread=thread, author=user, body="We have.")
    Profile.objects.create(user=user, organisation="Teknik og Miljø", bio=f"I am {NAME}.")
    SkillAssessment.objects.create(user=user, programme=world.a.programme, participation=participation,
                                   stage="before", systems_thinking=3, circular_models=2, comment="Learning")
    CalendarFeed.objects.create(user=user, token_hash="f" * 64)
    Notification.objects.create(recipient=user, category=Category.MEETINGS, title="Meeting on Friday", body="…")
    NotificationPreference.objects.create(user=user, category=Category.COMMUNITY, frequency="daily")
    # Copies of their name and e-mail in other people's rows: a notification, an invitation, the admin log.
    Notification.objects.create(recipient=facilitator, category=Category.PROGRESS,
                                title=f"{NAME} wrote a progress entry", body=f"Contact: {EMAIL}")
    invitation_create(email=EMAIL, full_name=NAME, role=Role.OBSERVER, programme=world.a.programme,
                      invited_by=facilitator)
    invitation_create(email="colleague@example.org", role=Role.STAFF, participation=participation,
                      invited_by=user)
    LogEntry.objects.log_actions(user_id=world.admin.pk, queryset=[user], action_flag=CHANGE,
                                 change_message="Changed full name.", single_object=True)
    # A logged-in session, tracked by allauth.usersessions.
    client.post(reverse("account_login"), {"login": EMAIL, "password": DEMO_PASSWORD})
    client.get(reverse("home"))
    assert client.session["_auth_user_id"] == str(user.pk)
    # Two-factor set up after this login (so the login above needs no code).
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    return user


def test_personal_data_gathers_every_app_and_no_secret(person):
    data = gdpr.personal_data(person)
    rows = {section["key"]: section["rows"] for section in data["sections"]}
    assert data["person"]["email"] == EMAIL and data["person"]["mfa_enabled"] is True
    assert rows["municipalities.progressentry.author"][0]["what_happened"] == "Pilot with the recycling centre"
    assert rows["accounts.roleassignment.user"][0]["responsibility"] == "Leads the textile pilot"
    assert rows["accounts.invitation.invited_by"][0]["email"] == "colleague@example.org"
    assert rows["workshops.meetinginvitation.user"][0]["response"] == "Yes"
    assert rows["community.post.author"][0]["body"] == "We have."
    assert rows["community.profile.user"][0]["organisation"] == "Teknik og Miljø"
    assert rows["workshops.skillassessment.user"][0]["systems_thinking"].startswith("3")
    assert rows["notifications.notification.recipient"][0]["title"] == "Meeting on Friday"
    assert rows["notifications.notificationpreference.user"][0]["frequency"]
    assert rows["workshops.calendarfeed.user"][0]["created_at"]
    assert rows["mfa.authenticator.user"][0]["type"]
    assert rows["usersessions.usersession.user"][0]["ip"] == "127.0.0.1"
    dumped = json.dumps(data, cls=DjangoJSONEncoder)
    assert "JBSWY3DPEHPK3PXP" not in dumped and "f" * 64 not in dumped and person.password not in dumped


def test_my_data_page_and_downloads(client, person):
    page = client.get(reverse("accounts:my-data"))
    assert page.status_code == 200
    assert NAME in page.content.decode() and "Pilot with the recycling centre" in page.content.decode()
    download = client.get(reverse("accounts:my-data") + "?download=1")
    assert "attachment" in download["Content-Disposition"]
    response = client.get(reverse("accounts:my-data-json"))
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["person"]["full_name"] == NAME


def test_each_person_sees_only_their_own_data(client, person, world):
    client.force_login(world.a.users["observer"])
    body = client.get(reverse("accounts:my-data-json")).content.decode()
    assert EMAIL not in body and "Pilot with the recycling centre" not in body


def test_export_queries_do_not_grow_with_the_data(client, person, world, django_assert_max_num_queries):
    def add_entries(count):
        for _ in range(count):
            ProgressEntry.objects.create(participation=world.a.participation, happened_on=date(2022, 4, 1),
                                         what_happened="More", author=person)
            Notification.objects.create(recipient=person, category=Category.MEETINGS, title="More")

    add_entries(1)
    with django_assert_max_num_queries(60):  # one query per kind of data, however much there is
        client.get(reverse("accounts:my-data-json"))
    add_entries(20)
    with django_assert_max_num_queries(60):  # one query per kind of data, however much there is
        client.get(reverse("accounts:my-data"))


def test_my_data_needs_login(client):
    assert client.get(reverse("accounts:my-data-json")).status_code == 302


# --- Deletion requests ------------------------------------------------------------------------------------

def test_a_person_asks_for_deletion_and_the_admins_are_told(client, person, world, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    assert client.get(reverse("accounts:deletion-request")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:deletion-request"), {"reason": "Leaving", "confirm": "on"})
    assert response.status_code == 302
    request = DeletionRequest.objects.get(user=person)
    assert request.outcome == DeletionRequest.Outcome.OPEN and request.reason == "Leaving"
    told = Notification.objects.get(recipient=world.admin)
    assert NAME in told.title and told.url.endswith(f"/deletionrequest/{request.pk}/change/")
    assert [m.to for m in mailoutbox] == [[world.admin.email]]
    client.post(reverse("accounts:deletion-request"), {"confirm": "on"})  # asking twice: still one request
    assert DeletionRequest.objects.filter(user=person).count() == 1


def test_deletion_request_needs_the_confirmation_box(client, person):
    response = client.post(reverse("accounts:deletion-request"), {"reason": "x"})
    assert response.status_code == 200 and not DeletionRequest.objects.exists()


# --- Erasure ------------------------------------------------------------------------------------------------

def database_rows_containing(*needles: str) -> list[tuple[str, str, str]]:
    """Every (table, column, needle) where any column of any table, read as text, contains a needle."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column.name)
                for needle in needles:
                    cursor.execute(f"SELECT COUNT(*) FROM {quoted_table} "  # noqa: S608 (names from introspection)
                                   f"WHERE LOWER(CAST({quoted_column} AS TEXT)) LIKE %s", [f"%{needle.lower()}%"])
                    if cursor.fetchone()[0]:
                        found.append((table, column.name, needle))
    return found


def test_the_scan_finds_the_person_before_erasure(person):
    tables = {table for table, _column, _needle in database_rows_containing(EMAIL, NAME, "Quarrington")}
    assert {"accounts_user", "account_emailaddress", "accounts_invitation", "notifications_notification",
            "django_admin_log", "community_profile"} <= tables


def test_erasure_leaves_no_personal_field_and_keeps_the_programme_records(client, person, world):
    entry = ProgressEntry.objects.get(author=person)
    DeletionRequest.objects.create(user=person, reason=f"Please erase {NAME}")

    gdpr.erase_person(user=person, by=world.admin)

    assert database_rows_containing(EMAIL, NAME, "Quarrington", "zebulon") == []
    person.refresh_from_db()
    assert person.email == f"erased-{person.pk}@invalid" and not person.is_active
    assert not person.has_usable_password() and person.erased_at
    # The programme's records stay, written by "Former member".
    entry.refresh_from_db()
    assert entry.author_id == person.pk and str(entry.author) == "Former member"
    assert entry.history.exists()
    assert MeetingInvitation.objects.filter(user=person).exists()
    assert Post.objects.get(author=person).body == "We have."
    # Their own data is gone.
    for model in (Profile, Notification, NotificationPreference, CalendarFeed, Authenticator):
        assert not model.objects.filter(**{"recipient" if model is Notification else "user": person}).exists()
    assert not person.roles.exists()
    assert not Invitation.objects.filter(email__iexact=EMAIL).exists()
    assert Invitation.objects.filter(email="colleague@example.org").exists()  # one they sent stays
    assert DeletionRequest.objects.get(user=person).outcome == DeletionRequest.Outcome.ERASED
    # They cannot log in, and the browser they were logged in with is logged out.
    assert client.get(reverse("accounts:my-data")).status_code == 302
    assert not client.login(email=EMAIL, password=DEMO_PASSWORD)
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_erased_author_shows_as_former_member_on_the_progress_page(client, person, world):
    entry = ProgressEntry.objects.get(author=person)
    entry.state = "published"
    entry.published_at = timezone.now()
    entry.save()
    gdpr.erase_person(user=person, by=world.admin)
    client.force_login(world.a.users["facilitator"])
    url = reverse("municipalities:progress-detail", args=[entry.pk])
    body = client.get(url).content.decode()
    assert "Former member" in body and NAME not in body


def test_erasing_twice_changes_nothing(person, world):
    gdpr.erase_person(user=person, by=world.admin)
    assert gdpr.erase_person(user=person, by=world.admin) == {}


@pytest.mark.django_db(transaction=True)
def test_erasure_on_postgresql_leaves_nothing(requires_postgres, client):
    """The same scan against PostgreSQL (DATABASE_URL), where text columns, JSON and history tables differ."""
    world = build_world()
    user = staff_of(world.a.participation.municipality, user__email=EMAIL, user__full_name=NAME)
    ProgressEntry.objects.create(participation=world.a.participation, happened_on=date(2022, 3, 1),
                                 what_happened="Pilot", author=user)
    Notification.objects.create(recipient=world.a.users["facilitator"], category=Category.PROGRESS,
                                title=f"{NAME} wrote", body=EMAIL)
    client.post(reverse("account_login"), {"login": EMAIL, "password": DEMO_PASSWORD})
    client.get(reverse("home"))
    assert database_rows_containing(EMAIL, NAME)
    gdpr.erase_person(user=user, by=world.admin)
    assert database_rows_containing(EMAIL, NAME, "Quarrington") == []


# --- The admin --------------------------------------------------------------------------------------------

def test_admin_erases_a_person_after_confirming(client, person, world):
    admin = AdminFactory(email="root@example.org")
    client.force_login(admin)
    changelist = reverse("admin:accounts_user_changelist")
    data = {"action": "erase_people", "_selected_action": [person.pk]}
    confirm = client.post(changelist, data)
    assert confirm.status_code == 200 and EMAIL in confirm.content.decode()
    person.refresh_from_db()
    assert person.erased_at is None  # nothing happens before the confirmation
    response = client.post(changelist, {**data, "confirm": "yes", "note": "Asked by phone"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.erased_at and person.email.endswith("@invalid")


def test_admin_erases_from_the_deletion_request(client, person):
    request = DeletionRequest.objects.create(user=person)
    admin = AdminFactory(email="root@example.org")
    client.force_login(admin)
    changelist = reverse("admin:accounts_deletionrequest_changelist")
    data = {"action": "erase", "_selected_action": [request.pk]}
    assert EMAIL in client.post(changelist, data).content.decode()
    client.post(changelist, {**data, "confirm": "yes"})
    request.refresh_from_db()
    assert request.outcome == DeletionRequest.Outcome.ERASED and request.handled_by == admin


def test_admin_cannot_erase_themselves(client):
    admin = AdminFactory(email="root@example.org")
    client.force_login(admin)
    client.post(reverse("admin:accounts_user_changelist"),
                {"action": "erase_people", "_selected_action": [admin.pk], "confirm": "yes"})
    admin.refresh_from_db()
    assert admin.erased_at is None


def test_admin_declines_a_request(client, person):
    request = DeletionRequest.objects.create(user=person, note="Needed for the funder report until 2025")
    client.force_login(AdminFactory(email="root@example.org"))
    client.post(reverse("admin:accounts_deletionrequest_changelist"),
                {"action": "decline", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert request.outcome == DeletionRequest.Outcome.DECLINED
    person.refresh_from_db()
    assert person.is_active and person.erased_at is None


# --- The privacy page -------------------------------------------------------------------------------------

def test_privacy_page_is_public_and_shows_the_retention_values(client, settings):
    settings.RETENTION_READ_NOTIFICATION_DAYS = 47
    settings.PRIVACY_CONTROLLER_NAME = "Example Controller A/S"
    response = client.get(reverse("accounts:privacy"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Example Controller A/S" in body and "<td>47</td>" in body


def test_footer_links_to_the_privacy_page(client):
    assert reverse("accounts:privacy") in client.get(reverse("account_login")).content.decode()


def test_user_model_has_no_field_the_erasure_forgets():
    """Every text field of the user is either replaced by erasure or known to hold no personal data."""
    handled = {"email", "full_name", "password", "language"}
    text_fields = {f.name for f in User._meta.concrete_fields if f.get_internal_type() in ("CharField", "TextField",
                                                                                          "EmailField")}
    assert text_fields <= handled, f"New text field(s) on User: erase_person must handle {text_fields - handled}"


def test_the_sections_about_open_calls_are_danish(client, world):
    """A reviewer who also applied for their municipality reads every heading of their data in Danish."""
    from tests.calls.helpers import danish_municipality, make_call, reviewer_of, start_application

    call = make_call(world.a)
    person = world.a.users["advisor"]
    person.language = "da"
    person.save(update_fields=["language"])
    reviewer_of(call=call, user=person, by=world.a.users["facilitator"])
    start_application(call, danish_municipality("Aarhus"), email=person.email)  # the contact, and so an editor
    client.force_login(person)
    page = client.get(reverse("accounts:my-data")).content.decode()
    for english in ("Calls you review", "Applications to open calls", ">Call<", ">Application<"):
        assert english not in page, english
    for danish in ("Ansøgningsrunder, du bedømmer", "Ansøgninger, du er kontaktperson for",
                   "Ansøgninger, du må redigere"):
        assert danish in page, danish
