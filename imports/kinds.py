"""What each kind of import reads: its columns (headers in Danish and English), how a row is checked, and which
domain service saves it.

Checking a row for the preview costs no query of its own: each kind looks up what the rows refer to (people,
municipalities, work packages, the team) in a few queries for the whole file, then checks each row with the
model's own ``full_clean`` (relations excluded, as they were looked up already), so the preview says what the
service would say. Saving calls the service of the domain app, one row at a time, inside the one transaction of
``services.import_confirm``: team members are invited with ``accounts.services.team_member_invite`` (the
invitation mail goes out on commit, in the invitee's language), milestones made with
``programmes.services.milestone_create``, budget lines and spending with ``budget_line_create`` and
``spending_create``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Invitation, Role, RoleAssignment, User
from programmes.display import format_dkk
from programmes.models import BudgetLine, Milestone, Participation, Spending

from .models import ImportKind
from .values import parse_amount, parse_date, parse_language

TEXT, DATE, AMOUNT, LANGUAGE = "text", "date", "amount", "language"


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    kind: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()  # other headers people write, lower case, either language
    help: Promise | str = ""


@dataclass
class RowError:
    column: str  # the column's header in the reader's language; "" for the row as a whole
    letter: str  # the column's letter in the spreadsheet, if the file has it
    message: str


@dataclass
class Row:
    number: int  # as the spreadsheet shows it
    cells: dict[str, str]
    values: dict = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    skip: str = ""  # why the row is left out, when that is not an error (already on the team)


def normalise_header(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().strip("*:").strip().casefold()


class Kind:
    key: str
    target: str  # "participation" or "programme"
    title: Promise
    columns: tuple[Column, ...]
    field_columns: dict[str, str]  # model field → column key, for the messages of full_clean and the services

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def headers(self) -> dict[str, str]:
        """Every header this kind understands (Danish, English and the aliases) → column key."""
        found = {}
        for column in self.columns:
            for language in ("da", "en"):
                with translation.override(language):
                    found[normalise_header(str(column.label))] = column.key
            for alias in column.aliases:
                found[normalise_header(alias)] = column.key
        return found

    def example_rows(self, language: str) -> list[list]:
        raise NotImplementedError

    # --- checking --------------------------------------------------------------------------------------------

    def lookups(self, target, rows: list[Row]) -> dict:
        return {}

    def parse(self, row: Row, letters: dict[str, str]) -> None:
        """The cells as values of their kind; empty required cells and unreadable values are errors."""
        for column in self.columns:
            text = row.cells.get(column.key, "").strip()
            if not text:
                if column.required:
                    self.error(row, column.key, _("This cell is empty. It must be filled in."), letters)
                row.values[column.key] = None if column.kind != TEXT else ""
                continue
            try:
                if column.kind == DATE:
                    row.values[column.key] = parse_date(text)
                elif column.kind == AMOUNT:
                    row.values[column.key] = parse_amount(text)
                elif column.kind == LANGUAGE:
                    row.values[column.key] = parse_language(text)
                else:
                    row.values[column.key] = text
            except ValidationError as error:
                row.values[column.key] = None
                self.error(row, column.key, " ".join(error.messages), letters)

    def check(self, row: Row, lookups: dict, seen: dict, letters: dict[str, str]) -> None:
        raise NotImplementedError

    def error(self, row: Row, key: str, message: str, letters: dict[str, str]) -> None:
        label = str(self.column(key).label) if key else ""
        if not any(e.column == label and e.message == message for e in row.errors):
            row.errors.append(RowError(label, letters.get(key, ""), str(message)))

    def add_validation_error(self, row: Row, error: ValidationError, letters: dict[str, str]) -> None:
        """A model's or a service's ValidationError, each message under the column of its field."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                key = self.field_columns.get(name, "")
                if key and any(e.column == str(self.column(key).label) for e in row.errors):
                    continue  # the cell's own message says it already (e.g. a date that did not parse)
                for message in messages:
                    self.error(row, key, message, letters)
        else:
            for message in error.messages:
                self.error(row, "", message, letters)

    def model_check(self, row: Row, instance, exclude: list[str], letters: dict[str, str]) -> None:
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self.add_validation_error(row, error, letters)

    def duplicate(self, row: Row, key: str, value: str, seen: dict, letters: dict[str, str]) -> bool:
        """``value`` of column ``key`` was in an earlier row of the file: an error on this one."""
        marker = (key, value.casefold())
        if marker in seen:
            self.error(row, key, _("%(value)s is already in row %(row)s.") % {"value": value, "row": seen[marker]},
                       letters)
            return True
        seen[marker] = row.number
        return False

    # --- showing and saving --------------------------------------------------------------------------------

    def display(self, row: Row) -> list[str]:
        """The row's values as they will be saved, in column order."""
        shown = []
        for column in self.columns:
            value = row.values.get(column.key)
            if value in (None, ""):
                shown.append(row.cells.get(column.key, "").strip())  # as written, when it could not be read
            elif isinstance(value, date):
                shown.append(f"{value:%d.%m.%Y}")
            elif isinstance(value, Decimal):
                shown.append(format_dkk(value))
            elif column.kind == LANGUAGE:
                shown.append(str(_("Danish") if value == "da" else _("English")))
            else:
                shown.append(str(value))
        return shown

    def save(self, row: Row, target, lookups: dict, by) -> list[str]:
        """Save one checked row through the domain service; returns warnings worth showing."""
        raise NotImplementedError


