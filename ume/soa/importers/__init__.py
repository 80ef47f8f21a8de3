"""Imports of the Statement of Applicability: the 2022 sheet that Ume exports, and the
migration of a 2013 SoA. Both parse into an ``ImportPreview`` (nothing written); ``apply``
then writes it through ``services.soa_rows_import``, all or nothing."""

from ume.core.importing import ImportFileError

from .common import (
    ImportPreview,
    MappedRow,
    ReviewItem,
    RowChange,
    RowError,
    StalePreviewError,
    apply,
)
from .soa2013 import preview_2013
from .soa2022 import preview_2022

PREVIEWS = {"2022": preview_2022, "2013": preview_2013}

__all__ = [
    "PREVIEWS",
    "ImportFileError",
    "ImportPreview",
    "MappedRow",
    "ReviewItem",
    "RowChange",
    "RowError",
    "StalePreviewError",
    "apply",
    "preview_2013",
    "preview_2022",
]
