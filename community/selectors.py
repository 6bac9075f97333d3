"""Every read the community screens need. Visibility is built once, as a ``Q`` per person
(:func:`item_visibility`, :func:`thread_visibility`), and used by lists, detail pages, search, the showcase
and the feed alike — so something a person may not see cannot turn up anywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from accounts.permissions import scope_of
from municipalities.models import Municipality
from programmes.models import LocalChallenge, Participation, Programme

from .models import Adoption, LibraryItem, ModerationAction, Post, Profile, Report, Thread, Visibility
from .permissions import is_member

NOTHING = Q(pk__in=[])
LIVE_ITEM = Q(published_at__isnull=False, hidden_at__isnull=True)
PUBLIC_ITEM = Q(visibility=Visibility.PUBLIC) & LIVE_ITEM
MAX_SEARCH_WORDS = 8


# --- Membership ----------------------------------------------------------------------------------------

def role_history(*, user) -> QuerySet[RoleAssignment]:
    """Every role the person holds or has held, ended ones included: alumni stay members of the community."""
    return RoleAssignment.objects.filter(user=user)


def member_filter() -> Q:
    """People who are members: an active account with at least one role assignment, past or present."""
    return Q(is_active=True) & Q(Exists(RoleAssignment.objects.filter(user_id=OuterRef("pk"))))


# --- Visibility --------------------------------------------------------------------------------------

def _moderated(scope) -> Q:
    """What a facilitator moderates: their programmes' content, and community-wide content (no programme)."""
    if not scope.facilitator_programmes:
        return NOTHING
    return Q(programme_id__in=scope.facilitator_programmes) | Q(programme__isnull=True)


def item_visibility(user) -> Q:
    """The library items ``user`` may see (``None`` or anonymous: the public showcase)."""
    if user is None or not is_member(user):
        return PUBLIC_ITEM
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    audience = Q(visibility__in=[Visibility.COMMUNITY, Visibility.PUBLIC]) | Q(
        visibility=Visibility.COHORT, programme_id__in=scope.programme_ids)
    visible = (LIVE_ITEM & audience) | Q(author_id=user.pk, hidden_at__isnull=True)
    if scope.staff_participations:  # a local test's team sees its own solution model while it is a draft
        visible |= Q(kind=LibraryItem.Kind.SOLUTION_MODEL, participation_id__in=scope.staff_participations,
                     hidden_at__isnull=True)
    return visible | _moderated(scope)


def thread_visibility(user) -> Q:
    if user is None or not is_member(user):
        return NOTHING
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    audience = Q(visibility=Visibility.COMMUNITY) | Q(visibility=Visibility.COHORT,
                                                      programme_id__in=scope.programme_ids)
    return (Q(hidden_at__isnull=True) & audience) | _moderated(scope)


def moderates(user, programme_id) -> bool:
    scope = scope_of(user)
    return scope.is_admin or (programme_id in scope.facilitator_programmes if programme_id
                              else bool(scope.facilitator_programmes))


# --- Library -----------------------------------------------------------------------------------------

@dataclass
class LibraryFilters:
    kind: str = ""
    material_stream: str = ""
    strategy: str = ""
    sdg: int | None = None
    programme: Programme | None = None


# Lists never show an item's text or the programme's description: not loaded (up to 20 000 characters each).
LIST_DEFERRED = ("body_da", "body_en", "search_vector", "programme__description_da", "programme__description_en")


def _item_list(items: QuerySet[LibraryItem]) -> QuerySet[LibraryItem]:
    return items.select_related("programme", "municipality", "author").defer(*LIST_DEFERRED).annotate(
        adoption_count=Count("adoptions"))


def library_list(*, user, filters: LibraryFilters | None = None) -> QuerySet[LibraryItem]:
    filters = filters or LibraryFilters()
    items = LibraryItem.objects.filter(item_visibility(user))
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.material_stream:
        items = items.filter(material_stream=filters.material_stream)
    if filters.strategy:
        items = items.filter(strategy=filters.strategy)
    if filters.programme is not None:
        items = items.filter(programme=filters.programme)
    if filters.sdg:
        # JSON lists are text on every database: "[9, 11, 12]" — match the number as a whole.
        items = items.annotate(sdg_text=Cast("sdgs", TextField())).filter(
            sdg_text__regex=rf"(^|[^0-9]){int(filters.sdg)}([^0-9]|$)")
    return _item_list(items).order_by("-published_at", "-created_at", "-id")


