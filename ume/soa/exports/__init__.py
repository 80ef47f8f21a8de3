"""Exports of the Statement of Applicability (xlsx, docx, pdf) and the vocabulary of its sheet.

The xlsx sheet is also the import format (``ume.soa.importers.soa2022``): ``COLUMNS`` names its
header row once for both directions, and the ``*_label`` helpers write the values the importer
reads back (適用/除外, reasons joined by 「、」, status labels, level marks 梅/竹/松, 梅1 …).
Headers and values follow the active language; the importer accepts both languages and the
fixed Japanese forms in ``aliases``, so a file keeps importing whatever the UI language was.

The importers read values through the ``*_lookup`` tables below: the stored key, the label in
English and in Japanese, and fixed Japanese or hand-typed forms (○/×, 実施済み, 梅 …).

The document builders are imported lazily (PEP 562) so that the importer can use the
vocabulary without loading python-docx or WeasyPrint.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from ume.catalogue.choices import Level

from ..choices import ImplementationStatus, InclusionReason

# 適用宣言書; the sheet the importer looks for first.
SHEET_TITLE = gettext_lazy("Statement of Applicability")
SHEET_ALIASES = ("適用宣言書",)
FORMAT_MARK = "ume-soa-2022/1"  # written to the 情報 sheet; lets people and tools tell the format
EVIDENCE_HASH_CHARS = 12


@dataclass(frozen=True)
class Column:
    """One column of the SoA sheet: ``key`` is the SoARow field (or a display-only name)."""

    key: str
    label: Promise
    aliases: tuple[str, ...] = ()  # also accepted as the header on import
    imported: bool = True  # False: shown for reference, never read back
    required: bool = False  # the import refuses a file without it


COLUMNS: tuple[Column, ...] = (
    Column(
        "ref", gettext_lazy("Control number"), ("管理策番号", "番号", "No", "ID"), required=True
    ),
    Column("title", gettext_lazy("Control title"), ("管理策名", "管理策"), imported=False),
    Column(
        "applicable",
        gettext_lazy("Applicability"),
        ("適用可否", "適用", "適用／除外"),
        required=True,
    ),
    Column(
        "reasons",
        gettext_lazy("Reasons for inclusion"),
        ("理由", "管理策を含めた理由", "適用理由"),
        required=True,
    ),
    Column(
        "exclusion_justification",
        gettext_lazy("Justification for exclusion"),
        ("除外した正当な理由", "除外理由", "除外の正当性"),
        required=True,
    ),
    Column("status", gettext_lazy("Implementation status"), ("実施状況",), required=True),
    Column("target_level", gettext_lazy("Target level"), ("目標レベル",), required=True),
    Column("current_level", gettext_lazy("Current level"), ("現在レベル",), required=True),
    Column(
        "current_variant",
        gettext_lazy("Implementation example"),
        ("実装例", "実装概要", "実装概要（事例）", "事例"),
    ),
    Column(
        "variant_source",
        gettext_lazy("Source of the implementation example"),
        ("実装例の出典",),
        imported=False,
    ),
    Column("measures", gettext_lazy("Measures implemented"), ("実施内容", "対策"), imported=False),
    Column("procedure", gettext_lazy("Procedure"), ("手順書", "手順")),
    Column("evidence", gettext_lazy("Evidence"), ("証拠", "エビデンス"), imported=False),
    Column("notes", gettext_lazy("Notes"), ("備考",)),
    Column("review_note", gettext_lazy("Needs review"), ("要確認",), imported=False),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}

LEVEL_MARKS = {
    "ume": gettext_lazy("Plum"),
    "take": gettext_lazy("Bamboo"),
    "matsu": gettext_lazy("Pine"),
}
APPLICABILITY_LABELS = {True: gettext_lazy("Included"), False: gettext_lazy("Excluded")}


def list_separator() -> str:
    """「、」 in Japanese, ", " in English: the catalogue's translation of ", " (the templates'
    ``join:_(", ")`` reads the same entry)."""
    return gettext(", ")


def applicability_label(applicable: bool) -> str:
    return str(APPLICABILITY_LABELS[bool(applicable)])


def reasons_label(reasons: Iterable[str]) -> str:
    labels = dict(InclusionReason.choices)
    return list_separator().join(str(labels.get(r, r)) for r in reasons)


def status_label(status: str) -> str:
    return str(dict(ImplementationStatus.choices).get(status, status))


def level_mark(level: str) -> str:
    return str(LEVEL_MARKS[level]) if level in LEVEL_MARKS else ""


def variant_level(key: str) -> str:
    return key.rstrip("0123456789")


def variant_label(key: str) -> str:
    """``ume1`` → 梅1 (Plum1 in English): the mark of its level and its number."""
    if not key:
        return ""
    level = variant_level(key)
    return f"{level_mark(level) or level}{key[len(level) :]}"


def evidence_label(evidence: Iterable[dict[str, Any]]) -> str:
    """One line per file: its name and the first 12 hex digits of its SHA-256."""
    return "\n".join(
        f"{e.get('name', '')} (SHA-256: {str(e.get('sha256', ''))[:EVIDENCE_HASH_CHARS]})"
        for e in evidence
    )


def measures_label(measures: Iterable[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("title", "")) for m in measures)


# --- reading values back (the importers) -----------------------------------------------------

_REASON_SPLIT = re.compile(r"[、,，;；\n/／]+")
# Fixed Japanese (and common hand-typed) forms accepted whatever the UI language.
APPLICABLE_ALIASES = {
    True: (
        "適用",
        "○",
        "〇",
        "◯",
        "●",
        "yes",
        "y",
        "true",
        "included",
        "applicable",
        "有",
        "要",
        "適用する",
    ),
    False: (
        "除外",
        "×",
        "✕",
        "✖",
        "✗",
        "x",
        "no",
        "n",
        "false",
        "excluded",
        "適用外",
        "非適用",
        "除外する",
        "不要",
        "無",
    ),
}
STATUS_ALIASES = {
    ImplementationStatus.IMPLEMENTED: ("実施済み", "実施済", "済"),
    ImplementationStatus.PARTIAL: ("一部実施", "一部実施済み", "一部"),
    ImplementationStatus.NOT_IMPLEMENTED: ("未実施", "未"),
    ImplementationStatus.NOT_APPLICABLE: ("対象外", "該当なし", "n/a"),
}
REASON_ALIASES = {
    InclusionReason.RISK: ("リスク対応", "リスクアセスメント", "リスク"),
    InclusionReason.LEGAL: ("法令・規制", "法令", "規制", "法令等", "法的要求事項"),
    InclusionReason.CONTRACT: ("契約", "契約上の要求"),
    InclusionReason.BUSINESS: ("事業上の要求", "事業", "業務上の要求"),
}
LEVEL_ALIASES = {Level.UME: ("梅", "ume"), Level.TAKE: ("竹", "take"), Level.MATSU: ("松", "matsu")}


def norm(text: Any) -> str:
    """Compare form: NFKC (全角→半角), case-folded, without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).casefold()


