"""The one cleaning function for every string the export layer writes into a file.

Cells, headers, sheet titles, workbook and document properties, Word text, PDF HTML and file
names all pass through ``clean_text``. Input validation (``ume.core.validators``) already
refuses control characters, but records stored before it, or written around it (a database
edit, another tool's import), must not make a download fail: openpyxl raises
``IllegalCharacterError`` and lxml ``ValueError`` on them (issue 15, finding 6).
"""

import re
from typing import Any

# What XML 1.0 cannot hold (C0 controls but tab, LF and CR; lone surrogates; U+FFFE/U+FFFF),
# plus DEL, which XML allows but which carries no meaning in a document.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# On one line (titles, properties, file names), a run of breaks and tabs is one space.
_BREAKS = re.compile(r"[ \t\n\r]*[\t\n\r][ \t\n\r]*")


def truncate_utf16(text: str, limit: int) -> str:
    """At most ``limit`` UTF-16 code units, as Excel and Word count length (a character
    outside the BMP, e.g. 𠮷, counts two), never splitting a character."""
    if len(text) <= limit // 2:  # fast path: no character takes more than two units
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def clean_text(value: Any, *, single_line: bool = False, max_length: int | None = None) -> str:
    """``value`` as text a file can hold: control characters removed (tab, LF and CR kept
    unless ``single_line``, which turns them into one space and trims the ends), cut to
    ``max_length`` UTF-16 units. ``None`` is the empty string."""
    if value is None:
        return ""
    text = _UNWRITABLE.sub("", str(value))
    if single_line:
        text = _BREAKS.sub(" ", text).strip()
    if max_length is not None:
        text = truncate_utf16(text, max_length)
    return text
