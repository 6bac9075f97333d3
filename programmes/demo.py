"""Demo data: the Circular Cities programme as the seed texts describe it.

Facts from the seeds (names in Danish and English, dates, budget, funder,
facilitators, partners, the six objectives, the other programmes' names) are
used as they are. Which six municipalities took part, their challenges, people
and timeline details are invented for the demo, and the UI says so.
Every write goes through ``_upsert`` on a natural key, which creates what is missing and leaves
what is there alone, so loading again changes nothing, also after people have used the demo.
Beside it, ``programmes.demo_running`` loads a second cohort that runs now ("Cirkulære byer – hold 2").
"""

from datetime import date, datetime, time
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, RoleAssignment, User
from municipalities.data import load_reference
from municipalities.models import Municipality

from .models import (
    BudgetLine,
    Cohort,
    Milestone,
    Objective,
    Organisation,
    Participation,
    Phase,
    Programme,
    ProgrammeOrganisation,
    Spending,
)

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

# --- Invented for the demo (the UI says so): timeline, budget split, spending, stages -------------------------

PHASES = [
    # Danish, English, start, end
    ("Opstart", "Kick-off", date(2021, 8, 31), date(2021, 10, 31)),
    ("Afdækning", "Discover", date(2021, 11, 1), date(2022, 2, 28)),
    ("Definition", "Define", date(2022, 3, 1), date(2022, 6, 30)),
    ("Udvikling", "Develop", date(2022, 7, 1), date(2022, 12, 31)),
    ("Test", "Deliver (test)", date(2023, 1, 1), date(2023, 8, 31)),
    ("Forankring", "Anchor", date(2023, 9, 1), date(2023, 12, 31)),
    ("Afslutning", "Wrap-up", date(2024, 1, 1), date(2024, 2, 29)),
]

PROGRAMME_MILESTONES = [
    # due, Danish, English, phase (index in PHASES)
    (date(2021, 9, 15), "Opstartsseminar for de seks kommuner", "Kick-off seminar for the six municipalities", 0),
    (date(2021, 10, 12), "Læringsmodul 1: Systemtænkning", "Learning module 1: Systems thinking", 0),
    (date(2021, 10, 28), "Følgegruppemøde 1", "Follow-group meeting 1", 0),
    (date(2021, 11, 30), "Læringsmodul 2: Cirkulære løsningsmodeller",
     "Learning module 2: Circular solution models", 1),
    (date(2022, 2, 22), "Stage gate: Afdækning godkendt", "Stage gate: Discover signed off", 1),
    (date(2022, 3, 15), "Læringsmodul 3: Problemformulering og aktørkortlægning",
     "Learning module 3: Problem framing and actor mapping", 2),
    (date(2022, 4, 26), "Følgegruppemøde 2", "Follow-group meeting 2", 2),
    (date(2022, 5, 19), "Tværkommunal sparring 1", "Cross-municipal sparring 1", 2),
    (date(2022, 6, 28), "Stage gate: Udfordring defineret", "Stage gate: Define signed off", 2),
    (date(2022, 8, 30), "Midtvejsstatus til Realdania", "Mid-term status to Realdania", 3),
    (date(2022, 9, 20), "Læringsmodul 4: Prototyper med partnere", "Learning module 4: Prototyping with partners", 3),
    (date(2022, 10, 25), "Følgegruppemøde 3", "Follow-group meeting 3", 3),
    (date(2022, 11, 24), "Circular City Community: første netværksmøde",
     "Circular City Community: first network meeting", 3),
    (date(2022, 12, 15), "Stage gate: Løsningsmodel klar til test", "Stage gate: Develop signed off", 3),
    (date(2023, 2, 7), "Læringsmodul 5: Test og måling", "Learning module 5: Testing and measuring", 4),
    (date(2023, 4, 18), "Tværkommunal sparring 2", "Cross-municipal sparring 2", 4),
    (date(2023, 5, 23), "Følgegruppemøde 4", "Follow-group meeting 4", 4),
    (date(2023, 8, 29), "Stage gate: Test gennemført", "Stage gate: Deliver (test) signed off", 4),
    (date(2023, 9, 26), "Læringsmodul 6: Forankring og opskalering", "Learning module 6: Anchoring and scaling", 5),
    (date(2023, 10, 31), "Internationalt formidlingsmøde med partnerne",
     "International dissemination meeting with the partners", 5),
    (date(2023, 11, 21), "Følgegruppemøde 5", "Follow-group meeting 5", 5),
    (date(2023, 12, 14), "Stage gate: Forankring godkendt", "Stage gate: Anchor signed off", 5),
    (date(2024, 1, 30), "Afslutningskonference", "Closing conference", 6),
    (date(2024, 2, 27), "Slutrapport til Realdania", "Final report to Realdania", 6),
]

