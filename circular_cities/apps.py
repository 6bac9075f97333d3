from django.apps import AppConfig


class CircularCitiesConfig(AppConfig):
    """The project package as an app: only for what belongs to every app at once (the data version)."""

    name = "circular_cities"
    label = "circular_cities"
    verbose_name = "Circular Cities"

    def ready(self):
        from .datacache import connect_signals

        connect_signals()  # every kept page part goes out of date when a row changes (circular_cities/datacache.py)
