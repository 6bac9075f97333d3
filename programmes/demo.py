"""Demo data: the Circular Cities programme as the seed texts describe it.

Facts from the seeds (names in Danish and English, dates, budget, funder,
facilitators, partners, the six objectives, the other programmes' names) are
used as they are. Which six municipalities took part, their challenges, people
and timeline details are invented for the demo, and the UI says so.
Every write goes through update_or_create on a natural key, so loading twice
changes nothing.
"""

from datetime import date
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import Role, RoleAssignment, User
from municipalities.data import load_reference
from municipalities.models import Municipality

from .models import Cohort, Objective, Organisation, Participation, Programme, ProgrammeOrganisation

DEMO_PASSWORD = "cirkulaer-demo-2024"  # noqa: S105  (printed for the embedded demo only)
DEMO_DOMAIN = "demo.example.org"
SLUG = "circular-cities"

PROGRAMME = {
    "name_da": "Cirkulære byer",
    "name_en": "Circular Cities",
    "description_da": (
        "Dansk Design Center og CLEAN inviterede seks kommuner til at deltage i et 2-årigt innovationsforløb "
        "med støtte fra Realdania. Efter endt forløb stod kommunerne med en testet cirkulær løsningsmodel på en "
        "konkret problemstilling."
    ),
    "description_en": (
        "Danish Design Center and CLEAN invited six municipalities to participate in a 2-year innovation course "
        "supported by Realdania. At the end of the course, the municipalities had a tested circular solution "
        "model for a concrete problem."
    ),
    "starts_on": date(2021, 8, 31),
    "ends_on": date(2024, 2, 29),
    "budget_dkk": Decimal("5460000"),
    "status": Programme.Status.COMPLETED,
}

OBJECTIVES = [
    ("Øge samarbejde og udvikling på tværs af ressortområder i den enkelte kommune",
     "Increasing cooperation and development across departmental areas in the individual municipality"),
    ("Opbygge kompetencer og viden om systemtænkning og cirkulære løsningsmodeller",
     "Building skills and knowledge about systems thinking and circular solution models"),
    ("Sikre politisk forankring af viden via en følgegruppe for politikere i de deltagende kommuner",
     "Ensuring political anchoring of knowledge via a follow-up group for politicians in participating "
     "municipalities"),
    ("Skabe og teste konkrete cirkulære løsningsmodeller sammen med industri, erhvervsliv, forskning og "
     "civilsamfund",
     "Creating and testing concrete circular solution models together with industry, business, research, and "
     "civil society"),
    ("Understøtte tværkommunalt samarbejde, hvor sparring og videndeling mellem kommuner om cirkulære "
     "løsningsmodeller og systemisk udvikling fandt sted",
     "Supporting cross-municipal cooperation, where sparring and knowledge sharing between municipalities about "
     "circular solution models and systemic development took place"),
    ("Opbygge et ‘community’ af ambitiøse cirkulære byer", "Building a ‘community’ of ambitious circular cities"),
]

ORGANISATIONS = [
    ("Realdania", Organisation.Kind.FUNDER, ProgrammeOrganisation.Part.FUNDER),
    ("Danish Design Center", Organisation.Kind.FACILITATOR, ProgrammeOrganisation.Part.FACILITATOR),
    ("CLEAN", Organisation.Kind.FACILITATOR, ProgrammeOrganisation.Part.FACILITATOR),
    ("BLOXHUB", Organisation.Kind.INTERNATIONAL_PARTNER, ProgrammeOrganisation.Part.PARTNER),
    ("Ellen MacArthur Foundation", Organisation.Kind.INTERNATIONAL_PARTNER, ProgrammeOrganisation.Part.PARTNER),
    ("C40", Organisation.Kind.INTERNATIONAL_PARTNER, ProgrammeOrganisation.Part.PARTNER),
]

# Named in the seeds as other projects of the same organisations; nothing more is known of them here.
OTHER_PROGRAMMES = [
    ("trace", "Trace", "Trace"),
    ("poseidon", "Poseidon", "Poseidon"),
    ("beyond-beta", "Beyond Beta – CleanTech Acceleration", "Beyond Beta – CleanTech Acceleration"),
    ("co2-vision-next", "CO2 Vision NeXt", "CO2 Vision NeXt"),
    ("cop-ocean-bound-plastic", "COP – Cirkulær Ocean-Bound Plastic", "COP – Circular Ocean-Bound Plastic"),
]

