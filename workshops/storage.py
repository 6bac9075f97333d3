"""Meeting materials use the platform's one private storage (see circular_cities.storage)."""

from circular_cities.storage import PrivateStorage, private_storage

__all__ = ["PrivateStorage", "private_storage"]
