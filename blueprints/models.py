"""A named template: a programme kept as the starting point of new ones.

A template points at its programme; starting from it copies that programme's structure as it is at that
moment (``blueprints.plan``), never its people, municipalities, progress or results. One programme is at most
one template; deleting the programme deletes the template.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from circular_cities.text import SINGLE_LINE
from programmes.models import Bilingual


class ProgrammeTemplate(Bilingual, models.Model):
    programme = models.OneToOneField("programmes.Programme", verbose_name=_("programme"), related_name="template",
                                     on_delete=models.CASCADE)
    name_da = models.CharField(_("name (Danish)"), max_length=200, validators=SINGLE_LINE)
    name_en = models.CharField(_("name (English)"), max_length=200, validators=SINGLE_LINE, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["name_da", "id"]
        verbose_name = _("programme template")
        verbose_name_plural = _("programme templates")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.localized("name")
