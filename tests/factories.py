"""factory-boy factories for every model and role, and a small two-programme world for permission tests."""

from dataclasses import dataclass, field
from datetime import date

import factory
from allauth.account.models import EmailAddress

from accounts.models import Role, RoleAssignment, User
from municipalities.models import Municipality, Region
from programmes.models import Cohort, Milestone, Participation, Phase, Programme
from programmes.status import status_refresh

DEMO_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="da_DK")
    language = "en"  # tests assert English source strings; tests of Danish pass language="da"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEMO_PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(user=self, email=self.email, defaults={"verified": True,
                                                                                      "primary": True})


class AdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """Test cities outside Denmark, so they never clash with the 98 reference municipalities."""

    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Testby {n}")
    code = ""
    region = Region.INTERNATIONAL
    country = "SE"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name_da = factory.Sequence(lambda n: f"Program {n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    description_da = "Et innovationsforløb."
    description_en = "An innovation programme."
    starts_on = date(2021, 8, 31)
    ends_on = date(2024, 2, 29)
    status = Programme.Status.ACTIVE


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Hold {n}")


class RefreshesStatus:
    """A factory that writes what a participation's status row summarises refreshes that row, as the services
    do (programmes/status.py); tests that change such rows by other means call ``status_refresh`` themselves."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        participation_id = instance.pk if isinstance(instance, Participation) else instance.participation_id
        if create and participation_id:
            status_refresh(participation_ids=[participation_id])


class ParticipationFactory(RefreshesStatus, factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    cohort = factory.SubFactory(CohortFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    joined_on = date(2021, 8, 31)


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    programme = factory.SubFactory(ProgrammeFactory)
    name_da = factory.Sequence(lambda n: f"Fase {n}")
    name_en = factory.Sequence(lambda n: f"Phase {n}")
    starts_on = date(2021, 9, 1)
    ends_on = date(2022, 3, 1)


class MilestoneFactory(RefreshesStatus, factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    programme = factory.SubFactory(ProgrammeFactory)
    title_da = factory.Sequence(lambda n: f"Milepæl {n}")
    title_en = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = date(2022, 6, 1)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.FACILITATOR


def facilitator_of(programme, **kwargs) -> User:
    return RoleAssignmentFactory(role=Role.FACILITATOR, programme=programme, **kwargs).user


def observer_of(programme, **kwargs) -> User:
    return RoleAssignmentFactory(role=Role.OBSERVER, programme=programme, **kwargs).user


def politician_of(programme, **kwargs) -> User:
    kwargs.setdefault("position", "Byrådsmedlem")
    return RoleAssignmentFactory(role=Role.POLITICIAN, programme=programme, **kwargs).user


def advisor_of(participation, **kwargs) -> User:
    return RoleAssignmentFactory(role=Role.ADVISOR, programme=participation.cohort.programme,
                                 participation=participation, **kwargs).user


def staff_of(where, **kwargs) -> User:
    """A person on the team of a participation (a municipality in one programme).

    Given a municipality instead, the person is on its team in every programme it takes part in (what a staff
    role of a municipality gave before teams were per programme, and what the migration of such roles keeps)."""
    kwargs.setdefault("department", "Teknik og Miljø")
    if isinstance(where, Participation):
        return RoleAssignmentFactory(role=Role.STAFF, participation=where, programme=where.cohort.programme,
                                     municipality=where.municipality, **kwargs).user
    participations = list(Participation.objects.filter(municipality=where).select_related("cohort").order_by("pk"))
    if not participations:  # takes part in no programme: a role that opens no programme
        return RoleAssignmentFactory(role=Role.STAFF, municipality=where, **kwargs).user
    user = None
    for participation in participations:
        if user is not None:
            kwargs = {key: value for key, value in kwargs.items() if not key.startswith("user__")} | {"user": user}
        user = staff_of(participation, **kwargs)
    return user


ROLES = ("facilitator", "advisor", "staff", "politician", "observer")


@dataclass
class Side:
    """One programme with a cohort of two municipalities, and one person in each role.

    ``participation`` (By a1 / By b1) and ``other_participation`` (By a2 / By b2) are the programme's own, in
    ``cohort``; ``shared_participation`` is the municipality that both programmes enrol (Fællesby), each in a
    second cohort of its own,
    with its own team (``shared_users["staff"]`` and a colleague ``shared_users["staff2"]``) and its own
    advisor (``shared_users["advisor"]``)."""

    programme: Programme
    cohort: Cohort
    participation: Participation
    other_participation: Participation
    users: dict[str, User] = field(default_factory=dict)
    shared_participation: Participation | None = None
    shared_users: dict[str, User] = field(default_factory=dict)

    def on_shared_municipality(self) -> "Side":
        """This side as seen from the shared municipality: its participation (and cohort) is the shared one, and
        its staff and advisor are the shared municipality's team and advisor in this programme."""
        return Side(self.programme, self.shared_participation.cohort, self.shared_participation, self.participation,
                    users={**self.users, "staff": self.shared_users["staff"],
                           "advisor": self.shared_users["advisor"]},
                    shared_participation=self.shared_participation, shared_users=self.shared_users)


@dataclass
class World:
    a: Side
    b: Side
    admin: User
    shared_municipality: Municipality | None = None

    def user(self, role: str, own: bool = True) -> User | None:
        if role == "anonymous":
            return None
        if role == "admin":
            return self.admin
        return (self.a if own else self.b).users[role]

    def on_shared_municipality(self) -> "World":
        """The same world, with both sides' ``participation`` (and staff and advisor) on the municipality that
        both programmes enrol: a case written against ``world.a.participation`` then asks whether programme B's
        people reach programme A's participation of the very same municipality."""
        return World(self.a.on_shared_municipality(), self.b.on_shared_municipality(), self.admin,
                     self.shared_municipality)


def build_side(label: str, shared_municipality: Municipality | None = None) -> Side:
    programme = ProgrammeFactory(slug=f"programme-{label}", name_da=f"Program {label}", name_en=f"Programme {label}")
    cohort = CohortFactory(programme=programme, name=f"Hold {label}")
    participation = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name=f"By {label}1"))
    other = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name=f"By {label}2"))
    # a cohort of its own, so that the cohort above keeps its two municipalities
    shared = ParticipationFactory(cohort=CohortFactory(programme=programme, name=f"Hold {label} (fælles)"),
                                  municipality=shared_municipality or MunicipalityFactory(name=f"Fællesby {label}"))
    side = Side(programme, cohort, participation, other, shared_participation=shared)
    side.users = {
        "facilitator": facilitator_of(programme, user__email=f"facilitator-{label}@example.org"),
        "advisor": advisor_of(participation, user__email=f"advisor-{label}@example.org"),
        "staff": staff_of(participation, user__email=f"staff-{label}@example.org"),
        "politician": politician_of(programme, user__email=f"politician-{label}@example.org"),
        "observer": observer_of(programme, user__email=f"observer-{label}@example.org"),
    }
    side.shared_users = {
        "staff": staff_of(shared, user__email=f"staff-shared-{label}@example.org", department=f"Miljø {label}"),
        "staff2": staff_of(shared, user__email=f"staff2-shared-{label}@example.org", department=f"Indkøb {label}"),
        "advisor": advisor_of(shared, user__email=f"advisor-shared-{label}@example.org"),
    }
    return side


def build_world() -> World:
    shared = MunicipalityFactory(name="Fællesby")
    return World(a=build_side("a", shared), b=build_side("b", shared), admin=AdminFactory(email="admin@example.org"),
                 shared_municipality=shared)
