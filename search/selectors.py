"""Search everything a person may see: one read per kind, each narrowed FIRST by the visibility rules of the app
that owns the kind (the same ``*_visibility`` filters and ``scope_of`` the pages use), then matched.

PostgreSQL: full text with the 'danish' configuration ("genbruget" finds "genbrug"), GIN indexes on
the searched vectors, stored and kept by triggers (issue 22), highlighted snippets by ``ts_headline``; names by
``unaccent`` and trigram word similarity ("kobenhavn" finds København). SQLite (the embedded run): every word
must occur in one of the fields (``icontains``), names compared without accents and Danish letters by a function
registered on each SQLite connection (``cc_search_fold``: "kobenhavn" finds København there too; no typos), and
the snippet is cut and marked in Python.

Snippets are made safe here, not in templates: the database marks the matches with two private-use characters,
the text is escaped in full, and only then are the marks turned into ``<mark>`` elements.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import CharField, F, Func, Q, QuerySet, TextField, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.permissions import scope_of
from community import selectors as community
from municipalities.models import PartnerInvolvement, ProgressEntry
from municipalities.selectors import progress_entry_visibility
from programmes.models import (
    LocalChallenge,
    Milestone,
    Organisation,
    Participation,
    Programme,
    ProgrammeOrganisation,
)
from programmes.selectors import milestone_visibility
from workshops.models import ActionItem, AgendaItem, Decision, Meeting
from workshops.selectors import meeting_visibility

CONFIG = "danish"
MAX_WORDS = 8
MAX_QUERY = 200
START, STOP = "\ue000", "\ue001"  # marks around a match, never shown: replaced after escaping
SNIPPET_WORDS = 30


# --- The searched expressions (stored and GIN-indexed on PostgreSQL: municipalities 0009, programmes 0007,
# workshops 0005) ------------------------------------------------------------------------------------------------

# model label → fields, in the order the vector is built. Keep in step with those migrations (a test compares them).
FULL_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "programmes.Programme": ("name_da", "name_en", "description_da", "description_en"),
    "programmes.LocalChallenge": ("title", "problem_statement"),
    "programmes.Milestone": ("title_da", "title_en", "description"),
    "municipalities.ProgressEntry": ("what_happened", "learnings", "blockers", "next_steps"),
    "workshops.Meeting": ("title_da", "title_en", "description_da", "description_en"),
    "workshops.Meeting#minutes": ("minutes",),
    "workshops.AgendaItem": ("title",),
    "workshops.Decision": ("text",),
    "workshops.ActionItem": ("text",),
}


# The vector of the same fields is stored in every kind, kept by a trigger (municipalities 0009, programmes 0007,
# workshops 0005): a common word would otherwise make PostgreSQL compute the vector of every row it reads at query
# time (issue 22, bench: 10 ms for the decisions, 3 ms for the twelve programmes' descriptions).
STORED_VECTORS = {
    "programmes.Programme": "search_vector",
    "programmes.LocalChallenge": "search_vector",
    "programmes.Milestone": "search_vector",
    "municipalities.ProgressEntry": "search_vector",
    "workshops.Meeting": "search_vector",
    "workshops.Meeting#minutes": "minutes_search_vector",
    "workshops.AgendaItem": "search_vector",
    "workshops.Decision": "search_vector",
    "workshops.ActionItem": "search_vector",
}


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def words(query: str) -> list[str]:
    return [w for w in re.split(r"\s+", query.strip()[:MAX_QUERY]) if w][:MAX_WORDS]


def plain(text: str) -> str:
    """Without accents and Danish letters, as PostgreSQL's ``unaccent`` writes them: København → Kobenhavn."""
    text = text.replace("æ", "ae").replace("Æ", "AE").replace("ø", "o").replace("Ø", "O")
    text = text.replace("å", "a").replace("Å", "A")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _vector(fields):
    from django.contrib.postgres.search import SearchVector

    return SearchVector(*fields, config=CONFIG)


