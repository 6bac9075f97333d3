from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Adoption, LibraryItem, ModerationAction, Post, Profile, Report, Thread


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "listed", "show_email", "updated_at")
    list_filter = ("listed", "show_email", "show_organisation", "show_expertise", "show_bio")
    search_fields = ("user__full_name", "user__email", "organisation", "expertise")
    raw_id_fields = ("user",)


class AdoptionInline(admin.TabularInline):
    model = Adoption
    extra = 0
    raw_id_fields = ("municipality", "adopted_by")


@admin.register(LibraryItem)
class LibraryItemAdmin(admin.ModelAdmin):
    list_display = ("title_da", "kind", "visibility", "programme", "municipality", "published_at", "hidden_at")
    list_filter = ("kind", "visibility", "material_stream", "strategy", "programme",
                   ("published_at", admin.EmptyFieldListFilter), ("hidden_at", admin.EmptyFieldListFilter))
    search_fields = ("title_da", "title_en", "summary_da", "summary_en", "municipality__name")
    raw_id_fields = ("participation", "municipality", "author")
    # The file is private (no URL): the admin shows its stored name; it is uploaded through the site's checks.
    exclude = ("attachment",)
    readonly_fields = ("attachment_name", "attachment_type", "attachment_size", "created_at", "updated_at")
    date_hierarchy = "created_at"
    inlines = [AdoptionInline]

    @admin.display(description=_("file"))
    def attachment_name(self, item):
        return item.attachment.name


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ("item", "municipality", "kind", "adopted_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("item__title_da", "municipality__name")
    raw_id_fields = ("item", "municipality", "adopted_by")


class PostInline(admin.StackedInline):
    model = Post
    extra = 0
    raw_id_fields = ("author", "municipality")


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "visibility", "municipality", "author", "last_activity_at", "hidden_at")
    list_filter = ("kind", "visibility", "material_stream", "strategy", ("hidden_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "body", "author__full_name", "municipality__name")
    raw_id_fields = ("author", "municipality", "programme")
    inlines = [PostInline]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("thread", "author", "municipality", "created_at", "hidden_at")
    list_filter = (("hidden_at", admin.EmptyFieldListFilter),)
    search_fields = ("body", "thread__title", "author__full_name")
    raw_id_fields = ("thread", "author", "municipality")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "reporter", "created_at", "resolved_at", "resolved_by")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter),)
    search_fields = ("reason", "reporter__full_name")
    raw_id_fields = ("item", "thread", "post", "reporter", "resolved_by")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "action", "by", "created_at")
    list_filter = ("action",)
    search_fields = ("reason", "by__full_name")
    raw_id_fields = ("item", "thread", "post", "by")
