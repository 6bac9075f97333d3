"""Demo data for the six demo municipalities: local challenges, teams, advisors and the follow-group.

Everything here is invented for the demonstration (the UI says so on every page of a demo
programme); the e-mail addresses are on the reserved demo domain. Loading again changes nothing,
also after people have used the demo: every write creates what is missing on a natural key and leaves
what is there alone (``programmes.demo._upsert``), and the advisors go through the same service as the
screens, only for a municipality that has none.
"""

from datetime import date

from django.db import transaction

from accounts.models import Role, RoleAssignment
from programmes.demo import DEMO_MUNICIPALITY_CODES, _upsert, demo_teams_and_advisors, demo_user
from programmes.models import LocalChallenge, Participation

from .services import challenge_save, participation_update

S = LocalChallenge.Strategy
M = LocalChallenge.MaterialStream

# code: (title, problem statement, material stream, strategy, SDGs, solution model)
CHALLENGES = {
    "169": (
        "Genbrug af byggematerialer fra kommunens egne nedrivninger",
        "Når kommunen river skoler og institutioner ned, ender mursten, tegl og træ som fyld eller affald. "
        "Materialerne registreres ikke før nedrivningen, og der er ingen aftager, når de bliver fri. "
        "Vi vil finde ud af, hvordan en kortlægning før nedrivning og en lokal materialebank kan gøre "
        "genbrug til det normale valg i kommunens byggerier.",
        M.CONSTRUCTION, S.R3, [9, 11, 12, 13],
        "Ressourcekortlægning før nedrivning og en kommunal materialebank, som egne byggesager skal "
        "tjekke først.",
    ),
    "265": (
        "Fra engangsservice til genbrugsservice ved byens arrangementer",
        "Byens koncerter, markeder og idrætsstævner bruger hvert år store mængder engangskopper og -tallerkener. "
        "Arrangørerne mangler en enkel, billig løsning med vask og logistik, og borgerne kender ikke "
        "systemerne. Vi tester et fælles pantsystem for genbrugsservice sammen med arrangører og et lokalt "
        "vaskeri.",
        M.PACKAGING, S.R3, [11, 12, 14],
        "Fælles pant- og vaskeordning for genbrugsservice, som kommunen stiller krav om i "
        "arrangementstilladelser.",
    ),
    "540": (
        "Mindre madspild i kommunens storkøkkener",
        "Plejecentre og skoler smider en stor del af den producerede mad ud, fordi bestillinger, menuer og "
        "portioner ikke følger det faktiske behov. Overskuddet går til biogas i stedet for at blive spist. "
        "Vi vil måle spildet og teste nye bestillings- og serveringsformer.",
        M.FOOD, S.R2, [2, 12, 13],
        "Løbende måling af madspild med fælles dashboard og fleksibel bestilling i køkkenerne.",
    ),
    "630": (
        "Reparation og genbrug af kommunens IT-udstyr",
        "Bærbare computere og tablets fra skoler og administration udskiftes efter få år og sendes til "
        "genanvendelse, selv om mange kan repareres. Vi vil afprøve en intern reparationsordning og "
        "videregivelse af udstyr til foreninger.",
        M.ELECTRONICS, S.R4, [4, 8, 12],
        "Indkøbsaftaler med krav om reparerbarhed og et internt reparationsværksted med lærlinge.",
    ),
    "657": (
        "Nyt liv til tekstiler fra genbrugspladsen",
        "Tekstiler indsamles nu særskilt, men meget er slidt og kan hverken sælges eller genanvendes. "
        "Byens tekstilvirksomheder efterspørger fibre og stof til nye produkter. Vi vil forbinde "
        "indsamlingen med virksomhedernes behov.",
        M.TEXTILES, S.R7, [8, 9, 12],
        "Sortering af indsamlede tekstiler i samarbejde med lokale virksomheder, der bruger dem i nye produkter.",
    ),
    "813": (
        "Fiskenet og maritim plast tilbage i kredsløb",
        "Udtjente fiskenet og tovværk fra havnen samles ikke systematisk ind, og en del ender i havet. "
        "Vi vil teste en indsamlingsordning på havnen og finde genanvendere, der kan bruge materialet.",
        M.PLASTICS, S.R8, [12, 14, 17],
        "Indsamlingsstation på havnen og aftaler med genanvendere om nylon og polyethylen fra fiskeriet.",
    ),
}

