"""Demo data: a second edition of Circular Cities that is running now ("Cirkulære byer – hold 2").

Everything here is invented for the demonstration (the programme is marked as demo data, and the UI says so).
The dates count from the day the demo is first loaded (``anchor``): the programme started about five months
before and runs two years. Once loaded, the anchor is read back from the stored programme (its start plus
``STARTED_DAYS_AGO``), so a load on a later day finds every row where it was and moves nothing.

The rows are written through the platform's services (programmes, municipalities, workshops, community,
notifications), so status rows, audit history and notifications are what the screens would make. Each step
first looks for its row on a natural key (a title, a day, a stage) and leaves what is there alone: loading again
changes nothing, also after people have used the demo.

Reminders: the programme's reminder plan is the default one (same kinds and offsets), sent at the hour the demo
was first loaded instead of 09:00, so that the reminders due today (a milestone in three days, the advisory
meeting tomorrow, the sparring session in a week) go out at the worker's first scan. The engine has no demo
path: it reads the plan like any facilitator's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User

CPH = ZoneInfo("Europe/Copenhagen")
SLUG = "circular-cities-2"
NAME_DA = "Cirkulære byer – hold 2"
NAME_EN = "Circular Cities – cohort 2"
COHORT = "Hold 2"
STARTED_DAYS_AGO = 150
RUNS_DAYS = 730

DESCRIPTION_DA = (
    "Andet hold af Cirkulære byer: seks nye kommuner arbejder i to år med en lokal cirkulær udfordring, "
    "med læringsmoduler, tværkommunal sparring, innovationsrådgivning og en politisk følgegruppe. "
    "Holdet, kommunerne og forløbet er opfundet til demonstrationen.")
DESCRIPTION_EN = (
    "The second cohort of Circular Cities: six new municipalities work for two years on a local circular "
    "challenge, with learning modules, cross-municipal sparring, innovation advice and a political follow-group. "
    "The cohort, the municipalities and the course are invented for the demonstration.")

# Six municipalities from the 98, none of them in the first cohort. Køge has the demo staff and politician logins.
CODES = ["259", "461", "751", "851", "561", "410"]
KOEGE, ODENSE, AARHUS, AALBORG, ESBJERG, MIDDELFART = CODES

# code: (title, problem statement, material stream, strategy on the R-ladder, SDGs)
CHALLENGES = {
    KOEGE: ("Genbrugsmøbler i kommunens institutioner",
            "Skoler og daginstitutioner køber nye møbler, mens brugte møbler står på lager eller kasseres. "
            "Vi tester en fælles møbelbank med istandsættelse, så genbrug bliver første valg.",
            "furniture", "R5", [11, 12]),
    ODENSE: ("Mindre byggeaffald fra renoveringer af almene boliger",
             "Renoveringer af almene boliger giver store mængder byggeaffald. Vi vil sammen med boligselskaberne "
             "teste selektiv nedtagning og genbrug af vinduer, døre og tegl.",
             "construction", "R3", [9, 11, 12]),
    AARHUS: ("Emballagefri levering til kommunens køkkener",
             "Kommunens køkkener modtager hver uge varer i engangsemballage. Vi tester returkasser og "
             "pantordninger med leverandørerne.",
             "packaging", "R0", [12, 14]),
    AALBORG: ("Spildevandsslam som ressource",
              "Slam fra renseanlæggene brændes i dag. Vi vil teste udvinding af fosfor sammen med forsyningen "
              "og et forskningsmiljø.",
              "water", "R9", [6, 12]),
    ESBJERG: ("Vindmøllevinger i nye produkter",
              "Udtjente vindmøllevinger deponeres. Vi vil finde lokale virksomheder, der kan bruge materialet "
              "i byinventar og cykelskure.",
              "other", "R7", [7, 9, 12]),
    MIDDELFART: ("Reparation af hjælpemidler",
                 "Kørestole, rollatorer og senge kasseres efter kort tids brug. Vi tester et reparations- og "
                 "genudlånsværksted i hjælpemiddeldepotet.",
                 "other", "R4", [3, 12]),
}

# code: [(e-mail local part, name, department, responsibility)]
STAFF = {
    KOEGE: [("koege.projektleder", "Emil Thorsen", "Dagtilbud og Skole", "Møbler i institutionerne")],
    ODENSE: [("odense.projektleder", "Nadia Berg", "By- og Kulturforvaltningen", "Projektleder for den lokale test"),
             ("odense.bolig", "Lars Kirk", "Boligområdet", "Kontakt til boligselskaberne")],
    AARHUS: [("aarhus.projektleder", "Ida Winther", "Teknik og Miljø", "Projektleder for den lokale test"),
             ("aarhus.koekken", "Omar Haddad", "Sundhed og Omsorg", "Køkkenerne")],
    AALBORG: [("aalborg.projektleder", "Katrine Juhl", "Miljø- og Energiforvaltningen",
               "Projektleder for den lokale test"),
              ("aalborg.forsyning", "Henrik Dalsgaard", "Forsyningen", "Renseanlæg")],
    ESBJERG: [("esbjerg.projektleder", "Morten Lauridsen", "Teknik og Byg", "Projektleder for den lokale test"),
              ("esbjerg.erhverv", "Signe Holt", "Erhverv", "Kontakt til virksomhederne")],
    MIDDELFART: [("middelfart.projektleder", "Julie Krog", "Social og Sundhed", "Projektleder for den lokale test"),
                 ("middelfart.depot", "Bo Mikkelsen", "Hjælpemiddeldepotet", "Værkstedet")],
}
# code: index in ADVISORS (municipalities.demo); the demo advisor advises Køge and Esbjerg (the stalled one).
ADVISOR_OF = {KOEGE: 0, ESBJERG: 0, ODENSE: 1, AARHUS: 1, AALBORG: 2, MIDDELFART: 2}
POLITICIANS = [
    ("politiker.hold2.461", "Rikke Damgaard", ODENSE, "Formand for By- og Kulturudvalget"),
    ("politiker.hold2.751", "Søren Kragh", AARHUS, "Rådmand for Teknik og Miljø"),
    ("politiker.hold2.851", "Helle Bak", AALBORG, "Medlem af Miljø- og Energiudvalget"),
    ("politiker.hold2.561", "Kim Overgaard", ESBJERG, "Formand for Teknik & Byggeudvalget"),
    ("politiker.hold2.410", "Annette Lyng", MIDDELFART, "Formand for Social- og Sundhedsudvalget"),
]

# The stage each municipality has reached; accepted gates lead there (through the review service).
STAGES = {KOEGE: "define", ODENSE: "discover", AARHUS: "define", AALBORG: "define", ESBJERG: "discover",
          MIDDELFART: "develop"}

PHASES = [  # Danish, English, first day, last day (days from the programme's start)
    ("Opstart", "Kick-off", 0, 59), ("Afdækning", "Discover", 60, 179), ("Definition", "Define", 180, 299),
    ("Udvikling", "Develop", 300, 449), ("Test", "Deliver (test)", 450, 629), ("Forankring", "Anchor", 630, 700),
    ("Afslutning", "Wrap-up", 701, RUNS_DAYS),
]

# Whole-programme milestones: (days from the anchor day, Danish, English, done)
PROGRAMME_MILESTONES = [
    (-140, "Opstartsseminar for hold 2", "Kick-off seminar for cohort 2", True),
    (-110, "Læringsmodul 1: Systemtænkning", "Learning module 1: Systems thinking", True),
    (-60, "Læringsmodul 2: Cirkulære løsningsmodeller", "Learning module 2: Circular solution models", True),
    (5, "Stage gate: Afdækning godkendt for alle kommuner", "Stage gate: Discover signed off for every municipality",
     False),
    (14, "Læringsmodul 3: Problemformulering og aktørkortlægning",
     "Learning module 3: Problem framing and actor mapping", False),
    (60, "Midtvejsstatus til Realdania", "Mid-term status to Realdania", False),
    (210, "Stage gate: Udfordring defineret", "Stage gate: Define signed off", False),
    (480, "Stage gate: Løsningsmodel klar til test", "Stage gate: Develop signed off", False),
]

# Each municipality's milestones: (code, days from the anchor day, Danish, English, done)
LOCAL_MILESTONES = [
    *[(code, -90, "Lokal udfordring beskrevet", "Local challenge described", True) for code in CODES],
    *[(code, -45, "Tværgående team sammensat", "Cross-departmental team formed", code != ESBJERG) for code in CODES],
    (ESBJERG, -3, "Aktørkortlægning afsluttet", "Actor mapping completed", False),  # overdue
    (AARHUS, 0, "Aftale med to leverandører om returkasser", "Agreement with two suppliers on return crates",
     False),
    (KOEGE, 3, "Møbelregistrering i tre institutioner", "Furniture inventory in three institutions", False),
    (ODENSE, 4, "Indsigter og aktørkort afleveret", "Insights and actor map handed in", False),
    (KOEGE, 9, "Aftale med istandsætter om prøveperiode", "Trial agreement with a refurbisher", False),
    (AALBORG, 11, "Problemformulering rettet efter feedback", "Problem framing revised after feedback", False),
    (MIDDELFART, 12, "Værkstedet indrettet", "The workshop set up", False),
    *[(code, 120, "Testplan klar", "Test plan ready", False) for code in CODES],
]

# (days from the anchor day, status, text, learnings, blockers); the latest entry waits for the advisor's review.
ENTRIES = {
    KOEGE: [(-70, "on_track", "Første møde i arbejdsgruppen med indkøb, pædagoger og pedeller.",
             "Pedellerne ved præcis, hvor de brugte møbler står.", ""),
            (-12, "at_risk", "Registrering af møbler i den første institution er i gang.",
             "Mange møbler kan istandsættes med få timers arbejde.", "Vi mangler lagerplads i test­perioden.")],
    ODENSE: [(-60, "on_track", "Rundtur i to afdelinger før renovering sammen med boligselskabet.",
              "Vinduerne er i bedre stand end ventet.", ""),
             (-8, "on_track", "Interviews med entreprenører om selektiv nedtagning.",
              "Entreprenørerne vil gerne, hvis der er en aftager.", "")],
    AARHUS: [(-50, "on_track", "Kortlægning af emballage i to produktionskøkkener.",
              "Tre leverandører står for det meste af emballagen.", ""),
             (-6, "on_track", "Møde med leverandørerne om returkasser.", "De største leverandører er positive.", "")],
    AALBORG: [(-40, "at_risk", "Workshop med forsyningen og universitetet om fosforudvinding.",
               "Teknologien findes, men økonomien er usikker.", "Mangler data om slammængderne."),
              (-10, "blocked", "Problemformuleringen blev sendt tilbage fra stage gate.",
               "Vi skal afgrænse testen til ét renseanlæg.", "Afventer data fra forsyningen.")],
    ESBJERG: [(-80, "on_track", "Besøg hos vingeproducenten og to lokale virksomheder.",
               "Materialet er stærkt, men svært at skære.", "")],  # nothing since: the test has stalled
    MIDDELFART: [(-75, "on_track", "Hjælpemiddeldepotet har talt kasserede hjælpemidler i en måned.",
                  "Halvdelen kan repareres.", ""),
                 (-20, "on_track", "Værkstedet har fået lokaler; to medarbejdere er oplært.",
                  "Brugerne vil gerne låne reparerede hjælpemidler.", "")],
}

# code: [(name, unit, baseline, target, direction)]
INDICATORS = {
    KOEGE: [("Genbrugte møbler", "stk", 0, 400, "higher")],
    ODENSE: [("Genbrugte byggekomponenter", "tons", 0, 80, "higher")],
    AARHUS: [("Engangsemballage i køkkenerne", "kg pr. uge", 600, 150, "lower")],
    AALBORG: [("Fosfor genvundet", "kg", 0, 500, "higher")],
    ESBJERG: [("Vingemateriale genanvendt", "tons", 0, 30, "higher")],
    MIDDELFART: [("Reparerede hjælpemidler", "stk", 0, 600, "higher")],
}

# Organisations from the seeds that take part in the second cohort.
ORGANISATIONS = [("Realdania", "funder", "funder"), ("Danish Design Center", "facilitator", "facilitator"),
                 ("CLEAN", "facilitator", "facilitator"), ("BLOXHUB", "international_partner", "partner"),
                 ("Ellen MacArthur Foundation", "international_partner", "partner"),
                 ("C40", "international_partner", "partner")]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CPH)


def anchor_of(programme) -> date:
    """The day the demo was first loaded: everything in the running programme is dated from it."""
    return programme.starts_on + timedelta(days=STARTED_DAYS_AGO)


@transaction.atomic
def load_running_demo(*, users: dict, today: date | None = None):
    """Create (or complete) the running second cohort; returns the programme. ``users``: the demo logins."""
    from programmes.models import Programme

    programme = Programme.objects.filter(slug=SLUG).first()
    if programme is None:
        programme = _create_programme(users["facilitator"], today or timezone.localdate())
    day = anchor_of(programme)
    participations = _municipalities(programme, day)
    _people(programme, participations, users)
    _reminder_plan(programme)
    _timeline(programme, participations, users, day)
    _local_tests(programme, participations, users, day)
    _meetings(programme, participations, users, day)
    _community(programme, participations, users)
    return programme


def _create_programme(facilitator, today: date):
    from programmes.models import Organisation, Programme
    from programmes.services import programme_create

    from .demo import OBJECTIVES, _upsert

    starts_on = today - timedelta(days=STARTED_DAYS_AGO)
    organisations: dict[str, list] = {}
    for name, kind, part in ORGANISATIONS:
        organisations.setdefault(part, []).append(_upsert(Organisation, {"name": name}, {"kind": kind}))
    programme = programme_create(
        by=facilitator, slug=SLUG, name_da=NAME_DA, name_en=NAME_EN, description_da=DESCRIPTION_DA,
        description_en=DESCRIPTION_EN, starts_on=starts_on, ends_on=starts_on + timedelta(days=RUNS_DAYS),
        status=Programme.Status.ACTIVE, budget_dkk=Decimal("5900000"), organisations=organisations,
        objectives=list(OBJECTIVES))
    Programme.objects.filter(pk=programme.pk).update(is_demo=True)
    programme.is_demo = True
    return programme


def _municipalities(programme, day: date) -> dict:
    from municipalities.models import Municipality
    from municipalities.services import challenge_save, participation_enrol
    from programmes.models import Cohort, Participation
    from programmes.services import cohort_create

    cohort = Cohort.objects.filter(programme=programme, name=COHORT).first() or cohort_create(
        programme=programme, name=COHORT, starts_on=programme.starts_on, ends_on=programme.ends_on)
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=CODES)}
    participations = {}
    for code in CODES:
        participation = Participation.objects.filter(cohort=cohort, municipality=municipalities[code]).first()
        if participation is None:
            participation = participation_enrol(cohort=cohort, municipality=municipalities[code],
                                                joined_on=programme.starts_on)
            title, problem, stream, strategy, sdgs = CHALLENGES[code]
            challenge_save(participation=participation, title=title, problem_statement=problem,
                           material_stream=stream, strategy=strategy, sdgs=sdgs)
        participations[code] = participation
    return participations


def _people(programme, participations: dict, users: dict) -> None:
    from municipalities.demo import ADVISORS

    from .demo import demo_role, demo_teams_and_advisors, demo_user

    koege = participations[KOEGE]
    demo_role(users["staff"], Role.STAFF, programme=programme, participation=koege,
              municipality=koege.municipality, department="Klima og Miljø",
              responsibility="Projektleder for den lokale test")
    demo_teams_and_advisors(programme=programme, participations=participations, teams=STAFF, advisors=ADVISORS,
                            advisor_of=ADVISOR_OF)
    demo_role(users["politician"], Role.POLITICIAN, programme=programme, municipality=koege.municipality,
              position="Formand for Klima- og Miljøudvalget", starts_on=programme.starts_on)
    for local, name, code, position in POLITICIANS:
        demo_role(demo_user(local, name), Role.POLITICIAN, programme=programme,
                  municipality=participations[code].municipality, position=position,
                  starts_on=programme.starts_on)
    demo_role(users["observer"], Role.OBSERVER, programme=programme, department="Realdania")
    from programmes.demo import _upsert

    _upsert(RoleAssignment, {"user": users["facilitator"], "role": Role.FACILITATOR, "programme": programme},
            {"department": "Danish Design Center"})


def _reminder_plan(programme) -> None:
    """The default plan, at the hour the programme was first loaded (see the module docstring)."""
    from notifications.models import ReminderRule
    from notifications.services import reminder_rules_ensure, rule_update

    if ReminderRule.objects.filter(programme=programme).exists():
        return  # loaded before (or a facilitator has changed the plan): leave it
    send_time = time(timezone.localtime().hour, 0)
    for rule in reminder_rules_ensure(programme=programme):  # the default plan, stored
        rule_update(rule=rule, offset_days=rule.offset_days, send_time=send_time, enabled=rule.enabled)


def _timeline(programme, participations: dict, users: dict, day: date) -> None:
    from programmes.models import Milestone, Phase
    from programmes.services import milestone_complete, milestone_create, phase_create

    phases = []
    for da, en, first, last in PHASES:
        phase = Phase.objects.filter(programme=programme, name_da=da).first() or phase_create(
            programme=programme, name_da=da, name_en=en, starts_on=programme.starts_on + timedelta(days=first),
            ends_on=min(programme.ends_on, programme.starts_on + timedelta(days=last)))
        phases.append(phase)

    def phase_of(due: date):
        return next((p for p in phases if p.starts_on <= due <= p.ends_on), None)

    owners = {code: User.objects.filter(email=f"{STAFF[code][0][0]}@demo.example.org").first() for code in CODES}
    owners[KOEGE] = users["staff"]
    rows = [(None, offset, da, en, done) for offset, da, en, done in PROGRAMME_MILESTONES]
    rows += LOCAL_MILESTONES
    for code, offset, da, en, done in rows:
        participation = participations[code] if code else None
        if Milestone.objects.filter(programme=programme, participation=participation, title_da=da).exists():
            continue
        due = day + timedelta(days=offset)
        milestone = milestone_create(programme=programme, title_da=da, title_en=en, due_on=due,
                                     participation=participation, phase=phase_of(due),
                                     owner=owners[code] if code else users["facilitator"])
        if done:
            milestone_complete(milestone=milestone, by=milestone.owner,
                               when=_at(due - timedelta(days=1), 15))


def _photo(code: str, number: int):
    from municipalities.demo import _demo_photo

    return _demo_photo(code, number + 10)


def _local_tests(programme, participations: dict, users: dict, day: date) -> None:
    from municipalities.models import REQUIRED_OUTPUTS, STAGE_ORDER, Indicator, ProgressEntry, StageGateOutput
    from municipalities.services import (
        indicator_create,
        measurement_add,
        progress_entry_accept,
        progress_entry_save,
        stage_output_review,
        stage_output_submit,
    )

    advisors = {p.participation_id: p.user for p in RoleAssignment.objects.filter(
        role=Role.ADVISOR, participation__in=participations.values()).select_related("user")}
    facilitator = users["facilitator"]
    for code, participation in participations.items():
        author = users["staff"] if code == KOEGE else User.objects.get(email=f"{STAFF[code][0][0]}@demo.example.org")
        advisor = advisors.get(participation.pk)
        # Indicators with a measurement every month since the start.
        for name, unit, baseline, target, direction in INDICATORS[code]:
            if Indicator.objects.filter(participation=participation, name=name).exists():
                continue
            indicator = indicator_create(participation=participation, name=name, unit=unit, baseline=baseline,
                                         target=target, direction=direction)
            for n, offset in enumerate(range(-120, 1, 30)):
                share = (n + 1) * (0.04 if code != ESBJERG else 0.01)
                measurement_add(indicator=indicator, measured_on=day + timedelta(days=offset),
                                value=Decimal(str(round(baseline + (target - baseline) * share, 1))))
        # Progress entries with photos; the advisor has accepted all but the latest.
        entries = ENTRIES[code]
        for n, (offset, status, text, learnings, blockers) in enumerate(entries):
            happened_on = day + timedelta(days=offset)
            if ProgressEntry.objects.filter(participation=participation, happened_on=happened_on).exists():
                continue
            entry = progress_entry_save(
                participation=participation, by=author, happened_on=happened_on, what_happened=text,
                learnings=learnings, blockers=blockers, status=status, photos=[_photo(code, n)], publish=True,
                captions=[f"Billede fra den lokale test ({happened_on:%d.%m.%Y}, demo)"])
            if n + 1 < len(entries) and advisor and entry.review == ProgressEntry.Review.PENDING:
                progress_entry_accept(entry=entry, by=advisor)
        # Stage gates: accepted up to the stage reached; Odense's insights wait for review, Aalborg's problem
        # framing was sent back.
        target = STAGES[code]
        for stage in STAGE_ORDER[:STAGE_ORDER.index(target)]:
            for kind in REQUIRED_OUTPUTS[stage]:
                if StageGateOutput.objects.filter(participation=participation, stage=stage, kind=kind).exists():
                    continue
                output = stage_output_submit(participation=participation, by=author, stage=stage, kind=kind,
                                             title=_output_title(stage), body="Udarbejdet af arbejdsgruppen (demo).")
                stage_output_review(output=output, by=facilitator, accept=True, comment="Godkendt.")
        if code in (ODENSE, AALBORG):
            stage = target
            kind = REQUIRED_OUTPUTS[stage][0]
            if not StageGateOutput.objects.filter(participation=participation, stage=stage, kind=kind).exists():
                output = stage_output_submit(participation=participation, by=author, stage=stage, kind=kind,
                                             title=_output_title(stage),
                                             body="Udarbejdet af arbejdsgruppen (demo). Klar til stage gate.")
                if code == AALBORG:
                    stage_output_review(output=output, by=facilitator, accept=False, comment=(
                        "Afgræns testen til ét renseanlæg, og skriv hvilke data I mangler fra forsyningen."))
    _advisory(participations, advisors, day)


def _output_title(stage: str) -> str:
    from municipalities.demo import STAGE_OUTPUT_TITLES

    return STAGE_OUTPUT_TITLES[stage]


def _advisory(participations: dict, advisors: dict, day: date) -> None:
    from municipalities.models import AdvisorySession
    from municipalities.services import advisory_session_log

    for code, offset, topics, advice in [
        (KOEGE, -30, "Afgrænsning af testen", "Start med tre institutioner og én istandsætter."),
        (KOEGE, "advisory", "Planlagt: aftale med istandsætteren og lagerplads", ""),  # the next working day
        (ESBJERG, -60, "Aktørkortlægning", "Tag kontakt til to virksomheder inden næste møde."),
        (ODENSE, -25, "Indsigter fra beboerne", "Brug interviewene i aktørkortet."),
        (AALBORG, 6, "Planlagt: ny problemformulering", ""),
    ]:
        participation = participations[code]
        held_on = meeting_days(day)[offset] if isinstance(offset, str) else day + timedelta(days=offset)
        if AdvisorySession.objects.filter(participation=participation, held_on=held_on).exists():
            continue
        advisory_session_log(participation=participation, advisor=advisors.get(participation.pk), held_on=held_on,
                             topics=topics, advice=advice,
                             attendees="Projektleder, fagpersoner fra to forvaltninger, innovationsrådgiver")


FOLLOW_GROUP_AGENDA = [
    {"title": "Velkomst", "duration_minutes": 10, "presenter": "Formanden"},
    {"title": "Status fra de seks kommuner", "duration_minutes": 40},
    {"title": "Beslutning: fælles krav om genbrug i kommunernes udbud", "duration_minutes": 30,
     "presenter": "Programledelsen", "decision_needed": True},
    {"title": "Beslutning: følgegruppens besøg i Middelfart i foråret", "duration_minutes": 15,
     "decision_needed": True},
    {"title": "Eventuelt", "duration_minutes": 10},
]


def working_day(day: date) -> date:
    """``day``, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def meeting_days(day: date) -> dict[str, date]:
    """The days of the coming meetings, on working days, seen from the anchor day: the advisory meeting the
    next working day, the sparring session next week, the follow-group about ten days ahead. One of them always
    has a reminder due on the anchor day under the default rules: the advisory meeting the day before it (when
    tomorrow is a working day), the sparring session a week before (when the anchor day is a working day), or,
    loaded at a weekend, the answer nudge three days before the sparring session (then on Tuesday or Wednesday)."""
    weekend = day.weekday() >= 5
    return {"advisory": working_day(day + timedelta(days=1)),
            "sparring": day + timedelta(days=3) if weekend else day + timedelta(days=7),
            "follow_group": working_day(day + timedelta(days=10))}


