"""Every other form that takes a model choice or a posted id refuses programme B's object and accepts its own.

tests/core/test_foreign_choices.py covers the milestone (new) and spending forms; this covers the rest: a person of
programme A (in Danish) posts the form with programme B's object (a participation, cohort, person, municipality,
indicator, milestone, reviewer, question …) and everything else valid. The answer is the form again with the
reason in Danish at that field (or 404 where the id is in the address), and nothing is stored; the same post with
A's own object saves, so the refusal is about the foreign id and not about the rest of the post.

Each case builds the foreign object so that only its programme (or its municipality / participation) makes it
foreign; where the municipality both programmes enrol (Fællesby) could let a foreign object pass as "the same
municipality", the case uses it.
"""

from datetime import timedelta
from html import escape

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Invitation, Role, RoleAssignment
from programmes.models import Milestone
from tests.factories import MilestoneFactory, PhaseFactory, RoleAssignmentFactory, facilitator_of

pytestmark = pytest.mark.django_db


# --- helpers ------------------------------------------------------------------------------------------------

def danish(message, **values) -> str:
    """A message as a Danish user reads it; fails if it has no Danish translation (the test would prove little)."""
    with translation.override("en"):
        english = str(message)
    with translation.override("da"):
        text = str(gettext(str(message)) if isinstance(message, str) else message)
        assert text != english, f"no Danish translation of {english!r}"
        return text % {name: str(value) for name, value in values.items()} if values else text


def invalid_choice() -> str:
    return danish(forms.ModelChoiceField.default_error_messages["invalid_choice"])


def invalid_value(value) -> str:
    """The message of a multiple choice (and of a plain choice field), which names the posted value."""
    return danish(forms.ModelMultipleChoiceField.default_error_messages["invalid_choice"], value=value)


def shows(response, text: str) -> bool:
    content = response.content.decode()
    return text in content or escape(text) in content


def refused_at(response, field: str, message: str, form: str = "form"):
    """The form came back (not a redirect), with ``message`` in the page and the error at ``field``."""
    assert response.status_code in (200, 422), response.status_code
    assert shows(response, message), f"{message!r} is not on the page"
    errors = response.context[form].errors
    assert field in errors and message in [str(e) for e in errors[field]], errors


def saved(response):
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:  # an htmx answer or a page with the form again: no error may be on it
        form = response.context.get("form")
        assert form is None or not form.errors, form.errors


@pytest.fixture
def login(client):
    def as_user(user):
        user.language = "da"
        user.save(update_fields=["language"])
        client.force_login(user)
        return user
    return as_user


# --- programmes: editing a milestone --------------------------------------------------------------------------

MILESTONE_FIELDS = {"participation": (lambda w: w.b.participation.pk, lambda w: w.a.participation.pk),
                    "phase": (lambda w: PhaseFactory(programme=w.b.programme).pk,
                              lambda w: PhaseFactory(programme=w.a.programme).pk),
                    "owner": (lambda w: w.b.users["staff"].pk, lambda w: w.a.users["staff"].pk)}


@pytest.mark.parametrize("field", sorted(MILESTONE_FIELDS))
def test_editing_a_milestone_of_programme_a_takes_nothing_of_programme_b(client, world, login, field):
    login(world.a.users["facilitator"])
    milestone = MilestoneFactory(programme=world.a.programme, title_da="Læringsmodul", title_en="Module")
    prefix = f"milestone-{milestone.pk}"
    data = {f"{prefix}-title_da": "Læringsmodul 2", f"{prefix}-due_on": "2022-03-15", f"{prefix}-status": "planned"}
    foreign, own = MILESTONE_FIELDS[field]
    url = reverse("programmes:milestone-edit", args=[milestone.pk])
    response = client.post(url, {**data, f"{prefix}-{field}": foreign(world)})
    refused_at(response, field, invalid_choice())
    milestone.refresh_from_db()
    assert milestone.title_da == "Læringsmodul" and getattr(milestone, f"{field}_id") is None
    own_id = own(world)
    saved(client.post(url, {**data, f"{prefix}-{field}": own_id}))
    milestone.refresh_from_db()
    assert milestone.title_da == "Læringsmodul 2" and getattr(milestone, f"{field}_id") == own_id


# --- accounts: invitations, the follow-group, the team ---------------------------------------------------------