MUNICIPALITY_MILESTONES = [
    (date(2022, 1, 31), "Lokal udfordring beskrevet", "Local challenge described", 1),
    (date(2022, 3, 31), "Tværgående team sammensat", "Cross-departmental team formed", 2),
    (date(2022, 11, 30), "Løsningsmodel valgt", "Solution model chosen", 3),
    (date(2023, 8, 15), "Lokal test gennemført", "Local test completed", 4),
    (date(2023, 12, 5), "Forankringsplan politisk behandlet", "Anchoring plan discussed politically", 5),
]

# Where each demo municipality ended: all but one reached Anchor; that one stopped after its test.
FINAL_STAGES = {code: Participation.Stage.ANCHOR for code in DEMO_MUNICIPALITY_CODES}
FINAL_STAGES["813"] = Participation.Stage.DELIVER

BUDGET_LINES = [
    # code, Danish, English, allocated (DKK); they add up to the programme budget of 5,460,000 DKK.
    ("WP1", "Programledelse og koordinering", "Programme management and coordination", Decimal("820000")),
    ("WP2", "Læringsforløb og kompetenceopbygning", "Learning modules and capacity building", Decimal("1250000")),
    ("WP3", "Lokale test og innovationsrådgivning", "Local tests and innovation advice", Decimal("2150000")),
    ("WP4", "Følgegruppe og politisk forankring", "Follow-group and political anchoring", Decimal("440000")),
    ("WP5", "Community, kommunikation og international formidling",
     "Community, communication and international dissemination", Decimal("800000")),
]

SPENDINGS = [
    # work package, date, description, amount (DKK)
    ("WP1", date(2021, 12, 31), "Programledelse 2021", Decimal("160000")),
    ("WP1", date(2022, 12, 31), "Programledelse 2022", Decimal("330000")),
    ("WP1", date(2023, 12, 31), "Programledelse 2023", Decimal("300000")),
    ("WP2", date(2021, 12, 15), "Læringsmodul 1–2", Decimal("280000")),
    ("WP2", date(2022, 9, 30), "Læringsmodul 3–4", Decimal("410000")),
    ("WP2", date(2023, 10, 15), "Læringsmodul 5–6", Decimal("470000")),
    ("WP3", date(2022, 6, 30), "Innovationsrådgivning, 1. halvår 2022", Decimal("520000")),
    ("WP3", date(2022, 12, 31), "Innovationsrådgivning, 2. halvår 2022", Decimal("610000")),
    ("WP3", date(2023, 6, 30), "Lokale test: materialer og partnere", Decimal("590000")),
    ("WP3", date(2023, 12, 31), "Innovationsrådgivning 2023", Decimal("395000")),
    ("WP4", date(2022, 12, 31), "Følgegruppemøder 2021–2022", Decimal("180000")),
    ("WP4", date(2023, 12, 31), "Følgegruppemøder 2023", Decimal("205000")),
    ("WP5", date(2022, 11, 30), "Circular City Community: netværksmøde", Decimal("240000")),
    ("WP5", date(2023, 10, 31), "International formidling med partnerne", Decimal("310000")),
    ("WP5", date(2024, 2, 15), "Afslutningskonference og slutrapport", Decimal("215000")),
]


def _ensure(model, lookup: dict, values: dict):
    """(object, created): the first row matching ``lookup``, or a new one with ``values``. A row that is already
    there is left exactly as it is: a second load writes nothing (and adds no audit history), and whatever
    people changed while using the demo stays changed. Several matching rows (people add their own) are fine."""
    obj = model.objects.filter(**lookup).order_by("pk").first()
    if obj is not None:
        return obj, False
    return model.objects.create(**lookup, **values), True


def _upsert(model, lookup: dict, values: dict):
    """The row matching ``lookup``, created with ``values`` when missing (see ``_ensure``)."""
    return _ensure(model, lookup, values)[0]


def _done_at(day: date):
    return timezone.make_aware(datetime.combine(day, time(15, 0)))


