"""Importing spreadsheets: preview, all or nothing, invitations, and who may do it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Role, RoleAssignment
from imports.models import ImportRecord
from imports.services import AlreadyImported, import_confirm, import_upload, pending_get
from programmes.models import BudgetLine, Milestone, Spending
from tests.factories import UserFactory, facilitator_of, staff_of

from .files import csv_file, xlsx_file

pytestmark = pytest.mark.django_db

TEAM_HEADER_DA = ["Navn", "E-mail", "Afdeling", "Ansvarsområde", "Sprog"]


def danish(client, user):
    user.language = "da"
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def upload(client, url, file):
    response = client.post(url, {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.headers["Location"]


def token_of(preview_url: str) -> str:
    return preview_url.rstrip("/").split("/")[-1]


# --- Acceptance: one bad row saves nothing and says which and why --------------------------------------------

def test_team_import_with_one_bad_row_saves_nothing_and_names_the_row_and_the_reason(client, world):
    participation = world.a.participation
    danish(client, world.a.users["facilitator"])
    preview_url = upload(client, reverse("imports:team-upload", args=[participation.pk]), xlsx_file([
        TEAM_HEADER_DA,
        ["Mette Jensen", "mette@kommune.dk", "Teknik og Miljø", "Affald", "da"],
        ["Jonas Holm", "ikke-en-adresse", "Indkøb", "", ""],
        ["Sara Berg", "sara@kommune.dk", "Byggeri", "", "en"],
    ]))
    page = client.get(preview_url).content.decode()
    assert "Række 3, kolonne B (E-mail):" in page
    assert "Indtast en gyldig e-mail-adresse." in page
    assert "/confirm/" not in page  # no confirm button while a row is wrong

    response = client.post(reverse("imports:confirm", args=[token_of(preview_url)]))
    assert response.status_code == 422
    assert "Række 3, kolonne B (E-mail):" in response.content.decode()
    assert not Invitation.objects.filter(participation=participation).exists()
    assert not ImportRecord.objects.exists()
    assert mail.outbox == []


def test_milestone_import_names_every_bad_row_in_english(client, world):
    programme = world.a.programme
    client.force_login(world.a.users["facilitator"])  # English (tests/factories)
    preview_url = upload(client, reverse("imports:programme-upload", args=[programme.slug, "milestones"]), csv_file([
        ["Title (Danish)", "Title (English)", "Due", "Owner (e-mail)", "Municipality"],
        ["Kick-off", "Kick-off", "15.09.2021", "", ""],
        ["Testplan", "", "31.02.2022", "", "By a1"],
        ["Midtvejsmøde", "", "2022-06-01", "nobody@example.org", "By b1"],
        ["Efter programmet", "", "01.01.2030", "", ""],
    ], delimiter=","))
    page = client.get(preview_url).content.decode()
    assert "Row 3, column C (Due):" in page and "31.02.2022 is not a date in the calendar." in page
    assert "Row 4, column D (Owner (e-mail)):" in page and "The owner must have a role in this programme." in page
    assert "Row 4, column E (Municipality):" in page and "By b1 does not take part in Programme a." in page
    assert "Row 5, column C (Due):" in page and "must lie within the programme" in page
    assert "Row 2" not in page
    assert client.post(reverse("imports:confirm", args=[token_of(preview_url)])).status_code == 422
    assert not Milestone.objects.filter(programme=programme).exists()


def test_missing_column_is_refused_before_the_preview_in_danish(client, world):
    danish(client, world.a.users["facilitator"])
    response = client.post(reverse("imports:team-upload", args=[world.a.participation.pk]),
                           {"file": csv_file([["Navn", "Afdeling"], ["Mette", "Miljø"]])})
    assert response.status_code == 200
    assert "Filen har ingen kolonne “E-mail”" in response.content.decode()


# --- Acceptance: a good import saves every row and sends the invitations ----------------------------------------

def test_good_team_import_invites_everyone_once_in_their_own_language(client, world,
                                                                      django_capture_on_commit_callbacks):
    participation = world.a.participation
    UserFactory(email="kendt@example.org", language="en")  # has an account: the invitation follows its language
    already = world.a.users["staff"]
    danish(client, world.a.users["facilitator"])
    preview_url = upload(client, reverse("imports:team-upload", args=[participation.pk]), xlsx_file([
        TEAM_HEADER_DA,
        ["Mette Jensen", "Mette@Kommune.dk", "Teknik og Miljø", "Affald", "da"],
        ["John Smith", "john@example.org", "Indkøb", "", "engelsk"],
        ["Kendt Person", "kendt@example.org", "Byggeri", "", ""],
        [already.full_name, already.email, "Teknik og Miljø", "", ""],
    ]))
    page = client.get(preview_url).content.decode()
    assert "Allerede på holdet" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:confirm", args=[token_of(preview_url)]))
    assert response.status_code == 302 and response.headers["Location"].endswith("#team")

    invitations = {i.email: i for i in Invitation.objects.filter(participation=participation, role=Role.STAFF)}
    assert set(invitations) == {"mette@kommune.dk", "john@example.org", "kendt@example.org"}
    assert invitations["mette@kommune.dk"].department == "Teknik og Miljø"
    assert invitations["mette@kommune.dk"].invited_by == world.a.users["facilitator"]
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert set(subjects) == set(invitations)  # nobody already on the team got one
    assert subjects["mette@kommune.dk"].startswith("Du er inviteret til Cirkulære byer")
    assert subjects["john@example.org"].startswith("You are invited to Circular Cities")
    assert subjects["kendt@example.org"].startswith("You are invited to Circular Cities")
    record = ImportRecord.objects.get()
    assert (record.kind, record.rows_read, record.rows_saved, record.rows_skipped) == ("team", 4, 3, 1)
    assert record.imported_by == world.a.users["facilitator"] and record.participation == participation
    # the preview is gone from the session: confirming again finds nothing
    assert client.post(reverse("imports:confirm", args=[token_of(preview_url)])).status_code == 404


def test_staff_import_their_own_team(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.a.users["staff"])
    preview_url = upload(client, reverse("imports:team-upload", args=[world.a.participation.pk]), csv_file([
        ["Name", "E-mail", "Department"], ["Ann Lee", "ann@example.org", "Waste"]], delimiter=","))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[token_of(preview_url)]))
    assert Invitation.objects.get(email="ann@example.org").participation == world.a.participation
    assert len(mail.outbox) == 1


def test_good_milestone_import_saves_every_row_with_owner_municipality_and_audit_history(client, world):
    programme = world.a.programme
    facilitator = world.a.users["facilitator"]
    danish(client, facilitator)
    owner = world.a.users["staff"]
    preview_url = upload(client, reverse("imports:programme-upload", args=[programme.slug, "milestones"]), csv_file([
        ["Titel (dansk)", "Titel (engelsk)", "Frist", "Ansvarlig (e-mail)", "Kommune"],
        ["Kick-off", "Kick-off", "15.09.2021", "", ""],
        ["Lokal testplan", "Local test plan", "2022-03-01", owner.email.upper(), "by a1"],
    ]))
    page = client.get(preview_url).content.decode()
    assert "01.03.2022" in page and "By a1" in page and "Hele programmet" in page
    client.post(reverse("imports:confirm", args=[token_of(preview_url)]))
    kick_off, plan = Milestone.objects.filter(programme=programme).order_by("due_on")
    assert (kick_off.title_da, kick_off.due_on, kick_off.participation) == ("Kick-off", date(2021, 9, 15), None)
    assert (plan.title_en, plan.owner, plan.participation) == ("Local test plan", owner, world.a.participation)
    assert plan.history.get().history_user == facilitator  # the audit trail names who imported it


def test_budget_lines_then_spending_with_danish_and_plain_amounts(client, world):
    programme = world.a.programme
    danish(client, world.a.users["facilitator"])
    url = reverse("imports:programme-upload", args=[programme.slug, "budget-lines"])
    preview_url = upload(client, url, xlsx_file([
        ["Arbejdspakke", "Navn (dansk)", "Navn (engelsk)", "Fordelt (kr.)"],
        ["WP1", "Projektledelse", "Project management", "1.250.000,00"],
        ["WP2", "Lokale test", "", 2400000.5],
    ]))
    client.post(reverse("imports:confirm", args=[token_of(preview_url)]))
    lines = {line.code: line.allocated_dkk for line in BudgetLine.objects.filter(programme=programme)}
    assert lines == {"WP1": Decimal("1250000.00"), "WP2": Decimal("2400000.50")}

    url = reverse("imports:programme-upload", args=[programme.slug, "spending"])
    preview_url = upload(client, url, csv_file([
        ["Arbejdspakke", "Dato", "Beløb (kr.)", "Beskrivelse"],
        ["wp1", "04.10.2021", "12.500", "Lokaleleje"],
        ["WP2", "2022-02-15", "48250,75", "Materialer"],
    ]))
    client.post(reverse("imports:confirm", args=[token_of(preview_url)]))
    spent = sorted((s.budget_line.code, s.amount_dkk, s.spent_on) for s in Spending.objects.all())
    assert spent == [("WP1", Decimal("12500.00"), date(2021, 10, 4)), ("WP2", Decimal("48250.75"), date(2022, 2, 15))]


def test_spending_for_an_unknown_work_package_and_a_duplicate_line_are_row_errors(client, world):
    programme = world.a.programme
    BudgetLine.objects.create(programme=programme, code="WP1", name_da="Ledelse", allocated_dkk=100)
    client.force_login(world.a.users["facilitator"])
    preview_url = upload(client, reverse("imports:programme-upload", args=[programme.slug, "budget-lines"]),
                         csv_file([["Work package", "Name (Danish)", "Allocated (DKK)"], ["wp1", "Igen", "5"],
                                   ["WP2", "Ny", "-5"], ["WP3", "Ny", "5"], ["WP3", "Igen", "6"]], delimiter=","))
    page = client.get(preview_url).content.decode()
    assert "Row 2, column A (Work package):" in page and "This budget already has a work package wp1." in page
    assert "Row 3, column C (Allocated (DKK)):" in page
    assert "Row 5, column A (Work package):" in page and "WP3 is already in row 4." in page
    preview_url = upload(client, reverse("imports:programme-upload", args=[programme.slug, "spending"]),
                         csv_file([["Work package", "Date", "Amount (DKK)", "Description"],
                                   ["WP9", "2022-01-01", "10", "Kaffe"]], delimiter=","))
    assert "This budget has no work package WP9." in client.get(preview_url).content.decode()
    assert client.post(reverse("imports:confirm", args=[token_of(preview_url)])).status_code == 422
    assert not Spending.objects.exists()



def test_a_spending_of_nothing_or_less_is_refused_in_danish_words(client, world):
    """The model's own check, as the spending form says it: no English decimal point in a Danish message."""
    programme = world.a.programme
    BudgetLine.objects.create(programme=programme, code="WP1", name_da="Ledelse", allocated_dkk=100)
    danish(client, world.a.users["facilitator"])
    preview_url = upload(client, reverse("imports:programme-upload", args=[programme.slug, "spending"]),
                         csv_file([["Arbejdspakke", "Dato", "Beløb (kr.)", "Beskrivelse"],
                                   ["WP1", "01.02.2022", "-12,50", "Retur"], ["WP1", "02.02.2022", "0", "Intet"]]))
    page = client.get(preview_url).content.decode()
    for row in (2, 3):
        assert f"Række {row}, kolonne C (Beløb (kr.)): Beløbet skal være mere end 0 kr." in page
    assert "0.01" not in page
    assert client.post(reverse("imports:confirm", args=[token_of(preview_url)])).status_code == 422
    assert not Spending.objects.exists()