INVITATION = {"email": "ny@kommune.dk", "full_name": "Ny Person", "language": "da"}
INVITATION_CASES = {
    # field: (the rest of the post, B's object, A's own object)
    "programme": ({"role": Role.FACILITATOR}, lambda w: w.b.programme.pk, lambda w: w.a.programme.pk),
    "participation": ({"role": Role.STAFF, "department": "Teknik"},
                      lambda w: w.b.participation.pk, lambda w: w.a.participation.pk),
    # the municipality of a politician: one that takes part in programme A only (Fællesby is in both)
    "municipality": ({"role": Role.POLITICIAN, "position": "Byrådsmedlem"},
                     lambda w: w.b.participation.municipality_id, lambda w: w.a.participation.municipality_id),
}


@pytest.mark.parametrize("field", sorted(INVITATION_CASES))
def test_an_invitation_of_programme_a_names_nothing_of_programme_b(client, world, login, field):
    login(world.a.users["facilitator"])
    rest, foreign, own = INVITATION_CASES[field]
    if field == "municipality":
        rest = {**rest, "programme": world.a.programme.pk}
    before = Invitation.objects.count()
    url = reverse("accounts:invitation-create")
    response = client.post(url, {**INVITATION, **rest, field: foreign(world)})
    refused_at(response, field, invalid_choice())
    assert Invitation.objects.count() == before
    saved(client.post(url, {**INVITATION, **rest, field: own(world)}))
    invitation = Invitation.objects.get(email="ny@kommune.dk")
    assert getattr(invitation, f"{field}_id") == own(world)


def test_a_politician_of_programme_a_represents_no_municipality_of_programme_b_only(client, world, login):
    from accounts.forms import PoliticianForm

    login(world.a.users["facilitator"])
    url = reverse("accounts:follow-group-invite", args=[world.a.programme.slug])
    data = {"full_name": "Byrådspolitiker", "email": "politiker@kommune.dk", "position": "Formand",
            "starts_on": "2022-01-10", "language": "da"}
    before = Invitation.objects.count()
    response = client.post(url, {**data, "municipality": world.b.participation.municipality_id})
    refused_at(response, "municipality",
               danish(PoliticianForm.base_fields["municipality"].error_messages["invalid_choice"]))
    assert Invitation.objects.count() == before
    saved(client.post(url, {**data, "municipality": world.a.participation.municipality_id}))
    assert Invitation.objects.get(email="politiker@kommune.dk").municipality == world.a.participation.municipality


def test_a_follow_group_membership_of_programme_a_moves_to_no_municipality_of_programme_b(client, world, login):
    from accounts.forms import PoliticianForm

    login(world.a.users["facilitator"])
    member = RoleAssignment.objects.get(user=world.a.users["politician"], role=Role.POLITICIAN)
    member.municipality = world.a.participation.municipality
    member.save()
    url = reverse("accounts:follow-group-edit", args=[world.a.programme.slug, member.pk])
    data = {"position": "Rådmand", "starts_on": "2022-01-10"}
    response = client.post(url, {**data, "municipality": world.b.participation.municipality_id})
    refused_at(response, "municipality",
               danish(PoliticianForm.base_fields["municipality"].error_messages["invalid_choice"]))
    member.refresh_from_db()
    assert member.position == "Byrådsmedlem" and member.municipality == world.a.participation.municipality
    saved(client.post(url, {**data, "municipality": world.a.other_participation.municipality_id}))
    member.refresh_from_db()
    assert member.position == "Rådmand" and member.municipality == world.a.other_participation.municipality