def _lookup(vocabulary: dict[Any, tuple[str, ...]], labels: dict[Any, Any]) -> dict[str, Any]:
    """Normalised spelling → value: the value, its English and Japanese labels, the aliases."""
    out: dict[str, Any] = {}
    for value, aliases in vocabulary.items():
        out[norm(value)] = value
        for language in ("en", "ja"):
            with translation.override(language):
                out[norm(labels[value])] = value
        out.update({norm(alias): value for alias in aliases})
    return out


def applicability_lookup() -> dict[str, bool]:
    return _lookup(APPLICABLE_ALIASES, APPLICABILITY_LABELS)


def status_lookup() -> dict[str, str]:
    return _lookup(STATUS_ALIASES, dict(ImplementationStatus.choices))


def reason_lookup() -> dict[str, str]:
    return _lookup(REASON_ALIASES, dict(InclusionReason.choices))


def level_lookup() -> dict[str, str]:
    return {**_lookup(LEVEL_ALIASES, LEVEL_MARKS), **_lookup(LEVEL_ALIASES, dict(Level.choices))}


def split_reasons(text: str) -> list[str]:
    return [part.strip() for part in _REASON_SPLIT.split(text) if part.strip()]


def value_label(name: str, value: Any) -> str:
    """A SoARow field's value as the sheet and the import preview show it."""
    if name == "applicable":
        return applicability_label(bool(value))
    if name == "reasons":
        return reasons_label(value or []) or "—"
    if name == "status":
        return status_label(value)
    if name in ("target_level", "current_level"):
        return level_mark(value) or "—"
    if name == "current_variant":
        return variant_label(getattr(value, "key", value) or "") or "—"
    return str(value or "").strip() or "—"


_LAZY = frozenset({"soa_xlsx", "soa_docx", "soa_pdf", "soa_document"})

__all__ = [
    "APPLICABILITY_LABELS",
    "APPLICABLE_ALIASES",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "FORMAT_MARK",
    "LEVEL_ALIASES",
    "LEVEL_MARKS",
    "REASON_ALIASES",
    "SHEET_ALIASES",
    "SHEET_TITLE",
    "STATUS_ALIASES",
    "Column",
    "applicability_label",
    "applicability_lookup",
    "evidence_label",
    "level_lookup",
    "level_mark",
    "list_separator",
    "measures_label",
    "norm",
    "reason_lookup",
    "reasons_label",
    "soa_document",
    "soa_docx",
    "soa_pdf",
    "soa_xlsx",
    "split_reasons",
    "status_label",
    "status_lookup",
    "value_label",
    "variant_label",
    "variant_level",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import documents

        return getattr(documents, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