# --- The confirm checks again, and saves once --------------------------------------------------------------------

def test_confirm_checks_every_row_again_against_the_database(client, world):
    programme = world.a.programme
    client.force_login(world.a.users["facilitator"])
    preview_url = upload(client, reverse("imports:programme-upload", args=[programme.slug, "budget-lines"]),
                         csv_file([["Work package", "Name (Danish)", "Allocated (DKK)"], ["WP1", "Ledelse", "10"],
                                   ["WP2", "Test", "20"]], delimiter=","))
    assert "Confirm and save 2 rows" in client.get(preview_url).content.decode()
    BudgetLine.objects.create(programme=programme, code="WP2", name_da="Imens", allocated_dkk=1)  # meanwhile
    response = client.post(reverse("imports:confirm", args=[token_of(preview_url)]))
    assert response.status_code == 422
    assert "Row 3, column A (Work package):" in response.content.decode()
    assert list(BudgetLine.objects.filter(programme=programme).values_list("code", flat=True)) == ["WP2"]


def test_the_same_preview_is_saved_only_once(world):
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    pending = import_upload(session=session, kind="budget-lines", programme=world.a.programme, upload=csv_file(
        [["Work package", "Name (Danish)", "Allocated (DKK)"], ["WP1", "Ledelse", "10"]], delimiter=","))
    by = world.a.users["facilitator"]
    import_confirm(pending=pending, programme=world.a.programme, by=by)
    with pytest.raises(AlreadyImported):
        import_confirm(pending=pending, programme=world.a.programme, by=by)
    assert BudgetLine.objects.filter(programme=world.a.programme).count() == 1