def test_programme_b_s_politician_is_not_edited_or_ended_through_programme_a(client, world, login):
    login(world.a.users["facilitator"])
    foreign = RoleAssignment.objects.get(user=world.b.users["politician"], role=Role.POLITICIAN)
    data = {"position": "Rådmand", "starts_on": "2022-01-10", "municipality": world.a.participation.municipality_id}
    assert client.post(reverse("accounts:follow-group-edit", args=[world.a.programme.slug, foreign.pk]),
                       data).status_code == 404
    assert client.post(reverse("accounts:follow-group-end", args=[world.a.programme.slug, foreign.pk]),
                       {"ends_on": timezone.localdate().isoformat()}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.position == "Byrådsmedlem" and foreign.ends_on is None and foreign.municipality_id is None
    own = RoleAssignment.objects.get(user=world.a.users["politician"], role=Role.POLITICIAN)
    saved(client.post(reverse("accounts:follow-group-edit", args=[world.a.programme.slug, own.pk]), data))
    own.refresh_from_db()
    assert own.position == "Rådmand"


def test_a_team_of_programme_a_edits_and_removes_nobody_of_programme_b_s_team(client, world, login):
    """The municipality both programmes enrol: A's facilitator manages A's team there, not B's team of the very
    same municipality."""
    login(world.a.users["facilitator"])
    participation = world.a.shared_participation
    foreign = RoleAssignment.objects.get(user=world.b.shared_users["staff2"], role=Role.STAFF)
    own = RoleAssignment.objects.get(user=world.a.shared_users["staff2"], role=Role.STAFF)
    data = {"member-department": "Borgerservice", "member-responsibility": "Kommunikation"}
    assert client.post(reverse("accounts:team-member-edit", args=[participation.pk, foreign.pk]),
                       data).status_code == 404
    assert client.post(reverse("accounts:team-member-remove", args=[participation.pk, foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.department == "Indkøb b" and foreign.ends_on is None
    saved(client.post(reverse("accounts:team-member-edit", args=[participation.pk, own.pk]), data))
    own.refresh_from_db()
    assert own.department == "Borgerservice"
    saved(client.post(reverse("accounts:team-member-remove", args=[participation.pk, own.pk])))
    assert not RoleAssignment.objects.filter(pk=own.pk).exists()
    assert RoleAssignment.objects.filter(pk=foreign.pk).exists()


# --- municipalities: the advisor, progress entries, measurements, agreed actions -----------------------------

def test_a_municipality_of_programme_a_gets_no_advisor_from_programme_b_s_pool(client, world, login):
    from municipalities.forms import AdvisorForm

    login(world.a.users["facilitator"])
    own = RoleAssignmentFactory(role=Role.ADVISOR, programme=world.a.programme).user
    foreign = RoleAssignmentFactory(role=Role.ADVISOR, programme=world.b.programme).user
    participation = world.a.other_participation  # no advisor yet
    url = reverse("municipalities:advisor-edit", args=[participation.pk])
    response = client.post(url, {"advisor": foreign.pk})
    refused_at(response, "advisor", danish(AdvisorForm.base_fields["advisor"].error_messages["invalid_choice"]))
    assert not RoleAssignment.objects.filter(role=Role.ADVISOR, participation=participation).exists()
    saved(client.post(url, {"advisor": own.pk}))
    assert list(RoleAssignment.objects.filter(role=Role.ADVISOR, participation=participation).values_list(
        "user", flat=True)) == [own.pk]


def _progress_post(**extra) -> dict:
    return {"happened_on": "2022-05-01", "what_happened": "Workshop med leverandørerne", "status": "on_track",
            **extra}


@pytest.mark.parametrize("whose", ["programme B, same municipality", "programme A, another municipality"])
def test_a_progress_entry_ticks_off_no_milestone_of_another_participation(client, world, login, whose):
    """The team of Fællesby in programme A ticks off neither Fællesby's milestones in programme B nor those of
    another municipality of its own programme."""
    from municipalities.models import ProgressEntry

    login(world.a.shared_users["staff"])
    participation = world.a.shared_participation
    own = MilestoneFactory(programme=world.a.programme, participation=participation)
    foreign = (MilestoneFactory(programme=world.b.programme, participation=world.b.shared_participation)
               if whose.startswith("programme B") else
               MilestoneFactory(programme=world.a.programme, participation=world.a.participation))
    url = reverse("municipalities:progress-create", args=[participation.pk])
    response = client.post(url, _progress_post(milestones=[foreign.pk]))
    refused_at(response, "milestones", invalid_value(foreign.pk))
    assert not ProgressEntry.objects.filter(participation=participation).exists()
    assert not foreign.progress_entries.exists()
    saved(client.post(url, _progress_post(milestones=[own.pk])))
    entry = ProgressEntry.objects.get(participation=participation)
    assert list(entry.milestones.all()) == [own]


@pytest.mark.parametrize("view", ["progress entry", "measurement"])
def test_a_measurement_goes_to_no_indicator_of_programme_b(client, world, login, view):
    from municipalities.models import Measurement
    from tests.municipalities.factories_local import IndicatorFactory

    login(world.a.shared_users["staff"])
    participation = world.a.shared_participation
    own = IndicatorFactory(participation=participation)
    foreign = IndicatorFactory(participation=world.b.shared_participation)  # the same municipality, programme B
    if view == "progress entry":
        url = reverse("municipalities:progress-create", args=[participation.pk])
        data = _progress_post(value="12")
    else:
        url = reverse("municipalities:indicators", args=[participation.pk])
        data = {"action": "measurement", "measured_on": "2022-06-01", "value": "12"}
    response = client.post(url, {**data, "indicator": foreign.pk})
    refused_at(response, "indicator", invalid_choice(), form="form" if view == "progress entry" else
               "measurement_form")
    assert not Measurement.objects.exists()
    saved(client.post(url, {**data, "indicator": own.pk}))
    assert list(Measurement.objects.values_list("indicator", "value")) == [(own.pk, 12)]


def test_an_agreed_action_of_programme_a_is_owned_by_nobody_of_programme_b(client, world, login):
    from municipalities.forms import AgreedActionForm
    from municipalities.models import AgreedAction
    from tests.municipalities.factories_local import AdvisorySessionFactory

    login(world.a.shared_users["advisor"])
    session = AdvisorySessionFactory(participation=world.a.shared_participation)
    url = reverse("municipalities:action-add", args=[session.pk])
    data = {"text": "Send testplanen", "due_on": "2022-09-01"}
    # Fællesby's team in programme B: the same municipality, not this local test
    response = client.post(url, {**data, "owner": world.b.shared_users["staff"].pk}, follow=True)
    assert shows(response, danish(AgreedActionForm.base_fields["owner"].error_messages["invalid_choice"]))
    assert not AgreedAction.objects.exists()
    response = client.post(url, {**data, "owner": world.a.shared_users["staff"].pk}, follow=True)
    assert shows(response, danish("The agreed action was added."))
    assert list(AgreedAction.objects.values_list("owner", flat=True)) == [world.a.shared_users["staff"].pk]


# --- workshops: a meeting's audience, invitations, attendance and action items ----------------------------------

def _meeting_post(audience: str, **extra) -> dict:
    return {"kind": "sparring", "audience": audience, "title_da": "Sparring om test",
            "starts_at": "2030-03-12T10:00", "ends_at": "2030-03-12T13:00", "place": "BLOXHUB",
            "agenda-TOTAL_FORMS": "0", "agenda-INITIAL_FORMS": "0", "agenda-MIN_NUM_FORMS": "0",
            "agenda-MAX_NUM_FORMS": "40", **extra}


AUDIENCES = {"cohort": (lambda w: f"cohort-{w.b.cohort.pk}", lambda w: f"cohort-{w.a.cohort.pk}"),
             # Fællesby in programme B: the same municipality, not programme A's participation
             "participation": (lambda w: f"participation-{w.b.shared_participation.pk}",
                               lambda w: f"participation-{w.a.shared_participation.pk}")}


@pytest.mark.parametrize("audience", sorted(AUDIENCES))
@pytest.mark.parametrize("view", ["create", "edit"])
def test_a_meeting_of_programme_a_is_not_for_a_cohort_or_municipality_of_programme_b(client, world, login,
                                                                                  audience, view):
    from tests.workshops.factories import MeetingFactory
    from workshops.models import Meeting

    facilitator = login(world.a.users["facilitator"])
    meeting = MeetingFactory(programme=world.a.programme, organiser=facilitator, title_da="Før")
    url = (reverse("workshops:create", args=[world.a.programme.slug]) if view == "create"
           else reverse("workshops:edit", args=[meeting.pk]))
    foreign, own = AUDIENCES[audience]
    response = client.post(url, _meeting_post(foreign(world)))
    refused_at(response, "audience", invalid_value(foreign(world)))
    assert Meeting.objects.count() == 1
    meeting.refresh_from_db()
    assert meeting.title_da == "Før" and meeting.cohort_id is None and meeting.participation_id is None
    saved(client.post(url, _meeting_post(own(world))))
    written = Meeting.objects.exclude(pk=meeting.pk).get() if view == "create" else Meeting.objects.get()
    kind, pk = own(world).split("-")
    assert written.title_da == "Sparring om test" and getattr(written, f"{kind}_id") == int(pk)


INVITEES = {
    "cohorts": (lambda w: w.b.cohort.pk, lambda w: w.a.cohort.pk),
    "participations": (lambda w: w.b.shared_participation.pk, lambda w: w.a.shared_participation.pk),
    "people": (lambda w: w.b.shared_users["staff"].pk, lambda w: w.a.shared_users["staff"].pk),
}


@pytest.mark.parametrize("field", sorted(INVITEES))
def test_a_meeting_of_programme_a_invites_nobody_through_programme_b(client, world, login, field):
    from tests.workshops.factories import MeetingFactory
    from workshops.models import MeetingInvitation

    facilitator = login(world.a.users["facilitator"])
    meeting = MeetingFactory(programme=world.a.programme, organiser=facilitator)
    url = reverse("workshops:invite", args=[meeting.pk])
    foreign, own = INVITEES[field]
    response = client.post(url, {field: [foreign(world)]})
    refused_at(response, field, invalid_value(foreign(world)))
    assert not MeetingInvitation.objects.exists()
    saved(client.post(url, {field: [own(world)]}))
    invited = set(meeting.invitations.values_list("user", flat=True))
    assert world.a.shared_users["staff"].pk in invited or world.a.users["staff"].pk in invited
    assert not invited & {world.b.users["staff"].pk, world.b.shared_users["staff"].pk,
                          world.b.shared_users["staff2"].pk}


@pytest.mark.parametrize("field", ["attended", "walk_ins"])
def test_attendance_at_a_meeting_of_programme_a_records_nobody_of_programme_b(client, world, login, field):
    from tests.workshops.factories import InvitationFactory, PastMeetingFactory

    facilitator = login(world.a.users["facilitator"])
    meeting = PastMeetingFactory(programme=world.a.programme, organiser=facilitator)
    InvitationFactory(meeting=meeting, user=world.a.users["staff"])
    # programme B's staff invited to another meeting (of programme B): a real invitation, just not this meeting's
    InvitationFactory(meeting=PastMeetingFactory(programme=world.b.programme), user=world.b.users["staff"])
    foreign, own = world.b.users["staff"].pk, (world.a.users["staff"].pk if field == "attended"
                                               else world.a.users["advisor"].pk)
    url = reverse("workshops:attendance", args=[meeting.pk])
    response = client.post(url, {field: [foreign]})
    refused_at(response, field, invalid_value(foreign))
    assert not meeting.invitations.filter(attended=True).exists()
    assert not meeting.invitations.filter(user=world.b.users["staff"]).exists()
    saved(client.post(url, {field: [own]}))
    assert list(meeting.invitations.filter(attended=True).values_list("user", flat=True)) == [own]


def test_an_action_item_of_a_meeting_of_programme_a_is_owned_by_nobody_of_programme_b(client, world, login):
    from tests.workshops.factories import PastMeetingFactory
    from workshops.models import ActionItem

    facilitator = login(world.a.users["facilitator"])
    meeting = PastMeetingFactory(programme=world.a.programme, organiser=facilitator)
    url = reverse("workshops:action-add", args=[meeting.pk])
    data = {"text": "Ring til vaskeriet", "due_on": "2022-06-01"}
    response = client.post(url, {**data, "owner": world.b.shared_users["staff"].pk})
    refused_at(response, "owner", invalid_choice(), form="action_form")
    assert not ActionItem.objects.exists()
    saved(client.post(url, {**data, "owner": world.a.shared_users["staff"].pk}))
    assert list(ActionItem.objects.values_list("owner", flat=True)) == [world.a.shared_users["staff"].pk]


# --- community: library items, adoptions, sparring threads ------------------------------------------------------

ITEM_CASES = {
    # field: (the rest of the post, B's object, A's own object)
    "programme": ({"kind": "case", "visibility": "cohort"}, lambda w: w.b.programme.pk, lambda w: w.a.programme.pk),
    "participation": ({"kind": "solution_model", "visibility": "community"},
                      lambda w: w.b.shared_participation.pk, lambda w: w.a.shared_participation.pk),
}


@pytest.mark.parametrize("field", sorted(ITEM_CASES))
@pytest.mark.parametrize("view", ["create", "edit"])
def test_a_library_item_is_tagged_with_nothing_of_programme_b(client, world, login, field, view):
    from community.models import LibraryItem
    from tests.community.factories import LibraryItemFactory

    facilitator = login(world.a.users["facilitator"])
    rest, foreign, own = ITEM_CASES[field]
    data = {"title_da": "Materialebank", "summary_da": "Kort", "body_da": "Tekst", "publish": "on", **rest}
    item = None
    if view == "edit":
        item = LibraryItemFactory(kind=rest["kind"], author=facilitator, title_da="Før", programme=world.a.programme,
                                  participation=world.a.participation if field == "participation" else None,
                                  municipality=world.a.participation.municipality if field == "participation"
                                  else None)
        url = reverse("community:item-edit", args=[item.pk])
    else:
        url = reverse("community:item-create")
    before = LibraryItem.objects.count()
    response = client.post(url, {**data, field: foreign(world)})
    refused_at(response, field, invalid_choice())
    assert LibraryItem.objects.count() == before
    assert not LibraryItem.objects.filter(**{f"{field}_id": foreign(world)}).exists()
    saved(client.post(url, {**data, field: own(world)}))
    written = LibraryItem.objects.get(title_da="Materialebank")
    assert getattr(written, f"{field}_id") == own(world) and (item is None or written.pk == item.pk)


def test_an_adoption_is_recorded_for_no_municipality_the_person_does_not_act_for(client, world, login):
    from community.forms import AdoptionForm
    from community.models import Adoption
    from tests.community.factories import solution_model

    login(world.a.users["staff"])  # the team of By a1
    item = solution_model(world.b.other_participation)  # By b2's model, for the whole community
    url = reverse("community:item-adopt", args=[item.pk])
    data = {"kind": "reuse", "note": "Vi genbruger modellen."}
    response = client.post(url, {**data, "municipality": world.b.participation.municipality_id})  # By b1
    refused_at(response, "municipality",
               danish(AdoptionForm.base_fields["municipality"].error_messages["invalid_choice"]))
    assert not Adoption.objects.exists()
    saved(client.post(url, {**data, "municipality": world.a.participation.municipality_id}))
    assert list(Adoption.objects.values_list("municipality", flat=True)) == [world.a.participation.municipality_id]


THREAD_CASES = {
    "programme": ({"visibility": "cohort"}, lambda w: w.b.programme.pk, lambda w: w.a.programme.pk),
    "municipality": ({"visibility": "community"}, lambda w: w.b.participation.municipality_id,
                     lambda w: w.a.participation.municipality_id),
}


@pytest.mark.parametrize("field", sorted(THREAD_CASES))
def test_a_sparring_question_is_asked_for_no_programme_or_municipality_of_programme_b(client, world, login, field):
    from community.models import Thread

    login(world.a.users["staff"])
    rest, foreign, own = THREAD_CASES[field]
    data = {"kind": "sparring", "title": "Materialebank?", "body": "Hvem har erfaring?", **rest}
    url = reverse("community:thread-create")
    response = client.post(url, {**data, field: foreign(world)})
    refused_at(response, field, invalid_choice())
    assert not Thread.objects.exists()
    saved(client.post(url, {**data, field: own(world)}))
    assert list(Thread.objects.values_list(f"{field}_id", flat=True)) == [own(world)]


# --- calls: the cohort of a call, reviewers, assignments, an applicant's upload, removals --------------------------

@pytest.fixture
def open_call(world):
    """An open call of each programme (tests/calls/helpers.py builds them through the services)."""
    from tests.calls.helpers import make_call

    return {"a": make_call(world.a), "b": make_call(world.b)}


def _call_post(cohort) -> dict:
    day = timezone.localtime() + timedelta(days=1)
    return {"title_da": "Ansøg nu", "text_da": "Vi søger kommuner.", "eligibility_da": "Danske kommuner",
            "opens_at": day.strftime("%Y-%m-%dT09:00"),
            "deadline": (day + timedelta(days=30)).strftime("%Y-%m-%dT12:00"),
            "places": "4", "cohort": cohort}


@pytest.mark.parametrize("view", ["create", "edit"])
def test_a_call_of_programme_a_fills_no_cohort_of_programme_b(client, world, login, open_call, view):
    from calls.models import Call

    login(world.a.users["facilitator"])
    call = open_call["a"]
    url = (reverse("calls:create", args=[world.a.programme.slug]) if view == "create"
           else reverse("calls:edit", args=[call.pk]))
    own_cohort = world.a.shared_participation.cohort  # not the cohort the call fills now
    response = client.post(url, _call_post(world.b.cohort.pk))
    refused_at(response, "cohort", invalid_choice())
    assert Call.objects.count() == 2 and not Call.objects.filter(title_da="Ansøg nu").exists()
    call.refresh_from_db()
    assert call.cohort == world.a.cohort
    saved(client.post(url, _call_post(own_cohort.pk)))
    written = Call.objects.get(title_da="Ansøg nu")
    assert written.cohort == own_cohort and (view == "create" or written.pk == call.pk)


def test_a_call_of_programme_a_is_reviewed_by_no_facilitator_of_programme_b(client, world, login, open_call):
    login(world.a.users["facilitator"])
    call = open_call["a"]
    url = reverse("calls:reviewer-add", args=[call.pk])
    response = client.post(url, {"user": world.b.users["facilitator"].pk})
    refused_at(response, "user", invalid_choice(), form="reviewer_form")
    assert not call.reviewers.exists()
    colleague = facilitator_of(world.a.programme)
    saved(client.post(url, {"user": colleague.pk}))
    assert list(call.reviewers.values_list("user", flat=True)) == [colleague.pk]


def test_an_application_of_programme_a_is_assigned_to_no_reviewer_of_programme_b_s_call(client, world, login,
                                                                                    open_call):
    from calls.models import Review
    from tests.calls.helpers import danish_municipality, reviewer_of, submitted_application

    login(world.a.users["facilitator"])
    application = submitted_application(open_call["a"], danish_municipality("Aarhus"))
    foreign = reviewer_of(call=open_call["b"], user=world.b.users["facilitator"])
    own = reviewer_of(call=open_call["a"], user=facilitator_of(world.a.programme))
    url = reverse("calls:assign", args=[application.pk])
    response = client.post(url, {"reviewer": foreign.pk}, follow=True)
    assert shows(response, danish("Choose one of the call's reviewers."))
    assert not Review.objects.exists()
    response = client.post(url, {"reviewer": own.pk}, follow=True)
    assert response.status_code == 200
    assert list(Review.objects.values_list("application", "reviewer")) == [(application.pk, own.pk)]


def test_an_applicant_uploads_no_file_to_a_question_of_another_call(client, world, open_call):
    from calls.models import ApplicationFile
    from tests.calls.helpers import backing_letter, danish_municipality, start_application

    client.cookies["django_language"] = "da"
    application = start_application(open_call["a"], danish_municipality("Aarhus"), "karen@aarhus.dk")
    session = client.session
    session["calls_applicant"] = {str(application.pk): "karen@aarhus.dk"}
    session.save()
    url = reverse("calls:application-upload", args=[application.pk])
    foreign = open_call["b"].questions.get()
    assert client.post(url, {"question": foreign.pk, "file": backing_letter()}).status_code == 404
    assert not ApplicationFile.objects.exists()
    own = open_call["a"].questions.get()
    assert client.post(url, {"question": own.pk, "file": backing_letter()}).status_code == 302
    assert list(ApplicationFile.objects.values_list("application", "question")) == [(application.pk, own.pk)]


@pytest.mark.parametrize("kind", ["criterion", "question", "reviewer"])
def test_a_call_of_programme_a_removes_nothing_of_programme_b_s_call(client, world, login, open_call, kind):
    from tests.calls.helpers import reviewer_of

    login(world.a.users["facilitator"])
    if kind == "reviewer":
        foreign = reviewer_of(call=open_call["b"], user=world.b.users["facilitator"])
        own = reviewer_of(call=open_call["a"], user=facilitator_of(world.a.programme))
    else:
        foreign = getattr(open_call["b"], f"{'criteria' if kind == 'criterion' else 'questions'}").first()
        own = getattr(open_call["a"], f"{'criteria' if kind == 'criterion' else 'questions'}").first()
    model = type(foreign)
    url_name = f"calls:{kind}-remove"
    assert client.post(reverse(url_name, args=[open_call["a"].pk, foreign.pk])).status_code == 404
    assert model.objects.filter(pk=foreign.pk).exists()
    assert client.post(reverse(url_name, args=[open_call["a"].pk, own.pk])).status_code == 302
    assert not model.objects.filter(pk=own.pk).exists() and model.objects.filter(pk=foreign.pk).exists()


# --- imports: a spreadsheet names programme B's person, municipality or work package --------------------------

IMPORT_CASES = {
    # kind: (header, a row naming B's object, the message, the same row naming A's own object)
    "milestones-owner": ("milestones", ["Titel (dansk)", "Frist", "Ansvarlig (e-mail)"],
                         lambda w: ["Testplan", "2022-03-01", w.b.users["staff"].email],
                         "The owner must have a role in this programme.",
                         lambda w: ["Testplan", "2022-03-01", w.a.users["staff"].email]),
    "milestones-municipality": ("milestones", ["Titel (dansk)", "Frist", "Kommune"],
                                lambda w: ["Testplan", "2022-03-01", "By b1"],
                                "%(municipality)s does not take part in %(programme)s.",
                                lambda w: ["Testplan", "2022-03-01", "By a1"]),
    "spending": ("spending", ["Arbejdspakke", "Dato", "Beløb (kr.)", "Beskrivelse"],
                 lambda w: ["WPB", "2022-02-15", "100", "Kaffe"],
                 "This budget has no work package %(code)s. Add it first, or import the budget lines.",
                 lambda w: ["WPA", "2022-02-15", "100", "Kaffe"]),
}


@pytest.mark.parametrize("case", sorted(IMPORT_CASES))
def test_an_import_into_programme_a_resolves_nothing_of_programme_b(client, world, login, case):
    from programmes.models import Spending
    from tests.imports.files import csv_file
    from tests.programmes.helpers import BudgetLineFactory

    login(world.a.users["facilitator"])
    BudgetLineFactory(programme=world.a.programme, code="WPA")
    BudgetLineFactory(programme=world.b.programme, code="WPB")
    kind, header, foreign, message, own = IMPORT_CASES[case]
    message = danish(message, municipality="By b1", programme=world.a.programme, code="WPB")
    url = reverse("imports:programme-upload", args=[world.a.programme.slug, kind])
    model = Spending if kind == "spending" else Milestone
    preview = client.post(url, {"file": csv_file([header, foreign(world)])})
    assert preview.status_code == 302
    page = client.get(preview.headers["Location"])
    assert shows(page, message)
    confirm = preview.headers["Location"].rstrip("/") + "/confirm/"
    assert client.post(confirm).status_code == 422
    assert not model.objects.exists()
    preview = client.post(url, {"file": csv_file([header, own(world)])})
    assert client.post(preview.headers["Location"].rstrip("/") + "/confirm/").status_code == 302
    written = model.objects.get()
    if kind == "spending":
        assert written.budget_line.code == "WPA"
    else:
        assert written.programme == world.a.programme and (written.owner == world.a.users["staff"]
                                                           or written.participation == world.a.participation)


# --- filters on a page of programme A: a foreign id shows nothing of programme B -------------------------------

def test_the_milestone_list_of_programme_a_is_not_filtered_to_a_municipality_of_programme_b(client, world, login):
    login(world.a.users["facilitator"])
    MilestoneFactory(programme=world.b.programme, participation=world.b.participation, title_da="ZQXB milepæl")
    MilestoneFactory(programme=world.a.programme, participation=world.a.participation, title_da="Egen milepæl")
    url = reverse("programmes:milestones", args=[world.a.programme.slug])
    response = client.get(url, {"where": world.b.participation.pk})
    assert response.status_code == 200
    # the filter is refused (the page's filters show no errors: it lists programme A's milestones unfiltered)
    assert response.context["filters"].errors["where"] == [invalid_value(world.b.participation.pk)]
    assert "ZQXB" not in response.content.decode() and shows(response, "Egen milepæl")
    response = client.get(url, {"where": world.a.participation.pk})
    assert not response.context["filters"].errors and shows(response, "Egen milepæl")


def test_the_audit_list_of_a_facilitator_of_programme_a_is_not_filtered_to_programme_b(client, world, login):
    login(world.a.users["facilitator"])
    MilestoneFactory(programme=world.b.programme, title_da="ZQXB milepæl")
    url = reverse("audit:list")
    response = client.get(url, {"programme": world.b.programme.pk})
    assert response.status_code == 200
    assert shows(response, invalid_choice()) and "programme" in response.context["form"].errors
    assert "ZQXB" not in response.content.decode()
    response = client.get(url, {"programme": world.a.programme.pk})
    assert response.status_code == 200 and not response.context["form"].errors


def test_the_cohort_dashboard_of_programme_a_is_not_filtered_to_a_cohort_of_programme_b(client, world, login):
    login(world.a.users["facilitator"])
    url = reverse("dashboards:cohort", args=[world.a.programme.slug])
    response = client.get(url, {"cohort": world.b.cohort.pk})
    assert response.status_code == 200
    # refused, and the page shows programme A's municipalities unfiltered, none of programme B's
    assert response.context["filters"].errors["cohort"] == [invalid_value(world.b.cohort.pk)]
    page = response.content.decode()
    assert "By a1" in page and "By b1" not in page and "By b2" not in page
    response = client.get(url, {"cohort": world.a.cohort.pk})
    assert not response.context["filters"].errors and "By a1" in response.content.decode()
