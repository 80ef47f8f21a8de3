"""The ledger importer: finds the header row under any merged title rows (one row, or two with
a group such as 重要度 over 機密性・完全性・可用性), reads each row with the shared cell readers
(全角, ○/×/－, 和暦 and Excel-serial dates, 同上), matches rows to assets by 管理番号 and
reports new / changed / unchanged / errors by row. Nothing is written here."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from ume.core.bulk import CHUNK
from ume.core.cells import (
    CellError,
    combine_two_row_headers,
    find_header,
    header_columns,
    normalise,
    read_date,
    read_mark,
    same_as_above,
    trim_blank_rows,
)
from ume.core.import_preview import Line, LinePreview, RowError
from ume.core.importing import (
    ImportFileError,
    ImportLimits,
    cell_text,
    open_csv,
    open_workbook,
    read_upload,
)

from ..choices import AssetStatus, AssetType, DeviceIdKind, DeviceKind, Location, Ownership
from ..models import Asset
from .values import (
    DEVICE_WORDS,
    ID_KIND_WORDS,
    LOCATION_WORDS,
    OWNERSHIP_WORDS,
    STATUS_WORDS,
    TYPE_WORDS,
    Directory,
    choice_table,
    kind_from_os,
    read_choice,
    read_cia,
    read_switch,
)

HEADER_SEARCH_ROWS = 15
MAX_ROWS = 20_000

# Field → the header texts accepted (the export's own headers in both languages first).
COLUMNS: dict[str, list[str]] = {
    "ref": ["管理番号", "資産番号", "番号", "No", "No.", "asset number"],
    "name": [
        "資産名",
        "情報資産名",
        "資産名称",
        "名称",
        "asset name",
        "端末名",
        "デバイス名",
        "Device name",
        "Computer Name",
    ],
    "scope": ["適用範囲", "ISMS scope"],
    "asset_type": ["種別", "資産の種類", "種類", "asset type"],
    "owner": [
        "管理責任者",
        "責任者",
        "資産管理者",
        "asset owner",
        "owner",
        "利用者",
        "Primary user UPN",
        "Primary user email address",
    ],
    "department": ["部門", "部署", "管理部門", "所管部署", "department"],
    "location": ["保管場所", "保存場所", "保管媒体", "媒体", "storage"],
    "storage_detail": ["保管場所の詳細", "保管先", "保存先", "storage details"],
    "media_format": ["形式", "形態", "format"],
    "classification": ["機密区分", "機密性区分", "情報区分", "classification"],
    "confidentiality": ["機密性", "C", "confidentiality"],
    "integrity": ["完全性", "I", "integrity"],
    "availability": ["可用性", "A", "availability"],
    "personal_info": ["個人情報", "personal information"],
    "sensitive_personal_info": [
        "要配慮個人情報",
        "special care-required personal information",
    ],
    "my_number": [
        "特定個人情報（マイナンバー）",
        "特定個人情報",
        "マイナンバー",
        "specific personal information (My Number)",
    ],
    "holder": [
        "保管する供給者・クラウドサービス",
        "委託先",
        "供給者",
        "保管する委託先",
        "supplier or cloud service holding it",
    ],
    "status": ["状態", "ステータス", "status"],
    "last_reviewed_on": ["最終確認日", "確認日", "棚卸日", "last reviewed on"],
    # Endpoint items: the endpoint list's headers, then those of MDM exports (issue 20, item 3).
    "device_kind": ["端末の種類", "endpoint type", "Device type", "デバイスの種類"],
    "ownership": ["貸与・私物", "owned by", "Ownership", "所有者の種類", "所有"],
    "remote_access": ["社外から接続", "connects from outside", "リモートアクセス"],
    "device_id_kind": ["識別方法", "identified by"],
    "device_id": ["識別子", "device identifier", "Device ID", "デバイスID", "MDM ID", "Intune ID"],
    "mdm_enrolled": ["MDM に登録", "enrolled in MDM", "Managed by", "管理元", "MDM"],
    "disk_encrypted": [
        "ディスク暗号化",
        "disk encrypted",
        "Encrypted",
        "暗号化",
        "FileVault 2 Status",
        "BitLocker",
    ],
    "os_name": ["オペレーティングシステム（OS）", "operating system", "OS", "Operating System"],
    "os_version": ["OS のバージョン", "OS version", "OSバージョン", "Operating System Version"],
    "endpoint_confirmed_on": [
        "端末の最終確認日",
        "endpoint last confirmed on",
        "Last check-in",
        "最終チェックイン",
        "Last Inventory Update",
        "Last contact",
    ],
    "notes": ["備考", "notes"],
    # Read so they are not reported as unknown, but never imported: importance follows from
    # C/I/A, measures and retention rules are linked on the asset's page, the update time is
    # the system's.
    "importance": ["重要度", "importance"],
    "measures": ["対策", "measures"],
    "retention_rules": ["保存期間ルール", "保存期間", "retention rules"],
    "updated_at": ["更新日時", "updated at"],
}
NOT_IMPORTED = ("importance", "measures", "retention_rules", "updated_at")
FIELDS = [f for f in COLUMNS if f not in (*NOT_IMPORTED, "ref", "scope")]
MARKS = ("personal_info", "sensitive_personal_info", "my_number")
SWITCHES = ("remote_access", "mdm_enrolled", "disk_encrypted")
DATES = ("last_reviewed_on", "endpoint_confirmed_on")
ENDPOINT = ("device_kind", "ownership", "device_id_kind", "device_id", *SWITCHES, "os_name")
CIA = ("confidentiality", "integrity", "availability")
KEYS = ("owner", "department", "classification")


@dataclass(kw_only=True)
class AssetImportPreview(LinePreview):
    """The parsed file: ``creates`` (field → value, references as ids) and ``updates`` (ref →
    changed fields) for the apply step, ``versions`` of the assets as seen, and the report."""

    scope_id: int
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)


def _limits() -> ImportLimits:
    return ImportLimits.from_settings(max_rows=MAX_ROWS)


def _rows(uploaded: Any) -> tuple[list[tuple], int]:
    """(rows of the first sheet with a ledger header (or the csv), read at the header's
    width; the index of the header row)."""
    limits = _limits()
    data = read_upload(uploaded, limits)
    name = (getattr(uploaded, "name", "") or "").lower()
    book = open_csv(data, limits) if name.endswith(".csv") else open_workbook(data, limits)
    with book:
        for sheet in book.sheets:
            head = sheet.read(width=limits.max_columns, max_row=HEADER_SEARCH_ROWS)
            index = find_header(head.rows, COLUMNS)
            if index is None:
                continue
            extents = head.extents[index : index + 2]
            return sheet.read(width=book.header_width(sheet, extents)).rows, index
    raise ImportFileError(
        _(
            "No header row of an asset ledger was found. The file needs a row naming at "
            "least two columns such as 管理番号, 資産名 and 管理責任者; download the template "
            "to see them."
        )
    )


def _header(rows: list[tuple], index: int) -> tuple[dict[str, int], int, list[str]]:
    """(field → column, index of the first data row, header texts) of the header at
    ``index``, or of it and the row below when that is a two-row header."""
    names = [normalise(c) for c in rows[index]]
    columns = header_columns(rows[index], COLUMNS)
    if index + 1 < len(rows):
        combined = combine_two_row_headers(rows[index], rows[index + 1])
        two = header_columns(combined, COLUMNS)
        if len(two) > len(columns):
            return two, index + 2, combined
    return columns, index + 1, names


def preview_ledger(*, scope, uploaded: Any) -> AssetImportPreview:
    preview = AssetImportPreview(scope_id=scope.pk, filename=getattr(uploaded, "name", ""))
    try:
        rows, index = _rows(uploaded)
    except ImportFileError as exc:
        preview.errors.append(RowError(None, "", str(exc)))
        return preview
    columns, first, names = _header(rows, index)
    if "name" not in columns:
        preview.errors.append(RowError(None, "", _("The file has no 資産名 (asset name) column.")))
        return preview
    for field_name, column in columns.items():
        preview.columns_read.append(f"{names[column]} → {label_of(field_name)}")
    known = set(columns.values())
    preview.columns_skipped = [n for i, n in enumerate(names) if n and i not in known]
    body = trim_blank_rows(rows[first:])
    try:
        body = same_as_above(body, [c for f, c in columns.items() if f not in ("ref", "name")])
    except CellError as exc:
        row = first + 1 + (exc.row or 0)
        preview.errors.append(RowError(row, "", exc.message))
        return preview
    _plan(preview, scope, columns, body, first, {f: names[c] for f, c in columns.items()})
    return preview


def _plan(preview, scope, columns: dict[str, int], body: list, first: int, header_names) -> None:
    """Each row read, then compared with the stored asset of its number: new, changed (the
    items that differ), unchanged or in error."""
    organisation = scope.organisation
    scope_of = dict(Asset.objects.filter(organisation=organisation).values_list("ref", "scope_id"))
    by_device = dict(
        Asset.objects.filter(scope=scope).exclude(device_id="").values_list("device_id", "ref")
    )
    directory = Directory(organisation)
    tables = {
        "asset_type": (choice_table(AssetType.choices, TYPE_WORDS), AssetType.choices),
        "location": (choice_table(Location.choices, LOCATION_WORDS), Location.choices),
        "status": (choice_table(AssetStatus.choices, STATUS_WORDS), AssetStatus.choices),
        "device_kind": (choice_table(DeviceKind.choices, DEVICE_WORDS), DeviceKind.choices),
        "ownership": (choice_table(Ownership.choices, OWNERSHIP_WORDS), Ownership.choices),
        "device_id_kind": (choice_table(DeviceIdKind.choices, ID_KIND_WORDS), DeviceIdKind.choices),
    }
    seen: dict[str, int] = {}
    rows = []
    for offset, row in enumerate(body):
        number = first + 1 + offset
        if not any(normalise(v) for v in row):
            continue
        cell = {f: row[c] if c < len(row) else None for f, c in columns.items()}
        ref = normalise(cell.get("ref"))
        values, problems = _read(cell, directory, tables, header_names)
        _as_device(values)
        if not ref and values.get("device_id") in by_device:  # an MDM export: matched by its id
            ref = by_device[values["device_id"]]
        scope_name = normalise(cell.get("scope"))
        if scope_name and scope_name != scope.name:
            problems.append(
                _(
                    "The ISMS scope is “{found}”: a file imported into “{scope}” may hold only "
                    "its assets. Import the others into their own scope."
                ).format(found=scope_name, scope=scope.name)
            )
        name = normalise(cell.get("name"))
        if not name:
            problems.append(_("Enter the asset name."))
        if ref and ref in seen:
            problems.append(
                _("The asset number {ref} is also in row {row}.").format(ref=ref, row=seen[ref])
            )
        if ref:
            seen.setdefault(ref, number)
        if ref in scope_of and scope_of[ref] != scope.pk:
            problems.append(_("The asset {ref} belongs to another ISMS scope.").format(ref=ref))
        rows.append((number, ref, name, values, problems))
    stored = _stored_assets(scope, [r[1] for r in rows if scope_of.get(r[1]) == scope.pk])
    for number, ref, name, values, problems in rows:
        if problems:
            for message in problems:
                preview.errors.append(RowError(number, ref, message))
            preview.lines.append(Line(number, ref, name, "error"))
            continue
        current = stored.get(ref)
        if current is None:
            preview.creates.append({"ref": ref, **values})
            preview.lines.append(Line(number, ref, name, "new"))
            continue
        changed = {f: v for f, v in values.items() if _stored(current, f) != v}
        if changed:
            preview.updates[ref] = changed
            preview.versions[ref] = current.version
            detail = "、".join(label_of(f) for f in changed)
            preview.lines.append(Line(number, ref, name, "changed", detail))
        else:
            preview.lines.append(Line(number, ref, name, "unchanged"))


def _stored_assets(scope, refs: list[str]) -> dict[str, Asset]:
    """The assets of ``scope`` numbered ``refs`` (read in chunks: SQLite bounds a query's
    parameters)."""
    found: dict[str, Asset] = {}
    for start in range(0, len(refs), CHUNK):
        chunk = refs[start : start + CHUNK]
        found.update(
            (a.ref, a)
            for a in Asset.objects.filter(scope=scope, ref__in=chunk).prefetch_related(None)
        )
    return found


def label_of(name: str) -> str:
    """The item's name as the ledger page shows it (管理番号, 機密性 …)."""
    return str(Asset._meta.get_field(name).verbose_name)


