"""Library files use the platform's one private storage (see circular_cities.storage).

Files are served only by ``community.views.item_file`` after the same visibility check as the item."""

from circular_cities.storage import PrivateStorage, private_storage

community_storage = private_storage

__all__ = ["PrivateStorage", "community_storage"]