# --- Team members of a participation ------------------------------------------------------------------------

class TeamKind(Kind):
    key = ImportKind.TEAM.value
    target = "participation"
    title = gettext_lazy("Team members")
    columns = (
        Column("name", gettext_lazy("Name"), required=True, aliases=("navn", "full name", "fulde navn")),
        Column("email", gettext_lazy("E-mail"), required=True,
               aliases=("email", "e-mail address", "e-mailadresse", "mail")),
        Column("department", gettext_lazy("Department"), required=True, aliases=("afdeling", "forvaltning")),
        Column("responsibility", gettext_lazy("Responsibility"), aliases=("ansvar", "ansvarsområde", "rolle")),
        Column("language", gettext_lazy("Language"), kind=LANGUAGE, aliases=("sprog",),
               help=gettext_lazy("da or en: the language of the invitation. Empty: the person's own language if "
                                 "they have an account, else Danish.")),
    )
    field_columns = {"full_name": "name", "email": "email", "department": "department",
                     "responsibility": "responsibility", "language": "language"}

    def example_rows(self, language):
        if language == "da":
            return [["Mette Jensen", "mette.jensen@kommune.dk", "Teknik og Miljø", "Affald og genbrug", "da"],
                    ["Jonas Holm", "jonas.holm@kommune.dk", "Indkøb", "Cirkulære indkøb", "en"]]
        return [["Mette Jensen", "mette.jensen@municipality.dk", "Technical and environment", "Waste and reuse",
                 "da"],
                ["Jonas Holm", "jonas.holm@municipality.dk", "Procurement", "Circular procurement", "en"]]

    def lookups(self, participation, rows):
        emails = {row.cells.get("email", "").strip().lower() for row in rows} - {""}
        roles = RoleAssignment.objects.filter(role=Role.STAFF, participation=participation,
                                              user__email__in=emails).values_list("user__email", "ends_on")
        today = timezone.localdate()
        members, ended = set(), set()
        for email, ends_on in roles:
            (members if ends_on is None or ends_on >= today else ended).add(email.lower())
        waiting = {email.lower() for email in Invitation.objects.filter(
            role=Role.STAFF, participation=participation, email__in=emails, accepted_at__isnull=True,
            revoked_at__isnull=True, expires_at__gt=timezone.now()).values_list("email", flat=True)}
        languages = {email.lower(): language for email, language in User.objects.filter(
            email__in=emails).values_list("email", "language")}
        return {"members": members, "ended": ended - members, "waiting": waiting, "languages": languages}

    def check(self, row, lookups, seen, letters):
        participation = lookups["target"]
        email = row.values["email"].lower()
        row.values["email"] = email
        if not row.values["language"]:
            row.values["language"] = lookups["languages"].get(email, "da")
        invitation = Invitation(
            email=email, full_name=row.values["name"], language=row.values["language"], role=Role.STAFF,
            participation=participation, department=row.values["department"],
            responsibility=row.values["responsibility"], token_hash="-" * 64, expires_at=timezone.now())
        self.model_check(row, invitation, ["participation", "programme", "municipality", "invited_by",
                                           "accepted_by"], letters)
        if not email or self.duplicate(row, "email", email, seen, letters):
            return
        if email in lookups["ended"]:
            self.error(row, "email", _(
                "%(email)s had a staff role in %(municipality)s that has ended. An administrator must remove the "
                "old role before the person can be invited again.") % {
                "email": email, "municipality": participation.municipality}, letters)
        elif email in lookups["members"]:
            row.skip = _("Already on the team: left as they are.")
        elif email in lookups["waiting"]:
            row.skip = _("An invitation is already waiting for an answer.")

    def save(self, row, participation, lookups, by):
        from accounts.services import team_member_invite

        team_member_invite(participation=participation, email=row.values["email"], full_name=row.values["name"],
                           department=row.values["department"], responsibility=row.values["responsibility"],
                           language=row.values["language"], invited_by=by)
        return []