# code: [(e-mail local part, name, department, responsibility)]; Roskilde also has the demo staff login.
STAFF = {
    "169": [("hoeje-taastrup.projektleder", "Maja Lund", "By- og Miljø", "Projektleder for den lokale test"),
            ("hoeje-taastrup.byggeri", "Rasmus Krogh", "Ejendomme og Byggeri", "Nedrivningsprojekter"),
            ("hoeje-taastrup.indkoeb", "Hanne Friis", "Indkøb", "Krav i udbud")],
    "265": [("roskilde.kultur", "Jonas Beck", "Kultur og Fritid", "Kontakt til arrangører"),
            ("roskilde.erhverv", "Line Storm", "Erhverv", "Samarbejde med vaskeri og leverandører")],
    "540": [("soenderborg.projektleder", "Kirsten Mathiesen", "Klima og Bæredygtighed",
             "Projektleder for den lokale test"),
            ("soenderborg.koekken", "Ahmad Rahimi", "Sundhed og Omsorg", "Storkøkkenerne")],
    "630": [("vejle.projektleder", "Mette Skov", "Teknik og Miljø", "Projektleder for den lokale test"),
            ("vejle.it", "Thomas Vinther", "Digitalisering og IT", "Udstyr og reparation"),
            ("vejle.skole", "Camilla Holm", "Børn og Unge", "Skolernes IT-udstyr")],
    "657": [("herning.projektleder", "Peter Dam", "Teknik og Miljø", "Projektleder for den lokale test"),
            ("herning.erhverv", "Sara Kjær", "Erhverv og Udvikling", "Kontakt til tekstilvirksomheder")],
    "813": [("frederikshavn.havn", "Niels Bach", "Teknik og Miljø", "Projektleder for den lokale test"),
            ("frederikshavn.affald", "Tina Østergaard", "Affald og Genbrug", "Indsamlingsordning")],
}

# (e-mail local part, name); the first is the demo advisor login from programmes.demo.
ADVISORS = [("advisor", "Anders Rådgiver"), ("advisor.birgitte", "Birgitte Nørgaard"),
            ("advisor.kasper", "Kasper Lindholm")]
ADVISOR_OF = {"169": 0, "265": 0, "540": 1, "630": 1, "657": 2, "813": 2}

TERM_START = date(2021, 8, 31)
ELECTION_END = date(2021, 12, 31)  # the municipal election of November 2021: new committees from 1 January
NEW_TERM = date(2022, 1, 1)

# (e-mail local part, name, code, position, from, to); Roskilde's politician is the demo login.
POLITICIANS = [
    ("politiker.169.a", "Bent Sørensen", "169", "Formand for Teknik- og Miljøudvalget", TERM_START, ELECTION_END),
    ("politiker.169.b", "Louise Hjort", "169", "Formand for Teknik- og Miljøudvalget", NEW_TERM, None),
    ("politiker.540", "Erik Jessen", "540", "Formand for Klima- og Miljøudvalget", TERM_START, None),
    ("politiker.630.a", "Inge Munk", "630", "Formand for Teknisk Udvalg", TERM_START, ELECTION_END),
    ("politiker.630.b", "Mikkel Brandt", "630", "Formand for Teknisk Udvalg", NEW_TERM, None),
    ("politiker.657", "Anne-Marie Vestergaard", "657", "Medlem af Byrådet, Klima- og Miljøudvalget", TERM_START,
     None),
    ("politiker.813", "Jens Otto Nielsen", "813", "Formand for Teknik- og Miljøudvalget", TERM_START, None),
]