# --- A preview belongs to the person who uploaded it ---------------------------------------------------------------

def test_a_preview_is_not_found_by_anybody_else_or_after_the_role_ended(client, world):
    programme = world.a.programme
    facilitator = world.a.users["facilitator"]
    client.force_login(facilitator)
    preview_url = upload(client, reverse("imports:programme-upload", args=[programme.slug, "milestones"]),
                         csv_file([["Title (Danish)", "Due"], ["Kick-off", "15.09.2021"]], delimiter=","))
    from django.test import Client

    colleague = Client()
    colleague.force_login(facilitator_of(programme))  # may import here too, but this is not their upload
    assert colleague.get(preview_url).status_code == 404
    assert colleague.post(reverse("imports:confirm", args=[token_of(preview_url)])).status_code == 404
    other = Client()
    other.force_login(world.b.users["facilitator"])
    assert other.get(preview_url).status_code == 404

    RoleAssignment.objects.filter(user=facilitator, role=Role.FACILITATOR).delete()
    assert client.get(preview_url).status_code == 404
    assert client.post(reverse("imports:confirm", args=[token_of(preview_url)])).status_code == 404
    assert not Milestone.objects.exists()


def test_staff_who_left_the_team_may_no_longer_confirm_their_preview(client, world):
    staff = staff_of(world.a.participation, department="Miljø")
    client.force_login(staff)
    preview_url = upload(client, reverse("imports:team-upload", args=[world.a.participation.pk]), csv_file(
        [["Name", "E-mail", "Department"], ["Ann", "ann@example.org", "Waste"]], delimiter=","))
    RoleAssignment.objects.filter(user=staff, role=Role.STAFF).delete()
    assert client.post(reverse("imports:confirm", args=[token_of(preview_url)])).status_code == 404
    assert not Invitation.objects.filter(email="ann@example.org").exists()