def _query(query: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(query, config=CONFIG, search_type="websearch")


def _icontains(fields, query: str) -> Q:
    """The SQLite fallback: every word occurs in one of the fields (in any of the usual spellings of Æ, Ø, Å)."""
    match = Q()
    for word in words(query):
        any_field = Q()
        # ``icontains`` ignores the case of ASCII letters on every database: one spelling is enough for those
        # (a LIKE less per row and field, issue 22); Æ, Ø and Å only as the database's own upper/lower knows them.
        spellings = {word} if word.isascii() else {word, word.lower(), word.capitalize()}
        for name in fields:
            for variant in spellings:
                any_field |= Q(**{f"{name}__icontains": variant})
        match &= any_field
    return match


def text_match(queryset: QuerySet, key: str, query: str) -> Q | None:
    """A filter for ``queryset`` rows whose fields of ``FULL_TEXT_FIELDS[key]`` match (None: no words)."""
    if not words(query):
        return None
    fields = FULL_TEXT_FIELDS[key]
    if uses_full_text_search():
        from django.contrib.postgres.search import SearchVectorExact

        if key in STORED_VECTORS:
            return Q(**{STORED_VECTORS[key]: _query(query)})
        return Q(SearchVectorExact(_vector(fields), _query(query)))
    return _icontains(fields, query)


def name_match(field_name: str, query: str) -> Q:
    """Names: every word occurs in the name without accents, or the whole query is close to a word of it."""
    if uses_full_text_search():
        from django.contrib.postgres.lookups import Unaccent
        from django.contrib.postgres.search import TrigramWordSimilarity
        from django.db.models.lookups import GreaterThanOrEqual, IContains

        every = Q()
        for word in words(query):
            every &= Q(IContains(Unaccent(F(field_name)), plain(word)))
        similar = Q(GreaterThanOrEqual(TrigramWordSimilarity(Value(plain(query)), Unaccent(F(field_name))), 0.6))
        return every | similar
    if connection.vendor != "sqlite":  # another database without full-text search here: plain words
        return _icontains([field_name], query)
    from django.db.models.lookups import Contains

    # SQLite: every word occurs in the name, both written without accents and Danish letters (SQLITE_FOLD).
    folded = Func(F(field_name), function=SQLITE_FOLD, output_field=CharField())
    every = Q()
    for word in words(query):
        every &= Q(Contains(folded, plain(word).lower()))
    return every


SQLITE_FOLD = "cc_search_fold"


def _fold(value):
    return None if value is None else plain(str(value)).lower()


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """The embedded run's names without accents: SQLite has no ``unaccent``, so each new SQLite connection gets
    ``cc_search_fold(text)``, the same folding as ``plain`` (København → kobenhavn), for ``name_match``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD, 1, _fold, deterministic=True)


def ranked(queryset: QuerySet, key: str, query: str, *then) -> QuerySet:
    """Best matches first (PostgreSQL's ``ts_rank`` of the same vector), then ``then``. Used for programmes (a
    dozen rows); the other kinds are listed newest first or by name, which reads better in a log and keeps the
    rank from being computed for thousands of matches (measured: ranking the 561 local challenges of the bench
    doubled their query)."""
    if not uses_full_text_search() or not words(query):
        return queryset.order_by(*then)
    from django.contrib.postgres.search import SearchRank

    vector = F(STORED_VECTORS[key]) if key in STORED_VECTORS else _vector(FULL_TEXT_FIELDS[key])
    return queryset.annotate(rank=SearchRank(vector, _query(query))).order_by("-rank", *then)


def _text(*fields):
    """The fields joined by spaces (PostgreSQL only). ``concat_ws`` is one function, where ``Concat`` nests a pair and
    a ``COALESCE`` per field: the same text, a third of the time to build and compile (issue 22)."""
    if len(fields) == 1:
        return F(fields[0])
    return Func(Value(" "), *(F(name) for name in fields), function="concat_ws", output_field=TextField())


def with_headline(queryset: QuerySet, query: str, *fields) -> QuerySet:
    """Adds ``headline``: the text of ``fields`` around the matches, marked (PostgreSQL; computed for the rows of
    one page only, after the sort and limit)."""
    if not fields or not uses_full_text_search() or not words(query):
        return queryset
    from django.contrib.postgres.search import SearchHeadline

    return queryset.annotate(headline=SearchHeadline(
        _text(*fields), _query(query), config=CONFIG, start_sel=START, stop_sel=STOP,
        max_words=SNIPPET_WORDS, min_words=10, max_fragments=2, fragment_delimiter=" … "))


def render_snippet(marked: str) -> SafeString:
    """Escape everything, then turn the marks the database set into ``<mark>``."""
    html = escape(marked).replace(START, "<mark>").replace(STOP, "</mark>")
    if html.count("<mark>") != html.count("</mark>"):  # never leave an element open
        html = html.replace("<mark>", "").replace("</mark>", "")
    return mark_safe(html)  # noqa: S308 — escaped above; the only markup is <mark>


def python_snippet(text: str, query: str, length: int = 220) -> SafeString:
    """The SQLite fallback's snippet: a window around the first word found, the words marked."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")
    found = [w for w in words(query) if w.lower() in text.lower()]
    start = 0
    if found:
        at = text.lower().find(found[0].lower())
        start = max(0, at - length // 3)
    window = text[start:start + length]
    prefix, suffix = ("… " if start else ""), (" …" if start + length < len(text) else "")
    if found:
        pattern = re.compile("|".join(re.escape(w) for w in sorted(found, key=len, reverse=True)), re.IGNORECASE)
        window = pattern.sub(lambda m: START + m.group(0) + STOP, window)
    return render_snippet(prefix + window + suffix)


# --- Results ------------------------------------------------------------------------------------------------

@dataclass
class Result:
    title: str
    url: str
    programme: str = ""
    municipality: str = ""
    when: date | None = None
    when_label: str = ""
    badge: str = ""
    snippet: SafeString | str = ""

    @property
    def meta(self) -> str:
        """The line under the title: programme · municipality (or owner, roles) · when. Joined here rather than by a
        dozen template conditions per row (issue 22: the rows took 5 ms of the overview, now half)."""
        parts = [str(part) for part in (self.programme, self.municipality) if part]
        if self.when:
            day = self.when.strftime("%d.%m.%Y")
            parts.append(f"{self.when_label} {day}" if self.when_label else day)
        return " · ".join(parts)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    queryset: Callable  # (user, query, programme_id) -> QuerySet or None (nothing to search)
    result: Callable  # (obj, query, names) -> Result
    snippet_fields: tuple[str, ...] = ()
    fallback_text: Callable | None = None  # obj -> text for the SQLite snippet
    names: bool = True  # its results show the names of their programme, municipality or meeting (``read_names``)


def _snippet(obj, query: str, fallback: str) -> SafeString | str:
    marked = getattr(obj, "headline", None)
    if marked:
        return render_snippet(marked)
    if fallback and not uses_full_text_search():
        return python_snippet(fallback, query)
    return ""


def _programme_filter(programme_id, path: str) -> Q:
    return Q(**{path: programme_id}) if programme_id else Q()


PROGRAMME_ONLY = ("name_da", "name_en", "slug")


# --- Names of the places results belong to ------------------------------------------------------------------

@dataclass
class Names:
    """The programme, municipality and meeting each result belongs to, read once for all the results of a page (at
    most three queries) instead of joined into every kind's query: those joins cost more to plan and compile than
    the search itself (issue 22, bench: the progress entries' query from 4.5 ms to 2.4 ms)."""
    programmes: dict[int, Programme] = field(default_factory=dict)
    participations: dict[int, Participation] = field(default_factory=dict)
    meetings: dict[int, Meeting] = field(default_factory=dict)

    def programme(self, pk: int | None) -> str:
        programme = self.programmes.get(pk)
        return programme.localized("name") if programme is not None else ""

    def programme_slug(self, pk: int) -> str:
        return self.programmes[pk].slug

    def programme_of(self, participation_id: int | None) -> str:
        """The programme of a municipality's participation."""
        participation = self.participations.get(participation_id)
        return self.programme(participation.cohort.programme_id) if participation is not None else ""

    def municipality(self, participation_id: int | None) -> str:
        participation = self.participations.get(participation_id)
        return participation.municipality.name if participation is not None else ""


def _ids(objects, attribute: str) -> set[int]:
    return {value for obj in objects if (value := getattr(obj, attribute, None)) is not None}


def read_names(objects, known: dict[int, Programme] | None = None) -> Names:
    """The names the results of ``objects`` show (see ``Names``). A kind that shows them reads their ids only.
    ``known``: programmes the page has read already (the programme filter's), not read again."""
    names = Names()
    meeting_ids = _ids(objects, "meeting_id")
    if meeting_ids:
        names.meetings = {m.pk: m for m in Meeting.objects.filter(pk__in=meeting_ids).only(
            "title_da", "title_en", "starts_at", "programme_id", "participation_id")}
    participation_ids = _ids(objects, "participation_id") | _ids(names.meetings.values(), "participation_id")
    if participation_ids:
        names.participations = {p.pk: p for p in Participation.objects.filter(pk__in=participation_ids).select_related(
            "municipality", "cohort").only("municipality__name", "cohort__programme")}
    programme_ids = (_ids(objects, "programme_id") | _ids(names.meetings.values(), "programme_id")
                     | {p.cohort.programme_id for p in names.participations.values()}
                     | {p.cohort.programme_id for p in objects if isinstance(p, Participation)})
    known = known or {}
    names.programmes = {pk: known[pk] for pk in programme_ids if pk in known}
    missing = programme_ids - names.programmes.keys()
    if missing:
        names.programmes.update(
            (p.pk, p) for p in Programme.objects.filter(pk__in=missing).only(*PROGRAMME_ONLY))
    return names


# Programmes -----------------------------------------------------------------------------------------------

def _programmes(user, query, programme_id):
    match = text_match(Programme.objects, "programmes.Programme", query)
    if match is None:
        return None
    programmes = Programme.objects.filter(scope_of(user).programme_filter()).filter(
        match, _programme_filter(programme_id, "pk"))
    return ranked(programmes, "programmes.Programme", query, "-starts_on", "name_da", "pk")


def _programme_result(p, query, names):
    return Result(title=p.localized("name"), url=p.get_absolute_url(), when=p.starts_on,
                  when_label=_("starts"), badge=p.get_status_display(),
                  snippet=_snippet(p, query, p.localized("description")))


# Municipalities (in the programmes the person sees) and their local challenges -------------------------------

def _municipalities(user, query, programme_id):
    if not words(query):
        return None
    return Participation.objects.filter(scope_of(user).participation_filter()).filter(
        name_match("municipality__name", query), _programme_filter(programme_id, "cohort__programme_id")
    ).select_related("municipality", "cohort").only(
        "stage", "municipality__name", "cohort__name", "cohort__starts_on", "cohort__programme").order_by(
        "municipality__name", "-cohort__starts_on", "pk")


def _municipality_result(p, query, names):
    return Result(title=p.municipality.name, url=p.get_absolute_url(), programme=names.programme(p.cohort.programme_id),
                  municipality=p.cohort.name, when=p.cohort.starts_on, when_label=_("cohort starts"),
                  badge=p.get_stage_display())


def _challenges(user, query, programme_id):
    match = text_match(LocalChallenge.objects, "programmes.LocalChallenge", query)
    if match is None:
        return None
    challenges = LocalChallenge.objects.filter(scope_of(user).participation_filter("participation__")).filter(
        match, _programme_filter(programme_id, "participation__cohort__programme_id")).only(
        "title", "problem_statement", "material_stream", "participation_id")
    return challenges.order_by("participation__municipality__name", "pk")


def _challenge_result(c, query, names):
    return Result(title=c.title, url=reverse("municipalities:participation", args=[c.participation_id]),
                  programme=names.programme_of(c.participation_id),
                  municipality=names.municipality(c.participation_id), badge=c.get_material_stream_display(),
                  snippet=_snippet(c, query, c.problem_statement))


# Milestones ---------------------------------------------------------------------------------------------------

def _milestones(user, query, programme_id):
    match = text_match(Milestone.objects, "programmes.Milestone", query)
    if match is None:
        return None
    return Milestone.objects.filter(milestone_visibility(user)).filter(
        match, _programme_filter(programme_id, "programme_id")).only(
        "title_da", "title_en", "description", "due_on", "status", "programme_id", "participation_id").order_by(
        "-due_on", "-pk")


def _milestone_result(m, query, names):
    url = reverse("programmes:milestones", args=[names.programme_slug(m.programme_id)])
    url += f"?where={m.participation_id}" if m.participation_id else "?where=programme"
    return Result(title=m.localized("title"), url=url, programme=names.programme(m.programme_id),
                  municipality=names.municipality(m.participation_id),
                  when=m.due_on, when_label=_("due"), badge=m.get_status_display(),
                  snippet=_snippet(m, query, m.description))


# Progress entries ---------------------------------------------------------------------------------------------

def _progress(user, query, programme_id):
    match = text_match(ProgressEntry.objects, "municipalities.ProgressEntry", query)
    if match is None:
        return None
    return ProgressEntry.objects.filter(progress_entry_visibility(user)).exclude(
        state=ProgressEntry.State.WITHDRAWN).filter(
        match, _programme_filter(programme_id, "participation__cohort__programme_id")).only(
        "happened_on", "status", "state", "what_happened", "learnings", "blockers", "next_steps",
        "participation_id").order_by("-happened_on", "-pk")


def _progress_result(e, query, names):
    badge = e.get_status_display()
    if e.state != ProgressEntry.State.PUBLISHED:
        badge = f"{e.get_state_display()} · {badge}"
    first_line = " ".join(e.what_happened.split())[:90]
    return Result(title=first_line or str(_("Progress")), url=e.get_absolute_url(),
                  programme=names.programme_of(e.participation_id),
                  municipality=names.municipality(e.participation_id), when=e.happened_on, badge=badge,
                  snippet=_snippet(e, query, " ".join([e.what_happened, e.learnings, e.blockers, e.next_steps])))


# Meetings: agenda and minutes ---------------------------------------------------------------------------------

def minutes_visibility(user) -> Q:
    """Minutes are read once published, and by the organisers while drafted (``can_read_minutes``)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    return Q(minutes_published_at__isnull=False) | Q(programme_id__in=scope.facilitator_programmes)


def _meetings(user, query, programme_id):
    match = text_match(Meeting.objects, "workshops.Meeting", query)
    if match is None:
        return None
    # The vectors are stored (workshops 0005): one OR over them reads each meeting once, no vector computed
    in_text = match
    in_minutes = text_match(Meeting.objects, "workshops.Meeting#minutes", query) & minutes_visibility(user)
    in_agenda = Q(pk__in=AgendaItem.objects.filter(
        text_match(AgendaItem.objects, "workshops.AgendaItem", query)).values("meeting_id"))
    return Meeting.objects.filter(meeting_visibility(user)).filter(
        in_text | in_minutes | in_agenda).filter(_programme_filter(programme_id, "programme_id")).only(
        "title_da", "title_en", "description_da", "description_en", "kind", "starts_at", "minutes",
        "minutes_published_at", "programme_id", "participation_id").order_by("-starts_at", "-pk")


def _meeting_result(m, query, names):
    minutes = m.minutes if (m.minutes_published_at is not None) else ""
    return Result(title=m.localized("title"), url=m.get_absolute_url(), programme=names.programme(m.programme_id),
                  municipality=names.municipality(m.participation_id),
                  when=timezone.localtime(m.starts_at).date(), badge=m.get_kind_display(),
                  snippet=_snippet(m, query, " ".join([m.localized("description"), minutes])))


def _decisions(user, query, programme_id):
    match = text_match(Decision.objects, "workshops.Decision", query)
    if match is None:
        return None
    return Decision.objects.filter(meeting_visibility(user, "meeting__")).filter(
        match, _programme_filter(programme_id, "meeting__programme_id")).only("text", "meeting_id").order_by(
        "-meeting__starts_at", "-pk")


def _decision_result(d, query, names):
    meeting = names.meetings[d.meeting_id]
    text = " ".join(d.text.split())
    return Result(title=text[:120], url=f"{meeting.get_absolute_url()}#decisions",
                  programme=names.programme(meeting.programme_id),
                  municipality=names.municipality(meeting.participation_id),
                  when=timezone.localtime(meeting.starts_at).date(), badge=meeting.localized("title"),
                  snippet=_snippet(d, query, d.text))


def _actions(user, query, programme_id):
    match = text_match(ActionItem.objects, "workshops.ActionItem", query)
    if match is None:
        return None
    return ActionItem.objects.filter(meeting_visibility(user, "meeting__")).filter(
        match, _programme_filter(programme_id, "meeting__programme_id")).select_related("owner").only(
        "text", "due_on", "meeting_id", "owner__full_name", "owner__email", "owner__erased_at").order_by(
        "-due_on", "-pk")


def _action_result(a, query, names):
    meeting = names.meetings[a.meeting_id]
    owner = a.owner.get_full_name() if a.owner_id else ""
    return Result(title=a.text, url=f"{meeting.get_absolute_url()}#actions",
                  programme=names.programme(meeting.programme_id), municipality=owner,
                  when=a.due_on, when_label=_("due"), badge=meeting.localized("title"),
                  snippet=_snippet(a, query, a.text))


# Partners and organisations -----------------------------------------------------------------------------------

def _organisations(user, query, programme_id):
    if not words(query):
        return None
    return ProgrammeOrganisation.objects.filter(scope_of(user).programme_filter("programme__")).filter(
        name_match("organisation__name", query), _programme_filter(programme_id, "programme_id")).select_related(
        "organisation").only("part", "programme_id", "organisation__name").order_by(
        "organisation__name", "programme__name_da", "pk")


def _organisation_result(link, query, names):
    return Result(title=link.organisation.name,
                  url=reverse("programmes:detail", args=[names.programme_slug(link.programme_id)]),
                  programme=names.programme(link.programme_id), badge=link.get_part_display())


def _partners(user, query, programme_id):
    if not words(query):
        return None
    entries = ProgressEntry.objects.filter(progress_entry_visibility(user)).values("pk")
    return PartnerInvolvement.objects.filter(scope_of(user).participation_filter("participation__")).filter(
        Q(entry__isnull=True) | Q(entry__in=entries)).filter(
        Q(organisation__in=Organisation.objects.filter(name_match("name", query)).values("pk"))
        | _icontains(["role"], query),
        _programme_filter(programme_id, "participation__cohort__programme_id")).select_related(
        "organisation").only("role", "sector", "starts_on", "participation_id", "organisation__name").order_by(
        "organisation__name", "-starts_on", "pk")


def _partner_result(p, query, names):
    return Result(title=p.organisation.name, url=reverse("municipalities:partners", args=[p.participation_id]),
                  programme=names.programme_of(p.participation_id),
                  municipality=names.municipality(p.participation_id), when=p.starts_on, when_label=_("from"),
                  badge=p.get_sector_display(), snippet=python_snippet(p.role, query))


# People, library, threads (the community's own searches and visibility) --------------------------------------

def _people(user, query, programme_id):
    if not words(query) or programme_id:
        return None  # people belong to the community, not to one programme
    # One filter, no DISTINCT: the profile is one-to-one, so no person is listed twice
    return community.member_directory(user=user).filter(
        community.people_match(" ".join(words(query))) | name_match("full_name", query)).order_by("full_name", "email")


def _person_result(u, query, names):
    card = community.member_card(u)
    roles = "; ".join(f"{line.label}{' · ' + str(line.place) if line.place else ''}" for line in card.roles)
    return Result(title=card.name, url=reverse("community:member", args=[u.pk]), municipality=roles,
                  badge=card.organisation or "")


def _library(user, query, programme_id):
    if not words(query):
        return None
    items = community.search_items(user=user, query=" ".join(words(query)), ranked=False)
    if programme_id:
        items = items.filter(programme_id=programme_id)
    return items


def _library_result(i, query, names):
    return Result(title=i.title, url=i.get_absolute_url(),
                  programme=i.programme.localized("name") if i.programme_id else "",
                  municipality=i.municipality.name if i.municipality_id else "",
                  when=i.published_at.date() if i.published_at else None, badge=i.get_kind_display(),
                  snippet=_snippet(i, query, i.summary))


def _threads(user, query, programme_id):
    if not words(query):
        return None
    threads = community.search_threads(user=user, query=" ".join(words(query)), ranked=False)
    if programme_id:
        threads = threads.filter(programme_id=programme_id)
    return threads


def _thread_result(t, query, names):
    return Result(title=t.title, url=t.get_absolute_url(),
                  municipality=t.municipality.name if t.municipality_id else "",
                  when=t.last_activity_at.date() if t.last_activity_at else None, badge=t.get_kind_display(),
                  snippet=_snippet(t, query, ""))


KINDS: tuple[Kind, ...] = (
    Kind("programmes", _("Programmes"), _programmes, _programme_result, ("description_da",), names=False),
    Kind("municipalities", _("Municipalities"), _municipalities, _municipality_result),
    Kind("challenges", _("Local challenges"), _challenges, _challenge_result, ("title", "problem_statement")),
    Kind("milestones", _("Milestones"), _milestones, _milestone_result, ("title_da", "description")),
    Kind("progress", _("Progress entries"), _progress, _progress_result,
         ("what_happened", "learnings", "blockers", "next_steps")),
    Kind("meetings", _("Meetings"), _meetings, _meeting_result, ("title_da", "description_da")),
    Kind("decisions", _("Decisions"), _decisions, _decision_result, ("text",)),
    Kind("actions", _("Action items"), _actions, _action_result, ("text",)),
    Kind("organisations", _("Organisations"), _organisations, _organisation_result),
    Kind("partners", _("Partners of the local tests"), _partners, _partner_result),
    # The community's own reads: they join the few names they show
    Kind("people", _("People"), _people, _person_result, names=False),
    Kind("library", _("Library"), _library, _library_result, ("summary_da", "summary_en"), names=False),
    Kind("threads", _("Sparring"), _threads, _thread_result, ("title", "body"), names=False),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass
class Section:
    kind: Kind
    results: list[Result] = field(default_factory=list)
    more: bool = False  # more than shown (the overview shows the first few of each kind)
    page: object = None  # the kind's page (when one kind is asked for)
    more_query: str = ""  # the query string of this kind's own, paginated list


def search_queryset(*, user, kind: Kind, query: str, programme_id: int | None = None) -> QuerySet | None:
    """The kind's matches the person may see, in order, with the headline (None: nothing to search)."""
    queryset = kind.queryset(user, query, programme_id)
    if queryset is None:
        return None
    return with_headline(queryset, query, *kind.snippet_fields)


def results_of(*, kind: Kind, objects, query: str, names: Names | None = None,
               programmes: dict[int, Programme] | None = None) -> list[Result]:
    objects = list(objects)
    if names is None:
        names = read_names(objects, programmes) if kind.names else Names()
    return [kind.result(obj, query, names) for obj in objects]


def search_overview(*, user, query: str, programme_id: int | None = None, per_kind: int = 5,
                    programmes: dict[int, Programme] | None = None) -> list[Section]:
    """The first ``per_kind`` results of every kind: one query per kind and at most three for the names of their
    programmes, municipalities and meetings, whatever the data (``programmes``: those read already, by pk)."""
    found = []
    for kind in KINDS:
        queryset = search_queryset(user=user, kind=kind, query=query, programme_id=programme_id)
        if queryset is not None:
            found.append((kind, list(queryset[:per_kind + 1])))
    names = read_names([obj for kind, objects in found if kind.names for obj in objects[:per_kind]], programmes)
    return [Section(kind=kind, results=results_of(kind=kind, objects=objects[:per_kind], query=query, names=names),
                    more=len(objects) > per_kind) for kind, objects in found]


def visible_programmes(*, user) -> list[Programme]:
    """The programmes the person sees, newest first: the programme filter's choices, and the names of most
    results (``read_names(known=…)`` reads only the others)."""
    return list(Programme.objects.filter(scope_of(user).programme_filter()).only(*PROGRAMME_ONLY).order_by(
        "-starts_on", "name_da", "pk"))


def programme_choices(programmes: list[Programme]) -> list[tuple[int, str]]:
    """The programme filter's choices: the programmes the person sees (``visible_programmes``)."""
    return [(p.pk, p.localized("name")) for p in programmes]

