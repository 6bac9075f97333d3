from django.apps import AppConfig


class CircularCitiesConfig(AppConfig):
    """The project package as an app: its templates tags, checks and commands belong to every app at once."""

    name = "circular_cities"
    label = "circular_cities"
    verbose_name = "Circular Cities"
