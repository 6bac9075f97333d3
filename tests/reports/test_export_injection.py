"""Every CSV and XLSX export with formula payloads in every free-text cell it writes: in CSV the cell starts
with an apostrophe (a spreadsheet shows it as text), in XLSX it is a string cell marked as quoted, never a
formula. CSV files are in the reader's format (Danish ``;`` and decimal comma, English ``,``), and start with a
byte-order mark."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import Visibility
from programmes.models import Milestone
from tests.community.factories import solution_model
from tests.factories import (
    CohortFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ParticipationFactory,
    ProgrammeFactory,
    UserFactory,
    facilitator_of,
)
from tests.municipalities.factories_local import (
    IndicatorFactory,
    MeasurementFactory,
    OrganisationFactory,
    PartnerInvolvementFactory,
    ProgressEntryFactory,
)
from tests.programmes.helpers import BudgetLineFactory, SpendingFactory
from tests.reports.downloads import fetch_report

pytestmark = pytest.mark.django_db

PAYLOADS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\t=1+1", "\r=1+1"]
DELIMITER = {"da": ";", "en": ","}


def _cells(content: bytes, delimiter: str) -> list[str]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "no byte-order mark: Excel would not read æ, ø and å"
    return [cell for row in csv.reader(io.StringIO(text[1:]), delimiter=delimiter) for cell in row]


def _assert_escaped(cells: list[str], values: list[str], where: str):
    for value in values:
        assert "'" + value in cells, f"{where}: {value!r} is not written as text"
        assert value not in cells, f"{where}: {value!r} is written raw"
    # and nothing else in the file starts a formula, unless it is a plain number
    for cell in cells:
        if cell.startswith(("=", "+", "@", "\t", "\r")) or (cell.startswith("-") and not _number(cell)):
            raise AssertionError(f"{where}: {cell!r} would run as a formula")


def _number(cell: str) -> bool:
    try:
        Decimal(cell.replace(",", "."))
    except ArithmeticError:
        return False
    return True


def _programme_with(payload: str):
    """A published programme whose every free-text field starts with ``payload``; returns it and the texts the
    funder report and the open data write."""
    programme = ProgrammeFactory(name_da="Cirkulære byer", name_en="Circular Cities", budget_dkk=Decimal("100000"))
    cohort = CohortFactory(programme=programme, name=f"{payload}hold", starts_on=date(2021, 9, 1))
    participation = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name=f"{payload}by"),
                                         stage="deliver")
    line = BudgetLineFactory(programme=programme, code=f"{payload}W"[:20], name_da=payload, name_en=payload,
                             allocated_dkk=Decimal("1000"), order=1)
    SpendingFactory(budget_line=line, amount_dkk=Decimal("10.5"))
    entry = ProgressEntryFactory(participation=participation, happened_on=date(2022, 5, 1),
                                 what_happened=f"{payload}skete", learnings=f"{payload}lærte")
    indicator = IndicatorFactory(participation=participation, name=f"{payload}indikator", unit=payload, baseline=10,
                                 target=40)
    MeasurementFactory(indicator=indicator, measured_on=date(2022, 5, 1), value=Decimal("20.5"), entry=entry)
    PartnerInvolvementFactory(participation=participation, organisation=OrganisationFactory(name=f"{payload}firma"),
                              sector="business")
    solution_model(participation, title_da=f"{payload}model", title_en=f"{payload}model", visibility=Visibility.PUBLIC)
    report_texts = [cohort.name, participation.municipality.name, line.code, payload, indicator.name,
                    f"{payload}model"]
    open_texts = [cohort.name, participation.municipality.name, entry.what_happened, entry.learnings,
                  indicator.name, payload, f"{payload}model"]
    return programme, report_texts, open_texts


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_funder_report_csv_writes_every_free_text_cell_as_text(client, payload, language):
    programme, texts, _open = _programme_with(payload)
    client.force_login(facilitator_of(programme))
    client.cookies["django_language"] = language
    response = fetch_report(client, reverse("reports:funder-csv", args=[programme.slug]))
    assert response.status_code == 200
    cells = _cells(response.content, DELIMITER[language])
    _assert_escaped(cells, texts, f"funder CSV ({language})")
    decimal = "10,5" if language == "da" else "10.5"
    assert decimal in cells  # spent on the work package, with the reader's decimal mark


@pytest.mark.parametrize("payload", PAYLOADS)
def test_funder_report_xlsx_writes_every_free_text_cell_as_text(client, payload):
    from openpyxl import load_workbook

    programme, texts, _open = _programme_with(payload)
    client.force_login(facilitator_of(programme))
    response = fetch_report(client, reverse("reports:funder-xlsx", args=[programme.slug]))
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula in the workbook"
    for text in texts:
        text = text.replace("\r", "\n")  # XML reads a carriage return back as a line feed
        matching = [c for c in cells if c.value == text]
        assert matching, f"{text!r} missing from the workbook"
        for cell in matching:
            assert cell.data_type == "s" and cell.quotePrefix, (text, cell.coordinate)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_open_data_csv_writes_every_free_text_cell_as_text(client, payload):
    programme, _report, texts = _programme_with(payload)
    response = fetch_report(client, reverse("reports:open-data-csv", args=[programme.slug]))  # public: no login
    assert response.status_code == 200
    cells = _cells(response.content, ",")  # open data: the same format in every language
    _assert_escaped(cells, texts, "open data CSV")
    assert "20.5" in cells


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_audit_csv_writes_every_free_text_cell_as_text(client, payload, language):
    programme = ProgrammeFactory(name_da=f"{payload}program", name_en=f"{payload}program")
    editor = UserFactory(full_name=f"{payload}Ada")
    milestone = MilestoneFactory(programme=programme, title_da=payload, title_en=payload)
    milestone.status = Milestone.Status.DONE
    milestone._history_user = editor  # what the request middleware records for a change made on a page
    milestone.save()
    facilitator = facilitator_of(programme)
    facilitator.language = language
    facilitator.save(update_fields=["language"])
    client.force_login(facilitator)
    client.cookies["django_language"] = language
    response = client.get(reverse("audit:export"), {"kind": "milestone"})
    assert response.status_code == 200
    cells = _cells(b"".join(response.streaming_content), DELIMITER[language])
    _assert_escaped(cells, [f"{payload}Ada", f"{payload}program", payload], f"audit CSV ({language})")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    assert f"{timezone.localdate():%Y-%m-%d}.csv" in response["Content-Disposition"]
