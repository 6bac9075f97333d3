"""Demo data for the Circular City Community: case stories, methods, one solution model per demo
municipality (some adopted by others), two sparring threads with answers, and a few member profiles.

Everything here is invented for the demonstration (the pages of a demo programme say so). Loading twice
changes nothing: every write is keyed on a natural key (programme and Danish title, thread and text). The
items and threads belong to the demo programme, so ``load_demo(reset=True)`` removes them with it."""

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from programmes.demo import DEMO_MUNICIPALITY_CODES, _upsert, demo_email
from programmes.models import LocalChallenge, Participation

from .models import Adoption, LibraryItem, Post, Profile, Thread, Visibility

K = LibraryItem.Kind
M = LocalChallenge.MaterialStream
S = LocalChallenge.Strategy


def _at(year, month, day, hour=10):
    return timezone.make_aware(datetime.combine(datetime(year, month, day).date(), time(hour, 0)))


# (kind, visibility, Danish title, English title, Danish summary, English summary, Danish body, English body,
#  material stream, strategy, SDGs, published, author e-mail local part)
ITEMS = [
    (K.METHOD, Visibility.PUBLIC,
     "Isbjergsmodellen: fra hændelser til strukturer",
     "The iceberg model: from events to structures",
     "Et systemtænkningsværktøj, der hjælper et tværfagligt team med at se bag om de synlige problemer.",
     "A systems thinking tool that helps a cross-departmental team look beneath the visible problems.",
     "## Sådan bruger I den\n\n1. **Hændelser**: Hvad ser vi? (fx containere med brugt byggemateriale)\n"
     "2. **Mønstre**: Hvad sker igen og igen?\n3. **Strukturer**: Hvilke regler, aftaler og budgetter "
     "skaber mønstrene?\n4. **Mentale modeller**: Hvilke antagelser holder strukturerne på plads?\n\n"
     "> Brug 90 minutter med hele teamet, og tag et konkret eksempel fra jeres egen kommune.",
     "## How to use it\n\n1. **Events**: What do we see? (e.g. skips of used building materials)\n"
     "2. **Patterns**: What happens again and again?\n3. **Structures**: Which rules, contracts and budgets "
     "create the patterns?\n4. **Mental models**: Which assumptions keep the structures in place?\n\n"
     "> Spend 90 minutes with the whole team, and take a concrete example from your own municipality.",
     "", "", [12, 17], _at(2021, 10, 12), "facilitator"),
    (K.METHOD, Visibility.COMMUNITY,
     "Mønstre for cirkulære løsningsmodeller",
     "Patterns for circular solution models",
     "Fem mønstre, kommunerne har brugt som udgangspunkt: materialebank, pant og retur, deling, reparation "
     "og industriel symbiose.",
     "Five patterns the municipalities used as a starting point: materials bank, deposit and return, sharing, "
     "repair and industrial symbiosis.",
     "## Mønstrene\n\n| Mønster | Hvornår | Eksempel |\n|---|---|---|\n"
     "| Materialebank | Materialer bliver fri før de skal bruges | Tegl fra nedrivning |\n"
     "| Pant og retur | Mange ens produkter i omløb | Genbrugskopper |\n"
     "| Deling | Udstyr bruges sjældent | Værktøj, IT |\n| Reparation | Produkter kasseres tidligt | Bærbare |\n"
     "| Symbiose | Ét affald er en andens råvare | Tekstilfibre |\n",
     "## The patterns\n\n| Pattern | When | Example |\n|---|---|---|\n"
     "| Materials bank | Materials are freed before they are needed | Bricks from demolition |\n"
     "| Deposit and return | Many identical products in circulation | Reusable cups |\n"
     "| Sharing | Equipment is seldom used | Tools, IT |\n| Repair | Products are discarded early | Laptops |\n"
     "| Symbiosis | One's waste is another's raw material | Textile fibres |\n",
     "", "", [9, 12], _at(2021, 11, 30), "facilitator"),
    (K.CASE, Visibility.PUBLIC,
     "Tværgående team: sådan fik vi indkøb og byggeri til at tale sammen",
     "Cross-departmental team: how procurement and construction started talking",
     "Høje-Taastrup samlede byggeri, indkøb og miljø om én udfordring — og fandt ud af, at kravene i "
     "udbuddene var den vigtigste løftestang.",
     "Høje-Taastrup brought construction, procurement and environment together on one challenge — and found "
     "that the requirements in tenders were the strongest lever.",
     "## Udgangspunktet\n\nHver afdeling havde sin del af ansvaret for nedrivninger, men ingen ejede "
     "materialerne.\n\n## Det gjorde vi\n\n- Månedlige møder i et tværgående team\n- Fælles kortlægning af "
     "tre nedrivninger\n- Krav om ressourcekortlægning i udbuddet\n\n## Det lærte vi\n\nDet tager tid at få et "
     "fælles sprog — men det er forudsætningen for alt andet.",
     "## The starting point\n\nEach department had its share of responsibility for demolitions, but nobody "
     "owned the materials.\n\n## What we did\n\n- Monthly meetings of a cross-departmental team\n- Joint "
     "mapping of three demolitions\n- A requirement for resource mapping in the tender\n\n## What we "
     "learned\n\nIt takes time to build a shared language — but it is the precondition for everything else.",
     M.CONSTRUCTION, S.R3, [11, 12], _at(2023, 9, 12), "hoeje-taastrup.projektleder"),
    (K.CASE, Visibility.COHORT,
     "Erfaringer fra følgegruppen: at forankre en test politisk",
     "Lessons from the follow-group: anchoring a test politically",
     "Kort refleksion fra holdets kommuner om, hvad der virkede i dialogen med politikerne. Kun for holdet.",
     "", "Politikerne ville se tal tidligt. De kommuner, der målte fra dag ét, havde lettest ved at få "
     "forankringen vedtaget.", "", "", "", [16, 17], _at(2023, 11, 21), "facilitator"),
    (K.RESOURCE, Visibility.COMMUNITY,
     "Skabelon: stage gate-oplæg til styregruppen", "Template: stage gate briefing for the steering group",
     "En kort skabelon med de spørgsmål, styregruppen skal kunne svare på ved hver stage gate.",
     "A short template with the questions the steering group must be able to answer at each stage gate.",
     "- Hvad har vi lært siden sidst?\n- Hvad er testens status (på sporet / i risiko / blokeret)?\n"
     "- Hvilke beslutninger skal tages nu?", "- What have we learned since last time?\n- What is the status of "
     "the test (on track / at risk / blocked)?\n- Which decisions must be taken now?", "", "", [], _at(2022, 2, 1),
     "facilitator"),
]

