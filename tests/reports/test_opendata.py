"""The open-data export: published results only, no personal data, a stable schema, public once announced."""

import csv
import io
import json

import pytest
from django.urls import reverse

from programmes.models import Programme
from reports.funder import OPEN_DATA_SCHEMA, open_data
from reports.funder_document import OPEN_DATA_CSV_COLUMNS
from tests.factories import UserFactory, facilitator_of, observer_of, staff_of
from tests.reports.downloads import fetch_report
from tests.reports.test_funder import DRAFT_TEXT, build_programme

pytestmark = pytest.mark.django_db

TOP_KEYS = ["schema", "version", "generated_at", "licence", "programme", "municipalities", "progress_entries",
            "indicators", "partners_by_sector", "partner_organisations", "solution_models"]
SHAPES = {
    "programme": {"slug", "name_da", "name_en", "starts_on", "ends_on", "status", "is_demo"},
    "municipalities": {"code", "name", "country", "cohort", "stage", "test_run", "published_progress_entries"},
    "progress_entries": {"municipality_code", "date", "status", "what_happened", "learnings"},
    "indicators": {"municipality_code", "name", "unit", "direction", "baseline", "target", "measurements"},
    "partners_by_sector": {"sector", "organisations", "involvements", "municipalities"},
    "solution_models": {"title_da", "title_en", "municipality_code", "adoptions"},
}


def _people(programme):
    """Names and e-mail addresses of people connected with the programme, to look for in the export."""
    from accounts.models import User

    people = list(User.objects.all())
    assert people
    return [p.email for p in people] + [p.full_name for p in people if p.full_name]


def test_json_schema_is_stable(client):
    programme = build_programme()
    response = fetch_report(client, reverse("reports:open-data-json", args=[programme.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert list(data) == TOP_KEYS
    assert data["schema"] == OPEN_DATA_SCHEMA and data["version"] == 1
    assert set(data["programme"]) == SHAPES["programme"]
    for key, shape in SHAPES.items():
        if key != "programme":
            assert data[key], key
            for item in data[key]:
                assert set(item) == shape, key
    for indicator in data["indicators"]:
        for measurement in indicator["measurements"]:
            assert set(measurement) == {"date", "value"}
            assert isinstance(measurement["value"], (int, float))
    # Codes, not translated labels: the file reads the same in every language.
    assert {m["stage"] for m in data["municipalities"]} == {"deliver", "anchor", "define"}
    client.cookies["django_language"] = "en"
    english = json.loads(fetch_report(client, reverse("reports:open-data-json", args=[programme.slug])).content)
    assert {k: v for k, v in english.items() if k != "generated_at"} == {
        k: v for k, v in data.items() if k != "generated_at"}


def test_drafts_never_appear(client):
    programme = build_programme()
    data = open_data(programme=programme)
    assert len(data["progress_entries"]) == 3
    tons = next(i for i in data["indicators"] if i["name"] == "Genbrugte byggematerialer")
    assert [m["value"] for m in tons["measurements"]] == [20, 25]  # not the draft's 99
    assert {p["sector"]: p["organisations"] for p in data["partners_by_sector"]}["civil_society"] == 0
    assert [s["title_da"] for s in data["solution_models"]] == ["Materialebank"]
    for name in ("reports:open-data-json", "reports:open-data-csv"):
        content = fetch_report(client, reverse(name, args=[programme.slug])).content.decode("utf-8")
        assert DRAFT_TEXT not in content
        assert "Hemmelig forening" not in content
        assert "Ikke udgivet" not in content


def test_no_personal_data(client):
    programme = build_programme()
    facilitator_of(programme, user__full_name="Frida Facilitator", user__email="frida@example.org")
    observer_of(programme, user__full_name="Otto Observatør", user__email="otto@example.org")
    for name in ("reports:open-data-json", "reports:open-data-csv"):
        content = fetch_report(client, reverse(name, args=[programme.slug])).content.decode("utf-8")
        for marker in _people(programme):
            assert marker not in content, marker
        assert "@" not in content


def test_csv_has_a_stable_header_and_the_same_records(client):
    programme = build_programme()
    response = fetch_report(client, reverse("reports:open-data-csv", args=[programme.slug]))
    assert response["Content-Type"].startswith("text/csv")
    # comma-separated with a decimal point in every language (a file for programs), with the byte-order mark
    # that lets a spreadsheet show æ, ø and å; CSV readers skip it (utf-8-sig)
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == OPEN_DATA_CSV_COLUMNS == [
        "record", "municipality_code", "municipality", "cohort", "date", "stage", "status", "indicator", "unit",
        "value", "baseline", "target", "sector", "title", "what_happened", "learnings"]
    kinds = [row["record"] for row in rows]
    assert kinds.count("municipality") == 3
    assert kinds.count("progress_entry") == 3
    assert kinds.count("measurement") == 3  # 20 and 25 tons, 50 tons CO2e
    assert kinds.count("partners_by_sector") == 5
    assert kinds.count("solution_model") == 1
    entry = next(row for row in rows if row["what_happened"] == "Genbrugsstationen åbnede.")
    assert entry["date"] == "2022-05-01" and entry["learnings"] == "Borgerne kom." and entry["status"] == "on_track"


def test_public_for_an_announced_programme_hidden_while_planned(client):
    programme = build_programme()
    url = reverse("reports:open-data-json", args=[programme.slug])
    assert fetch_report(client, url).status_code == 200  # anonymous
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.PLANNED)
    assert client.get(url).status_code == 404
    assert fetch_report(client, reverse("reports:open-data-csv", args=[programme.slug])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(staff_of(programme.cohorts.first().participations.first().municipality))
    assert fetch_report(client, url).status_code == 200  # people of the programme see it before it is announced
    assert fetch_report(client, reverse("reports:open-data-json", args=["no-such-programme"])).status_code == 404


def test_queries_do_not_grow_with_the_data(django_assert_num_queries):
    small = build_programme()
    big = build_programme(extra=12, tag="B")
    with django_assert_num_queries(8):
        open_data(programme=small)
    with django_assert_num_queries(8):
        data = open_data(programme=big)
    assert len(data["municipalities"]) == 15
