"""Demo data: the meeting calendar of Circular Cities, 31.08.2021 – 29.02.2024.

Learning modules, cross-municipal sparring sessions, the political follow-group's meetings (about once a
quarter), a local test meeting per municipality and a few community events — with invitations, answers,
attendance, minutes, decisions and actions for the meetings that have taken place, and the participants'
skills self-assessments before, mid-way and after. The dates, places and texts are invented for the
demonstration (the programme is marked as demo data). People are found by their roles in the programme,
so whoever the other demo loaders created takes part. Nothing is mailed: the meetings are written
directly, and every write creates what is missing on a natural key and leaves what is there alone
(``programmes.demo._ensure``), so loading again changes nothing (not even the audit history), also after
people have used the demo: their answers, actions and agenda items stay as they left them.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from programmes.demo import _ensure
from programmes.models import Participation
from programmes.services import milestone_complete

from .models import ActionItem, Decision, Meeting, MeetingInvitation, SkillAssessment
from .services import action_make_milestone

CPH = ZoneInfo("Europe/Copenhagen")
K = Meeting.Kind

BLOXHUB = "BLOXHUB, Bryghusgade 8, 1473 København K"
PLACES = {
    "169": "Høje-Taastrup Rådhus, Bygaden 2, 2630 Taastrup",
    "265": "Roskilde Rådhus, Rådhusbuen 1, 4000 Roskilde",
    "540": "Sønderborg Rådhus, Rådhustorvet 10, 6400 Sønderborg",
    "630": "Vejle Rådhus, Skolegade 1, 7100 Vejle",
    "657": "Herning Rådhus, Torvet 5, 7400 Herning",
    "813": "Frederikshavn Rådhus, Rådhus Allé 100, 9900 Frederikshavn",
}
ONLINE = "https://meet.example.org/cirkulaere-byer/{slug}"

# (kind, day, from, to, place or None for online, title da, title en, what happened / was presented)
CALENDAR = [
    (K.COMMUNITY, date(2021, 8, 31), "13:00", "16:00", BLOXHUB,
     "Opstart: Circular City Community", "Kick-off: Circular City Community",
     "Programmet blev skudt i gang med de seks kommuner, Realdania, Danish Design Center, CLEAN og de "
     "internationale partnere. Hver kommune præsenterede sin handleplan og de første idéer til en lokal test."),
    (K.LEARNING_MODULE, date(2021, 9, 28), "09:30", "15:30", BLOXHUB,
     "Læringsmodul 1: Cirkulær økonomi og systemtænkning", "Learning module 1: Circular economy and systems thinking",
     "Oplæg om R-stigen og systemtænkning. Kommunerne tegnede det første systemkort over deres udfordring og "
     "fandt de aktører, der skal med."),
    (K.FOLLOW_GROUP, date(2021, 10, 5), "16:00", "18:00", BLOXHUB,
     "Følgegruppemøde: Opstart", "Follow-group meeting: Kick-off",
     "Følgegruppens politikere blev præsenteret for programmet, de seks lokale udfordringer og deres egen rolle: "
     "at forankre arbejdet i udvalgene og tage læringen med tilbage til byrådene."),
    (K.SPARRING, date(2021, 10, 26), "13:00", "16:00", None,
     "Sparring 1: Problemformuleringer", "Sparring 1: Problem statements",
     "Kommunerne gav hinanden feedback på problemformuleringerne. Flere var for brede; de blev skåret til, så de "
     "kan testes inden for programmets tid."),
    (K.LEARNING_MODULE, date(2021, 11, 23), "09:30", "15:30", PLACES["265"],
     "Læringsmodul 2: Fra handleplan til lokal udfordring", "Learning module 2: From action plan to local challenge",
     "Arbejde med at koble den lokale udfordring til klima- og ressourceplanen og finde ejerskab på tværs af "
     "forvaltningerne."),
    (K.SPARRING, date(2022, 1, 11), "13:00", "16:00", PLACES["169"],
     "Sparring 2: Tværgående teams", "Sparring 2: Cross-departmental teams", ""),  # cancelled, see CANCELLED
    (K.FOLLOW_GROUP, date(2022, 1, 18), "16:00", "18:00", None,
     "Følgegruppemøde: Velkommen til de nye udvalg", "Follow-group meeting: Welcome to the new committees",
     "Efter kommunalvalget blev nye medlemmer budt velkommen. Kommunerne fortalte kort om status, og følgegruppen "
     "drøftede, hvordan udvalgene bedst inddrages i testene."),
    (K.LEARNING_MODULE, date(2022, 2, 1), "09:30", "15:00", None,
     "Læringsmodul 3: Systemkortlægning og aktører", "Learning module 3: System mapping and actors",
     "Online modul om aktørkortlægning. Hver kommune fandt tre aktører fra erhverv, forskning og civilsamfund, "
     "der skal inviteres ind i testen."),
    (K.SPARRING, date(2022, 3, 1), "13:00", "16:00", None,
     "Sparring 3: Tværgående teams", "Sparring 3: Cross-departmental teams",
     "Erfaringer med at samle teams på tværs af forvaltninger. Vejle og Høje-Taastrup delte deres "
     "kommissorier for arbejdsgrupperne."),
    (K.LEARNING_MODULE, date(2022, 4, 5), "09:30", "15:30", PLACES["630"],
     "Læringsmodul 4: Cirkulære forretnings- og løsningsmodeller",
     "Learning module 4: Circular business and solution models",
     "Gennemgang af løsningsmodeller: deling, service i stedet for produkt, materialebanker og pantsystemer. "
     "Kommunerne valgte den model, de vil teste."),
    (K.FOLLOW_GROUP, date(2022, 4, 26), "16:00", "18:00", None,
     "Følgegruppemøde: De valgte løsningsmodeller", "Follow-group meeting: The chosen solution models",
     "Kommunerne fremlagde de løsningsmodeller, de vil teste. Følgegruppen drøftede, hvor der er brug for politisk "
     "opbakning, bl.a. til krav i udbud og i arrangementstilladelser."),
    (K.SPARRING, date(2022, 5, 10), "13:00", "16:00", PLACES["169"],
     "Sparring 4: Testdesign", "Sparring 4: Test design",
     "Kommunerne gennemgik hinandens testdesign: hvad skal måles, hvem gør hvad, og hvornår er testen en succes."),
    (K.LEARNING_MODULE, date(2022, 6, 14), "09:30", "15:30", PLACES["540"],
     "Læringsmodul 5: Samskabelse med erhverv, forskning og civilsamfund",
     "Learning module 5: Co-creation with industry, research and civil society",
     "Værktøjer til samskabelse og partnerskabsaftaler. Sønderborg viste, hvordan køkkenpersonalet blev "
     "inddraget i målingen af madspild."),
    (K.FOLLOW_GROUP, date(2022, 6, 21), "15:00", "17:00", PLACES["540"],
     "Følgegruppemøde: Besøg i Sønderborg", "Follow-group meeting: Visit to Sønderborg",
     "Følgegruppen besøgte et af Sønderborgs storkøkkener og så målingen af madspild i praksis."),
    (K.SPARRING, date(2022, 8, 30), "13:00", "16:00", None,
     "Sparring 5: Første erfaringer fra testene", "Sparring 5: First lessons from the tests",
     "De første testuger: hvad virkede, og hvad måtte laves om. Roskilde delte erfaringer fra sommerens "
     "arrangementer med genbrugsservice."),
    (K.LEARNING_MODULE, date(2022, 9, 27), "09:30", "15:30", PLACES["657"],
     "Læringsmodul 6: Prototyper og test i virkeligheden", "Learning module 6: Prototypes and real-world tests",
     "Hurtige prototyper og små tests. Herning og tekstilvirksomhederne viste de første produkter af indsamlede "
     "tekstiler."),
    (K.FOLLOW_GROUP, date(2022, 10, 18), "16:00", "18:00", None,
     "Følgegruppemøde: Status på testene", "Follow-group meeting: Status of the tests",
     "Status fra de seks tests. Følgegruppen drøftede de barrierer, der kræver politiske beslutninger, især "
     "regler for affald og genbrug af byggematerialer."),
    (K.LOCAL_TEST, date(2022, 10, 25), "10:00", "12:00", PLACES["169"],
     "Testmøde: Materialebanken", "Test meeting: The materials bank", "Gennemgang af de første registreringer."),
    (K.LOCAL_TEST, date(2022, 10, 26), "10:00", "12:00", PLACES["265"],
     "Testmøde: Pant på genbrugsservice", "Test meeting: Deposits on reusable tableware", "Evaluering af sommeren."),
    (K.LOCAL_TEST, date(2022, 10, 27), "09:00", "11:00", PLACES["540"],
     "Testmøde: Målinger af madspild", "Test meeting: Measuring food waste", "De første målinger blev gennemgået."),
    (K.LOCAL_TEST, date(2022, 11, 1), "13:00", "15:00", PLACES["630"],
     "Testmøde: Reparationsværkstedet", "Test meeting: The repair workshop", "Plan for værkstedet med lærlinge."),
    (K.LOCAL_TEST, date(2022, 11, 2), "13:00", "15:00", PLACES["657"],
     "Testmøde: Tekstilsortering", "Test meeting: Sorting textiles", "Aftaler med to virksomheder blev drøftet."),
    (K.LOCAL_TEST, date(2022, 11, 3), "10:00", "12:00", PLACES["813"],
     "Testmøde: Indsamling på havnen", "Test meeting: Collection at the harbour", "Placering af stationen."),
    (K.SPARRING, date(2022, 11, 8), "13:00", "16:00", None,
     "Sparring 6: Data og dokumentation", "Sparring 6: Data and documentation",
     "Hvordan dokumenteres effekten? Kommunerne sammenlignede deres indikatorer og aftalte fælles enheder."),
    (K.COMMUNITY, date(2022, 11, 29), "14:00", "17:00", BLOXHUB,
     "Åbent netværksmøde: Cirkulært byggeri i kommunerne", "Open network meeting: Circular construction in "
     "municipalities",
     "Høje-Taastrup fortalte om materialebanken for 60 deltagere fra kommuner, rådgivere og entreprenører."),
    (K.FOLLOW_GROUP, date(2023, 1, 17), "16:00", "18:00", None,
     "Følgegruppemøde: Midtvejsevaluering", "Follow-group meeting: Mid-term review",
     "Midtvejsevalueringen viste fremgang i kompetencer og samarbejde på tværs. Følgegruppen drøftede, hvordan "
     "resultaterne kan bruges i budgetforhandlingerne."),
    (K.LEARNING_MODULE, date(2023, 1, 31), "09:30", "15:30", BLOXHUB,
     "Læringsmodul 7: Måling og effekt – indikatorer for cirkularitet",
     "Learning module 7: Measuring impact – circularity indicators",
     "Indikatorer for tons, CO₂e og kroner. Hver kommune fik sparring på sit måleprogram."),
    (K.SPARRING, date(2023, 3, 28), "13:00", "16:00", None,
     "Sparring 7: Fra test til drift", "Sparring 7: From test to operation",
     "Hvad skal der til, for at en test bliver til fast drift? Kommunerne delte udkast til beslutningsoplæg."),
    (K.FOLLOW_GROUP, date(2023, 4, 25), "16:00", "18:00", PLACES["630"],
     "Følgegruppemøde: Besøg i Vejle", "Follow-group meeting: Visit to Vejle",
     "Følgegruppen så reparationsværkstedet og talte med lærlingene om reparation af skolernes computere."),
    (K.SPARRING, date(2023, 6, 13), "13:00", "16:00", PLACES["657"],
     "Sparring 8: Forankring i organisationen", "Sparring 8: Anchoring in the organisation",
     "Erfaringer med at få løsningerne ind i budgetter, udbud og arbejdsgange."),
    (K.FOLLOW_GROUP, date(2023, 8, 29), "16:00", "18:00", None,
     "Følgegruppemøde: Resultater og beslutningsoplæg", "Follow-group meeting: Results and proposals",
     "Kommunerne fremlagde resultaterne og de beslutningsoplæg, der går til udvalgene i efteråret."),
    (K.LEARNING_MODULE, date(2023, 9, 12), "09:30", "15:30", PLACES["813"],
     "Læringsmodul 8: Forankring, skalering og politisk beslutning",
     "Learning module 8: Anchoring, scaling and political decisions",
     "Hvordan skaleres en testet løsning til hele kommunen og til andre kommuner? Oplæg fra C40 og Ellen MacArthur "
     "Foundation om internationale erfaringer."),
    (K.SPARRING, date(2023, 11, 7), "13:00", "16:00", None,
     "Sparring 9: Løsningsmodellerne beskrives", "Sparring 9: Describing the solution models",
     "Kommunerne beskrev deres løsningsmodel, så andre kommuner kan bruge den."),
    (K.FOLLOW_GROUP, date(2023, 11, 28), "16:00", "18:00", None,
     "Følgegruppemøde: Beslutningerne i udvalgene", "Follow-group meeting: The committees' decisions",
     "Status på de politiske beslutninger i de seks kommuner. Fem af seks løsninger er besluttet videreført."),
    (K.FOLLOW_GROUP, date(2024, 2, 20), "16:00", "18:00", BLOXHUB,
     "Følgegruppemøde: Afslutning", "Follow-group meeting: Closing",
     "Sidste møde i følgegruppen. Politikerne gav deres anbefalinger til andre kommuner og til Realdania."),
    (K.COMMUNITY, date(2024, 2, 27), "10:00", "16:00", BLOXHUB,
     "Afslutningskonference: Cirkulære byer", "Closing conference: Circular Cities",
     "De seks kommuner præsenterede deres testede cirkulære løsningsmodeller for 140 deltagere fra hele landet."),
]
LOCAL_TEST_CODES = {"Testmøde: Materialebanken": "169", "Testmøde: Pant på genbrugsservice": "265",
                    "Testmøde: Målinger af madspild": "540", "Testmøde: Reparationsværkstedet": "630",
                    "Testmøde: Tekstilsortering": "657", "Testmøde: Indsamling på havnen": "813"}
CANCELLED = {"Sparring 2: Tværgående teams": "Aflyst på grund af corona-restriktionerne. Emnet tages op på "
                                            "sparringen 1. marts, online."}
CAPACITY = {K.COMMUNITY: 150, K.LEARNING_MODULE: 40}

FOLLOW_GROUP_DECISIONS = [
    "Følgegruppen bakker op om, at kommunerne tester løsningerne i egen drift, før der træffes beslutning om "
    "videreførelse.",
    "Hver kommune giver sit fagudvalg en kort status efter hvert følgegruppemøde.",
    "Følgegruppen anbefaler, at erfaringerne med krav i udbud deles med KL.",
]
DECISIONS = {
    K.LEARNING_MODULE: ["Kommunerne bruger modulets skabelon i deres tværgående team inden næste sparring."],
    K.SPARRING: ["Kommunerne deler deres materiale i videnbiblioteket, så alle kan bruge det."],
    K.COMMUNITY: ["Oplæg og materialer lægges i videnbiblioteket."],
    K.LOCAL_TEST: ["Testen fortsætter som planlagt; næste status på sparringen."],
}


def _upsert(model, lookup: dict, values: dict):
    """The row matching ``lookup``, created with ``values`` when missing; a row already there is left alone."""
    return _ensure(model, lookup, values)[0]


def _at(day: date, clock: str) -> datetime:
    hour, minute = map(int, clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=CPH)


def _number(*parts) -> int:
    """A stable pseudo-random number, so the demo looks lived-in and is the same at every load."""
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def _people(programme):
    roles = RoleAssignment.objects.filter(programme=programme).select_related("user")
    participations = {p.municipality_id: p for p in Participation.objects.filter(cohort__programme=programme)
                      .select_related("municipality")}
    people = {"facilitator": [], "observer": [], "politician": [], "staff": {}, "advisor": {}}
    for role in roles.order_by("pk"):
        if role.role == Role.FACILITATOR:
            people["facilitator"].append(role)
        elif role.role == Role.OBSERVER:
            people["observer"].append(role)
        elif role.role == Role.POLITICIAN:
            people["politician"].append(role)
        elif role.role == Role.STAFF and role.participation_id:
            people["staff"].setdefault(role.participation_id, []).append(role)
        elif role.role == Role.ADVISOR and role.participation_id:
            people["advisor"].setdefault(role.participation_id, []).append(role)
    return people, participations


def _in_term(role, day: date) -> bool:
    return (role.starts_on is None or role.starts_on <= day) and (role.ends_on is None or role.ends_on >= day)


def _invitees(meeting: Meeting, people: dict, participation_ids: list[int], day: date) -> list[tuple]:
    """(role assignment, municipality id) of everybody invited to the meeting."""
    chosen = [(role, None) for role in people["facilitator"]]
    if meeting.kind == K.FOLLOW_GROUP:
        chosen += [(role, role.municipality_id) for role in people["politician"] if _in_term(role, day)]
        return chosen
    ids = [meeting.participation_id] if meeting.participation_id else participation_ids
    for participation_id in ids:
        chosen += [(role, role.municipality_id) for role in people["staff"].get(participation_id, [])]
        chosen += [(role, None) for role in people["advisor"].get(participation_id, [])]
    if meeting.kind == K.COMMUNITY:
        chosen += [(role, None) for role in people["observer"]]
        chosen += [(role, role.municipality_id) for role in people["politician"] if _in_term(role, day)]
    return chosen


def _answer(meeting_index: int, user_id: int, is_facilitator: bool) -> tuple[str, bool]:
    if is_facilitator:
        return MeetingInvitation.Response.YES, True
    n = _number(meeting_index, user_id)
    if n % 11 == 0:
        return MeetingInvitation.Response.NO, False
    if n % 7 == 0:
        return MeetingInvitation.Response.MAYBE, n % 2 == 0
    return MeetingInvitation.Response.YES, n % 13 != 0


def _minutes(meeting: Meeting, what: str, came: int, municipalities: int) -> str:
    where = "1 kommune" if municipalities == 1 else f"{municipalities} kommuner"
    opening = f"{came} deltog, fra {where}." if municipalities else f"{came} deltog."
    closing = {
        K.FOLLOW_GROUP: "Referatet sendes til udvalgene i de deltagende kommuner.",
        K.LEARNING_MODULE: "Slides og øvelser ligger under materialer.",
        K.SPARRING: "Næste sparring følger programmets kalender.",
        K.LOCAL_TEST: "Rådgiveren følger op inden næste testmøde.",
        K.COMMUNITY: "Tak til alle oplægsholdere og deltagere.",
    }[meeting.kind]
    return f"{opening}\n\n{what}\n\n{closing}"


@transaction.atomic
def load_meetings_demo(programme) -> list[Meeting]:
    people, participations_by_municipality = _people(programme)
    participations = sorted(participations_by_municipality.values(), key=lambda p: p.municipality.name)
    by_code = {p.municipality.code: p for p in participations}
    cohort = participations[0].cohort if participations else None
    organiser = people["facilitator"][0].user if people["facilitator"] else None
    participation_ids = [p.pk for p in participations]
    now = timezone.now()
    meetings = []
    for index, (kind, day, start, end, place, title_da, title_en, what) in enumerate(CALENDAR):
        participation = by_code.get(LOCAL_TEST_CODES.get(title_da, ""))
        if kind == K.LOCAL_TEST and participation is None:
            continue
        slug = f"{kind}-{day:%Y%m%d}".replace("_", "-")
        cancelled = title_da in CANCELLED
        starts_at = _at(day, start)
        meeting, created = _ensure(
            Meeting, {"programme": programme, "kind": kind, "starts_at": starts_at}, {
                "title_da": title_da, "title_en": title_en, "ends_at": _at(day, end),
                "description_da": what if kind != K.FOLLOW_GROUP else
                "Dagsorden og baggrundsmateriale sendes en uge før mødet.",
                "place": place or "", "online_url": "" if place else ONLINE.format(slug=slug),
                "capacity": CAPACITY.get(kind),
                "cohort": participation.cohort if participation else (cohort if kind in (
                    K.LEARNING_MODULE, K.SPARRING) else None),
                "participation": participation, "organiser": organiser,
                "status": Meeting.Status.CANCELLED if cancelled else Meeting.Status.SCHEDULED,
                "cancelled_at": _at(day, start) - timedelta(days=10) if cancelled else None,
                "cancel_reason": CANCELLED.get(title_da, ""), "sequence": 1 if cancelled else 0,
            })
        meetings.append(meeting)
        past = meeting.ends_at <= now and not cancelled
        if not created:
            continue  # already loaded; people may have changed it since
        invited = _invitees(meeting, people, participation_ids, day)
        came_municipalities = set()
        came = 0
        via = MeetingInvitation.Via.ROLE if kind == K.FOLLOW_GROUP else MeetingInvitation.Via.COHORT
        for role, municipality_id in invited:
            is_facilitator = role.role == Role.FACILITATOR
            response, attended = _answer(index, role.user_id, is_facilitator)
            if cancelled:
                attended = None
            elif not past:
                response, attended = MeetingInvitation.Response.PENDING, None
            responded_at = (starts_at.astimezone(UTC) - timedelta(days=5 + _number(index, role.user_id) % 9)
                            if response != MeetingInvitation.Response.PENDING else None)
            _upsert(MeetingInvitation, {"meeting": meeting, "user": role.user}, {
                "via": via, "municipality_id": municipality_id, "response": response, "attended": attended,
                "department": (role.department or role.position)[:150], "invited_by": organiser,
                "responded_at": responded_at})
            if attended:
                came += 1
                if municipality_id:
                    came_municipalities.add(municipality_id)
        _agenda(meeting, kind)
        if past:
            _minutes_for(meeting, kind, what, came, len(came_municipalities), index, people, participation_ids,
                         organiser)
    _skills(programme, people, participations)
    return meetings


AGENDAS = {
    K.LEARNING_MODULE: [("Velkomst og opsamling", 15, "Danish Design Center"), ("Oplæg", 60, "CLEAN"),
                        ("Øvelse i kommunegrupper", 120, ""), ("Frokost", 45, ""),
                        ("Fremlæggelser og feedback", 75, ""), ("Næste skridt", 15, "")],
    K.SPARRING: [("Runde: status fra kommunerne", 45, ""), ("Sparring i par", 75, ""), ("Fælles opsamling", 30, "")],
    K.FOLLOW_GROUP: [("Velkomst", 10, "Formanden"), ("Status fra kommunerne", 45, ""),
                     ("Beslutning: hvilke løsningsmodeller går videre til næste fase", 30, "Programledelsen", True),
                     ("Drøftelse", 30, ""), ("Eventuelt", 10, "")],
    K.LOCAL_TEST: [("Status på testen", 45, ""), ("Næste skridt", 30, "Innovationsrådgiveren")],
    K.COMMUNITY: [("Velkomst", 15, "Realdania"), ("Oplæg fra kommunerne", 90, ""), ("Netværk", 60, "")],
}


def _agenda(meeting: Meeting, kind: str) -> None:
    from .models import AgendaItem

    items = AGENDAS[kind]
    for order, (title, minutes, presenter, *decision) in enumerate(items, start=1):
        _upsert(AgendaItem, {"meeting": meeting, "order": order},
                {"title": title, "duration_minutes": minutes, "presenter": presenter,
                 "decision_needed": bool(decision and decision[0])})


def _minutes_for(meeting, kind, what, came, municipalities, index, people, participation_ids, organiser) -> None:
    meeting.minutes = _minutes(meeting, what, came, municipalities)  # the meeting was created by this load
    meeting.minutes_published_at = meeting.ends_at.astimezone(UTC) + timedelta(days=3)
    meeting.save(update_fields=["minutes", "minutes_published_at"])
    decisions = [FOLLOW_GROUP_DECISIONS[index % len(FOLLOW_GROUP_DECISIONS)]] if kind == K.FOLLOW_GROUP \
        else DECISIONS[kind]
    for order, text in enumerate(decisions, start=1):
        _upsert(Decision, {"meeting": meeting, "order": order}, {"text": text})
    # One action each: owned by a municipality's project lead (or a facilitator), due three weeks later.
    staff = [role for pid in ([meeting.participation_id] if meeting.participation_id else participation_ids)
             for role in people["staff"].get(pid, [])]
    owner = staff[index % len(staff)].user if staff and kind != K.FOLLOW_GROUP else organiser
    due = timezone.localtime(meeting.starts_at).date() + timedelta(days=21)
    text = {
        K.FOLLOW_GROUP: "Status til fagudvalget i alle seks kommuner",
        K.LEARNING_MODULE: "Del modulets øvelse med det tværgående team",
        K.SPARRING: "Læg sparringens materiale i videnbiblioteket",
        K.LOCAL_TEST: "Opdatér testplanen med de aftalte ændringer",
        K.COMMUNITY: "Send oplæg og deltagerliste til netværket",
    }[kind]
    action = _upsert(ActionItem, {"meeting": meeting, "order": 1}, {"text": text, "owner": owner, "due_on": due})
    if kind == K.FOLLOW_GROUP and meeting.programme.ends_on and due <= meeting.programme.ends_on:
        milestone = action_make_milestone(action=action)  # follow-group actions are on the programme's timeline
        if meeting.programme.status == meeting.programme.Status.COMPLETED:
            # done on the day it was due: a finished programme leaves nothing open in anyone's lists
            milestone_complete(milestone=milestone, when=datetime.combine(due, time(15), tzinfo=CPH))


SKILL_DAYS = {SkillAssessment.Stage.BEFORE: date(2021, 9, 20), SkillAssessment.Stage.MIDWAY: date(2022, 12, 12),
              SkillAssessment.Stage.AFTER: date(2024, 2, 12)}


def _skills(programme, people, participations) -> None:
    """Self-assessments of every team member: mostly growing, some not answering every round."""
    modules = list(Meeting.objects.filter(programme=programme, kind=K.LEARNING_MODULE).order_by("starts_at"))
    attended = set(MeetingInvitation.objects.filter(meeting__in=modules, attended=True).values_list(
        "meeting_id", "user_id"))
    for participation in participations:
        for role in people["staff"].get(participation.pk, []):
            user = role.user
            base_st = 1 + _number("st", user.pk) % 2
            base_cm = 1 + _number("cm", user.pk) % 2
            for step, (stage, day) in enumerate(SKILL_DAYS.items()):
                if step and _number(stage, user.pk) % 9 == 0:
                    continue  # did not answer this round
                growth = step + (_number(stage, "g", user.pk) % 2 if step else 0)
                submitted = datetime.combine(day, time(12), tzinfo=CPH)
                assessment, created = _ensure(SkillAssessment, {"user": user, "programme": programme, "stage": stage}, {
                    "participation": participation, "submitted_at": submitted,
                    "systems_thinking": min(5, base_st + growth),
                    "circular_models": min(5, base_cm + growth + (1 if step == 2 else 0))})
                if created:
                    assessment.modules.set([m for m in modules
                                            if m.starts_at <= submitted and (m.pk, user.pk) in attended])
