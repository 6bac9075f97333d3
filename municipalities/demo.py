"""Demo data for the six demo municipalities: local challenges, teams, advisors and the follow-group.

Everything here is invented for the demonstration (the UI says so on every page of a demo
programme); the e-mail addresses are on the reserved demo domain. Loading twice changes nothing:
every write is an update_or_create on a natural key, and the advisors go through the same
service as the screens.
"""

from datetime import date

from django.db import transaction

from accounts.models import Role, RoleAssignment
from programmes.demo import DEMO_MUNICIPALITY_CODES, _role, _user
from programmes.models import LocalChallenge, Participation

from .services import advisor_assign, challenge_save, participation_update

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
        challenge_save(participation=participation, title=title, problem_statement=problem, material_stream=stream,
                       strategy=strategy, sdgs=sdgs)
        participation_update(participation=participation, solution_model=solution,
                             action_plan_url=f"https://example.org/demo/handleplan-{code}")
        for local, name, department, responsibility in STAFF[code]:
            _role(_user(local, name), Role.STAFF, municipality=participation.municipality, department=department,
                  responsibility=responsibility)

    advisors = []
    for local, name in ADVISORS:
        advisor = _user(local, name)
        _role(advisor, Role.ADVISOR, programme=programme, participation=None)  # the programme's advisor pool
        advisors.append(advisor)
    for code, index in ADVISOR_OF.items():
        if code in participations:
            advisor_assign(participation=participations[code], advisor=advisors[index])

    for local, name, code, position, starts_on, ends_on in POLITICIANS:
        if code not in participations:
            continue
        RoleAssignment.objects.update_or_create(
            user=_user(local, name), role=Role.POLITICIAN, programme=programme,
            defaults={"municipality": participations[code].municipality, "position": position,
                      "starts_on": starts_on, "ends_on": ends_on})