def _stored(asset: Asset, name: str) -> Any:
    value = getattr(asset, f"{name}_id" if name in KEYS else name)
    return value.isoformat() if isinstance(value, date) else value


def _read(cell: dict, directory: Directory, tables: dict, header_names: dict) -> tuple[dict, list]:
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name in FIELDS:
        if name not in cell:
            continue
        raw = cell[name]
        column = header_names.get(name, name)
        try:
            if name in tables:
                table, choices = tables[name]
                found = read_choice(raw, table, choices, column)
                values[name] = found or _default(name)
            elif name in CIA:
                values[name] = read_cia(raw, column)
            elif name in MARKS:
                values[name] = bool(read_mark(raw))
            elif name in SWITCHES:
                values[name] = bool(read_switch(raw, column))
            elif name == "owner":
                values[name] = directory.owner(raw, column)
            elif name == "department":
                values[name] = directory.department(raw, column)
            elif name == "classification":
                values[name] = directory.level(raw, column)
            elif name in DATES:
                day = read_date(raw)
                values[name] = day.isoformat() if day else None
            else:
                values[name] = normalise(raw) if name != "notes" else cell_text(raw)
        except CellError as exc:
            problems.append(exc.message)
    return values, problems


def _default(name: str) -> str:
    return {
        "asset_type": AssetType.INFORMATION,
        "location": Location.OTHER,
        "status": AssetStatus.IN_USE,
        "device_kind": "",
        "ownership": "",
        "device_id_kind": "",
    }[name]


def _as_device(values: dict[str, Any]) -> None:
    """A row of an MDM export is a device: hardware, its type from its OS, identified by its
    MDM id, unless the file says otherwise."""
    if not any(values.get(f) for f in ENDPOINT):
        return
    if not values.get("device_kind") and values.get("os_name"):
        values["device_kind"] = kind_from_os(values["os_name"]) or values.get("device_kind", "")
    if values.get("device_kind") and "asset_type" not in values:
        values["asset_type"] = AssetType.HARDWARE
    if values.get("device_id") and not values.get("device_id_kind"):
        values["device_id_kind"] = DeviceIdKind.MDM
