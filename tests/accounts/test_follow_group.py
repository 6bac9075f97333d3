"""The political follow-group of a programme: invite, edit, end (services, views, queries)."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Invitation, Role, RoleAssignment
from accounts.permissions import scope_of
from accounts.services import invitation_accept, politician_end, politician_invite, politician_update
from tests.factories import MunicipalityFactory, ParticipationFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def politician(programme, municipality, **kwargs):
    kwargs.setdefault("position", "Formand for Teknik- og Miljøudvalget")
    return RoleAssignmentFactory(role=Role.POLITICIAN, programme=programme, municipality=municipality, **kwargs)


def url(name, programme, *args):
    return reverse(f"accounts:{name}", args=[programme.slug, *args])


# --- Services -----------------------------------------------------------------------------------

def test_invited_politician_gets_the_term_from_the_invitation():
    participation = ParticipationFactory()
    programme = participation.cohort.programme
    invitation, token = politician_invite(
        programme=programme, email="borgmester@example.org", full_name="Berit Borgmester",
        municipality=participation.municipality, position="Borgmester", starts_on=date(2022, 1, 1),
        ends_on=date(2025, 12, 31), invited_by=UserFactory())
    assert (invitation.starts_on, invitation.ends_on) == (date(2022, 1, 1), date(2025, 12, 31))
    user = invitation_accept(token=token, full_name="Berit Borgmester", password="en-lang-adgangskode-42")
    member = RoleAssignment.objects.get(user=user, role=Role.POLITICIAN)
    assert (member.programme, member.municipality, member.position) == (
        programme, participation.municipality, "Borgmester")
    assert (member.starts_on, member.ends_on) == (date(2022, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize("change, field", [
    ({"position": ""}, "position"),
    ({"municipality": None}, "municipality"),
    ({"ends_on": date(2021, 1, 1)}, "ends_on"),
])
def test_politician_invitation_is_validated_and_nothing_is_saved(change, field):
    participation = ParticipationFactory()
    data = {"programme": participation.cohort.programme, "email": "p@example.org", "full_name": "P",
            "municipality": participation.municipality, "position": "Borgmester", "starts_on": date(2022, 1, 1),
            "ends_on": None, "invited_by": UserFactory(), **change}
    with pytest.raises(ValidationError) as caught:
        politician_invite(**data)
    assert field in caught.value.message_dict
    assert not Invitation.objects.exists()


def test_politician_must_come_from_a_municipality_in_the_programme():
    participation = ParticipationFactory()
    elsewhere = MunicipalityFactory(name="Andetsteds")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        politician_invite(programme=participation.cohort.programme, email="p@example.org", full_name="P",
                          municipality=elsewhere, position="Borgmester", starts_on=None, ends_on=None,
                          invited_by=UserFactory())
    assert "Andetsteds does not take part in" in caught.value.message_dict["municipality"][0]


def test_a_current_member_or_pending_invitation_is_not_invited_twice():
    participation = ParticipationFactory()
    programme = participation.cohort.programme
    member = politician(programme, participation.municipality)
    data = {"programme": programme, "full_name": "P", "municipality": participation.municipality,
            "position": "Borgmester", "invited_by": UserFactory()}
    with pytest.raises(ValidationError):
        politician_invite(email=member.user.email, **data)
    politician_invite(email="ny@example.org", **data)
    with pytest.raises(ValidationError):
        politician_invite(email="NY@example.org", **data)
    assert Invitation.objects.count() == 1


def test_a_former_member_gets_a_new_term_instead_of_a_second_invitation():
    participation = ParticipationFactory()
    programme = participation.cohort.programme
    former = politician(programme, participation.municipality, starts_on=date(2021, 8, 31),
                        ends_on=date(2021, 12, 31))
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        politician_invite(programme=programme, email=former.user.email, full_name="P",
                          municipality=participation.municipality, position="Borgmester", invited_by=UserFactory())
    assert "Change the term of the existing membership" in caught.value.message_dict["email"][0]
    assert not Invitation.objects.exists()


def test_update_term_and_end_membership():
    participation = ParticipationFactory()
    member = politician(participation.cohort.programme, participation.municipality, starts_on=date(2021, 8, 31))
    politician_update(member=member, municipality=participation.municipality, position="Næstformand",
                      starts_on=date(2021, 8, 31), ends_on=None)
    member.refresh_from_db()
    assert member.position == "Næstformand"
    politician_end(member=member, ends_on=date(2021, 12, 31))
    member.refresh_from_db()
    assert member.ends_on == date(2021, 12, 31)
    assert participation.cohort.programme_id not in scope_of(member.user).politician_programmes
    with pytest.raises(ValidationError):
        politician_update(member=member, municipality=participation.municipality, position="X",
                          starts_on=date(2022, 1, 1), ends_on=date(2021, 1, 1))


def test_ending_before_the_term_starts_is_refused():
    participation = ParticipationFactory()
    member = politician(participation.cohort.programme, participation.municipality,
                        starts_on=timezone.localdate() + timedelta(days=30))
    with pytest.raises(ValidationError):
        politician_end(member=member)
    member.refresh_from_db()
    assert member.ends_on is None


# --- Views --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["facilitator", "advisor", "staff", "politician", "observer"])
def test_everyone_in_the_programme_reads_the_follow_group(client, world, role):
    programme = world.a.programme
    programme.ends_on = timezone.localdate() + timedelta(days=90)  # still running: a finished one's are all former
    programme.save(update_fields=["ends_on"])
    politician(programme, world.a.participation.municipality, user__full_name="Birthe Byråd",
               starts_on=date(2021, 8, 31), ends_on=date(2021, 12, 31))
    politician(programme, world.a.participation.municipality, user__full_name="Carl Councillor",
               starts_on=date(2022, 1, 1))
    login(client, world.a.users[role])
    response = client.get(url("follow-group", programme))
    assert response.status_code == 200
    text = response.text
    assert "Birthe Byråd" in text and "Carl Councillor" in text
    assert "31.12.2021" in text and "Former" in text and "Current" in text
    assert text.index("Carl Councillor") < text.index("Birthe Byråd")  # current members first
    assert ("Invite a politician" in text) == (role == "facilitator")


def test_people_outside_the_programme_get_404(client, world):
    login(client, world.b.users["politician"])
    assert client.get(url("follow-group", world.a.programme)).status_code == 404


def test_facilitator_invites_a_politician(client, world):
    programme = world.a.programme
    login(client, world.a.users["facilitator"])
    assert client.get(url("follow-group-invite", programme)).status_code == 200
    response = client.post(url("follow-group-invite", programme), {
        "full_name": "Dorte Direktør", "email": "dorte@example.org",
        "municipality": world.a.participation.municipality.pk, "position": "Borgmester",
        "starts_on": "2022-01-01", "ends_on": "", "language": "da"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="dorte@example.org")
    assert (invitation.role, invitation.programme, invitation.starts_on) == (
        Role.POLITICIAN, programme, date(2022, 1, 1))
    assert "Dorte Direktør" in client.get(url("follow-group", programme)).text  # listed as invited


def test_invite_form_errors_are_clear(client, world):
    login(client, world.a.users["facilitator"])
    foreign = world.b.participation.municipality
    response = client.post(url("follow-group-invite", world.a.programme), {
        "full_name": "X", "email": "x@example.org", "municipality": foreign.pk, "position": "",
        "starts_on": "2022-01-01", "ends_on": "2021-01-01", "language": "da"})
    assert response.status_code == 200
    text = response.text
    assert "Choose one of the municipalities taking part in the programme." in text
    assert "Give the politician&#x27;s position." in text
    assert "The term cannot end before it starts." in text
    assert not Invitation.objects.exists()


def test_facilitator_edits_a_term_inline(client, world):
    programme = world.a.programme
    member = politician(programme, world.a.participation.municipality, starts_on=date(2021, 8, 31))
    login(client, world.a.users["facilitator"])
    form = client.get(url("follow-group-edit", programme, member.pk), **HTMX)
    assert form.status_code == 200 and 'class="editing"' in form.text and "<html" not in form.text
    response = client.post(url("follow-group-edit", programme, member.pk), {
        "municipality": world.a.participation.municipality.pk, "position": "Næstformand",
        "starts_on": "2021-08-31", "ends_on": "2021-12-31"}, **HTMX)
    assert response.status_code == 200 and "membership was saved" in response.text
    member.refresh_from_db()
    assert (member.position, member.ends_on) == ("Næstformand", date(2021, 12, 31))


def test_facilitator_ends_a_membership(client, world):
    programme = world.a.programme
    member = politician(programme, world.a.participation.municipality, starts_on=date(2021, 8, 31),
                        user__full_name="Erik Ender")
    login(client, world.a.users["facilitator"])
    response = client.post(url("follow-group-end", programme, member.pk), **HTMX)
    assert response.status_code == 200
    assert "Erik Ender&#x27;s membership ended on" in response.text
    member.refresh_from_db()
    assert member.ends_on == timezone.localdate()


@pytest.mark.parametrize("role", ["advisor", "staff", "politician", "observer"])
def test_only_facilitators_change_the_follow_group(client, world, role):
    programme = world.a.programme
    member = politician(programme, world.a.participation.municipality, starts_on=date(2021, 8, 31))
    login(client, world.a.users[role])
    assert client.post(url("follow-group-end", programme, member.pk)).status_code == 403
    assert client.post(url("follow-group-edit", programme, member.pk), {
        "municipality": world.a.participation.municipality.pk, "position": "X",
        "starts_on": "2021-08-31"}).status_code == 403
    assert client.post(url("follow-group-invite", programme), {}).status_code == 403
    member.refresh_from_db()
    assert member.ends_on is None and member.position != "X"


def test_a_member_of_another_programme_is_not_found(client, world):
    other = politician(world.b.programme, world.b.participation.municipality)
    login(client, world.a.users["facilitator"])
    assert client.post(url("follow-group-end", world.a.programme, other.pk)).status_code == 404


def test_follow_group_queries_do_not_grow(client, world, django_assert_max_num_queries):
    programme = world.a.programme
    municipalities = [world.a.participation.municipality, world.a.other_participation.municipality]

    def grow(times):
        for n in range(times):
            politician(programme, municipalities[n % 2], starts_on=date(2021, 8, 31),
                       ends_on=date(2021, 12, 31) if n % 3 == 0 else None)
            politician_invite(programme=programme, email=f"p{n}-{times}@example.org", full_name=f"P {n}",
                              municipality=municipalities[0], position="Byrådsmedlem", invited_by=None)

    login(client, world.a.users["facilitator"])
    grow(1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("follow-group", programme)).status_code == 200
    assert len(queries) <= 12  # session, scope and navigation, then programme, members, invitations, count
    grow(10)
    with django_assert_max_num_queries(len(queries)):
        response = client.get(url("follow-group", programme))
    assert response.text.count('<tr id="politician-') == 12  # the world's politician and the 11 added
