"""Reference data: the 98 Danish municipalities (kommuner).

Each entry is ``(code, name, region)`` where ``code`` is the three-digit municipality code
from Statistics Denmark (Danmarks Statistik), ``name`` is the official Danish name and
``region`` is a :class:`municipalities.models.Region` value. Christiansø (411) is not a
municipality and is deliberately excluded.

This module must stay free of model imports so that data migrations can import it.
"""

HOVEDSTADEN = "hovedstaden"
SJAELLAND = "sjaelland"
SYDDANMARK = "syddanmark"
MIDTJYLLAND = "midtjylland"
NORDJYLLAND = "nordjylland"

DANISH_MUNICIPALITIES: list[tuple[str, str, str]] = [
    # Region Hovedstaden (29)
    ("101", "København", HOVEDSTADEN),
    ("147", "Frederiksberg", HOVEDSTADEN),
    ("151", "Ballerup", HOVEDSTADEN),
    ("153", "Brøndby", HOVEDSTADEN),
    ("155", "Dragør", HOVEDSTADEN),
    ("157", "Gentofte", HOVEDSTADEN),
    ("159", "Gladsaxe", HOVEDSTADEN),
    ("161", "Glostrup", HOVEDSTADEN),
    ("163", "Herlev", HOVEDSTADEN),
    ("165", "Albertslund", HOVEDSTADEN),
    ("167", "Hvidovre", HOVEDSTADEN),
    ("169", "Høje-Taastrup", HOVEDSTADEN),
    ("173", "Lyngby-Taarbæk", HOVEDSTADEN),
    ("175", "Rødovre", HOVEDSTADEN),
    ("183", "Ishøj", HOVEDSTADEN),
    ("185", "Tårnby", HOVEDSTADEN),
    ("187", "Vallensbæk", HOVEDSTADEN),
    ("190", "Furesø", HOVEDSTADEN),
    ("201", "Allerød", HOVEDSTADEN),
    ("210", "Fredensborg", HOVEDSTADEN),
    ("217", "Helsingør", HOVEDSTADEN),
    ("219", "Hillerød", HOVEDSTADEN),
    ("223", "Hørsholm", HOVEDSTADEN),
    ("230", "Rudersdal", HOVEDSTADEN),
    ("240", "Egedal", HOVEDSTADEN),
    ("250", "Frederikssund", HOVEDSTADEN),
    ("260", "Halsnæs", HOVEDSTADEN),
    ("270", "Gribskov", HOVEDSTADEN),
    ("400", "Bornholm", HOVEDSTADEN),
    # Region Sjælland (17)
    ("253", "Greve", SJAELLAND),
    ("259", "Køge", SJAELLAND),
    ("265", "Roskilde", SJAELLAND),
    ("269", "Solrød", SJAELLAND),
    ("306", "Odsherred", SJAELLAND),
    ("316", "Holbæk", SJAELLAND),
    ("320", "Faxe", SJAELLAND),
    ("326", "Kalundborg", SJAELLAND),
    ("329", "Ringsted", SJAELLAND),
    ("330", "Slagelse", SJAELLAND),
    ("336", "Stevns", SJAELLAND),
    ("340", "Sorø", SJAELLAND),
    ("350", "Lejre", SJAELLAND),
    ("360", "Lolland", SJAELLAND),
    ("370", "Næstved", SJAELLAND),
    ("376", "Guldborgsund", SJAELLAND),
    ("390", "Vordingborg", SJAELLAND),
    # Region Syddanmark (22)
    ("410", "Middelfart", SYDDANMARK),
    ("420", "Assens", SYDDANMARK),
    ("430", "Faaborg-Midtfyn", SYDDANMARK),
    ("440", "Kerteminde", SYDDANMARK),
    ("450", "Nyborg", SYDDANMARK),
    ("461", "Odense", SYDDANMARK),
    ("479", "Svendborg", SYDDANMARK),
    ("480", "Nordfyns", SYDDANMARK),
    ("482", "Langeland", SYDDANMARK),
    ("492", "Ærø", SYDDANMARK),
    ("510", "Haderslev", SYDDANMARK),
    ("530", "Billund", SYDDANMARK),
    ("540", "Sønderborg", SYDDANMARK),
    ("550", "Tønder", SYDDANMARK),
    ("561", "Esbjerg", SYDDANMARK),
    ("563", "Fanø", SYDDANMARK),
    ("573", "Varde", SYDDANMARK),
    ("575", "Vejen", SYDDANMARK),
    ("580", "Aabenraa", SYDDANMARK),
    ("607", "Fredericia", SYDDANMARK),
    ("621", "Kolding", SYDDANMARK),
    ("630", "Vejle", SYDDANMARK),
    # Region Midtjylland (19)
    ("615", "Horsens", MIDTJYLLAND),
    ("657", "Herning", MIDTJYLLAND),
    ("661", "Holstebro", MIDTJYLLAND),
    ("665", "Lemvig", MIDTJYLLAND),
    ("671", "Struer", MIDTJYLLAND),
    ("706", "Syddjurs", MIDTJYLLAND),
    ("707", "Norddjurs", MIDTJYLLAND),
    ("710", "Favrskov", MIDTJYLLAND),
    ("727", "Odder", MIDTJYLLAND),
    ("730", "Randers", MIDTJYLLAND),
    ("740", "Silkeborg", MIDTJYLLAND),
    ("741", "Samsø", MIDTJYLLAND),
    ("746", "Skanderborg", MIDTJYLLAND),
    ("751", "Aarhus", MIDTJYLLAND),
    ("756", "Ikast-Brande", MIDTJYLLAND),
    ("760", "Ringkøbing-Skjern", MIDTJYLLAND),
    ("766", "Hedensted", MIDTJYLLAND),
    ("779", "Skive", MIDTJYLLAND),
    ("791", "Viborg", MIDTJYLLAND),
    # Region Nordjylland (11)
    ("773", "Morsø", NORDJYLLAND),
    ("787", "Thisted", NORDJYLLAND),
    ("810", "Brønderslev", NORDJYLLAND),
    ("813", "Frederikshavn", NORDJYLLAND),
    ("820", "Vesthimmerlands", NORDJYLLAND),
    ("825", "Læsø", NORDJYLLAND),
    ("840", "Rebild", NORDJYLLAND),
    ("846", "Mariagerfjord", NORDJYLLAND),
    ("849", "Jammerbugt", NORDJYLLAND),
    ("851", "Aalborg", NORDJYLLAND),
    ("860", "Hjørring", NORDJYLLAND),
]

EXPECTED_REGION_COUNTS: dict[str, int] = {
    HOVEDSTADEN: 29,
    SJAELLAND: 17,
    SYDDANMARK: 22,
    MIDTJYLLAND: 19,
    NORDJYLLAND: 11,
}


def load_reference(municipality_model) -> int:
    """Create or update every Danish municipality by its official code (idempotent).

    Takes the model class so the data migration can pass its historical model.
    Returns how many rows were written."""
    known = {m.code: m for m in municipality_model.objects.filter(code__in=[c for c, _n, _r in DANISH_MUNICIPALITIES])}
    written = 0
    for code, name, region in DANISH_MUNICIPALITIES:
        municipality = known.get(code)
        if municipality is None:
            # Adopt a row entered by hand without a code rather than colliding with (name, country).
            municipality = municipality_model.objects.filter(name=name, country="DK", code="").first()
        if municipality is None:
            municipality = municipality_model(code=code)
        if municipality.pk and (municipality.name, municipality.region, municipality.country) == (name, region, "DK"):
            continue
        municipality.code, municipality.name, municipality.region, municipality.country = code, name, region, "DK"
        municipality.save()
        written += 1
    return written
