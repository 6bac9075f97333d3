"""Private storage for progress photos: under MEDIA_ROOT/private, never under a public URL.

Photos are served only by ``municipalities.views.photo`` after ``can_view_entry``."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    @cached_property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, "private")

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a view that checks permission.")


_storage = PrivateStorage()


def private_storage():
    return _storage