# --- Milestones of a programme -----------------------------------------------------------------------------

class MilestoneKind(Kind):
    key = ImportKind.MILESTONES.value
    target = "programme"
    title = gettext_lazy("Milestones")
    columns = (
        Column("title_da", gettext_lazy("Title (Danish)"), required=True, aliases=("titel", "title", "milepæl")),
        Column("title_en", gettext_lazy("Title (English)")),
        Column("due", gettext_lazy("Due"), kind=DATE, required=True, aliases=("frist", "dato", "date", "due date"),
               help=gettext_lazy("A date within the programme, as dd.mm.yyyy or yyyy-mm-dd.")),
        Column("owner", gettext_lazy("Owner (e-mail)"), aliases=("ansvarlig", "owner", "ejer"),
               help=gettext_lazy("The e-mail address of a person with a role in the programme. May be empty.")),
        Column("municipality", gettext_lazy("Municipality"), aliases=("kommune",),
               help=gettext_lazy("A municipality in the programme, or empty for a milestone of the whole "
                                 "programme.")),
    )
    field_columns = {"title_da": "title_da", "title_en": "title_en", "due_on": "due", "owner": "owner",
                     "participation": "municipality"}

    def example_rows(self, language):
        return [["Kick-off for alle kommuner", "Kick-off for all municipalities", date(2021, 9, 15), "", ""],
                ["Lokal testplan klar", "Local test plan ready", date(2022, 3, 1), "", "Aarhus"]]

    def lookups(self, programme, rows):
        from programmes.selectors import programme_people

        emails = {row.cells.get("owner", "").strip().lower() for row in rows} - {""}
        people = {person.email.lower(): person for person in programme_people(programme=programme).filter(
            email__in=emails)}
        municipalities: dict[str, list] = {}
        for participation in Participation.objects.filter(cohort__programme=programme).select_related(
                "municipality", "cohort"):
            for name in {participation.municipality.name, participation.municipality.code}:
                if name:
                    municipalities.setdefault(name.casefold(), []).append(participation)
        return {"people": people, "municipalities": municipalities}

    def check(self, row, lookups, seen, letters):
        programme = lookups["target"]
        owner = participation = None
        if row.values["owner"]:
            owner = lookups["people"].get(row.values["owner"].lower())
            if owner is None:
                self.error(row, "owner", _("The owner must have a role in this programme."), letters)
        if row.values["municipality"]:
            found = lookups["municipalities"].get(row.values["municipality"].casefold(), [])
            if not found:
                self.error(row, "municipality", _("%(municipality)s does not take part in %(programme)s.") % {
                    "municipality": row.values["municipality"], "programme": programme}, letters)
            elif len(found) > 1:
                self.error(row, "municipality", _(
                    "%(municipality)s takes part in more than one cohort of this programme. Add this milestone "
                    "by hand.") % {"municipality": row.values["municipality"]}, letters)
            else:
                participation = found[0]
        row.values["_owner"], row.values["_participation"] = owner, participation
        milestone = Milestone(programme=programme, participation=participation, owner=owner,
                              title_da=row.values["title_da"], title_en=row.values["title_en"],
                              due_on=row.values["due"])
        self.model_check(row, milestone, ["programme", "participation", "owner", "phase"], letters)

    def display(self, row):
        shown = super().display(row)
        if row.values.get("_owner") is not None:
            shown[3] = f"{row.values['_owner'].full_name} ({row.values['owner']})"
        if row.values.get("_participation") is not None:
            shown[4] = str(row.values["_participation"].municipality)
        elif not row.errors:
            shown[4] = str(_("Whole programme"))
        return shown

    def save(self, row, programme, lookups, by):
        from programmes.services import milestone_create

        milestone_create(programme=programme, title_da=row.values["title_da"], title_en=row.values["title_en"],
                         due_on=row.values["due"], participation=row.values["_participation"],
                         owner=row.values["_owner"], by=by)
        return []


# --- Budget lines and spending of a programme ---------------------------------------------------------------

