"""The export layer every module uses: xlsx/csv, docx, PDF, and the download responses.

Modules build ``Table``/``Section`` values from their selectors and hand the bytes to
``export_response``; none of them formats files itself (DESIGN.md "Exports").

The PDF names are imported lazily (PEP 562), so importing this package for a spreadsheet does
not load WeasyPrint and Pango.
"""

from typing import Any

from .cleaning import clean_text
from .documents import Section, write_docx
from .http import (
    CONTENT_TYPES,
    content_disposition,
    exceeds_export_limit,
    export_meta,
    export_response,
    export_streaming_response,
    filename_for,
)
from .sheets import Table, iter_csv, neutralise_cell, unneutralise_cell, write_csv, write_xlsx

_PDF_NAMES = frozenset(
    {"BlockedURLError", "LocalOnlyURLFetcher", "render_pdf", "render_pdf_template"}
)

__all__ = [
    "CONTENT_TYPES",
    "BlockedURLError",
    "LocalOnlyURLFetcher",
    "Section",
    "Table",
    "clean_text",
    "content_disposition",
    "exceeds_export_limit",
    "export_meta",
    "export_response",
    "export_streaming_response",
    "filename_for",
    "iter_csv",
    "neutralise_cell",
    "render_pdf",
    "render_pdf_template",
    "unneutralise_cell",
    "write_csv",
    "write_docx",
    "write_xlsx",
]


def __getattr__(name: str) -> Any:
    if name in _PDF_NAMES:
        from . import pdf

        return getattr(pdf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
