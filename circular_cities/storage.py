"""Private file storage: under MEDIA_ROOT/private, never under a public URL.

Uploaded photos, meeting materials and library files live here and are served only
by views that first check that the viewer may see the object they belong to."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    @cached_property
    def base_location(self):
        # Read lazily (and reset by Django when MEDIA_ROOT changes, as in tests).
        return os.path.join(settings.MEDIA_ROOT, "private")

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a view that checks permission.")


_storage = PrivateStorage()


def private_storage():
    """The callable that FileFields name as their storage (keeps migrations free of paths)."""
    return _storage