class BudgetLineKind(Kind):
    key = ImportKind.BUDGET_LINES.value
    target = "programme"
    title = gettext_lazy("Budget lines")
    columns = (
        Column("code", gettext_lazy("Work package"), required=True, aliases=("arbejdspakke", "wp", "code", "kode")),
        Column("name_da", gettext_lazy("Name (Danish)"), required=True, aliases=("navn", "name")),
        Column("name_en", gettext_lazy("Name (English)")),
        Column("allocated", gettext_lazy("Allocated (DKK)"), kind=AMOUNT, required=True,
               aliases=("afsat", "afsat (kr.)", "allocated", "budget", "beløb", "amount"),
               help=gettext_lazy("An amount in DKK, e.g. 1.234,50 or 1234.50.")),
    )
    field_columns = {"code": "code", "name_da": "name_da", "name_en": "name_en", "allocated_dkk": "allocated"}

    def example_rows(self, language):
        return [["WP1", "Projektledelse og koordinering", "Project management and coordination",
                 Decimal("1250000")],
                ["WP2", "Lokale test i kommunerne", "Local tests in the municipalities", Decimal("2400000.50")]]

    def lookups(self, programme, rows):
        return {"codes": {code.casefold() for code in BudgetLine.objects.filter(programme=programme).values_list(
            "code", flat=True)}}

    def check(self, row, lookups, seen, letters):
        code = row.values["code"]
        if code and not self.duplicate(row, "code", code, seen, letters) and code.casefold() in lookups["codes"]:
            self.error(row, "code", _("This budget already has a work package %(code)s.") % {"code": code}, letters)
        line = BudgetLine(programme=lookups["target"], code=code, name_da=row.values["name_da"],
                          name_en=row.values["name_en"], allocated_dkk=row.values["allocated"])
        self.model_check(row, line, ["programme"], letters)

    def save(self, row, programme, lookups, by):
        from programmes.services import budget_line_create

        _line, warnings = budget_line_create(programme=programme, code=row.values["code"],
                                             name_da=row.values["name_da"], name_en=row.values["name_en"],
                                             allocated_dkk=row.values["allocated"])
        return warnings


class SpendingKind(Kind):
    key = ImportKind.SPENDING.value
    target = "programme"
    title = gettext_lazy("Spending")
    columns = (
        Column("code", gettext_lazy("Work package"), required=True, aliases=("arbejdspakke", "wp", "code", "kode"),
               help=gettext_lazy("A work package already in the budget, e.g. WP1.")),
        Column("date", gettext_lazy("Date"), kind=DATE, required=True, aliases=("dato", "spent on", "bogført"),
               help=gettext_lazy("dd.mm.yyyy or yyyy-mm-dd.")),
        Column("amount", gettext_lazy("Amount (DKK)"), kind=AMOUNT, required=True,
               aliases=("beløb", "amount", "kr.", "dkk"),
               help=gettext_lazy("An amount in DKK, e.g. 1.234,50 or 1234.50.")),
        Column("description", gettext_lazy("Description"), required=True, aliases=("beskrivelse", "tekst", "text")),
    )
    field_columns = {"spent_on": "date", "amount_dkk": "amount", "description": "description",
                     "budget_line": "code"}

    def example_rows(self, language):
        if language == "da":
            return [["WP1", date(2021, 10, 4), Decimal("12500"), "Leje af lokale til kick-off"],
                    ["WP2", date(2022, 2, 15), Decimal("48250.75"), "Materialer til lokal test"]]
        return [["WP1", date(2021, 10, 4), Decimal("12500"), "Venue for the kick-off"],
                ["WP2", date(2022, 2, 15), Decimal("48250.75"), "Materials for a local test"]]

    def lookups(self, programme, rows):
        return {"lines": {line.code.casefold(): line for line in BudgetLine.objects.filter(programme=programme)}}

    def check(self, row, lookups, seen, letters):
        line = None
        if row.values["code"]:
            line = lookups["lines"].get(row.values["code"].casefold())
            if line is None:
                self.error(row, "code", _("This budget has no work package %(code)s. Add it first, or import the "
                                          "budget lines.") % {"code": row.values["code"]}, letters)
        row.values["_line"] = line
        spending = Spending(budget_line=line, spent_on=row.values["date"], amount_dkk=row.values["amount"],
                            description=row.values["description"])
        self.model_check(row, spending, ["budget_line", "recorded_by"], letters)

    def display(self, row):
        shown = super().display(row)
        if row.values.get("_line") is not None:
            shown[0] = str(row.values["_line"])
        return shown

    def save(self, row, programme, lookups, by):
        from programmes.services import spending_create

        _spending, warnings = spending_create(budget_line=row.values["_line"], spent_on=row.values["date"],
                                              amount_dkk=row.values["amount"],
                                              description=row.values["description"], by=by)
        return warnings


KINDS: dict[str, Kind] = {kind.key: kind for kind in (TeamKind(), MilestoneKind(), BudgetLineKind(), SpendingKind())}
PROGRAMME_KINDS = [key for key, kind in KINDS.items() if kind.target == "programme"]