def recent_items(*, user, limit: int = 5) -> list[LibraryItem]:
    return list(_item_list(LibraryItem.objects.filter(item_visibility(user)).filter(LIVE_ITEM))
                .order_by("-published_at", "-id")[:limit])


def item_get_for_user_or_404(*, user, pk: int) -> LibraryItem:
    return get_object_or_404(
        LibraryItem.objects.filter(item_visibility(user)).select_related(
            "programme", "municipality", "author", "participation__cohort__programme"
        ).prefetch_related(
            Prefetch("adoptions", queryset=Adoption.objects.select_related("municipality", "adopted_by"))),
        pk=pk,
    )


def adoption_get_for_user_or_404(*, user, pk: int) -> Adoption:
    adoption = get_object_or_404(Adoption.objects.select_related("item", "municipality"), pk=pk)
    if not LibraryItem.objects.filter(item_visibility(user)).filter(pk=adoption.item_id).exists():
        raise Http404
    return adoption


def programmes_for_tagging(*, user) -> QuerySet[Programme]:
    """Programmes a person may tag an item or thread with: their own (admins: all)."""
    scope = scope_of(user)
    return Programme.objects.filter(scope.programme_filter()).order_by("name_da")


def participations_for_solution_models(*, user) -> QuerySet[Participation]:
    """Local tests whose solution model the person may write: their municipality's, or their programmes'."""
    scope = scope_of(user)
    participations = Participation.objects.select_related("municipality", "cohort__programme")
    if not scope.is_admin:
        participations = participations.filter(Q(pk__in=scope.staff_participations)
                                               | Q(cohort__programme_id__in=scope.facilitator_programmes))
    return participations.order_by("municipality__name", "cohort__programme__name_da")


def municipalities_for_adoption(*, user, item: LibraryItem) -> QuerySet[Municipality]:
    """Municipalities the person may record an adoption for: staff their own; facilitators those of their
    programmes; admins any municipality that takes part in a programme. Never the model's own."""
    scope = scope_of(user)
    municipalities = Municipality.objects.all()
    if scope.is_admin:
        municipalities = municipalities.filter(Exists(Participation.objects.filter(municipality=OuterRef("pk"))))
    else:
        municipalities = municipalities.filter(Q(pk__in=scope.staff_municipalities) | Q(Exists(
            Participation.objects.filter(municipality=OuterRef("pk"),
                                         cohort__programme_id__in=scope.facilitator_programmes))))
    if item.municipality_id:
        municipalities = municipalities.exclude(pk=item.municipality_id)
    return municipalities.order_by("name")


def team_of_municipality(*, municipality_id: int) -> QuerySet[User]:
    """The municipality's team: people with an active staff role there."""
    today = timezone.localdate()
    return User.objects.filter(is_active=True, pk__in=RoleAssignment.objects.filter(
        role=Role.STAFF, municipality_id=municipality_id).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)).values("user_id"))


# --- Threads -----------------------------------------------------------------------------------------

def thread_list(*, user, kind: str = "", material_stream: str = "", mine: bool = False) -> QuerySet[Thread]:
    threads = Thread.objects.filter(thread_visibility(user))
    if kind:
        threads = threads.filter(kind=kind)
    if material_stream:
        threads = threads.filter(material_stream=material_stream)
    if mine:
        threads = threads.filter(author=user)
    return threads.select_related("author", "municipality", "programme").defer(
        "body", "search_vector", "programme__description_da", "programme__description_en").annotate(
        answer_count=Count("posts", filter=Q(posts__hidden_at__isnull=True))
    ).order_by("-last_activity_at", "-id")


def thread_get_for_user_or_404(*, user, pk: int) -> Thread:
    return get_object_or_404(
        Thread.objects.filter(thread_visibility(user)).select_related("author", "municipality", "programme"), pk=pk)