# Solution models of the local tests: code → (English title, English summary, English challenge, visibility).
# Herning's is left without English on purpose: the showcase then says that the translation is missing.
SOLUTION_MODELS = {
    "169": ("Resource mapping before demolition and a municipal materials bank",
            "Before any municipal demolition, the materials are mapped; reusable bricks and timber go to a "
            "materials bank that the municipality's own building projects must check first.",
            "When the municipality demolishes schools and institutions, bricks, tiles and timber end up as fill or "
            "waste: nothing is registered beforehand, and nobody takes the materials when they are freed.",
            Visibility.PUBLIC),
    "265": ("Shared deposit and washing scheme for reusable tableware",
            "Event permits require reusable tableware; a shared deposit system and a local laundry make it "
            "cheap and simple for organisers.",
            "Concerts, markets and sports events use large amounts of disposable cups and plates every year. "
            "Organisers lack a simple, cheap solution with washing and logistics.", Visibility.PUBLIC),
    "540": ("Food waste measurement with a shared dashboard",
            "Kitchens weigh what is thrown away every day and adjust orders and portions with the care homes "
            "and schools.",
            "Care homes and schools throw away a large share of the food produced, because orders, menus and "
            "portions do not follow the actual need.", Visibility.PUBLIC),
    "630": ("Repairable IT procurement and an internal repair workshop",
            "Procurement contracts require repairability, and apprentices repair laptops and tablets in an "
            "internal workshop.",
            "Laptops and tablets are replaced after a few years and sent for recycling, although many could be "
            "repaired.", Visibility.COMMUNITY),
    "657": ("Textile sorting with local companies", "", "", Visibility.PUBLIC),
    "813": ("Collection station for fishing nets in the harbour",
            "A collection station in the harbour and agreements with recyclers on nylon and polyethylene.",
            "Worn-out fishing nets and ropes are not collected systematically in the harbour, and some end up in "
            "the sea.", Visibility.COHORT),
}

# (adopting code, adopted code, kind, note)
ADOPTIONS = [
    ("630", "169", Adoption.Kind.ADAPT, "Vi bruger kortlægningen før nedrivning på vores skoler."),
    ("657", "265", Adoption.Kind.REUSE, "Pantordningen bruges nu ved byens festival."),
]

# (asking code, asker, kind, visibility, title, body, material stream, strategy, [(code, answerer, body)])
THREADS = [
    ("265", "roskilde.kultur", Thread.Kind.SPARRING, Visibility.COMMUNITY,
     "Logistik for genbrugsservice ved store arrangementer",
     "Vi tester pant på genbrugskopper ved byens festival. Hvem har erfaring med vask og transport mellem "
     "arrangører, og hvordan har I fordelt udgifterne?", M.PACKAGING, S.R3,
     [("657", "herning.erhverv", "Vi har en aftale med et lokalt vaskeri, som henter efter hvert arrangement. "
                                 "Arrangørerne betaler per kop — det gjorde det let at budgettere."),
      ("540", "soenderborg.projektleder", "Husk at tælle svind med fra starten; det var vores største "
                                          "overraskelse.")]),
    ("169", "hoeje-taastrup.projektleder", Thread.Kind.QUESTION, Visibility.COMMUNITY,
     "Hvor opbevarer I materialerne fra nedrivning?",
     "Vores materialebank mangler plads. Har nogen en aftale med en privat aktør om lager, og hvordan er "
     "ansvaret for kvaliteten delt?", M.CONSTRUCTION, S.R3,
     [("630", "vejle.projektleder", "Vi lejer en hal sammen med to entreprenører. Kvaliteten dokumenteres "
                                    "ved udtagning, ikke ved indlevering.")]),
]