def _load_timeline(programme, participations, users) -> None:
    phases = [
        _upsert(Phase, {"programme": programme, "name_da": da},
                {"name_en": en, "starts_on": start, "ends_on": end, "order": order})
        for order, (da, en, start, end) in enumerate(PHASES, start=1)
    ]
    facilitator = users["facilitator"]
    for due, da, en, phase in PROGRAMME_MILESTONES:
        _upsert(Milestone, {"programme": programme, "participation": None, "title_da": da}, {
            "title_en": en, "due_on": due, "phase": phases[phase], "owner": facilitator,
            "status": Milestone.Status.DONE, "completed_at": _done_at(due)})
    stages = list(Participation.Stage)
    for code, participation in participations.items():
        final = FINAL_STAGES[code]
        owner = users["staff"] if participation.municipality.code == DEMO_MUNICIPALITY_CODES[1] else None
        for due, da, en, phase in MUNICIPALITY_MILESTONES:
            reached = stages.index(final) >= phase - 1  # phases 1…5 are the stages Discover…Anchor
            _upsert(Milestone, {"programme": programme, "participation": participation, "title_da": da}, {
                "title_en": en, "due_on": due, "phase": phases[phase], "owner": owner,
                "status": Milestone.Status.DONE if reached else Milestone.Status.CANCELLED,
                "completed_at": _done_at(due) if reached else None})


def _load_budget(programme) -> None:
    lines = {
        code: _upsert(BudgetLine, {"programme": programme, "code": code},
                      {"name_da": da, "name_en": en, "allocated_dkk": amount, "order": order})
        for order, (code, da, en, amount) in enumerate(BUDGET_LINES, start=1)
    }
    for code, day, description, amount in SPENDINGS:
        _upsert(Spending, {"budget_line": lines[code], "spent_on": day, "description": description},
                {"amount_dkk": amount})


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


_PASSWORD_HASHES: dict[str, str] = {}


def _demo_password_hash() -> str:
    """The demo password hashed once per hasher and shared by every demo login: the password is printed for
    all to read anyway, and hashing it ~50 times made every load of the demo seconds slower."""
    hasher = settings.PASSWORD_HASHERS[0]
    if hasher not in _PASSWORD_HASHES:
        _PASSWORD_HASHES[hasher] = make_password(DEMO_PASSWORD)
    return _PASSWORD_HASHES[hasher]


def demo_user(local: str, name: str, *, admin: bool = False) -> User:
    """The demo login ``local``@demo.example.org, created with the demo password if missing (the name follows)."""
    user, created = _ensure(User, {"email": demo_email(local)},
                            {"full_name": name, "is_staff": admin, "is_superuser": admin})
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    _upsert(EmailAddress, {"user": user, "email": user.email}, {"verified": True, "primary": True})
    return user


def demo_role(user, role, **scope) -> RoleAssignment:
    """``user``'s ``role`` in ``scope`` (programme, participation, municipality, …); department, responsibility
    and position are updated, not matched."""
    extra = {k: scope.pop(k) for k in ("department", "responsibility", "position") if k in scope}
    return _upsert(RoleAssignment, {"user": user, "role": role, **scope}, extra)


def demo_teams_and_advisors(*, programme, participations: dict, teams: dict, advisors, advisor_of: dict) -> list[User]:
    """The people of a demo cohort, as both demo programmes load them: each municipality's team
    (``teams[code]``: (local, name, department, responsibility) of each member), the programme's advisor pool
    (``advisors``: (local, name)), and for each municipality in ``advisor_of`` the pool's advisor at that index,
    unless someone advises it already (whoever took over stays). ``participations``: municipality code →
    participation of ``programme``. Returns the pool's advisors in order."""
    from municipalities.services import advisor_assign

    for code, participation in participations.items():
        for local, name, department, responsibility in teams.get(code, ()):
            demo_role(demo_user(local, name), Role.STAFF, programme=programme, participation=participation,
                      municipality=participation.municipality, department=department, responsibility=responsibility)
    pool = []
    for local, name in advisors:
        advisor = demo_user(local, name)
        demo_role(advisor, Role.ADVISOR, programme=programme, participation=None)  # the programme's advisor pool
        pool.append(advisor)
    advised = set(RoleAssignment.objects.filter(role=Role.ADVISOR, participation__in=participations.values())
                  .values_list("participation_id", flat=True))
    for code, index in advisor_of.items():
        if code in participations and participations[code].pk not in advised:
            advisor_assign(participation=participations[code], advisor=pool[index])
    return pool


