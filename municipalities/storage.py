"""Progress photos use the platform's one private storage (see circular_cities.storage).

Photos are served only by ``municipalities.views.photo`` after ``can_view_entry``."""

from circular_cities.storage import PrivateStorage, private_storage

__all__ = ["PrivateStorage", "private_storage"]
