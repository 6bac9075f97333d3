"""Downloads keep æ, ø and å in their names (RFC 6266 ``filename*`` with an ASCII fallback); CSV is written in
the reader's format with a byte-order mark and never a formula; XLSX sheet names are cut between words; every
response carries a Permissions-Policy; a path-traversal attempt in the development server is a 404."""

import re
from datetime import date
from decimal import Decimal
from urllib.parse import unquote
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from circular_cities.downloads import DANISH, ENGLISH, MACHINE, CsvFormat, content_disposition, download_filename
from reports.tabular import sheet_title
from tests.community.factories import PDF_BYTES, LibraryItemFactory, with_file
from tests.factories import AdminFactory, ProgrammeFactory, UserFactory, facilitator_of
from tests.reports.downloads import fetch_report
from tests.workshops.factories import MeetingFactory


def file_names(header: str) -> tuple[str, str | None]:
    """(the plain ``filename``, the decoded ``filename*``) of a Content-Disposition header, as a browser reads
    them (RFC 6266: ``filename*`` wins where it is understood)."""
    plain = re.search(r'filename="([^"]*)"', header)
    extended = re.search(r"filename\*=utf-8''([^;\s]+)", header, re.IGNORECASE)
    return (plain.group(1) if plain else None), (unquote(extended.group(1), encoding="utf-8") if extended else None)


# --- The helpers -----------------------------------------------------------------------------------------------

def test_a_danish_file_name_arrives_intact_with_an_ascii_fallback():
    header = content_disposition("Mødeplan for Ærø og Åbenrå.pdf")
    assert header.startswith("attachment; ")
    plain, extended = file_names(header)
    assert extended == "Mødeplan for Ærø og Åbenrå.pdf"
    assert plain == "Moedeplan for Aeroe og Aabenraa.pdf"
    assert header.isascii()


def test_an_ascii_name_is_sent_as_it_is_and_a_path_never_reaches_the_header():
    assert content_disposition("report-2024.csv", attachment=False) == 'inline; filename="report-2024.csv"'
    plain, extended = file_names(content_disposition('../../etc/"passwd"\r\nX-Evil: 1'))
    assert "/" not in plain and '"' not in plain and "\n" not in (extended or "") and "/" not in (extended or "")


def test_download_names_keep_danish_letters():
    assert download_filename("Cirkulære byer", "Rapport til bevillingsgiver", "2024-01-31", extension="pdf") == \
        "cirkulære-byer-rapport-til-bevillingsgiver-2024-01-31.pdf"
    assert download_filename("", None, extension="ics") == "download.ics"


def test_csv_in_the_readers_format_with_a_byte_order_mark_and_no_formula():
    rows = [["Navn", "Beløb", "Dato"], ["Ærø", Decimal("1234.50"), date(2024, 1, 31)], ["=1+1", -3, None]]
    danish = DANISH.text(rows)
    assert danish == "\ufeffNavn;Beløb;Dato\r\nÆrø;1234,5;2024-01-31\r\n'=1+1;-3;\r\n"
    assert ENGLISH.text(rows) == "\ufeffNavn,Beløb,Dato\r\nÆrø,1234.5,2024-01-31\r\n'=1+1,-3,\r\n"
    assert MACHINE.text(rows) == ENGLISH.text(rows)
    assert DANISH.encoded([["Å"]]).startswith(b"\xef\xbb\xbf")
    assert DANISH.text([]) == "\ufeff"


def test_the_csv_format_follows_the_language():
    with translation.override("da"):
        assert CsvFormat.for_language() == DANISH
    with translation.override("en"):
        assert CsvFormat.for_language() == ENGLISH


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\t=1", "\r=1"])
def test_every_formula_start_is_escaped(text):
    assert DANISH.cell(text) == "'" + text
    assert DANISH.cell("Genbrug " + text) == "Genbrug " + text  # only the start matters


@pytest.mark.parametrize("title, expected", [
    ("Budget og forbrug pr. arbejdspakke", "Budget og forbrug pr."),
    ("Gennemsnitlig selvvurdering før og efter", "Gennemsnitlig selvvurdering før"),
    ("Budget and spending per work package", "Budget and spending per work"),
    ("Materialebankerogcirkulærebyggeriprojekter", "Materialebankerogcirkulærebygge"),  # one long word: cut
    ("Kort: [udkast]", "Kort udkast"),
])
def test_sheet_names_fit_excel_and_are_cut_between_words(title, expected):
    name = sheet_title(title, set())
    assert name == expected
    assert len(name) <= 31


def test_repeated_sheet_names_stay_unique_and_whole_words():
    used: set[str] = set()
    names = [sheet_title("Budget og forbrug pr. arbejdspakke", used) for _ in range(3)]
    assert names == ["Budget og forbrug pr.", "Budget og forbrug pr. (2)", "Budget og forbrug pr. (3)"]
    assert all(len(n) <= 31 for n in names)


