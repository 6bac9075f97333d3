from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from allauth.usersessions.admin import UserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import gdpr
from .models import DeletionRequest, Invitation, LoginSession, RoleAssignment, TwoFactorMethod, User


def erase_people(modeladmin, request, users, *, action="erase_people", selected=None, back_url=None):
    """Erase (anonymise) the chosen people, after a confirmation page that says what stays and what goes."""
    users = [user for user in users if not user.erased_at and user.pk != request.user.pk]
    selected = [user.pk for user in users] if selected is None else selected
    if request.POST.get("confirm") == "yes":
        for user in users:
            gdpr.erase_person(user=user, by=request.user, note=request.POST.get("note", ""))
        modeladmin.message_user(request, ngettext("%(count)d person erased.", "%(count)d people erased.", len(users))
                            % {"count": len(users)}, messages.SUCCESS)
        return None
    context = {**modeladmin.admin_site.each_context(request), "people": users, "opts": User._meta,
               "action": action, "selected": selected, "title": _("Erase personal data"),
               "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
               "back_url": back_url or reverse("admin:accounts_user_changelist")}
    return TemplateResponse(request, "admin/accounts/erase_confirmation.html", context)


erase_people.short_description = _("Erase (anonymise) the selected people")
erase_people.allowed_permissions = ("delete",)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["programme", "participation", "municipality"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language", "roles__role",
                   ("erased_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "full_name"]
    inlines = [RoleAssignmentInline]
    actions = [erase_people]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined", "erased_at"]}),
    ]
    readonly_fields = ["erased_at"]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):  # the history of teams, advisors and follow-groups
    list_display = ["user", "role", "programme", "participation", "municipality", "department", "starts_on", "ends_on"]
    list_filter = ["role", "programme"]
    search_fields = ["user__email", "user__full_name", "department", "position"]
    autocomplete_fields = ["user", "programme", "participation", "municipality"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "programme", "municipality", "invited_by", "created_at", "expires_at",
                    "accepted_at", "revoked_at"]
    list_filter = ["role", "programme", ("accepted_at", admin.EmptyFieldListFilter),
                   ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "full_name"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "accepted_by"]
    autocomplete_fields = ["programme", "participation", "municipality", "invited_by"]


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "requested_at", "outcome", "handled_at", "handled_by"]
    list_filter = ["outcome"]
    search_fields = ["user__email", "user__full_name", "reason", "note"]
    # The outcome is never typed in: "erased" is set by the erasure itself (the action, or the button on the
    # request's page, both after a confirmation), "declined" by the decline action.
    readonly_fields = ["user", "reason", "requested_at", "outcome", "handled_at", "handled_by"]
    fields = ["user", "reason", "requested_at", "outcome", "handled_at", "handled_by", "note"]
    actions = ["erase", "decline"]
    change_form_template = "admin/accounts/deletionrequest/change_form.html"

    def get_urls(self):
        erase = path("<path:object_id>/erase/", self.admin_site.admin_view(self.erase_view),
                     name="accounts_deletionrequest_erase")
        return [erase, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_erase": self.has_erase_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def erase_view(self, request, object_id):
        """Erase the person who asked, from the request's own page: the same confirmation as the action."""
        deletion_request = self.get_object(request, unquote(object_id))
        if deletion_request is None:
            raise Http404
        if not self.has_erase_permission(request):
            raise PermissionDenied
        change_url = reverse("admin:accounts_deletionrequest_change", args=[deletion_request.pk])
        if deletion_request.outcome != DeletionRequest.Outcome.OPEN:
            self.message_user(request, _("This request has already been handled."), messages.WARNING)
            return redirect(change_url)
        response = erase_people(self, request, User.objects.filter(pk=deletion_request.user_id), action="erase",
                                selected=[deletion_request.pk], back_url=change_url)
        return response or redirect(change_url)

    def has_add_permission(self, request):
        return False  # people ask from their "My data" page

    def has_erase_permission(self, request):
        return request.user.has_perm("accounts.delete_user")  # the same right as erasing from the people list

    @admin.action(description=_("Erase the people who asked"), permissions=["erase"])
    def erase(self, request, queryset):
        return erase_people(self, request, User.objects.filter(deletion_requests__in=queryset).distinct(),
                            action="erase", selected=[r.pk for r in queryset])

    @admin.action(description=_("Decline (write the reason in the note first)"), permissions=["change"])
    def decline(self, request, queryset):
        for deletion_request in queryset.filter(outcome=DeletionRequest.Outcome.OPEN):
            gdpr.deletion_request_decline(request=deletion_request, by=request.user, note=deletion_request.note)
        self.message_user(request, _("Requests declined."), messages.SUCCESS)


# allauth's own admins under names in the reader's language (the proxies in accounts/models.py).
for _model in (Authenticator, UserSession):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class TwoFactorMethodAdmin(AuthenticatorAdmin):
    """allauth's columns under names in the reader's language; read only (people set these up themselves)."""

    list_display = ("person", "type", "set_up", "last_used")
    fields = readonly_fields = ("person", "type", "set_up", "last_used")

    @admin.display(description=_("person"), ordering="user__email")
    def person(self, method):
        return method.user

    @admin.display(description=_("Set up"), ordering="created_at")
    def set_up(self, method):
        return method.created_at

    @admin.display(description=_("Last used"), ordering="last_used_at")
    def last_used(self, method):
        return method.last_used_at

    def has_add_permission(self, request):
        return False


class LoginSessionAdmin(UserSessionAdmin):
    """allauth's columns under names in the reader's language; read only (made by logging in)."""

    list_display = ("person", "logged_in", "last_seen", "ip_address", "browser")
    fields = readonly_fields = ("person", "logged_in", "last_seen", "ip_address", "browser")
    search_fields = ["user__email", "user__full_name", "ip"]  # allauth's searches a username we do not have
    list_filter = ["last_seen_at"]

    @admin.display(description=_("person"), ordering="user__email")
    def person(self, session):
        return session.user

    @admin.display(description=_("Logged in"), ordering="created_at")
    def logged_in(self, session):
        return session.created_at

    @admin.display(description=_("Last seen"), ordering="last_seen_at")
    def last_seen(self, session):
        return session.last_seen_at

    @admin.display(description=_("IP address"))
    def ip_address(self, session):
        return session.ip

    @admin.display(description=_("Browser"))
    def browser(self, session):
        return session.user_agent

    def has_add_permission(self, request):
        return False


admin.site.register(TwoFactorMethod, TwoFactorMethodAdmin)
admin.site.register(LoginSession, LoginSessionAdmin)
