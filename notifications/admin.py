from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Delivery, Notification, NotificationPreference, ReminderRule


@admin.register(ReminderRule)
class ReminderRuleAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "kind", "offset_days", "send_time", "enabled", "updated_at"]
    list_filter = ["kind", "enabled", "programme"]
    list_editable = ["offset_days", "send_time", "enabled"]
    search_fields = ["programme__name_da", "programme__name_en", "programme__slug"]
    list_select_related = ["programme"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what was sent to whom and when, what was skipped and why, and failures."""

    list_display = ["send_at", "kind", "recipient", "programme", "occurrence", "state", "skip_reason", "attempts",
                    "unknown_outcomes", "sent_at"]
    list_filter = ["state", "kind", "skip_reason", "channel", "programme"]
    search_fields = ["recipient__email", "recipient__full_name", "subject", "occurrence", "last_error"]
    list_select_related = ["recipient", "programme"]
    date_hierarchy = "send_at"
    readonly_fields = [f.name for f in Delivery._meta.concrete_fields if f.name != "id"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False  # deliveries are claimed by the scan, never made by hand

    @admin.action(description=_("Send the selected failed reminders again"))
    def retry(self, request, queryset):
        from .services import delivery_retry

        count = 0
        for delivery in queryset.filter(state=Delivery.State.FAILED):
            delivery_retry(delivery=delivery, now=timezone.now())
            count += 1
        self.message_user(request, _("%(count)d reminders queued again.") % {"count": count}, messages.SUCCESS)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "category", "title", "read_at", "digest", "emailed_at"]
    list_filter = ["category", "digest", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__email", "recipient__full_name"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "delivery"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "category", "frequency", "updated_at"]
    list_filter = ["category", "frequency"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