# --- Real downloads -----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_funder_report_files_carry_the_programmes_danish_name(client):
    programme = ProgrammeFactory(name_da="Cirkulære byer på Ærø", name_en="Circular Cities on Ærø")
    client.force_login(facilitator_of(programme))
    client.cookies["django_language"] = "da"
    for name, extension in (("reports:funder-csv", "csv"), ("reports:funder-xlsx", "xlsx"),
                            ("reports:funder-pdf", "pdf")):
        response = fetch_report(client, reverse(name, args=[programme.slug]))
        assert response.status_code == 200
        plain, extended = file_names(response["Content-Disposition"])
        assert extended.startswith("cirkulære-byer-på-ærø-rapport-til-bevillingsgiver-"), extended
        assert extended.endswith(f".{extension}")
        assert plain.startswith("cirkulaere-byer-paa-aeroe-rapport-til-bevillingsgiver-"), plain


@pytest.mark.django_db
def test_meeting_calendar_file_keeps_the_danish_title(client):
    meeting = MeetingFactory(programme=ProgrammeFactory(), title_da="Møde på Ærø", title_en="Meeting on Ærø")
    client.force_login(facilitator_of(meeting.programme))
    client.cookies["django_language"] = "da"
    response = client.get(reverse("workshops:ics", args=[meeting.pk]))
    assert response.status_code == 200
    plain, extended = file_names(response["Content-Disposition"])
    assert extended.startswith("møde-på-ærø-") and extended.endswith(".ics")
    assert plain.startswith("moede-paa-aeroe-")


@pytest.mark.django_db
def test_library_file_and_meeting_material_keep_their_danish_names(client):
    item = with_file(LibraryItemFactory(title_da="Løsning fra Ærø", title_en="Solution from Ærø"))
    admin = AdminFactory(language="da")
    client.force_login(admin)
    client.cookies["django_language"] = "da"
    response = client.get(reverse("community:item-file", args=[item.pk]))
    assert response.status_code == 200
    assert file_names(response["Content-Disposition"])[1] == "løsning-fra-ærø.pdf"

    from workshops import services

    meeting = MeetingFactory(programme=ProgrammeFactory())
    material = services.material_add(meeting=meeting, by=admin, title="Plan", upload=SimpleUploadedFile(
        "Dagsorden for mødet på Ærø.pdf", PDF_BYTES, content_type="application/pdf"))
    response = client.get(reverse("workshops:material-download", args=[material.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; ")
    assert file_names(response["Content-Disposition"]) == ("Dagsorden for moedet paa Aeroe.pdf",
                                                            "Dagsorden for mødet på Ærø.pdf")


@pytest.mark.django_db
def test_personal_data_download_is_named_in_the_persons_language(client):
    person = UserFactory(language="da")
    client.force_login(person)
    client.cookies["django_language"] = "da"
    response = client.get(reverse("accounts:my-data-json"))
    assert file_names(response["Content-Disposition"]) == ("mine-data-cirkulaere-byer.json",
                                                            "mine-data-cirkulære-byer.json")


# --- Headers and the development server ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_response_carries_a_permissions_policy(client):
    for url in ("/accounts/login/", "/health/", "/this-page-does-not-exist/", "/static/css/app.css"):
        response = client.get(url)
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy, url
        assert "fullscreen=(self)" in policy


def _dev_server_answer(path: str) -> str:
    """What ``manage.py runserver`` (the embedded run) answers for ``path``: its own WSGI handler."""
    from django.core.management import get_commands, load_command_class

    command = load_command_class(get_commands()["runserver"], "runserver")
    options = vars(command.create_parser("manage.py", "runserver").parse_args([]))
    handler = command.get_handler(**options)
    environ = {}
    setup_testing_defaults(environ)
    environ.update({"PATH_INFO": path, "HTTP_HOST": "localhost"})
    status = {}

    def start_response(value, headers, exc_info=None):
        status["value"] = value

    b"".join(handler(environ, start_response))
    return status["value"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/static/../../etc/passwd", "/static/css/../../../../etc/passwd",
                                  "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..\\..\\etc\\passwd",
                                  "/media-not-public/../../etc/passwd"])
def test_path_traversal_in_the_development_server_is_a_404(settings, client, path):
    settings.DEBUG = True  # `make run` runs the development server with DJANGO_DEBUG=1
    assert _dev_server_answer(path).startswith("404"), path
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_the_development_server_still_serves_static_files(settings):
    settings.DEBUG = True
    assert _dev_server_answer("/static/css/app.css").startswith("200")
    assert _dev_server_answer("/static/admin/css/base.css").startswith("200")