# Demo choice of participants (by official code), one or two per region.
DEMO_MUNICIPALITY_CODES = ["169", "265", "540", "630", "657", "813"]

DEMO_USERS = [
    # key, e-mail local part, name, role
    ("admin", "admin", "Anne Admin", Role.ADMIN),
    ("facilitator", "facilitator", "Frida Facilitator", Role.FACILITATOR),
    ("advisor", "advisor", "Anders Rådgiver", Role.ADVISOR),
    ("staff", "staff", "Sofie Medarbejder", Role.STAFF),
    ("politician", "politician", "Per Politiker", Role.POLITICIAN),
    ("observer", "observer", "Olga Observatør", Role.OBSERVER),
]


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _user(local: str, name: str, *, admin: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=demo_email(local), defaults={"full_name": name, "is_staff": admin, "is_superuser": admin}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def _role(user, role, **scope) -> RoleAssignment:
    extra = {k: scope.pop(k) for k in ("department", "responsibility", "position") if k in scope}
    assignment, _created = RoleAssignment.objects.update_or_create(user=user, role=role, **scope, defaults=extra)
    return assignment


@transaction.atomic
def load_demo(*, reset: bool = False) -> dict:
    if reset:
        Programme.objects.filter(is_demo=True).delete()
        Programme.objects.filter(slug__in=[slug for slug, *_ in OTHER_PROGRAMMES]).delete()
        User.objects.filter(email__endswith="@" + DEMO_DOMAIN).delete()

    load_reference(Municipality)  # the 98 municipalities, should a test database have lost them
    programme, _created = Programme.objects.update_or_create(slug=SLUG, defaults={**PROGRAMME, "is_demo": True})
    for order, (text_da, text_en) in enumerate(OBJECTIVES, start=1):
        Objective.objects.update_or_create(programme=programme, order=order,
                                           defaults={"text_da": text_da, "text_en": text_en})
    for name, kind, part in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
        ProgrammeOrganisation.objects.get_or_create(programme=programme, organisation=organisation, part=part)
    for slug, name_da, name_en in OTHER_PROGRAMMES:
        Programme.objects.update_or_create(
            slug=slug, defaults={"name_da": name_da, "name_en": name_en, "status": Programme.Status.LISTED}
        )

    cohort, _ = Cohort.objects.update_or_create(
        programme=programme, name="Hold 1",
        defaults={"starts_on": PROGRAMME["starts_on"], "ends_on": PROGRAMME["ends_on"]},
    )
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=DEMO_MUNICIPALITY_CODES)}
    participations = {}
    for code in DEMO_MUNICIPALITY_CODES:
        participations[code], _ = Participation.objects.get_or_create(
            cohort=cohort, municipality=municipalities[code], defaults={"joined_on": PROGRAMME["starts_on"]}
        )

    users = {}
    first = participations[DEMO_MUNICIPALITY_CODES[1]]  # Roskilde: the demo staff, advisor and politician
    for key, local, name, role in DEMO_USERS:
        user = users[key] = _user(local, name, admin=role == Role.ADMIN)
        if role == Role.FACILITATOR:
            _role(user, role, programme=programme, department="Danish Design Center")
        elif role == Role.ADVISOR:
            _role(user, role, programme=programme, participation=None)  # in the programme's advisor pool
            _role(user, role, programme=programme, participation=first)
        elif role == Role.STAFF:
            _role(user, role, municipality=first.municipality, department="Klima og Miljø",
                  responsibility="Projektleder for den lokale test")
        elif role == Role.POLITICIAN:
            _role(user, role, programme=programme, municipality=first.municipality, position="Byrådsmedlem",
                  starts_on=PROGRAMME["starts_on"])
        elif role == Role.OBSERVER:
            _role(user, role, programme=programme, department="Realdania")
        elif role == Role.ADMIN:
            _role(user, role)
    return {"programme": programme, "users": users}


def demo_logins() -> list[tuple[str, str, str]]:
    """(role label, e-mail, password) for the printed list."""
    return [(str(Role(role).label), demo_email(local), DEMO_PASSWORD) for _key, local, _name, role in DEMO_USERS]
