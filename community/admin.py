from django import forms
from django.contrib import admin
from django.db import transaction
from django.urls import reverse

from circular_cities.admin_files import PrivateFileWidget, checked_upload

from .models import Adoption, LibraryItem, ModerationAction, Post, Profile, Report, Thread
from .services import clean_attachment


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


class LibraryItemAdminForm(forms.ModelForm):
    class Meta:
        model = LibraryItem
        fields = "__all__"  # noqa: DJ007 - the admin decides which fields it shows
        widgets = {"attachment": PrivateFileWidget(
            download_url=lambda item: reverse("community:item-file", args=[item.pk]))}

    def clean_attachment(self):
        # the same check as the library's own form: by content, re-encoded, under a generated name
        return checked_upload(self, "attachment", clean_attachment)


@admin.register(LibraryItem)
class LibraryItemAdmin(admin.ModelAdmin):
    form = LibraryItemAdminForm
    list_display = ("title_da", "kind", "visibility", "programme", "municipality", "published_at", "hidden_at")
    list_filter = ("kind", "visibility", "material_stream", "strategy", "programme",
                   ("published_at", admin.EmptyFieldListFilter), ("hidden_at", admin.EmptyFieldListFilter))
    search_fields = ("title_da", "title_en", "summary_da", "summary_en", "municipality__name")
    raw_id_fields = ("participation", "municipality", "author")
    readonly_fields = ("attachment_type", "attachment_size", "created_at", "updated_at")
    date_hierarchy = "created_at"
    inlines = [AdoptionInline]

    def save_model(self, request, obj, form, change):
        if "attachment" in form.changed_data:
            previous = LibraryItem.objects.filter(pk=obj.pk).values_list("attachment", flat=True).first() if change \
                else None
            checked = getattr(form, "checked_uploads", {}).get("attachment")
            if checked:
                content, obj.attachment_type = checked
                obj.attachment_size = content.size
            else:  # cleared
                obj.attachment, obj.attachment_type, obj.attachment_size = "", "", None
            super().save_model(request, obj, form, change)
            if previous and previous != obj.attachment.name:
                storage = obj.attachment.storage  # the replaced file goes, as in the app
                transaction.on_commit(lambda: storage.delete(previous))
            return
        super().save_model(request, obj, form, change)


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