def own_hidden_thread(*, user, pk: int) -> Thread | None:
    """A thread a moderator hid, when ``user`` asked it: its author is told so instead of a 404. ``reason`` is
    set to why the moderator hid it (the latest hiding), or ""."""
    if user is None or not user.is_authenticated:
        return None
    thread = Thread.objects.filter(pk=pk, author=user, hidden_at__isnull=False).first()
    if thread is not None:
        thread.reason = (ModerationAction.objects.filter(thread=thread, action=ModerationAction.Action.HIDE)
                         .order_by("-created_at", "-id").values_list("reason", flat=True).first()) or ""
    return thread


def thread_posts(*, thread: Thread) -> QuerySet[Post]:
    return thread.posts.select_related("author", "municipality").order_by("created_at", "id")


def post_get_for_user_or_404(*, user, pk: int) -> Post:
    return get_object_or_404(
        Post.objects.filter(thread__in=Thread.objects.filter(thread_visibility(user))).select_related(
            "thread", "author", "municipality"), pk=pk)


# --- Sparring partners ------------------------------------------------------------------------------

@dataclass
class Suggestion:
    municipality_id: int
    name: str
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    solution_models: list[LibraryItem] = field(default_factory=list)


def partner_suggestions(*, user, material_stream: str = "", strategy: str = "",
                        exclude_municipality_ids=(), limit: int = 6) -> list[Suggestion]:
    """Municipalities to spar with, best first, each with why: those whose local challenge has the same
    material stream (strongest) or strategy, and those with a published solution model for it (they have
    solved something similar). Two queries, whatever the number of municipalities."""
    match = Q()
    if material_stream:
        match |= Q(material_stream=material_stream)
    if strategy:
        match |= Q(strategy=strategy)
    if not match:
        return []
    exclude = [pk for pk in exclude_municipality_ids if pk]
    stream_label = dict(LocalChallenge.MaterialStream.choices).get(material_stream, "")
    strategy_label = dict(LocalChallenge.Strategy.choices).get(strategy, "")
    found: dict[int, Suggestion] = {}

    def suggestion(pk, name) -> Suggestion:
        return found.setdefault(pk, Suggestion(municipality_id=pk, name=name))

    challenges = LocalChallenge.objects.filter(match).exclude(participation__municipality_id__in=exclude).values_list(
        "participation__municipality_id", "participation__municipality__name", "material_stream", "strategy")
    for pk, name, stream, strat in challenges:
        entry = suggestion(pk, name)
        if material_stream and stream == material_stream:
            reason = _("Works on the same material stream: %(stream)s") % {"stream": stream_label}
            if reason not in entry.reasons:
                entry.score += 3
                entry.reasons.append(reason)
        if strategy and strat == strategy:
            reason = _("Works with the same strategy: %(strategy)s") % {"strategy": strategy_label}
            if reason not in entry.reasons:
                entry.score += 1
                entry.reasons.append(reason)
    models = LibraryItem.objects.filter(item_visibility(user)).filter(
        LIVE_ITEM, match, kind=LibraryItem.Kind.SOLUTION_MODEL, municipality__isnull=False,
    ).exclude(municipality_id__in=exclude).select_related("municipality")
    solved: dict[int, set[str]] = {}
    for item in models:
        entry = suggestion(item.municipality_id, item.municipality.name)
        entry.solution_models.append(item)
        same = solved.setdefault(entry.municipality_id, set())
        if material_stream and item.material_stream == material_stream:
            same.add("stream")
        if strategy and item.strategy == strategy:
            same.add("strategy")
    for pk, same in solved.items():
        entry = found[pk]
        entry.score += 2 * ("stream" in same) + ("strategy" in same)
        if same == {"stream", "strategy"}:
            entry.reasons.append(_("Has tested a solution model for the same material stream and strategy"))
        elif same == {"stream"}:
            entry.reasons.append(_("Has tested a solution model for the same material stream"))
        elif same:
            entry.reasons.append(_("Has tested a solution model with the same strategy"))
    return sorted(found.values(), key=lambda s: (-s.score, s.name))[:limit]


# --- Members -----------------------------------------------------------------------------------------

