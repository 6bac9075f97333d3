"""The funder report: its figures, and the same figures on the page, in the PDF, the CSV and the XLSX, in
Danish and English, with a number of queries that does not grow with the data."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation

from community.models import Adoption, Visibility
from municipalities.models import Indicator, ProgressEntry, StageGateOutput
from programmes.models import Participation
from reports.files import build_report_file
from reports.funder import funder_report, report_tables
from reports.models import ReportFile
from reports.pdf import pdf_text
from reports.tabular import sheet_title
from tests.community.factories import solution_model
from tests.factories import (
    CohortFactory,
    MunicipalityFactory,
    ParticipationFactory,
    ProgrammeFactory,
    facilitator_of,
    observer_of,
    staff_of,
)
from tests.municipalities.factories_local import (
    IndicatorFactory,
    MeasurementFactory,
    OrganisationFactory,
    PartnerInvolvementFactory,
    ProgressEntryFactory,
    StageGateOutputFactory,
)
from tests.programmes.helpers import BudgetLineFactory, SpendingFactory
from tests.reports.downloads import fetch_report
from workshops.models import SkillAssessment

pytestmark = pytest.mark.django_db

DRAFT_TEXT = "HEMMELIG KLADDE om affald"


def _skills(participation, answers):
    """answers: [(stage, systems thinking, circular models)], one new staff member each."""
    programme = participation.cohort.programme
    for stage, systems, circular in answers:
        user = staff_of(participation.municipality)
        SkillAssessment.objects.create(user=user, programme=programme, participation=participation, stage=stage,
                                       systems_thinking=systems, circular_models=circular)


def _extra(programme, cohort, index):
    """One more municipality with a bit of everything, to grow the data."""
    participation = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name=f"Ekstraby {index}"),
                                         stage="develop")
    ProgressEntryFactory(participation=participation)
    ProgressEntryFactory(participation=participation, state=ProgressEntry.State.DRAFT)
    MeasurementFactory(indicator=IndicatorFactory(participation=participation), value=15)
    PartnerInvolvementFactory(participation=participation, sector="industry")
    StageGateOutputFactory(participation=participation, state=StageGateOutput.State.ACCEPTED)
    line = BudgetLineFactory(programme=programme, code=f"X{index}", allocated_dkk=Decimal("1000"))
    SpendingFactory(budget_line=line, amount_dkk=Decimal("10"))
    _skills(participation, [("before", 2, 2), ("after", 3, 3)])
    Adoption.objects.create(item=solution_model(participation, visibility=Visibility.PUBLIC),
                            municipality=MunicipalityFactory(name=f"Adoptionsby {index}"))


def build_programme(extra: int = 0, tag: str = ""):
    """A programme with known figures (see the assertions in test_the_figures)."""
    programme = ProgrammeFactory(name_da="Cirkulære byer", name_en="Circular Cities", budget_dkk=Decimal("1000000"))
    cohort = CohortFactory(programme=programme, name="Hold 1", starts_on=date(2021, 9, 1))
    aarhus = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name=f"Aarhusby{tag}"),
                                  stage="deliver")
    vejle = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name=f"Vejleby{tag}"),
                                 stage="anchor")
    ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name=f"Sønderby{tag}"),
                         stage="define")

    wp1 = BudgetLineFactory(programme=programme, code="WP1", name_da="Læringsforløb", name_en="Learning modules",
                            allocated_dkk=Decimal("400000"), order=1)
    wp2 = BudgetLineFactory(programme=programme, code="WP2", name_da="Lokale test", name_en="Local tests",
                            allocated_dkk=Decimal("300000"), order=2)
    SpendingFactory(budget_line=wp1, amount_dkk=Decimal("150000"))
    SpendingFactory(budget_line=wp1, amount_dkk=Decimal("25000.50"))
    SpendingFactory(budget_line=wp2, amount_dkk=Decimal("320000"))

    published = ProgressEntryFactory(participation=aarhus, happened_on=date(2022, 5, 1),
                                     what_happened="Genbrugsstationen åbnede.", learnings="Borgerne kom.")
    ProgressEntryFactory(participation=aarhus, happened_on=date(2022, 9, 1))
    draft = ProgressEntryFactory(participation=aarhus, happened_on=date(2022, 10, 1), what_happened=DRAFT_TEXT,
                                 state=ProgressEntry.State.DRAFT)
    ProgressEntryFactory(participation=vejle, happened_on=date(2023, 1, 10))

    tons = IndicatorFactory(participation=aarhus, name="Genbrugte byggematerialer", unit="tons", baseline=10,
                            target=40)
    MeasurementFactory(indicator=tons, measured_on=date(2022, 4, 1), value=20)
    MeasurementFactory(indicator=tons, measured_on=date(2022, 5, 1), value=25, entry=published)
    MeasurementFactory(indicator=tons, measured_on=date(2022, 10, 1), value=99, entry=draft)  # a draft: left out
    co2 = IndicatorFactory(participation=vejle, name="CO2e", unit="tons CO2e", baseline=100, target=60,
                           direction=Indicator.Direction.LOWER)
    MeasurementFactory(indicator=co2, measured_on=date(2023, 1, 10), value=50)

    shared = OrganisationFactory(name=f"Genbyg A/S{tag}")
    PartnerInvolvementFactory(participation=aarhus, organisation=shared, sector="business")
    PartnerInvolvementFactory(participation=vejle, organisation=shared, sector="business")
    PartnerInvolvementFactory(participation=aarhus, organisation=OrganisationFactory(name=f"DTU{tag}"),
                              sector="research")
    PartnerInvolvementFactory(participation=vejle, organisation=OrganisationFactory(name=f"Hemmelig forening{tag}"),
                              sector="civil_society", entry=draft)  # part of a draft: left out

    StageGateOutputFactory(participation=aarhus, state=StageGateOutput.State.ACCEPTED)
    StageGateOutputFactory(participation=aarhus, stage="define", state=StageGateOutput.State.SUBMITTED)

    # Three answers a stage: fewer are not averaged (they would reveal someone's own answers).
    _skills(aarhus, [("before", 2, 1), ("before", 3, 2), ("before", 1, 3), ("after", 4, 3), ("after", 4, 4),
                     ("after", 4, 2)])

    model = solution_model(vejle, title_da="Materialebank", title_en="Materials bank", visibility=Visibility.PUBLIC)
    for name in ("Odenseby", "Koldingby"):
        Adoption.objects.create(item=model, municipality=MunicipalityFactory(name=f"{name}{tag}"))
    solution_model(aarhus, title_da="Ikke udgivet", published_at=None)  # a draft: left out

    for index in range(extra):
        _extra(programme, cohort, f"{tag}-{index}")
    return programme


def test_the_figures():
    programme = build_programme()
    facilitator = facilitator_of(programme)
    with translation.override("en"):
        report = funder_report(user=facilitator, programme=programme)
        lines = {line.code: line for line in report.budget.lines}
        assert lines["WP1"].spent_dkk == Decimal("175000.50") and lines["WP1"].allocated_dkk == 400000
        assert lines["WP2"].spent_dkk == 320000 and lines["WP2"].is_over
        assert report.budget.spent == Decimal("495000.50") and report.budget.allocated == 700000
        assert report.spent_percent == 50

        assert report.municipality_count == 3
        assert report.tests_run == 2  # Deliver and Anchor
        assert {s.code: s.count for s in report.stages} == {"discover": 0, "define": 1, "develop": 0,
                                                            "deliver": 1, "anchor": 1}
        assert report.published_entries == 3  # the draft is not counted
        assert report.accepted_outputs == 1
        assert [(m.title, m.adoptions) for m in report.solution_models] == [("Materials bank", 2)]

        sectors = {s.code: s for s in report.partners}
        assert (sectors["business"].organisations, sectors["business"].involvements,
                sectors["business"].municipalities) == (1, 2, 2)
        assert sectors["research"].organisations == 1
        assert sectors["civil_society"].organisations == 0  # only in a draft
        assert report.partner_organisations == 2

        skills = {s.area: s for s in report.skills}
        assert (skills["systems_thinking"].before, skills["systems_thinking"].after) == (2.0, 4.0)
        assert skills["systems_thinking"].change == 2.0
        assert (skills["circular_models"].before, skills["circular_models"].after) == (2.0, 3.0)
        assert skills["circular_models"].answers_before == 3

        results = {r.name: r for r in report.indicators}
        tons = results["Genbrugte byggematerialer"]
        assert tons.latest == 25 and tons.latest_on == date(2022, 5, 1)  # the draft's 99 is left out
        assert tons.progress_percent == 50 and not tons.target_met
        assert results["CO2e"].progress_percent == 125 and results["CO2e"].target_met
        assert report.targets_met == 1


def _html_tables(content: bytes) -> dict:
    """Each data table of the page: its section title and its rows as (text, data-value) cells."""
    soup = BeautifulSoup(content, "html.parser")
    tables = {}
    for table in soup.select("table[data-table]"):
        section = table.find_parent("section")
        rows = []
        for tr in table.select("tbody tr, tfoot tr"):
            rows.append([(" ".join(cell.get_text().split()), cell.get("data-value")) for cell in tr.find_all(
                ["th", "td"])])
        tables[table["data-table"]] = {"title": section.find("h2").get_text().strip(), "rows": rows,
                                       "header": [th.get_text().strip() for th in table.select("thead th")]}
    figures = {div["data-key"]: div.find("dd").get_text().strip() for div in soup.select(".fr-figure")}
    return {"tables": tables, "figures": figures, "soup": soup}


def _csv_sections(content: bytes, delimiter: str = ",") -> dict:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    sections, current = {}, None
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter):
        if not row:
            current = None
        elif current is None:
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections  # title -> [header, rows…]


def _same_number(raw: str, other) -> bool:
    """``other`` may be written with a decimal comma (the Danish CSV)."""
    return other not in (None, "") and Decimal(str(raw)) == Decimal(str(other).replace(",", "."))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("language", ["da", "en"])
def test_page_pdf_csv_and_xlsx_show_the_same_figures(client, language):
    from openpyxl import load_workbook

    programme = build_programme()
    client.force_login(observer_of(programme))
    client.cookies["django_language"] = language
    page = client.get(reverse("reports:funder", args=[programme.slug]))
    assert page.status_code == 200
    html = _html_tables(page.content)
    tables = html["tables"]
    assert set(tables) == {"budget", "stages", "municipalities", "solution_models", "partners", "skills",
                           "indicators"}
    assert html["soup"].find("html")["lang"] == language
    assert len(html["soup"].find_all("h1")) == 1

    pdf = fetch_report(client, reverse("reports:funder-pdf", args=[programme.slug]))
    assert pdf["Content-Type"] == "application/pdf"
    text = _squash(pdf_text(pdf.content))
    csv_response = fetch_report(client, reverse("reports:funder-csv", args=[programme.slug]))
    assert csv_response["Content-Type"].startswith("text/csv")
    # Danish Excel reads ';' between cells and a decimal comma; English ',' and a decimal point
    sections = _csv_sections(csv_response.content, delimiter=";" if language == "da" else ",")
    xlsx = fetch_report(client, reverse("reports:funder-xlsx", args=[programme.slug]))
    book = load_workbook(io.BytesIO(xlsx.content))

    compared = 0
    for key, table in tables.items():
        title = table["title"]
        assert _squash(title) in text, f"{title} missing from the PDF"
        csv_rows = sections[title]
        assert csv_rows[0] == table["header"]
        sheet = book[sheet_title(title, set())]
        assert [c.value for c in sheet[1]] == table["header"]
        assert all(c.font.bold for c in sheet[1])
        sheet_rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert len(csv_rows) - 1 == len(sheet_rows) == len(table["rows"])
        for html_row, csv_row, sheet_row in zip(table["rows"], csv_rows[1:], sheet_rows, strict=True):
            for (shown, raw), csv_value, sheet_value in zip(html_row, csv_row, sheet_row, strict=True):
                if shown and shown != "–":
                    assert _squash(shown) in text, f"{key}: {shown!r} missing from the PDF"
                if raw is None or raw == "" or not re.fullmatch(r"-?\d+(\.\d+)?", raw):
                    continue
                assert _same_number(raw, csv_value), (key, shown, csv_value)
                assert isinstance(sheet_value, (int, float)), (key, shown, sheet_value)
                assert _same_number(raw, sheet_value), (key, shown, sheet_value)
                compared += 1
    assert compared > 40

    # The figures the page opens with are in the PDF and the first section of both files.
    key_rows = sections[tables_title(book)][1:]
    key_sheet = [list(r) for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert len(key_rows) == len(html["figures"]) == len(key_sheet)
    for (shown, (_label, csv_value), (_l, sheet_value)) in zip(html["figures"].values(), key_rows, key_sheet,
                                                              strict=True):
        assert _squash(shown) in text
        assert _same_number(str(sheet_value), csv_value)
    assert html["figures"]["tests_run"] == "2"
    assert html["figures"]["municipalities"] == "3"


def tables_title(book) -> str:
    return book.worksheets[0].title


@pytest.mark.parametrize("language, expected", [
    ("da", ["Budget og forbrug pr. arbejdspakke", "175.000,50 DKK", "Læringsforløb"]),
    ("en", ["Budget and spending per work package", "175,000.50 DKK", "Learning modules"]),
])
def test_the_page_speaks_the_language(client, language, expected):
    programme = build_programme()
    client.force_login(facilitator_of(programme))
    client.cookies["django_language"] = language
    content = client.get(reverse("reports:funder", args=[programme.slug])).content.decode()
    for text in expected[1:]:
        assert text in content
    if language == "en":  # Danish arrives with the lead's translations; the English source is always there
        assert expected[0] in content
    pdf = _squash(pdf_text(fetch_report(client, reverse("reports:funder-pdf", args=[programme.slug])).content))
    assert _squash(expected[1]) in pdf


def test_every_chart_has_a_title_and_a_table(client):
    programme = build_programme()
    client.force_login(facilitator_of(programme))
    soup = BeautifulSoup(client.get(reverse("reports:funder", args=[programme.slug])).content, "html.parser")
    charts = soup.select("main svg[role=img]")
    assert len(charts) >= 5
    for svg in charts:
        assert svg.find("title").get_text().strip()
        section = svg.find_parent("section")
        assert section.select("table[data-table]"), section.get("id")
    assert not soup.select("[style]")
    assert "HEMMELIG" not in soup.get_text()


def test_programme_navigation_links_the_report_for_its_readers(client):
    programme = build_programme()
    url = reverse("reports:funder", args=[programme.slug])
    client.force_login(observer_of(programme))
    assert url in client.get(programme.get_absolute_url()).content.decode()
    client.force_login(staff_of(programme.cohorts.first().participations.first().municipality))
    assert url not in client.get(programme.get_absolute_url()).content.decode()


def test_text_that_looks_like_a_formula_stays_text(client):
    from openpyxl import load_workbook

    programme = build_programme()
    BudgetLineFactory(programme=programme, code="WP9", name_da="=HYPERLINK(\"http://x\")",
                      name_en="=HYPERLINK(\"http://x\")")
    client.force_login(facilitator_of(programme))
    content = fetch_report(client, reverse("reports:funder-csv", args=[programme.slug])).content.decode("utf-8")
    assert "'=HYPERLINK" in content
    xlsx = fetch_report(client, reverse("reports:funder-xlsx", args=[programme.slug]))
    book = load_workbook(io.BytesIO(xlsx.content))
    values = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert "=HYPERLINK(\"http://x\")" in values  # kept as a string, not turned into a formula
    sheet = next(s for s in book.worksheets if any(c.value == "WP9" for row in s.iter_rows() for c in row))
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(\"http://x\")")
    assert cell.data_type == "s"


def test_queries_do_not_grow_with_the_data(django_assert_num_queries, client):
    small = build_programme()
    big = build_programme(extra=12, tag="B")
    facilitator = facilitator_of(small)
    facilitator_of(big, user=facilitator)
    from accounts.permissions import scope_of

    counts = []
    for programme in (small, big):
        facilitator.__dict__.pop("_cc_scope", None)
        facilitator.__dict__.pop("_cc_community_roles", None)
        scope_of(facilitator)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            report = funder_report(user=facilitator, programme=programme)
            report_tables(report)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_num_queries(counts[0]):
        funder_report(user=facilitator, programme=big)
    assert len(funder_report(user=facilitator, programme=big).municipalities) == 15

    client.force_login(facilitator)
    client.get(reverse("reports:funder", args=[small.slug]))  # the session's first request does more
    page_counts = []
    for programme in (small, big):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for name in ("reports:funder", "reports:funder-pdf", "reports:funder-csv", "reports:funder-xlsx"):
            with CaptureQueriesContext(connection) as queries:
                # the page is made at once; a file is asked for (202) and built by the worker
                assert client.get(reverse(name, args=[programme.slug])).status_code == (
                    200 if name == "reports:funder" else 202)
            page_counts.append((name, len(queries)))
        for report in ReportFile.objects.filter(programme=programme).order_by("kind"):
            with CaptureQueriesContext(connection) as queries:
                assert build_report_file(report.pk) == "built"
            page_counts.append((report.kind, len(queries)))
    assert len(page_counts) == 14 and page_counts[:7] == page_counts[7:]


def test_a_finished_programme_with_no_data_still_renders(client):
    programme = ProgrammeFactory(budget_dkk=None, ends_on=timezone.localdate() - timedelta(days=1))
    client.force_login(facilitator_of(programme))
    for name in ("reports:funder", "reports:funder-pdf", "reports:funder-csv", "reports:funder-xlsx"):
        assert fetch_report(client, reverse(name, args=[programme.slug])).status_code == 200


def test_the_report_follows_the_data_and_each_readers_language(client):
    """A published entry shows in the next download; each reader gets their language; a reader who may not
    see the report gets 403 right after somebody who may has read it."""
    programme = build_programme()
    facilitator, observer = facilitator_of(programme), observer_of(programme)
    client.force_login(facilitator)
    url = reverse("reports:funder-csv", args=[programme.slug])
    before = fetch_report(client, url, HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8-sig")
    participation = Participation.objects.filter(cohort__programme=programme).order_by("pk").first()
    ProgressEntryFactory(participation=participation, state=ProgressEntry.State.PUBLISHED,
                         happened_on=timezone.localdate(), what_happened="Cached or not")
    after = fetch_report(client, url, HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8-sig")
    assert after != before  # the published-entries figure moved
    client.force_login(observer)
    assert fetch_report(client, url, HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8-sig") == after
    page = reverse("reports:funder", args=[programme.slug])
    for language, money in (("en", "175,000.50 DKK"), ("da", "175.000,50 DKK"), ("en", "175,000.50 DKK")):
        client.cookies["django_language"] = language
        assert money in client.get(page).content.decode()
    client.force_login(staff_of(participation.municipality))
    for name in ("reports:funder", "reports:funder-pdf", "reports:funder-csv", "reports:funder-xlsx"):
        assert client.get(reverse(name, args=[programme.slug])).status_code == 403


def test_a_national_programme_makes_a_pdf_whose_charts_run_over_pages(client):
    """About a hundred indicator bars (a national programme has more than a thousand) no longer make one drawing
    taller than a page (reportlab LayoutError, HTTP 500): the chart is split over several drawings."""
    programme = build_programme()
    participation = Participation.objects.filter(cohort__programme=programme).order_by("pk").first()
    for number in range(100):
        indicator = IndicatorFactory(participation=participation, name=f"Indicator {number:03d}",
                                     baseline=Decimal(0), target=Decimal(100))
        MeasurementFactory(indicator=indicator, value=Decimal(number), measured_on=date(2025, 1, 1))
    client.force_login(facilitator_of(programme))
    response = fetch_report(client, reverse("reports:funder-pdf", args=[programme.slug]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 3
    for number in (0, 50, 99):
        assert f"Indicator {number:03d}" in text
