"""Who may do what in the Circular City Community.

Members
    Everyone who holds or has held a role (``RoleAssignment`` rows regardless of ``ends_on``): alumni of a
    finished programme stay members. Admins are members. Anonymous visitors see only the public showcase;
    signed-in people without any role get 403 on the community pages.

Reading (one ``Q`` per person in ``selectors.item_visibility`` / ``thread_visibility``, used by lists, detail
pages, search and feeds alike; what is not visible answers 404):
    * **public** items: everyone, also anonymous visitors on the showcase — when published and not hidden;
    * **community** items and threads: every member;
    * **cohort-only** items and threads: the people with an active role in the item's programme, and admins;
    * **drafts** (unpublished items): their author, the staff of the solution model's municipality and the
      moderators;
    * **hidden** content: moderators only (items and threads 404 for others; an answer shows as "hidden by a
      moderator").

Writing
    Politicians and observers read the community but do not post: every write answers 403 for a member
    whose roles (past or present) are only politician or observer. Everyone else who is a member
    contributes: library items, questions, answers, their own profile. Exceptions that are not posting:
    * every member may edit **their own profile** and **report** content they can see (reporting is a
      safety valve, not a contribution — politicians and observers may report too);
    * **solution models** are written by the staff of the local test's municipality and the programme's
      facilitators; **adoptions** are recorded by staff for their own municipality, and by facilitators for
      the municipalities of their programmes;
    * library items are edited by their author, the programme's facilitators and admins.

Moderating
    Facilitators of the item's (or thread's) programme, any facilitator for community-wide content without a
    programme, and admins hide and restore content and resolve reports; every action is logged.
"""

from accounts.models import READ_ONLY_ROLES, Role
from accounts.permissions import is_facilitator, scope_of

from .models import LibraryItem


def community_roles(user) -> frozenset[str]:
    """Every role the person holds or has held (alumni included); one query, cached for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_cc_community_roles", None)
    if cached is None:
        from .selectors import role_history

        cached = frozenset(role_history(user=user).order_by().values_list("role", flat=True).distinct())
        if scope_of(user).is_admin:
            cached |= {Role.ADMIN}
        user._cc_community_roles = cached
    return cached


def is_member(user) -> bool:
    if user is not None and user.is_authenticated and user.is_active and scope_of(user).roles:
        return True  # an active role: no need to read the history
    return bool(community_roles(user))


def can_contribute(user) -> bool:
    """Members who may post: anyone with a role that is not only politician or observer."""
    if user is not None and user.is_authenticated and user.is_active and scope_of(user).roles - READ_ONLY_ROLES:
        return True  # an active role that may post (already read for the request): no need to read the history
    return bool(community_roles(user) - READ_ONLY_ROLES)


def can_edit_profile(user) -> bool:
    return is_member(user)


def can_report(user) -> bool:
    return is_member(user)


def can_create_item(user) -> bool:
    return can_contribute(user)


def can_edit_item(user, item: LibraryItem) -> bool:
    if not can_contribute(user):
        return False
    scope = scope_of(user)
    if scope.is_admin or item.author_id == user.pk:
        return True
    if item.programme_id and item.programme_id in scope.facilitator_programmes:
        return True
    # the team of the local test the solution model comes from (not the municipality's team in another programme)
    return (item.kind == LibraryItem.Kind.SOLUTION_MODEL and item.participation_id is not None
            and item.participation_id in scope.staff_participations)


def can_write_solution_model_for(user, participation) -> bool:
    scope = scope_of(user)
    return scope.is_admin or participation.pk in scope.staff_participations or (
        participation.cohort.programme_id in scope.facilitator_programmes)


def can_adopt(user, item: LibraryItem) -> bool:
    """Whether the person may record an adoption of this solution model for some municipality."""
    if item.kind != LibraryItem.Kind.SOLUTION_MODEL or not item.is_published or not can_contribute(user):
        return False
    scope = scope_of(user)
    return scope.is_admin or bool(scope.facilitator_programmes) or bool(
        scope.staff_municipalities - {item.municipality_id})


def can_delete_adoption(user, adoption) -> bool:
    if not can_contribute(user):
        return False
    scope = scope_of(user)
    if scope.is_admin or adoption.adopted_by_id == user.pk:
        return True
    if adoption.municipality_id in scope.staff_municipalities:
        return True
    return adoption.item.programme_id is not None and adoption.item.programme_id in scope.facilitator_programmes


def can_ask(user) -> bool:
    return can_contribute(user)


def can_answer(user, thread) -> bool:
    return can_contribute(user) and not thread.is_hidden


def can_moderate(user, obj) -> bool:
    """``obj``: a library item, thread or answer (an answer is moderated with its thread's programme)."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    programme_id = obj.thread.programme_id if hasattr(obj, "thread_id") else obj.programme_id
    if programme_id is None:
        return bool(scope.facilitator_programmes)
    return programme_id in scope.facilitator_programmes


def can_view_moderation(user) -> bool:
    return scope_of(user).is_admin or is_facilitator(user)