@transaction.atomic
def load_participation_demo(programme) -> None:
    """Give the six demo participations of ``programme`` their challenges, people and follow-group."""
    participations = {
        p.municipality.code: p
        for p in Participation.objects.filter(cohort__programme=programme, cohort__name="Hold 1",
                                              municipality__code__in=DEMO_MUNICIPALITY_CODES)
        .select_related("municipality", "cohort__programme")
    }
    for code, participation in participations.items():
        title, problem, stream, strategy, sdgs, solution = CHALLENGES[code]
        if not LocalChallenge.objects.filter(participation=participation).exists():
            challenge_save(participation=participation, title=title, problem_statement=problem,
                           material_stream=stream, strategy=strategy, sdgs=sdgs)
        if not participation.solution_model and not participation.action_plan_url:
            participation_update(participation=participation, solution_model=solution,
                                 action_plan_url=f"https://example.org/demo/handleplan-{code}")
    demo_teams_and_advisors(programme=programme, participations=participations, teams=STAFF, advisors=ADVISORS,
                            advisor_of=ADVISOR_OF)

    for local, name, code, position, starts_on, ends_on in POLITICIANS:
        if code not in participations:
            continue
        _upsert(RoleAssignment, {"user": demo_user(local, name), "role": Role.POLITICIAN, "programme": programme},
                {"municipality": participations[code].municipality, "position": position,
                 "starts_on": starts_on, "ends_on": ends_on})

    load_local_tests_demo(programme, participations)


# --- Local tests: progress with photos, indicators, partners, stage gates, advice (all invented) ----------------

INDICATORS = {
    "169": [("Genbrugte byggematerialer", "tons", 0, 120, "higher"), ("CO₂e sparet", "tons CO₂e", 0, 60, "higher")],
    "265": [("Genbrugskopper i omløb", "stk", 0, 20000, "higher"),
            ("Engangsaffald ved arrangementer", "kg", 4000, 1000, "lower")],
    "540": [("Madspild pr. kuvert", "g", 120, 60, "lower"), ("Køkkener med løbende måling", "antal", 0, 12, "higher")],
    "630": [("Reparerede computere", "stk", 0, 800, "higher"),
            ("Udstyr givet videre til foreninger", "stk", 0, 300, "higher")],
    "657": [("Tekstiler sorteret til nye produkter", "tons", 0, 40, "higher"),
            ("Virksomheder der aftager fibre", "antal", 0, 8, "higher")],
    "813": [("Indsamlede fiskenet", "tons", 0, 25, "higher"), ("Net sendt til genanvendelse", "%", 0, 80, "higher")],
}

# (name, organisation kind, sector, role); every name says it is invented.
DEMO_PARTNERS = [
    ("Lokal byggevirksomhed (demo)", "company", "industry", "Leverer og afprøver løsningen"),
    ("Lokal detailvirksomhed (demo)", "company", "business", "Sælger og formidler til kunder"),
    ("Regionalt universitet (demo)", "research", "research", "Måler effekten og evaluerer"),
    ("Lokal grøn forening (demo)", "civil_society", "civil_society", "Inddrager borgere og frivillige"),
    ("Regionalt affaldsselskab (demo)", "public_body", "public", "Indsamling og logistik"),
]