@dataclass
class RoleLine:
    label: str
    place: str
    former: bool


@dataclass
class MemberCard:
    """What the directory shows of a member: only the fields they chose to show."""

    user: User
    name: str
    roles: list[RoleLine]
    email: str = ""
    organisation: str = ""
    expertise: list[str] = field(default_factory=list)
    bio: str = ""

    @property
    def pk(self):
        return self.user.pk

    @property
    def is_alumnus(self) -> bool:
        return bool(self.roles) and all(line.former for line in self.roles)


def _role_lines(assignments, today) -> list[RoleLine]:
    lines, seen = [], set()
    for a in assignments:
        if a.participation_id:
            place = str(a.participation.municipality)
        elif a.role == Role.STAFF and a.municipality_id:
            place = str(a.municipality)
        elif a.programme_id:
            place = a.programme.name
        else:
            place = ""
        key = (a.role, place)
        if key in seen:
            continue
        seen.add(key)
        lines.append(RoleLine(label=str(Role(a.role).label), place=place,
                              former=a.ends_on is not None and a.ends_on < today))
    return lines


def member_card(user: User, today=None) -> MemberCard:
    """``today``: pass it when making many cards (one clock read per page, not per card)."""
    try:
        profile = user.community_profile
    except Profile.DoesNotExist:
        profile = None  # never edited: only the name and roles show
    card = MemberCard(user=user, name=user.full_name or user.email.split("@")[0],
                      roles=_role_lines(user.roles.all(), today or timezone.localdate()))
    if profile is not None:
        card.email = user.email if profile.show_email else ""
        card.organisation = profile.organisation if profile.show_organisation else ""
        card.expertise = profile.expertise_tags if profile.show_expertise else []
        card.bio = profile.bio if profile.show_bio else ""
    return card


def _directory_users() -> QuerySet[User]:
    roles = RoleAssignment.objects.select_related("programme", "municipality", "participation__municipality").defer(
        "programme__description_da", "programme__description_en")
    return User.objects.filter(member_filter()).exclude(community_profile__listed=False).select_related(
        "community_profile").prefetch_related(Prefetch("roles", queryset=roles)).order_by("full_name", "email")


def member_directory(*, user, query: str = "", role: str = "") -> QuerySet[User]:
    """Members the viewer may see (every listed member, for members), filtered by name or shown fields."""
    if not is_member(user):
        return User.objects.none()
    users = _directory_users()
    if query:
        users = users.filter(people_match(query))
    if role:
        users = users.filter(Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), role=role)))
    return users


def people_match(query: str) -> Q:
    """Name, or a profile field the member shows — a hidden field never makes a person findable."""
    match = Q()
    for word in query.split()[:MAX_SEARCH_WORDS]:
        match &= (Q(full_name__icontains=word)
                  | Q(community_profile__show_organisation=True, community_profile__organisation__icontains=word)
                  | Q(community_profile__show_expertise=True, community_profile__expertise__icontains=word))
    return match


def member_get_for_user_or_404(*, user, pk: int) -> User:
    if not is_member(user):
        raise Http404
    users = _directory_users()
    if user.pk == pk:  # one's own page, also when not listed
        users = User.objects.filter(member_filter()).select_related("community_profile").prefetch_related(
            Prefetch("roles", queryset=RoleAssignment.objects.select_related(
                "programme", "municipality", "participation__municipality")))
    return get_object_or_404(users, pk=pk)


