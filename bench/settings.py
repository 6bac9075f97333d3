"""Settings of the benchmark and load-test servers only: the platform's settings plus ``bench.urls``, which adds
one trivial view to compare every page with. Production never loads this module (DJANGO_SETTINGS_MODULE)."""

from circular_cities.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