def test_discard_forgets_the_rows(client, world):
    client.force_login(world.a.users["facilitator"])
    preview_url = upload(client, reverse("imports:programme-upload", args=[world.a.programme.slug, "milestones"]),
                         csv_file([["Title (Danish)", "Due"], ["Kick-off", "15.09.2021"]], delimiter=","))
    response = client.post(reverse("imports:discard", args=[token_of(preview_url)]))
    assert response.status_code == 302
    assert pending_get(session=client.session, token=token_of(preview_url)) is None
    assert client.get(preview_url).status_code == 404


# --- Example files ------------------------------------------------------------------------------------------------

def test_example_files_in_danish_and_english_are_read_back_by_the_import(client, world):
    import io

    from openpyxl import load_workbook

    client.force_login(world.a.users["facilitator"])
    response = client.get(reverse("imports:example", args=["team", "da", "xlsx"]))
    assert response.status_code == 200
    header = [cell.value for cell in next(load_workbook(io.BytesIO(response.content)).active.iter_rows())]
    assert header == ["Navn", "E-mail", "Afdeling", "Ansvarsområde", "Sprog"]
    english = client.get(reverse("imports:example", args=["spending", "en", "csv"])).content.decode("utf-8-sig")
    assert english.splitlines()[0] == "Work package,Date,Amount (DKK),Description"
    danish_csv = client.get(reverse("imports:example", args=["spending", "da", "csv"])).content.decode("utf-8-sig")
    assert danish_csv.splitlines()[1] == "WP1;04.10.2021;12500;Leje af lokale til kick-off"

    from django.core.files.uploadedfile import SimpleUploadedFile

    preview_url = upload(client, reverse("imports:team-upload", args=[world.a.participation.pk]),
                         SimpleUploadedFile("eksempel.xlsx", response.content))
    page = client.get(preview_url).content.decode()
    assert "Confirm and send 2 invitations" in page


