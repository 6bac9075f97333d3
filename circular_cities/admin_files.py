"""Private files in the Django admin.

Private files have no URL (circular_cities.storage), and Django's admin asks every file for one: a change page
with a file would answer 500. Here the file shows as its stored name, linked to the app's own download view
(which checks permission as for everyone), and a readonly file field shows the same link.

Uploads through the admin are checked by content and stored under a generated name, as the app's forms do:
the model admin's form calls the same cleaning function as the app's service (see ``checked_upload``)."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.translation import gettext as _


def _stored(value) -> bool:
    return bool(value and getattr(value, "name", None))


def _missing(value) -> bool:
    try:
        return not value.storage.exists(value.name)
    except (OSError, ValueError):
        return True


class PrivateFileWidget(AdminFileWidget):
    """The admin's file input for a private file: its name and a link to ``download_url(instance)``."""

    template_name = "circular_cities/private_file_input.html"

    def __init__(self, attrs=None, *, download_url=None):
        super().__init__(attrs)
        self.download_url = download_url

    def is_initial(self, value):
        return _stored(value)

    def format_value(self, value):
        return value if _stored(value) else None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if _stored(value):
            instance = getattr(value, "instance", None)
            widget["file_name"] = PurePath(value.name).name
            widget["missing"] = _missing(value)
            widget["download_url"] = (self.download_url(instance) if self.download_url and instance is not None
                                      and instance.pk and not widget["missing"] else "")
        return context


def private_file_link(value, url: str):
    """For a readonly field: the file's stored name, linked to the view that serves it (or a dash)."""
    if not _stored(value):
        return "–"
    name = PurePath(value.name).name
    if _missing(value):
        return format_html("{} <strong>({})</strong>", name, _("missing from the disk"))
    return format_html('<a href="{}">{}</a>', url, name)


def checked_upload(form: forms.ModelForm, field: str, clean):
    """``clean_<field>`` of an admin form: a new upload goes through ``clean(upload)`` — the app's own check,
    which returns a cleaned file with a generated name — and its result is what the model stores. A refused
    file shows the check's message on the field; an unchanged or cleared field passes as it is.

    ``clean(upload)`` returns the file to store, or a tuple whose first item is that file (the rest is kept on
    ``form.checked_uploads[field]`` for the model admin to store beside it, e.g. the content type)."""
    value = form.cleaned_data.get(field)
    if not isinstance(value, UploadedFile):
        return value  # nothing new: the stored file, or False for "clear"
    try:
        result = clean(value)
    except ValidationError as error:
        raise ValidationError(error.messages) from error  # a dict of field errors becomes this field's
    if not hasattr(form, "checked_uploads"):
        form.checked_uploads = {}
    form.checked_uploads[field] = result
    return result[0] if isinstance(result, tuple) else result