ENTRY_DATES = [date(2021, 11, 15), date(2022, 5, 10), date(2022, 11, 22), date(2023, 6, 6), date(2024, 1, 24)]
ENTRY_TEXTS = [
    ("Kick-off i den tværgående arbejdsgruppe og første interviews med aktørerne.",
     "Afdelingerne ser problemet meget forskelligt.", "", "Kortlæg aktører og materialestrømme.", "on_track"),
    ("Problemformuleringen er skrevet og drøftet med følgegruppen.",
     "Et skarpt afgrænset problem gør det lettere at finde partnere.", "Svært at finde data om mængderne.",
     "Lav en testplan med partnerne.", "at_risk"),
    ("Første prototype af løsningen er afprøvet i lille skala.",
     "Brugerne tager godt imod, men logistikken skal forenkles.", "", "Udvid testen til flere lokationer.",
     "on_track"),
    ("Testen kører på fuld skala; første målinger af indikatorerne er samlet.",
     "Målinger kræver faste rutiner hos personalet.", "Ressourcer i driften i sommerperioden.",
     "Evaluér testen med universitetet.", "at_risk"),
    ("Evaluering færdig; forslag til forankring sendt til udvalget.",
     "Politisk forankring kræver tal og gode historier.", "", "Indarbejd modellen i budget og udbud.",
     "on_track"),
]
STAGE_OUTPUT_TITLES = {
    "discover": "Indsigter og aktørkort", "define": "Problemformulering", "develop": "Testplan",
    "deliver": "Evaluering af testen", "anchor": "Forankringsplan",
}
COLOURS = {"169": (122, 90, 60), "265": (30, 110, 160), "540": (90, 140, 60), "630": (70, 70, 110),
           "657": (150, 70, 110), "813": (30, 120, 130)}


