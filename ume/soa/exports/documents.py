"""The Statement of Applicability as xlsx, docx and pdf (JIS Q 27001 6.1.3 d)).

Every format is built from one snapshot dict: an approved ``SoAVersion.snapshot`` or, for the
current draft, ``domain.snapshot_of(soa)``, which has the same shape. So a version's
export shows exactly what was approved, and the draft goes through the same code.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ume.catalogue import provenance as marks
from ume.catalogue.choices import THEME_NUMBER, Theme
from ume.catalogue.models import LevelVariant
from ume.core.exports import Section, Table, write_docx, write_xlsx

from ..domain import field_labels, row_differences, snapshot_of
from ..models import SoAVersion, StatementOfApplicability
from . import (
    COLUMN_BY_KEY,
    COLUMNS,
    FORMAT_MARK,
    SHEET_TITLE,
    applicability_label,
    evidence_label,
    level_mark,
    list_separator,
    measures_label,
    reasons_label,
    status_label,
    variant_label,
)

# Columns of the per-theme table in Word and PDF; measures, procedure and evidence of each
# included control follow the table as text, so the table still fits an A4 landscape page.
DOCUMENT_COLUMNS = (
    "ref",
    "title",
    "applicable",
    "reasons",
    "exclusion_justification",
    "status",
    "target_level",
    "current_display",
    "procedure",
    "notes",
)
PDF_COLUMN_WIDTHS = (7, 16, 6, 10, 14, 8, 6, 7, 12, 14)  # percent, in DOCUMENT_COLUMNS order
PDF_TEMPLATE = "soa/pdf/soa.html"


@contextmanager
def _language(language: str | None) -> Iterator[None]:
    with translation.override(language or get_language() or settings.LANGUAGE_CODE):
        yield


def _moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y/%m/%d %H:%M")


@dataclass
class SoADocument:
    """What every format shows: the meta block and the rows as display strings."""

    organisation: str
    scope: str
    version_label: str
    approver: str
    approved_at: str
    exported_at: str
    rows: list[dict]
    draft: bool = False
    # For an approved version: SHA-256 of its snapshot, so a reader can check the file's rows.
    digest: str = ""
    # For a draft: the newest approved version's label and the rows changed since it.
    approved_label: str = ""
    changes: list[dict] = field(default_factory=list)

    def meta(self, *, with_export_time: bool = True) -> list[tuple[str, str]]:
        pairs = [
            (_("Organisation"), self.organisation),
            (_("ISMS scope"), self.scope),
            (_("Version"), self.version_label),
            (_("Approved by"), self.approver),
            (_("Approved at"), self.approved_at),
        ]
        if self.digest:
            pairs.append((_("Snapshot digest (SHA-256)"), self.digest))
        if self.draft:
            pairs.append(
                (
                    _("Approved version"),
                    self.approved_label or _("None yet"),
                )
            )
            if self.approved_label:
                pairs.append((_("Changes since approval"), self.changes_summary()))
        if with_export_time:
            pairs.append((_("Exported at"), self.exported_at))
        return pairs

    def changes_summary(self) -> str:
        if not self.changes:
            return _("None")
        return list_separator().join(c["ref"] for c in self.changes)

    def running_title(self) -> str:
        """The header of every page: organisation, title, scope and version."""
        return " ".join(
            [
                self.organisation,
                str(_("Statement of Applicability")),
                self.scope,
                self.version_label,
            ]
        )

    def themes(self) -> list[tuple[str, list[dict]]]:
        """(``5 組織的管理策``, rows) for each theme of Annex A, in order."""
        labels = {number: str(dict(Theme.choices)[theme]) for theme, number in THEME_NUMBER.items()}
        out = []
        for number in sorted(labels):
            rows = [r for r in self.rows if r["theme"] == number]
            if rows:
                out.append((f"{number} {labels[number]}", rows))
        return out


def _variant_marks() -> dict[tuple[str, str], dict]:
    """The provenance of every implementation example (reference data, the same for all)."""
    return {
        (ref, key): prov
        for ref, key, prov in LevelVariant.objects.values_list("control__ref", "key", "provenance")
    }


def _display_row(row: dict, variant_marks: dict[tuple[str, str], dict]) -> dict:
    """One snapshot row as text, keyed like ``COLUMNS`` (so the xlsx is a plain lookup)."""
    english = (get_language() or "ja").startswith("en")
    current = level_mark(row.get("current_level", ""))
    variant = variant_label(row.get("variant", ""))
    if variant:
        current = f"{current} ({variant})" if english else f"{current}（{variant}）"
    ref = row["control"]
    return {
        "ref": ref,
        "title": (row.get("title_en") if english else None) or row.get("title_ja", ""),
        "theme": int(ref.split(".")[0]),
        "is_applicable": bool(row["applicable"]),
        "applicable": applicability_label(bool(row["applicable"])),
        "reasons": reasons_label(row.get("reasons") or []),
        "exclusion_justification": row.get("exclusion_justification", ""),
        "status": status_label(row.get("status", "")),
        "target_level": level_mark(row.get("target_level", "")),
        "current_level": level_mark(row.get("current_level", "")),
        "current_variant": variant,
        "variant_source": _source(variant_marks.get((ref, row.get("variant", "")))),
        "current_display": current,
        "measures": measures_label(row.get("measures") or []),
        "procedure": row.get("procedure", ""),
        "evidence": evidence_label(row.get("evidence") or []),
        "notes": row.get("notes", ""),
        "review_note": row.get("review_note", ""),
    }


def _source(prov: dict | None) -> str:
    return "" if prov is None else marks.mark_text(prov)


def soa_document(
    *, soa: StatementOfApplicability, version: SoAVersion | None = None
) -> SoADocument:
    """The document of an approved ``version`` of ``soa``, or of its current draft."""
    approved_label, changes = "", []
    if version is None:
        snapshot = snapshot_of(soa)
        label, approver, approved_at = _("Draft"), _("Not approved"), _("Not approved")
        latest = soa.versions.order_by("-number").first()
        if latest is not None:
            approved_label = _("Version {number} ({date})").format(
                number=latest.number, date=_moment(latest.approved_at)
            )
            changes = _changes(latest.snapshot["rows"], snapshot["rows"])
    else:
        if version.soa_id != soa.pk:
            raise ValueError("The version belongs to another Statement of Applicability.")
        snapshot = version.snapshot
        label = _("Version {number}").format(number=version.number)
        approver, approved_at = str(version.approved_by), _moment(version.approved_at)
    variant_marks = _variant_marks()
    return SoADocument(
        organisation=snapshot.get("organisation") or soa.organisation.name,
        scope=snapshot.get("scope") or soa.scope.name,
        version_label=label,
        approver=approver,
        approved_at=approved_at,
        exported_at=_moment(timezone.now()),
        rows=[_display_row(r, variant_marks) for r in snapshot.get("rows", [])],
        draft=version is None,
        digest=version.snapshot_sha256 if version is not None else "",
        approved_label=approved_label,
        changes=changes,
    )


def _changes(approved: list[dict], draft: list[dict]) -> list[dict]:
    english = (get_language() or "ja").startswith("en")
    titles = {
        r["control"]: (r.get("title_en") if english else None) or r["title_ja"] for r in draft
    }
    return [
        {"ref": ref, "title": titles.get(ref, ""), "fields": list_separator().join(field_labels(f))}
        for ref, f in row_differences(approved, draft).items()
    ]


def soa_xlsx(
    *, soa: StatementOfApplicability, version: SoAVersion | None = None, language: str | None = None
) -> bytes:
    """Sheet 「情報」 (meta) and sheet 「適用宣言書」: one row per control, ``COLUMNS`` order.

    The file is the import format: upload it again and only the edited cells change."""
    with _language(language):
        doc = soa_document(soa=soa, version=version)
        table = Table(
            title=str(SHEET_TITLE),
            headers=[str(c.label) for c in COLUMNS],
            rows=[[row[c.key] for c in COLUMNS] for row in doc.rows],
        )
        ignored = list_separator().join(str(c.label) for c in COLUMNS if not c.imported)
        meta = dict(doc.meta())
        meta[_("File format")] = FORMAT_MARK
        meta[_("Import")] = _(
            "Edit the sheet and import it again to update the Statement of Applicability. "
            "These columns are for reference and are not imported: {columns}."
        ).format(columns=ignored)
        return write_xlsx(
            [table], meta=meta, meta_title=_("Information"), title=f"{SHEET_TITLE} {doc.scope}"
        )


DETAIL_KEYS = ("measures", "variant_source", "procedure", "evidence")


def has_details(row: dict) -> bool:
    """An included row with a measure, an example's source, a procedure or evidence: only
    those get a block after the table (an empty block is a page of dashes)."""
    return row["is_applicable"] and any(row[key] for key in DETAIL_KEYS)


def _detail(row: dict) -> str:
    sep = list_separator()
    lines = [f"{row['ref']} {row['title']}"]
    for key in DETAIL_KEYS:
        if row[key]:
            value = sep.join(row[key].splitlines()) if key != "procedure" else row[key]
            lines.append(f"{COLUMN_BY_KEY[key].label}: {value}")
    return "\n".join(lines)


def _changes_section(doc: SoADocument) -> list[Section]:
    if not (doc.draft and doc.approved_label):
        return []
    heading = _("Changes since {version}").format(version=doc.approved_label)
    if not doc.changes:
        return [Section(heading=heading, paragraphs=[_("No row changed since the approval.")])]
    return [
        Section(
            heading=heading,
            table=Table(
                title=heading,
                headers=[
                    str(COLUMN_BY_KEY["ref"].label),
                    str(COLUMN_BY_KEY["title"].label),
                    _("Changed"),
                ],
                rows=[[c["ref"], c["title"], c["fields"]] for c in doc.changes],
            ),
        )
    ]


def _document_headers() -> list[str]:
    return [
        str(COLUMN_BY_KEY["current_level" if key == "current_display" else key].label)
        for key in DOCUMENT_COLUMNS
    ]


def soa_docx(
    *, soa: StatementOfApplicability, version: SoAVersion | None = None, language: str | None = None
) -> bytes:
    """Word, A4 landscape: title, meta, then per theme a table and the included controls'
    measures, procedure and evidence."""
    with _language(language):
        doc = soa_document(soa=soa, version=version)
        sections: list[Section] = _changes_section(doc)
        for heading, rows in doc.themes():
            sections.append(
                Section(
                    heading=heading,
                    table=Table(
                        title=heading,
                        headers=_document_headers(),
                        rows=[[r[key] for key in DOCUMENT_COLUMNS] for r in rows],
                    ),
                )
            )
            details = [_detail(r) for r in rows if has_details(r)]
            if details:
                sections.append(
                    Section(
                        heading=_("Measures, procedures and evidence"), paragraphs=details, level=2
                    )
                )
        data = write_docx(
            title=_("Statement of Applicability"),
            meta=doc.meta(),
            sections=sections,
            header=doc.running_title(),
            alert=_("Draft (not approved)") if doc.draft else "",
        )
    return _landscape(data)


def _landscape(data: bytes) -> bytes:
    """Turn the core layer's A4 portrait pages sideways: ten columns need the width."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    document = Document(io.BytesIO(data))
    for section in document.sections:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.left_margin = section.right_margin = Mm(15)
        section.top_margin = section.bottom_margin = Mm(15)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def soa_pdf(
    *, soa: StatementOfApplicability, version: SoAVersion | None = None, language: str | None = None
) -> bytes:
    """PDF, A4 landscape, IPAexGothic embedded by the core layer."""
    from ume.core.exports import render_pdf_template

    with _language(language):
        doc = soa_document(soa=soa, version=version)
        context = {
            "LANGUAGE_CODE": get_language(),
            "title": _("Statement of Applicability"),
            "organisation": doc.organisation,
            "subtitle": doc.scope,
            "meta": doc.meta(with_export_time=False),
            "exported_at": doc.exported_at,
            "running_title": doc.running_title(),
            "watermark": _("Draft") if doc.draft else "",
            "changes_heading": (
                _("Changes since {version}").format(version=doc.approved_label)
                if doc.draft and doc.approved_label
                else ""
            ),
            "changes": doc.changes,
            "changed_label": _("Changed"),
            "headers": _document_headers(),
            "widths": PDF_COLUMN_WIDTHS,
            "themes": [
                {
                    "heading": h,
                    "rows": [
                        {**r, "cells": [r[k] for k in DOCUMENT_COLUMNS], "details": has_details(r)}
                        for r in rows
                    ],
                    "with_details": any(has_details(r) for r in rows),
                }
                for h, rows in doc.themes()
            ],
            "detail_labels": {
                k: COLUMN_BY_KEY[k].label
                for k in ("measures", "variant_source", "procedure", "evidence")
            },
        }
        return render_pdf_template(PDF_TEMPLATE, context)
