from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ApplicantReminder,
    Application,
    ApplicationEditor,
    ApplicationFile,
    Call,
    Criterion,
    Question,
    Review,
    Reviewer,
    ReviewerInvitation,
    Score,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0


@admin.register(Call)
class CallAdmin(SimpleHistoryAdmin):
    list_display = ("title_da", "programme", "cohort", "opens_at", "deadline", "places")
    list_filter = ("programme",)
    search_fields = ("title_da", "title_en")
    list_select_related = ("programme", "cohort")
    raw_id_fields = ("created_by",)
    inlines = [CriterionInline, QuestionInline]


class EditorInline(admin.TabularInline):
    model = ApplicationEditor
    extra = 0


class FileInline(admin.TabularInline):
    model = ApplicationFile
    extra = 0
    fields = ("question", "name", "content_type", "uploaded_by_email", "created_at")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ("municipality", "call", "state", "decision", "submitted_at", "contact_email")
    list_filter = ("state", "decision", "call__programme")
    search_fields = ("municipality__name", "contact_email", "contact_name", "challenge_title")
    list_select_related = ("municipality", "call")
    raw_id_fields = ("decided_by", "participation")
    inlines = [EditorInline, FileInline]


@admin.register(ApplicationEditor)
class ApplicationEditorAdmin(admin.ModelAdmin):
    list_display = ("email", "application", "confirmed_at")
    search_fields = ("email", "application__municipality__name")
    list_select_related = ("application__municipality", "application__call")


@admin.register(ApplicationFile)
class ApplicationFileAdmin(admin.ModelAdmin):
    list_display = ("name", "application", "question", "created_at")
    list_filter = ("question__kind",)
    search_fields = ("name", "application__municipality__name")
    list_select_related = ("application__municipality", "application__call", "question")


@admin.register(Reviewer)
class ReviewerAdmin(SimpleHistoryAdmin):
    list_display = ("user", "call", "created_at")
    list_filter = ("call__programme",)
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "call")
    raw_id_fields = ("user", "added_by")


@admin.register(ReviewerInvitation)
class ReviewerInvitationAdmin(admin.ModelAdmin):
    list_display = ("invitation", "call", "created_at")
    list_filter = ("call__programme",)
    search_fields = ("invitation__email", "invitation__full_name")
    list_select_related = ("invitation", "call")
    raw_id_fields = ("invitation",)


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ("reviewer", "application", "conflict_of_interest", "submitted_at")
    list_filter = ("conflict_of_interest", "application__call__programme")
    search_fields = ("reviewer__user__email", "application__municipality__name")
    list_select_related = ("reviewer__user", "application__municipality", "application__call")
    inlines = [ScoreInline]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ("review", "criterion", "value")
    list_filter = ("value",)
    search_fields = ("review__application__municipality__name",)
    list_select_related = ("review__application__municipality", "review__reviewer__user", "criterion")


@admin.register(ApplicantReminder)
class ApplicantReminderAdmin(admin.ModelAdmin):
    list_display = ("email", "application", "occurrence", "claimed_at", "sent_at")
    list_filter = ("sent_at",)
    search_fields = ("email", "application__municipality__name")
    list_select_related = ("application__municipality", "application__call")
