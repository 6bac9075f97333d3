"""Notification pages. Thin: parse input → selector (404) → predicate (403) → one service → page or htmx partial.

* the notification centre (everyone: their own notifications), mark read, open, mark all read;
* notification settings (everyone: their own) and the unsubscribe link of the e-mails (no login: a signed link);
* reminder rules and the delivery log of a programme (its facilitators and admins).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from circular_cities.utils import add_service_errors, paginate

from . import services
from .content import describe_occurrence, describe_target
from .emails import read_unsubscribe_token
from .forms import DeliveryFilterForm, PreferencesForm, RuleAddForm, RuleForm
from .models import MANDATORY_CATEGORIES, Category, Delivery
from .permissions import can_edit_reminder_rules, can_retry_delivery, can_view_delivery_log
from .selectors import (
    delivery_counts,
    delivery_get_for_user_or_404,
    delivery_log,
    notification_get_for_user_or_404,
    notifications_for_user,
    preferences_for,
    programme_get_for_user_or_404,
    programmes_with_reminder_admin,
    rule_get_for_user_or_404,
    sort_rules,
    unread_count,
    with_targets,
)

PER_PAGE = 20


# --- The notification centre -----------------------------------------------------------------------------------

_PK = 2147483647  # a placeholder id: each notification's links are this reversed URL with its id put in


def _centre_context(request) -> dict:
    page = paginate(request, notifications_for_user(user=request.user), per_page=PER_PAGE)
    # Two links per row: reversed once, not once per row.
    open_url, read_url = (reverse(name, args=[_PK]) for name in ("notifications:open", "notifications:read"))
    for notification in page.object_list:
        notification.open_url = open_url.replace(str(_PK), str(notification.pk))
        notification.read_url = read_url.replace(str(_PK), str(notification.pk))
    unread = unread_count(user=request.user)
    # "notifications_unread" replaces the header's own count (the context processor's), read once per request.
    return {"page": page, "notifications": page.object_list, "unread": unread, "notifications_unread": unread,
            "page_number": page.number}


def _managed(user) -> list:
    """The programmes whose reminders the person manages, with the links to their rules and log."""
    managed = list(programmes_with_reminder_admin(user=user).only("slug", "name_da", "name_en"))
    rules_url, log_url = (reverse(name, args=["-slug-"])
                          for name in ("notifications:rules", "notifications:deliveries"))
    for programme in managed:
        programme.rules_url = rules_url.replace("-slug-", programme.slug)
        programme.deliveries_url = log_url.replace("-slug-", programme.slug)
    return managed


@login_required
def notification_list(request):
    """The person's own notifications."""
    if request.htmx:
        return render(request, "notifications/notification_list.html#notification-list", _centre_context(request))
    return render(request, "notifications/notification_list.html",
                  {**_centre_context(request), "managed": _managed(request.user)})


def _back_to_list(request):
    page = request.POST.get("page") or request.GET.get("page")
    url = reverse("notifications:list")
    return redirect(f"{url}?{urlencode({'page': page})}" if page and str(page).isdigit() else url)


@require_POST
@login_required
def notification_read(request, pk: int):
    notification = notification_get_for_user_or_404(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification, now=timezone.now())
    if request.htmx:
        request.GET = request.GET.copy()
        request.GET["page"] = request.POST.get("page", "1")
        return render(request, "notifications/notification_list.html#notification-list-updated",
                      _centre_context(request))
    return _back_to_list(request)


@login_required
def notification_open(request, pk: int):
    """Follow a notification's link; opening it marks it read."""
    notification = notification_get_for_user_or_404(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification, now=timezone.now())
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()},
                                                             require_https=request.is_secure()):
        return redirect(notification.url)
    return redirect("notifications:list")


@require_POST
@login_required
def notifications_read_all(request):
    count = services.notifications_mark_all_read(user=request.user, now=timezone.now())
    if request.htmx:
        return render(request, "notifications/notification_list.html#notification-list-updated",
                      _centre_context(request))
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


# --- Settings and unsubscribing --------------------------------------------------------------------------------