# --- Queries -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["team", "milestones"])
def test_preview_queries_do_not_grow_with_the_rows(client, world, django_assert_max_num_queries, kind):
    client.force_login(world.a.users["facilitator"])
    staff_email = world.a.users["staff"].email

    def rows(count):
        if kind == "team":
            return [["Name", "E-mail", "Department"]] + [[f"P {n}", f"p{n}@example.org", "Miljø"] for n in range(count)]
        return [["Title (Danish)", "Due", "Owner (e-mail)", "Municipality"]] + [
            [f"M {n}", "15.09.2021", staff_email, "By a1"] for n in range(count)]

    url = (reverse("imports:team-upload", args=[world.a.participation.pk]) if kind == "team"
           else reverse("imports:programme-upload", args=[world.a.programme.slug, kind]))
    for count in (5, 100):
        preview_url = upload(client, url, csv_file(rows(count), delimiter=","))
        with django_assert_max_num_queries(8):
            assert client.get(preview_url).status_code == 200


# --- Audit -----------------------------------------------------------------------------------------------------------

def test_an_import_is_on_the_audit_page_of_its_programme_only(client, world):
    programme = world.a.programme
    client.force_login(world.a.users["facilitator"])
    preview_url = upload(client, reverse("imports:programme-upload", args=[programme.slug, "budget-lines"]),
                         csv_file([["Work package", "Name (Danish)", "Allocated (DKK)"], ["WP1", "Ledelse", "10"],
                                   ["WP2", "Test", "20"]], delimiter=",", name="budget 2022.csv"))
    client.post(reverse("imports:confirm", args=[token_of(preview_url)]))
    page = client.get(reverse("audit:list")).content.decode()
    assert "Budget lines from budget 2022.csv: 2 saved" in page
    record = ImportRecord.objects.get()
    assert (record.file_name, record.rows_saved, record.imported_by) == (
        "budget 2022.csv", 2, world.a.users["facilitator"])
    assert record.history.get().history_user == world.a.users["facilitator"]  # created once, never changed
    client.force_login(world.b.users["facilitator"])
    assert "budget 2022.csv" not in client.get(reverse("audit:list")).content.decode()