PROFILES = {
    "hoeje-taastrup.projektleder": ("Høje-Taastrup Kommune, By- og Miljø", "cirkulært byggeri, nedrivning, udbud",
                                    "Projektleder for kommunens test af en materialebank.", True),
    "roskilde.kultur": ("Roskilde Kommune, Kultur og Fritid", "arrangementer, pant, genbrugsservice",
                        "Kontakt til byens arrangører.", False),
    "vejle.projektleder": ("Vejle Kommune, Teknik og Miljø", "IT-indkøb, reparation", "", True),
}


def _user(local: str) -> User | None:
    return User.objects.filter(email=demo_email(local)).first()


@transaction.atomic
def load_community_demo(programme) -> None:
    """Load the community demo for the demo programme (call after the participations are loaded)."""
    for (kind, visibility, title_da, title_en, summary_da, summary_en, body_da, body_en, stream, strategy, sdgs,
         published, author) in ITEMS:
        _upsert(LibraryItem, {"programme": programme, "title_da": title_da}, {
            "kind": kind, "visibility": visibility, "title_en": title_en, "summary_da": summary_da,
            "summary_en": summary_en, "body_da": body_da, "body_en": body_en, "material_stream": stream,
            "strategy": strategy, "sdgs": sdgs, "published_at": published, "author": _user(author)})

    participations = {
        p.municipality.code: p
        for p in Participation.objects.filter(
            cohort__programme=programme, municipality__code__in=DEMO_MUNICIPALITY_CODES,
        ).select_related("municipality", "challenge")
    }
    models = {}
    for code, (title_en, summary_en, challenge_en, visibility) in SOLUTION_MODELS.items():
        participation = participations.get(code)
        if participation is None:
            continue
        challenge = getattr(participation, "challenge", None)
        title_da = (participation.solution_model or title_en).rstrip(".")
        if len(title_da) > 200:
            title_da = title_da[:197].rstrip() + "…"
        body_da = (f"## Udfordringen\n\n{challenge.problem_statement}\n\n## Løsningsmodellen\n\n"
                   f"{participation.solution_model}") if challenge else participation.solution_model
        body_en = f"## The challenge\n\n{challenge_en}\n\n## The solution model\n\n{summary_en}" if summary_en else ""
        models[code] = _upsert(LibraryItem, {"kind": K.SOLUTION_MODEL, "participation": participation}, {
            "programme": programme, "municipality": participation.municipality, "visibility": visibility,
            "title_da": title_da, "title_en": title_en, "summary_da": challenge.title if challenge else "",
            "summary_en": summary_en, "body_da": body_da, "body_en": body_en,
            "material_stream": challenge.material_stream if challenge else "",
            "strategy": challenge.strategy if challenge else "", "sdgs": challenge.sdgs if challenge else [],
            "published_at": _at(2023, 12, 14)})

    staff_local = {"169": "hoeje-taastrup.projektleder", "265": "roskilde.kultur", "540": "soenderborg.projektleder",
                   "630": "vejle.projektleder", "657": "herning.projektleder", "813": "frederikshavn.havn"}
    for adopter, adopted, kind, note in ADOPTIONS:
        if adopter in participations and adopted in models:
            _upsert(Adoption, {"item": models[adopted], "municipality": participations[adopter].municipality},
                    {"kind": kind, "note": note, "adopted_by": _user(staff_local[adopter])})

    for code, asker, kind, visibility, title, body, stream, strategy, answers in THREADS:
        if code not in participations:
            continue
        thread = _upsert(Thread, {"programme": programme, "title": title}, {
            "kind": kind, "visibility": visibility, "body": body, "author": _user(asker),
            "municipality": participations[code].municipality, "material_stream": stream, "strategy": strategy})
        for answer_code, answerer, text in answers:
            if answer_code in participations:
                _upsert(Post, {"thread": thread, "body": text}, {
                    "author": _user(answerer), "municipality": participations[answer_code].municipality})

    for local, (organisation, expertise, bio, show_email) in PROFILES.items():
        user = _user(local)
        if user is not None:
            _upsert(Profile, {"user": user}, {"organisation": organisation, "expertise": expertise, "bio": bio,
                                              "show_email": show_email})