@login_required
def preferences(request):
    initial = preferences_for(user=request.user)
    form = PreferencesForm(request.POST or None, initial_choices=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(user=request.user, choices=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed link is the proof; mail clients post here for one-click unsubscribe (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Without login. GET shows what the link does (mail scanners follow links: they must change nothing);
    POST switches the category off, or explains that it cannot be switched off."""
    found = read_unsubscribe_token(token)
    person = User.objects.filter(pk=found[0], is_active=True).first() if found else None
    if person is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    category = found[1]
    context = {"person": person, "category": Category(category).label, "token": token,
               "mandatory": category in MANDATORY_CATEGORIES, "done": False}
    if request.method == "POST":
        context["done"] = services.unsubscribe(user=person, category=category)
    return render(request, "notifications/unsubscribe.html", context)


# --- Reminder rules of a programme -----------------------------------------------------------------------------

def _rules_programme(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    if not can_edit_reminder_rules(request.user, programme):
        raise PermissionDenied
    return programme


def _rules_context(request, programme, add_form=None) -> dict:
    return {"programme": programme, "section": "rules",
            "rules": sort_rules(services.reminder_rules_ensure(programme=programme)),
            "add_form": add_form or RuleAddForm(), "can_view_log": can_view_delivery_log(request.user, programme)}


@login_required
def rule_list(request, slug: str):
    programme = _rules_programme(request, slug)
    return render(request, "notifications/rule_list.html", _rules_context(request, programme))


@require_POST
@login_required
def rule_add(request, slug: str):
    programme = _rules_programme(request, slug)
    form = RuleAddForm(request.POST)
    if form.is_valid():
        try:
            services.rule_add(programme=programme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("The reminder is added."))
                return redirect("notifications:rules", slug=programme.slug)
            form = None
    context = _rules_context(request, programme, add_form=form)
    if request.htmx:
        return render(request, "notifications/rule_list.html#rule-list", context)
    return render(request, "notifications/rule_list.html", context, status=400 if form else 200)


@require_http_methods(["GET", "POST"])
@login_required
def rule_edit(request, pk: int):
    rule = rule_get_for_user_or_404(user=request.user, pk=pk)
    if not can_edit_reminder_rules(request.user, rule.programme):
        raise PermissionDenied
    form = RuleForm(request.POST if request.method == "POST" else None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_update(rule=rule, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.htmx:
                return render(request, "notifications/rule_list.html#rule-row", {"rule": rule})
            messages.success(request, _("The reminder is saved."))
            return redirect("notifications:rules", slug=rule.programme.slug)
    if form.errors:
        rule.refresh_from_db()  # the form's validation changed the instance; show what is stored
    context = {"rule": rule, "form": form, "programme": rule.programme}
    if request.htmx:
        return render(request, "notifications/rule_list.html#rule-edit-row", context)
    return render(request, "notifications/rule_form.html", context, status=400 if form.errors else 200)


# --- Delivery log ----------------------------------------------------------------------------------------------

def _log_programme(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    if not can_view_delivery_log(request.user, programme):
        raise PermissionDenied
    return programme


@login_required
def delivery_log_view(request, slug: str):
    programme = _log_programme(request, slug)
    filters = DeliveryFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    page = paginate(request, delivery_log(programme=programme, state=state), per_page=50)
    rows = [(delivery, *describe_target(delivery), describe_occurrence(delivery))
            for delivery in with_targets(page.object_list)]
    context = {"programme": programme, "section": "log", "filters": filters, "page": page, "rows": rows,
               "counts": delivery_counts(programme=programme), "query": urlencode({"state": state}) if state else "",
               "state": state}
    if request.htmx:
        return render(request, "notifications/delivery_log.html#delivery-list", context)
    return render(request, "notifications/delivery_log.html", context)


@require_POST
@login_required
def delivery_retry(request, pk: int):
    delivery = delivery_get_for_user_or_404(user=request.user, pk=pk)
    if not can_retry_delivery(request.user, delivery):
        raise PermissionDenied
    try:
        services.delivery_retry(delivery=delivery, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The reminder is queued to be sent again."))
    return redirect(reverse("notifications:deliveries", args=[delivery.programme.slug]) + "?state="
                    + Delivery.State.FAILED)