@transaction.atomic
def load_demo(*, reset: bool = False) -> dict:
    if reset:
        Programme.objects.filter(is_demo=True).delete()
        Programme.objects.filter(slug__in=[slug for slug, *_ in OTHER_PROGRAMMES]).delete()
        User.objects.filter(email__endswith="@" + DEMO_DOMAIN).delete()

    load_reference(Municipality)  # the 98 municipalities, should a test database have lost them
    programme = _upsert(Programme, {"slug": SLUG}, {**PROGRAMME, "is_demo": True})
    for order, (text_da, text_en) in enumerate(OBJECTIVES, start=1):
        _upsert(Objective, {"programme": programme, "order": order}, {"text_da": text_da, "text_en": text_en})
    for name, kind, part in ORGANISATIONS:
        organisation = _upsert(Organisation, {"name": name}, {"kind": kind})
        _upsert(ProgrammeOrganisation, {"programme": programme, "organisation": organisation, "part": part}, {})
    for slug, name_da, name_en in OTHER_PROGRAMMES:
        _upsert(Programme, {"slug": slug}, {"name_da": name_da, "name_en": name_en, "status": Programme.Status.LISTED})

    cohort = _upsert(Cohort, {"programme": programme, "name": "Hold 1"},
                     {"starts_on": PROGRAMME["starts_on"], "ends_on": PROGRAMME["ends_on"]})
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=DEMO_MUNICIPALITY_CODES)}
    participations = {}
    for code in DEMO_MUNICIPALITY_CODES:
        participations[code] = _upsert(Participation, {"cohort": cohort, "municipality": municipalities[code]},
                                       {"joined_on": PROGRAMME["starts_on"], "stage": FINAL_STAGES[code]})

    users = {}
    first = participations[DEMO_MUNICIPALITY_CODES[1]]  # Roskilde: the demo staff, advisor and politician
    for key, local, name, role in DEMO_USERS:
        user = users[key] = demo_user(local, name, admin=role == Role.ADMIN)
        if role == Role.FACILITATOR:
            demo_role(user, role, programme=programme, department="Danish Design Center")
        elif role == Role.ADVISOR:
            demo_role(user, role, programme=programme, participation=None)  # in the programme's advisor pool
            if not RoleAssignment.objects.filter(role=role, participation=first).exists():  # nobody took over
                demo_role(user, role, programme=programme, participation=first)
        elif role == Role.STAFF:
            demo_role(user, role, programme=programme, participation=first, municipality=first.municipality,
                      department="Klima og Miljø", responsibility="Projektleder for den lokale test")
        elif role == Role.POLITICIAN:
            demo_role(user, role, programme=programme, municipality=first.municipality, position="Byrådsmedlem",
                      starts_on=PROGRAMME["starts_on"])
        elif role == Role.OBSERVER:
            demo_role(user, role, programme=programme, department="Realdania")
        elif role == Role.ADMIN:
            demo_role(user, role)
    from municipalities.demo import load_participation_demo  # challenges, teams, advisors, follow-group

    load_participation_demo(programme)
    _load_timeline(programme, participations, users)  # phases, milestones and each municipality's stage
    _load_budget(programme)  # work packages WP1–WP5 and spending
    from workshops.demo import load_meetings_demo; load_meetings_demo(programme)  # noqa: E702, I001
    from community.demo import load_community_demo; load_community_demo(programme)  # noqa: E702, I001
    from .demo_running import load_running_demo  # the second cohort, running now

    running = load_running_demo(users=users)
    from calls.demo import load_calls_demo  # an open call of the running programme, the historical one closed

    load_calls_demo(historical=programme, running=running, users=users)
    return {"programme": programme, "running": running, "users": users}


def demo_logins() -> list[tuple[str, str, str]]:
    """(role label, e-mail, password) for the printed list; last the open call's external reviewer, who holds no
    role (calls/demo.py)."""
    from calls.demo import EXTERNAL_REVIEWER

    return [(str(Role(role).label), demo_email(local), DEMO_PASSWORD) for _key, local, _name, role in DEMO_USERS] + [
        (gettext("External reviewer"), demo_email(EXTERNAL_REVIEWER[0]), DEMO_PASSWORD)]
