import io
import zipfile
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.readers import MAX_ROWS, read_spreadsheet

from .files import csv_file, xlsx_file


def test_xlsx_rows_keep_the_numbers_the_spreadsheet_shows():
    sheet = read_spreadsheet(xlsx_file([
        ["Arbejdspakke", "Afsat (kr.)", "Frist"],
        [],
        ["WP1", 1250000, datetime(2022, 3, 15)],
        ["WP2", 1.234, date(2022, 4, 1)],
    ]))
    assert sheet.header == ["Arbejdspakke", "Afsat (kr.)", "Frist"]
    # row 2 is empty: the rows keep the numbers Excel shows beside them
    assert sheet.rows == [(3, ["WP1", "1250000", "2022-03-15"]), (4, ["WP2", "1,234", "2022-04-01"])]


def test_danish_excel_csv_with_semicolons_and_a_byte_order_mark():
    sheet = read_spreadsheet(csv_file([["Navn", "Beløb"], ["Åse Ørsted", "1.234,50"]], delimiter=";"))
    assert sheet.header == ["Navn", "Beløb"]
    assert sheet.rows == [(2, ["Åse Ørsted", "1.234,50"])]


def test_english_csv_with_commas():
    sheet = read_spreadsheet(csv_file([["Name", "E-mail"], ["Ann", "ann@example.org"]], delimiter=","))
    assert sheet.rows == [(2, ["Ann", "ann@example.org"])]


def test_windows_csv_of_older_danish_excel_is_read():
    sheet = read_spreadsheet(csv_file([["Navn", "Afdeling"], ["Søren", "Miljø"]], encoding="cp1252"))
    assert sheet.rows == [(2, ["Søren", "Miljø"])]


def _refused(upload) -> str:
    with pytest.raises(ValidationError) as caught:
        read_spreadsheet(upload)
    return caught.value.code


def test_too_many_rows_are_refused():
    rows = [["Navn"]] + [[f"Person {n}"] for n in range(MAX_ROWS + 1)]
    assert _refused(csv_file(rows)) == "too_many_rows"


def test_files_that_are_not_spreadsheets_are_refused():
    assert _refused(SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 600)) == "xls"
    assert _refused(SimpleUploadedFile("a.csv", b"%PDF-1.4 ... %%EOF")) == "not_a_spreadsheet"
    assert _refused(SimpleUploadedFile("a.csv", b"")) == "empty"
    assert _refused(SimpleUploadedFile("a.csv", b"x" * (3 * 1024 * 1024))) == "too_large"


def test_a_macro_workbook_is_refused_by_the_upload_rules():
    data = io.BytesIO(xlsx_file([["Navn"], ["A"]]).read())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(ValidationError) as caught:
        read_spreadsheet(SimpleUploadedFile("a.xlsx", out.getvalue()))
    assert caught.value.code == "macros"