def profile_for(*, user) -> Profile:
    """The person's profile, or an unsaved one with the defaults."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)


def mentionable_members(*, author, handles: list[str], names: list[str]) -> list[User]:
    """Members named in ``@local-part`` or ``@"Full Name"`` whom the author may see in the directory."""
    if not (handles or names) or not is_member(author):
        return []
    match = Q()
    for handle in handles:
        match |= Q(email__istartswith=f"{handle}@")
    for name in names:
        match |= Q(full_name__iexact=name)
    return list(_directory_users().filter(match).exclude(pk=author.pk)[:20])


# --- Municipalities ----------------------------------------------------------------------------------

@dataclass
class MunicipalityEntry:
    municipality: Municipality
    programmes: list[Programme] = field(default_factory=list)
    solution_models: list[LibraryItem] = field(default_factory=list)


def community_municipalities(*, query: str = "") -> QuerySet[Municipality]:
    municipalities = Municipality.objects.filter(Exists(Participation.objects.filter(municipality=OuterRef("pk"))))
    if query:
        municipalities = municipalities.filter(Q(name__icontains=query) | Q(code=query))
    return municipalities.order_by("name")


def municipality_entries(*, user, municipalities) -> list[MunicipalityEntry]:
    """The municipalities of one page, each with its programmes and the solution models the viewer sees."""
    entries = {m.pk: MunicipalityEntry(municipality=m) for m in municipalities}
    for participation in Participation.objects.filter(municipality_id__in=entries).select_related(
            "cohort__programme").defer("cohort__programme__description_da",
                                       "cohort__programme__description_en").order_by("cohort__programme__name_da"):
        programmes = entries[participation.municipality_id].programmes
        if participation.cohort.programme not in programmes:
            programmes.append(participation.cohort.programme)
    for item in LibraryItem.objects.filter(item_visibility(user)).filter(
            LIVE_ITEM, kind=LibraryItem.Kind.SOLUTION_MODEL, municipality_id__in=entries).defer(
            "body_da", "body_en", "search_vector").annotate(
            adoption_count=Count("adoptions")).order_by("-published_at"):
        entries[item.municipality_id].solution_models.append(item)
    return list(entries.values())


# --- Search ------------------------------------------------------------------------------------------

ITEM_FIELDS = (("title_da", "A", "danish"), ("title_en", "A", "english"), ("summary_da", "B", "danish"),
               ("summary_en", "B", "english"), ("body_da", "C", "danish"), ("body_en", "C", "english"))


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def _words(query: str) -> list[str]:
    return [w for w in re.split(r"\s+", query.strip()) if w][:MAX_SEARCH_WORDS]


def _icontains(fields, query: str, prefix: str = "") -> Q:
    """Fallback (SQLite): every word must occur in one of the fields."""
    match = Q()
    for word in _words(query):
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{prefix}{name}__icontains": word})
        match &= any_field
    return match


def _pg_query(query: str):
    from django.contrib.postgres.search import SearchQuery

    # Danish and English stems, and the words as written (names, codes) — whichever matches.
    return (SearchQuery(query, config="danish", search_type="websearch")
            | SearchQuery(query, config="english", search_type="websearch")
            | SearchQuery(query, config="simple", search_type="websearch"))


def search_items(*, user, query: str, ranked: bool = True) -> QuerySet[LibraryItem]:
    """``ranked=False``: newest first, without computing ``ts_rank`` for every match (the global search lists
    every kind so, issue 22)."""
    items = LibraryItem.objects.filter(item_visibility(user))
    if not _words(query):
        return items.none()
    if uses_full_text_search():
        from django.contrib.postgres.search import SearchRank

        # The stored, GIN-indexed vector (migration community 0002 keeps it up to date with a trigger).
        search = _pg_query(query)
        items = items.filter(search_vector=search)
        if ranked:
            items = items.annotate(rank=SearchRank(F("search_vector"), search)).order_by(
                "-rank", "-published_at", "-id")
        else:
            items = items.order_by("-published_at", "-id")
    else:
        items = items.filter(_icontains([name for name, _w, _c in ITEM_FIELDS], query)).order_by(
            "-published_at", "-id")
    return items.select_related("programme", "municipality").defer(*LIST_DEFERRED)


def search_threads(*, user, query: str, ranked: bool = True) -> QuerySet[Thread]:
    """``ranked=False``: latest activity first, no ``ts_rank`` (as ``search_items``)."""
    threads = Thread.objects.filter(thread_visibility(user))
    if not _words(query):
        return threads.none()
    posts = Post.objects.filter(thread=OuterRef("pk"), hidden_at__isnull=True)
    if uses_full_text_search():
        from django.contrib.postgres.search import SearchRank

        search = _pg_query(query)
        in_posts = Post.objects.filter(hidden_at__isnull=True, search_vector=search).values("thread_id")
        threads = threads.filter(Q(search_vector=search) | Q(pk__in=in_posts))
        if ranked:
            threads = threads.annotate(rank=SearchRank(F("search_vector"), search)).order_by(
                "-rank", "-last_activity_at", "-id")
        else:
            threads = threads.order_by("-last_activity_at", "-id")
    else:
        threads = threads.filter(_icontains(["title", "body"], query) | Q(
            Exists(posts.filter(_icontains(["body"], query))))).order_by("-last_activity_at", "-id")
    return threads.select_related("author", "municipality").defer("body", "search_vector")


def search_people(*, user, query: str) -> QuerySet[User]:
    if not _words(query):
        return User.objects.none()
    return member_directory(user=user, query=query)


# --- Showcase ----------------------------------------------------------------------------------------

SHOWCASE_KINDS = (LibraryItem.Kind.CASE, LibraryItem.Kind.SOLUTION_MODEL, LibraryItem.Kind.METHOD)


def showcase_items(*, kind: str = "") -> QuerySet[LibraryItem]:
    """Public, published, not hidden — the visibility of an anonymous visitor, whoever is looking."""
    items = LibraryItem.objects.filter(item_visibility(AnonymousUser())).filter(kind__in=SHOWCASE_KINDS)
    if kind:
        items = items.filter(kind=kind)
    return items.select_related("municipality", "programme").annotate(
        adoption_count=Count("adoptions")).order_by("-published_at", "-id")


SHOWCASE_PROGRESS = 6


def showcase_progress(*, limit: int = SHOWCASE_PROGRESS) -> list:
    """The latest progress from the local tests that has left its programme: published and accepted by a
    facilitator or the municipality's advisor (municipalities.models.public_entry_q), in announced programmes.
    What the open data carries of an entry, no more: date, status, what happened, learnings; no author."""
    from municipalities.models import ProgressEntry, public_entry_q

    return list(ProgressEntry.objects.filter(public_entry_q()).exclude(
        participation__cohort__programme__status=Programme.Status.PLANNED).select_related(
        "participation__municipality", "participation__cohort__programme").only(
        "happened_on", "status", "what_happened", "learnings", "participation__municipality__name",
        "participation__cohort__programme__name_da", "participation__cohort__programme__name_en",
        "participation__cohort__programme__slug").order_by("-happened_on", "-id")[:limit])


def showcase_item_or_404(*, pk: int) -> LibraryItem:
    return get_object_or_404(
        showcase_items().prefetch_related(
            Prefetch("adoptions", queryset=Adoption.objects.select_related("municipality"))), pk=pk)


# --- Moderation --------------------------------------------------------------------------------------

def _moderation_scope(user) -> Q:
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    mine = scope.facilitator_programmes
    if not mine:
        return NOTHING
    return (Q(item__programme_id__in=mine) | Q(item__isnull=False, item__programme__isnull=True)
            | Q(thread__programme_id__in=mine) | Q(thread__isnull=False, thread__programme__isnull=True)
            | Q(post__thread__programme_id__in=mine) | Q(post__isnull=False, post__thread__programme__isnull=True))


def open_reports(*, user) -> QuerySet[Report]:
    return Report.objects.filter(_moderation_scope(user), resolved_at__isnull=True).select_related(
        "item", "thread", "post__thread", "post__author", "reporter").order_by("-created_at", "-id")


def moderation_log(*, user) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(_moderation_scope(user)).select_related(
        "item", "thread", "post__thread", "by").order_by("-created_at", "-id")


def report_get_for_user_or_404(*, user, pk: int) -> Report:
    return get_object_or_404(Report.objects.filter(_moderation_scope(user)).select_related(
        "item", "thread", "post__thread"), pk=pk)


TARGET_KINDS = ("item", "thread", "post")


def target_get_for_user_or_404(*, user, kind: str, pk: int):
    """A library item, thread or answer the person may see, for reporting and moderating."""
    if kind == "item":
        return item_get_for_user_or_404(user=user, pk=pk)
    if kind == "thread":
        return thread_get_for_user_or_404(user=user, pk=pk)
    if kind == "post":
        return post_get_for_user_or_404(user=user, pk=pk)
    raise Http404