def _meetings(programme, participations: dict, users: dict, day: date) -> None:
    from programmes.models import Cohort
    from workshops.models import Meeting, MeetingInvitation
    from workshops.services import attendance_record, invitation_answer, meeting_create, meeting_invite, minutes_save

    K = Meeting.Kind
    cohort = Cohort.objects.get(programme=programme, name=COHORT)
    facilitator = users["facilitator"]
    koege = participations[KOEGE]
    plan = [
        # kind, days from the anchor day (or which of meeting_days), from, to, Danish, English, place, audience,
        # answered
        (K.LEARNING_MODULE, -60, (9, 30), (15, 30), "Læringsmodul 2: Cirkulære løsningsmodeller",
         "Learning module 2: Circular solution models", "BLOXHUB, Bryghusgade 8, 1473 København K",
         {"cohorts": [cohort]}, True),
        (K.LOCAL_TEST, "advisory", (10, 0), (11, 30), "Rådgivningsmøde: møbelbanken i Køge",
         "Advisory meeting: the furniture bank in Køge", "Køge Rådhus, Torvet 1, 4600 Køge",
         {"participations": [koege]}, False),
        (K.SPARRING, "sparring", (13, 0), (16, 0), "Tværkommunal sparring: fra indsigter til problemformulering",
         "Cross-municipal sparring: from insights to problem framing", "Odense Rådhus, Flakhaven 2, 5000 Odense C",
         {"cohorts": [cohort]}, False),
        (K.FOLLOW_GROUP, "follow_group", (16, 0), (18, 0), "Følgegruppemøde: status og fælles udbudskrav",
         "Follow-group meeting: status and joint tender requirements", "",
         {"roles": [Role.POLITICIAN]}, False),
    ]
    days = meeting_days(day)
    for kind, offset, start, end, da, en, place, audience, answered in plan:
        if Meeting.objects.filter(programme=programme, kind=kind, title_da=da).exists():
            continue
        meeting_day = days.get(offset) if isinstance(offset, str) else day + timedelta(days=offset)
        extra = {"participation": audience["participations"][0]} if "participations" in audience else (
            {"cohort": cohort} if "cohorts" in audience else {})
        description = ("Dagsorden og briefing til følgegruppen ligger på mødesiden en uge før mødet."
                       if kind == K.FOLLOW_GROUP else "Programmets møde for hold 2 (demo).")
        meeting = meeting_create(
            programme=programme, by=facilitator, kind=kind, title_da=da, title_en=en,
            description_da=description, starts_at=_at(meeting_day, *start), ends_at=_at(meeting_day, *end),
            place=place, online_url="" if place else "https://meet.example.org/cirkulaere-byer-hold-2/folgegruppe",
            agenda=FOLLOW_GROUP_AGENDA if kind == K.FOLLOW_GROUP else None, **extra)
        meeting_invite(meeting=meeting, by=facilitator, people=[facilitator], **audience)
        if answered:  # held: who came, and the organiser's draft minutes
            came = list(MeetingInvitation.objects.filter(meeting=meeting).order_by("pk").values_list(
                "user_id", flat=True))
            attendance_record(meeting=meeting, by=facilitator, attended_user_ids=came[:-1])
            minutes_save(meeting=meeting, by=facilitator, minutes=(
                "Oplæg om løsningsmodeller: materialebank, pant og retur, deling, reparation og symbiose. "
                "Hver kommune valgte to modeller at undersøge nærmere før sparringen."))
        elif kind == K.LOCAL_TEST:
            invitation = MeetingInvitation.objects.filter(meeting=meeting, user=facilitator).first()
            if invitation:
                invitation_answer(invitation=invitation, response="no")  # the advisor goes; the facilitator not


def _community(programme, participations: dict, users: dict) -> None:
    from community.models import Post, Thread, Visibility
    from community.services import post_create, thread_create

    title = "Hvordan får vi institutionerne til at vælge brugte møbler?"
    if Thread.objects.filter(programme=programme, title=title).exists():
        return
    thread = thread_create(
        by=users["staff"], kind=Thread.Kind.SPARRING, title=title, visibility=Visibility.COMMUNITY,
        programme=programme, municipality=participations[KOEGE].municipality, material_stream="furniture",
        strategy="R5",
        body="Vi har fundet 300 brugte møbler, men lederne vil helst have nyt. Har nogen erfaring med at gøre "
             "genbrug til det nemme valg i indkøbet?")
    answerer = User.objects.filter(email="middelfart.projektleder@demo.example.org").first()
    if answerer and not Post.objects.filter(thread=thread).exists():
        post_create(thread=thread, by=answerer, body="Vi viste lederne de istandsatte hjælpemidler side om side "
                                                      "med nye. Det flyttede mere end alle vores tal.")
