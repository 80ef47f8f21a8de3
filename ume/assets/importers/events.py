"""Import of retention events (退職日, 契約終了日 …) from the xlsx or csv a 人事 or 総務 team keeps,
until the people and supplier registers report them: a preview (new, changed, unchanged,
errors by row) and an all-or-nothing apply through ``services.retention_events_import``.
The same cell readers as the ledger import: 和暦 and Excel dates, 全角, 同上, title rows."""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from django.utils import translation
from django.utils.translation import gettext as _

from ume.core.cells import (
    CellError,
    find_header,
    header_columns,
    header_key,
    normalise,
    read_date,
    same_as_above,
    trim_blank_rows,
)
from ume.core.import_preview import LinePreview, RowError
from ume.core.importing import (
    ImportFileError,
    ImportLimits,
    cell_text,
    open_csv,
    open_workbook,
    read_upload,
)

from .. import retention
from ..choices import EventType
from ..models import Asset, RetentionEvent, RetentionSubject

MAX_ROWS = 10_000
HEADER_SEARCH_ROWS = 20
COLUMNS = {
    "subject": ("対象", "氏名", "契約名", "件名", "subject", "name"),
    "event_type": ("起算事由の種類", "起算事由", "事由", "種類", "kind of event", "event"),
    "date": ("起算事由の発生日", "日付", "発生日", "退職日", "契約終了日", "date"),
    "assets": ("対象の記録", "記録", "管理番号", "records", "assets"),
    # Checked against the event's date (a 退職日 before the 入社日 is refused), not kept.
    "started_on": ("入社日", "契約開始日", "開始日", "join date", "start date"),
}
# Short words a spreadsheet uses for the kinds of event (besides their labels and codes).
EVENT_WORDS = {
    "退職": EventType.LEAVING,
    "解雇": EventType.LEAVING,
    "契約終了": EventType.CONTRACT_END,
    "決算": EventType.FISCAL_YEAR_END,
    "事業年度末": EventType.FISCAL_YEAR_END,
    "作成": EventType.CREATED,
    "完結": EventType.COMPLETED,
    "会議": EventType.MEETING,
    "開催": EventType.MEETING,
    "その他": EventType.OTHER,
}
SEPARATORS = re.compile(r"[、,，;；\s]+")


@dataclass
class EventLine:
    row_number: int
    subject: str
    event_type: str
    date: str
    state: str  # "new", "changed", "unchanged", "error"


