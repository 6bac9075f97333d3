"""Every read the notification pages need, with the joins they need and the person's visibility built in."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.permissions import scope_of
from programmes.models import Programme
from programmes.permissions import can_view_programme

from .models import KIND_ORDER, Category, Delivery, Frequency, Notification, NotificationPreference


def unread_count(*, user) -> int:
    """Shown in every page's header."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for_user(*, user) -> QuerySet[Notification]:
    """A person's own notifications: unread first, newest first."""
    return Notification.objects.filter(recipient=user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id")


def notification_get_for_user_or_404(*, user, pk: int) -> Notification:
    """Notifications are personal: anybody else's answers 404, admins included."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


def preferences_for(*, user) -> dict[str, str]:
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("category", "frequency"))
    return {category: chosen.get(category, Frequency.IMMEDIATELY) for category in Category.values}


def programmes_with_reminder_admin(*, user) -> QuerySet[Programme]:
    """The programmes whose reminder rules and delivery log this person manages (facilitators, admins)."""
    scope = scope_of(user)
    queryset = Programme.objects.exclude(status=Programme.Status.LISTED).order_by("-starts_on", "name_da")
    if scope.is_admin:
        return queryset
    return queryset.filter(pk__in=scope.facilitator_programmes)


def programme_get_for_user_or_404(*, user, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not can_view_programme(user, programme):
        raise Http404
    return programme


def rule_get_for_user_or_404(*, user, pk: int):
    from .models import ReminderRule

    rule = get_object_or_404(ReminderRule.objects.select_related("programme"), pk=pk)
    if not can_view_programme(user, rule.programme):
        raise Http404
    return rule


def sort_rules(rules) -> list:
    return sorted(rules, key=lambda r: (KIND_ORDER.index(r.kind), -r.offset_days))


def delivery_log(*, programme: Programme, state: str = "") -> QuerySet[Delivery]:
    """What the programme's reminders did: newest first, with the person (``with_targets`` adds what each
    is about, one query per kind of target)."""
    queryset = Delivery.objects.filter(programme=programme).select_related("recipient", "programme").order_by(
        "-send_at", "-id")
    if state in Delivery.State.values:
        queryset = queryset.filter(state=state)
    return queryset


def delivery_counts(*, programme: Programme) -> dict[str, int]:
    from django.db.models import Count

    counts = dict(Delivery.objects.filter(programme=programme).order_by().values("state").annotate(n=Count("id"))
                  .values_list("state", "n"))
    return {state: counts.get(state, 0) for state in Delivery.State.values}


def delivery_get_for_user_or_404(*, user, pk: int) -> Delivery:
    delivery = get_object_or_404(Delivery.objects.select_related("programme"), pk=pk)
    if not can_view_programme(user, delivery.programme):
        raise Http404
    return delivery


def with_targets(deliveries) -> list[Delivery]:
    """Set ``target_obj`` on each delivery: one query per kind of target (milestone, meeting, test), with the
    joins the log's labels and links need, instead of one query per row."""
    from collections import defaultdict

    from django.contrib.contenttypes.models import ContentType

    deliveries = list(deliveries)
    ids_by_type: dict[int, set[int]] = defaultdict(set)
    for delivery in deliveries:
        ids_by_type[delivery.target_type_id].add(delivery.target_id)
    found: dict[tuple[int, int], object] = {}
    for type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        queryset = model._base_manager.filter(pk__in=ids)
        if model._meta.label == "programmes.Participation":
            queryset = queryset.select_related("municipality")
        for obj in queryset:
            found[(type_id, obj.pk)] = obj
    for delivery in deliveries:
        delivery.target_obj = found.get((delivery.target_type_id, delivery.target_id))
    return deliveries
