"""Validators for text that people type: no control characters.

C0 control characters (U+0000–U+001F) and DEL (U+007F) carry no meaning in an ISMS record, are
invisible on screen, and cannot be written into xlsx, docx or XML at all (issue 15, finding 6).
Names and other single-line fields refuse all of them; multi-line text (``TextField``) keeps
tab, line feed and carriage return.

Attach them to model fields, so ModelForms, DRF ModelSerializers and services that call
``full_clean`` all refuse the same input with the same message::

    name = models.CharField(_("name"), max_length=200, validators=SINGLE_LINE)
    notes = models.TextField(_("notes"), blank=True, validators=MULTI_LINE)

Plain form fields take the same lists. The export layer still cleans what it writes
(``ume.core.exports.clean_text``): records stored before these validators, or written around
them, must not break a download.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_CHARACTERS_BUT_LINE_BREAKS_AND_TABS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CODE = "control_characters"


def validate_single_line(value: object) -> None:
    """Refuse every C0 control character and DEL, including line breaks and tabs."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("Control characters (such as line breaks or tabs) are not allowed."), code=CODE
        )


def validate_multi_line(value: object) -> None:
    """Refuse C0 control characters and DEL other than tab, line feed and carriage return."""
    if isinstance(value, str) and CONTROL_CHARACTERS_BUT_LINE_BREAKS_AND_TABS.search(value):
        raise ValidationError(
            _("Control characters other than line breaks and tabs are not allowed."), code=CODE
        )


# ``validators=`` of a field; Django copies the list, so one module-level value serves all.
SINGLE_LINE = [validate_single_line]
MULTI_LINE = [validate_multi_line]


def strip_control_characters(value: str) -> str:
    """Text received from a client rather than typed (an uploaded file's name), made single-line:
    line breaks and tabs become spaces, other control characters are removed."""
    return CONTROL_CHARACTERS.sub("", re.sub(r"[\t\n\r]+", " ", value)).strip()


# The largest id a BigAutoField holds.
MAX_PK = 2**63 - 1


def pk_out_of_range(value: object) -> bool:
    """An id (as typed or sent) that no database column can hold: SQLite raises OverflowError
    and PostgreSQL DataError on it, so forms and the API refuse it before the query."""
    text = str(value).strip()
    return text.lstrip("-").isdigit() and not 0 < int(text) <= MAX_PK
