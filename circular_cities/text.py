"""How much text the platform takes, per kind of text, and the checks every text field shares.

Limits are generous (nobody who writes for people meets them) but they exist: a 1 MB progress entry would make
its page, the reports and the open data 1 MB too. A ``TextField`` takes ``max_length`` only into its form field,
so text fields name ``MaxLengthValidator`` as well and ``full_clean()`` (every service) enforces the limit.

| kind            | characters | for                                                           |
|-----------------|-----------:|---------------------------------------------------------------|
| ``LINE``        |        200 | titles, names, roles (CharField, one line)                    |
| ``SHORT_TEXT``  |      4 000 | comments, reasons, attendees, a short summary                 |
| ``LONG_TEXT``   |     20 000 | what happened, descriptions, advice, problem statements       |
| ``DOCUMENT``    |    100 000 | meeting minutes, notification bodies                          |

Single-line fields (titles, names, places) take no line breaks, and a title of only invisible characters
(spaces, zero-width spaces, control characters) is refused: it would show as an empty link.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

LINE = 200
SHORT_TEXT = 4_000
LONG_TEXT = 20_000
DOCUMENT = 100_000

__all__ = ["DOCUMENT", "LINE", "LONG_TEXT", "SHORT_TEXT", "MaxLengthValidator", "SINGLE_LINE",
           "validate_single_line", "validate_visible"]


def validate_single_line(value) -> None:
    if isinstance(value, str) and any(char in value for char in "\r\n\v\f\x85\u2028\u2029"):
        raise ValidationError(_("Write this on one line, without line breaks."), code="line_break")


def validate_visible(value) -> None:
    """At least one character a reader can see: not only spaces, control or zero-width characters."""
    if isinstance(value, str) and value and not any(
            unicodedata.category(char)[0] not in "ZC" for char in value):
        raise ValidationError(_("Write something that can be read: this has only spaces or invisible characters."),
                              code="invisible")


# The validators of a single-line text a person types (a title, a name, a place).
SINGLE_LINE = [validate_single_line, validate_visible]
