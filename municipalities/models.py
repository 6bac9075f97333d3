from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    HOVEDSTADEN = "hovedstaden", _("Capital Region of Denmark")
    SJAELLAND = "sjaelland", _("Region Zealand")
    SYDDANMARK = "syddanmark", _("Region of Southern Denmark")
    MIDTJYLLAND = "midtjylland", _("Central Denmark Region")
    NORDJYLLAND = "nordjylland", _("North Denmark Region")
    INTERNATIONAL = "international", _("Outside Denmark")


class Municipality(models.Model):
    """A Danish municipality (reference data, official code) or an international city."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("official code"), max_length=3, blank=True,
        help_text=_("The three-digit municipality code from Statistics Denmark. Empty for cities abroad."),
    )
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    country = models.CharField(_("country"), max_length=2, default="DK", help_text=_("ISO 3166 code"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="municipality_code_unique"
            ),
            models.UniqueConstraint(fields=["name", "country"], name="municipality_name_country_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_danish(self) -> bool:
        return self.country == "DK"


def _register_local_challenge_history():
    """Audit history of the local challenge (who changed what, when).

    The challenge is edited on the municipality pages, so its history table lives in this app
    (municipalities_historicallocalchallenge): the programmes app's migrations stay untouched.
    """
    from simple_history import register

    from programmes.models import LocalChallenge

    if not hasattr(LocalChallenge, "history"):
        register(LocalChallenge, app="municipalities")


_register_local_challenge_history()