@dataclass(kw_only=True)
class EventImportPreview(LinePreview):
    """Rows to record (``rows``: subject, event type, ISO dates, asset ids) and the report."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[EventLine] = field(default_factory=list)

    nested: ClassVar[dict[str, type]] = {"errors": RowError, "lines": EventLine}

    def error(self, row: int | None, message: str) -> None:
        self.errors.append(RowError(row, "", message))


def event_type_of(value: Any) -> str:
    """The kind of event a cell names: its code, its label (ja or en) or a short word."""
    text = normalise(value)
    if not text:
        raise CellError(_("Enter the kind of event (e.g. 退職, 契約終了)."))
    key = header_key(text)
    for kind in EventType:
        names = [kind.value]
        for language in ("ja", "en"):  # a sheet may be in either language
            with translation.override(language):
                names.append(str(kind.label))
        if key in {header_key(n) for n in names}:
            return kind.value
    for word, kind in EVENT_WORDS.items():
        if key.startswith(header_key(word)):
            return kind.value
    raise CellError(
        _(
            "“{value}” is not a kind of event. Use 退職, 契約終了, 作成, 完結, 会議 or その他."
        ).format(value=text[:40])
    )


def _rows(uploaded: Any) -> tuple[list[tuple], int]:
    limits = ImportLimits.from_settings(max_rows=MAX_ROWS)
    data = read_upload(uploaded, limits)
    name = (getattr(uploaded, "name", "") or "").lower()
    book = open_csv(data, limits) if name.endswith(".csv") else open_workbook(data, limits)
    with book:
        for sheet in book.sheets:
            head = sheet.read(width=limits.max_columns, max_row=HEADER_SEARCH_ROWS)
            index = find_header(head.rows, COLUMNS)
            if index is not None:
                extents = head.extents[index : index + 1]
                return sheet.read(width=book.header_width(sheet, extents)).rows, index
    raise ImportFileError(
        _(
            "No header row of retention events was found. The file needs a row naming at "
            "least two columns such as 対象, 起算事由 and 日付; download the template to see them."
        )
    )


def preview_events(*, organisation, uploaded: Any) -> EventImportPreview:
    preview = EventImportPreview(filename=getattr(uploaded, "name", ""))
    try:
        rows, index = _rows(uploaded)
    except ImportFileError as exc:
        preview.error(None, str(exc))
        return preview
    columns = header_columns(rows[index], COLUMNS)
    names = [normalise(c) for c in rows[index]]
    for key in ("subject", "event_type", "date"):
        if key not in columns:
            preview.error(
                None, _("The file has no “{column}” column.").format(column=COLUMNS[key][0])
            )
    if preview.errors:
        return preview
    preview.columns_read = [f"{names[c]} → {COLUMNS[k][0]}" for k, c in columns.items()]
    preview.columns_skipped = [n for i, n in enumerate(names) if n and i not in columns.values()]
    first = index + 1
    body = trim_blank_rows(rows[first:])
    try:
        body = same_as_above(body, [columns[k] for k in ("event_type", "date") if k in columns])
    except CellError as exc:
        preview.error(first + 1 + (exc.row or 0), exc.message)
        return preview
    _plan(preview, organisation, columns, body, first)
    return preview


def _cell(row, columns: dict[str, int], key: str) -> Any:
    column = columns.get(key)
    return row[column] if column is not None and column < len(row) else None


def _plan(preview, organisation, columns, body, first: int) -> None:
    refs = dict(Asset.objects.filter(organisation=organisation).values_list("ref", "pk"))
    subjects = dict(
        RetentionSubject.objects.filter(organisation=organisation).values_list("key", "pk")
    )
    known = {
        (e.subject_id, e.event_type): e
        for e in RetentionEvent.objects.filter(organisation=organisation)
    }
    seen: dict[tuple[str, str], int] = {}
    for offset, row in enumerate(body):
        number = first + 1 + offset
        subject = " ".join(cell_text(_cell(row, columns, "subject")).split())[:200]
        problems, kind, day, assets = [], "", None, []
        if not subject:
            problems.append(_("Enter whom or what the records are about."))
        try:
            kind = event_type_of(_cell(row, columns, "event_type"))
        except CellError as exc:
            problems.append(exc.message)
        try:
            day = read_date(_cell(row, columns, "date"))
            if day is None:
                problems.append(_("Enter the date of the event."))
        except CellError as exc:
            problems.append(exc.message)
        try:
            start = read_date(_cell(row, columns, "started_on"))
        except CellError as exc:
            start = None
            problems.append(exc.message)
        if kind and day and (problem := retention.before_start(kind, day, start)):
            problems.append(problem)
        for ref in SEPARATORS.split(normalise(_cell(row, columns, "assets")).upper()):
            if ref and ref not in refs:
                problems.append(_("No asset numbered {ref}.").format(ref=ref[:20]))
            elif ref:
                assets.append(refs[ref])
        if subject and kind and (subject, kind) in seen:
            problems.append(
                _("The same event of the same subject is in row {row} too.").format(
                    row=seen[(subject, kind)]
                )
            )
        seen.setdefault((subject, kind), number)
        if problems:
            for message in problems:
                preview.error(number, message)
            preview.lines.append(EventLine(number, subject, kind, "", "error"))
            continue
        existing = known.get((subjects.get(subject), kind))
        state = "new"
        if existing is not None:
            same = existing.date == day and not existing.withdrawn
            state = "unchanged" if same else "changed"
        preview.lines.append(EventLine(number, subject, kind, _iso(day), state))
        if state != "unchanged":
            preview.rows.append(
                {
                    "subject": subject,
                    "event_type": kind,
                    "date": _iso(day),
                    "started_on": _iso(start),
                    "assets": assets,
                }
            )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