def _demo_photo(code: str, number: int):
    """A drawn picture (no real photo, no metadata), uploaded through the same service as the screens."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    colour = COLOURS.get(code, (80, 80, 80))
    image = Image.new("RGB", (640, 480), (235, 240, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 320, 640, 480), fill=colour)
    for i in range(number + 2):
        x = 60 + i * 110
        draw.rectangle((x, 200 - i * 12, x + 80, 320), fill=tuple(min(255, c + 40 * (i % 3)) for c in colour))
    draw.ellipse((520, 40, 600, 120), fill=(240, 190, 60))
    draw.text((20, 20), f"Demo {code} #{number + 1}", fill=(20, 30, 28))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"demo-{code}-{number}.jpg", out.getvalue(), content_type="image/jpeg")


def _quarters(start: date, end: date):
    day = date(start.year, ((start.month - 1) // 3) * 3 + 1, 1)
    while day <= end:
        yield day
        day = date(day.year + (day.month + 2) // 12, (day.month + 2) % 12 + 1, 1)


def load_local_tests_demo(programme, participations: dict) -> None:
    """Progress entries with photos, indicator series, partners, stage gates and advice for each demo
    municipality, 2021–2024. Loading again changes nothing (natural keys; what is there is kept as it is, also
when people have added their own rows beside the demo's: a second gate output, another session that day)."""
    from accounts.models import User
    from programmes.demo import FINAL_STAGES, demo_email
    from programmes.models import Organisation

    from .models import (
        REQUIRED_OUTPUTS,
        STAGE_ORDER,
        AdvisorySession,
        AgreedAction,
        Indicator,
        Measurement,
        PartnerInvolvement,
        ProgressEntry,
        StageGateOutput,
    )
    from .services import progress_entry_accept, progress_entry_save

    organisations = {}
    for name, kind, *_rest in DEMO_PARTNERS:
        organisations[name] = _upsert(Organisation, {"name": name}, {"kind": kind})
    people = {u.email: u for u in User.objects.filter(email__in=[
        demo_email(local) for staff in STAFF.values() for local, *_ in staff[:1]] + [
        demo_email(local) for local, _name in ADVISORS])}
    for index, (code, participation) in enumerate(sorted(participations.items())):
        author = people.get(demo_email(STAFF[code][0][0]))
        advisor = people.get(demo_email(ADVISORS[ADVISOR_OF[code]][0]))
        final = FINAL_STAGES.get(code, "deliver")
        final = final.value if hasattr(final, "value") else final

        indicators = []
        for name, unit, baseline, target, direction in INDICATORS[code]:
            indicator = _upsert(Indicator, {"participation": participation, "name": name}, {
                "unit": unit, "baseline": baseline, "target": target, "direction": direction})
            indicators.append(indicator)
            quarters = list(_quarters(date(2021, 10, 1), date(2024, 1, 1)))
            for n, day in enumerate(quarters):
                share = (n + 1) / len(quarters) * (0.7 + 0.05 * (index % 4)) + (0.03 if n % 3 == 1 else 0)
                value = round(baseline + (target - baseline) * share, 1)
                _upsert(Measurement, {"indicator": indicator, "measured_on": day}, {"value": value})

        for n, (name, _kind, sector, role) in enumerate(DEMO_PARTNERS):
            if (n + index) % 5 == 4:
                continue  # four of the five per municipality, a different one left out each time
            _upsert(PartnerInvolvement, {"participation": participation, "organisation": organisations[name]},
                    {"sector": sector, "role": role, "starts_on": date(2022, 1 + n, 1), "ends_on": date(2023, 12, 31)})

        written = []
        for n, (happened_on, (text, learnings, blockers, next_steps, status)) in enumerate(
                zip(ENTRY_DATES, ENTRY_TEXTS, strict=True)):
            if ProgressEntry.objects.filter(participation=participation, happened_on=happened_on).exists():
                continue
            written.append(progress_entry_save(
                participation=participation, by=author, happened_on=happened_on, what_happened=text,
                learnings=learnings, blockers=blockers, next_steps=next_steps, status=status,
                photos=[_demo_photo(code, n)], publish=True,
                captions=[f"Billede fra den lokale test ({happened_on:%m.%Y}, demo)"]))
        # the second pair of eyes: the advisor has accepted all but the latest entry, which waits on their home
        # (only entries this load wrote: what people published since waits for a real review)
        finished = programme.status == programme.Status.COMPLETED  # everything reviewed before the end
        for entry in written:
            if (entry.happened_on < max(ENTRY_DATES) or finished) and entry.review == ProgressEntry.Review.PENDING:
                progress_entry_accept(entry=entry, by=advisor)

        reached = STAGE_ORDER.index(final) if final in STAGE_ORDER else 0
        for stage in STAGE_ORDER[: reached + 1]:
            accepted = STAGE_ORDER.index(stage) < reached or stage == "anchor" or finished
            for kind in REQUIRED_OUTPUTS[stage]:
                _upsert(StageGateOutput, {"participation": participation, "stage": stage, "kind": kind}, {
                    "title": STAGE_OUTPUT_TITLES[stage], "body": "Udarbejdet af den tværgående arbejdsgruppe (demo).",
                    "state": "accepted" if accepted else "submitted", "submitted_by": author,
                    "submitted_at": _at(ENTRY_DATES[min(STAGE_ORDER.index(stage), 4)]),
                    "reviewed_at": _at(ENTRY_DATES[min(STAGE_ORDER.index(stage), 4)]) if accepted else None,
                    "review_comment": "Godkendt." if accepted else ""})

        for held_on, topics, advice, action in [
            (date(2022, 2, 8), "Problemformulering og aktører", "Afgræns testen til ét sted og én målgruppe.",
             "Aftal testsite med partnerne"),
            (date(2023, 3, 14), "Måling af indikatorer", "Mål fast hver måned og del tallene med følgegruppen.",
             "Sæt fast måleplan op"),
        ]:
            session = _upsert(AdvisorySession, {"participation": participation, "held_on": held_on}, {
                "advisor": advisor, "topics": topics, "advice": advice,
                "attendees": "Projektleder, fagpersoner fra to forvaltninger, innovationsrådgiver"})
            _upsert(AgreedAction, {"session": session, "text": action},
                    {"owner": author, "due_on": date(held_on.year, held_on.month + 1, 28)})


def _at(day):
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(12, 0)))
