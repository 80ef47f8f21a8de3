"""The columns of a 2013 SoA workbook: what each header means, and the wordings of its
implementation status (実施状況).

A real 2013 SoA holds more than applicability: 実施状況, reasons for inclusion and exclusion
(sometimes one combined 「適用理由／除外理由」 column), 関連文書, 担当部署 and 備考. Each is
read into the matching 2022 field or into the row's notes, and the preview lists which columns
were read and which were not.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import ImplementationStatus
from ..exports import norm

# Header keywords per role, checked in this order (the first role that matches wins).
ROLE_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("justification", ("正当", "justif", "exclusion")),
    ("reason", ("理由", "reason", "根拠")),
    ("applicable", ("適用", "可否", "採否", "選択", "applicab")),
    ("procedure", ("文書", "手順", "規程", "規定", "document", "procedure")),
    ("department", ("担当", "部署", "部門", "責任", "department", "owner", "responsib")),
    ("notes", ("備考", "コメント", "メモ", "補足", "内容", "note", "remark", "comment")),
    ("status", ("実施", "状況", "状態", "実装", "status", "implement")),
)
ROLE_LABELS = {
    "id": gettext_lazy("control number"),
    "title": gettext_lazy("control title"),
    "applicable": gettext_lazy("applicability"),
    "reason": gettext_lazy("reason for inclusion"),
    "justification": gettext_lazy("justification for exclusion"),
    "both": gettext_lazy("reason for inclusion or exclusion"),
    "status": gettext_lazy("implementation status"),
    "procedure": gettext_lazy("procedure (related documents)"),
    "department": gettext_lazy("department in charge (into the notes)"),
    "notes": gettext_lazy("notes"),
}


def role_of(header: str) -> str:
    """The role of a column from its (normalised) header text, or ""."""
    if not header:
        return ""
    if "理由" in header and "除外" in header:
        # 「適用理由／除外理由」「適用・除外の理由」: one column for both decisions
        if any(k in header for k in ("適用", "採用", "含め")):
            return "both"
        return "justification"
    for role, words in ROLE_KEYWORDS:
        if any(w in header for w in words):
            return role
    return ""


def classify(headers: list[str], skip: set[int]) -> dict[str, int]:
    """Role → column index (the first column of each role)."""
    found: dict[str, int] = {}
    for i, text in enumerate(headers):
        role = "" if i in skip else role_of(text)
        if role == "both":
            found.setdefault("reason", i)
            found.setdefault("justification", i)
        elif role:
            found.setdefault(role, i)
    return found


# Wordings of 実施状況 (normalised with norm), checked in this order: a cell containing a
# partial word is partial (「実施済（一部は来期）」), then not implemented, then implemented.
STATUS_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        ImplementationStatus.PARTIAL,
        ("一部", "部分", "実施中", "対応中", "導入中", "進行中", "△", "partial", "inprogress"),
    ),
    (
        ImplementationStatus.NOT_IMPLEMENTED,
        ("未", "予定", "計画", "なし", "×", "✕", "notimplemented", "planned"),
    ),
    (
        ImplementationStatus.IMPLEMENTED,
        ("済", "完了", "実施", "対応", "導入", "運用中", "○", "〇", "◯", "implemented", "done"),
    ),
)
EXACT = {"有": ImplementationStatus.IMPLEMENTED, "yes": ImplementationStatus.IMPLEMENTED}
EXACT |= {w: ImplementationStatus.NOT_IMPLEMENTED for w in ("無", "no", "none", "-", "ー")}
# Cells that say nothing but the status; anything longer is kept in the row's notes.
_PLAIN = {
    "実施済",
    "実施済み",
    "一部実施",
    "未実施",
    "済",
    "未",
    "○",
    "〇",
    "△",
    "×",
    *EXACT,
    "implemented",
    "partial",
    "partiallyimplemented",
    "notimplemented",
}


@dataclass(frozen=True)
class Status2013:
    status: str  # an ImplementationStatus value, or "" when the wording is not recognised
    text: str  # the cell as written, kept in the notes when it says more than the status

    @property
    def says_more(self) -> bool:
        return bool(self.text) and norm(self.text) not in _PLAIN


def read_status(text: str) -> Status2013:
    value = norm(text)
    if value in EXACT:
        return Status2013(str(EXACT[value]), text.strip())
    for status, words in STATUS_WORDS:
        if any(w in value for w in words):
            return Status2013(str(status), text.strip())
    return Status2013("", text.strip())


def combined_status(statuses: list[str]) -> str:
    """The 2022 status of several 2013 sources: all implemented → implemented, none → not
    implemented, anything between → partially implemented."""
    if not statuses:
        return ""
    if all(s == ImplementationStatus.IMPLEMENTED for s in statuses):
        return ImplementationStatus.IMPLEMENTED
    if all(s == ImplementationStatus.NOT_IMPLEMENTED for s in statuses):
        return ImplementationStatus.NOT_IMPLEMENTED
    return ImplementationStatus.PARTIAL


def describe(headers: list[str], cols: dict[str, int], letter) -> tuple[list[str], list[str]]:
    """(read, skipped): one 「C 適用可否 → applicability」 line per header column."""
    roles: dict[int, list[str]] = {}
    for role, index in cols.items():
        roles.setdefault(index, []).append(role)
    read, skipped = [], []
    width = max([len(headers), *(i + 1 for i in cols.values())])
    for i in range(width):
        header = headers[i] if i < len(headers) else ""
        if i in roles:
            names = roles[i]
            use = ROLE_LABELS["both"] if {"reason", "justification"} <= set(names) else None
            use = use or ROLE_LABELS[names[0]]
            read.append(
                _("{column} “{header}” → {use}").format(
                    column=letter(i), header=header or "—", use=use
                )
            )
        elif header:
            skipped.append(_("{column} “{header}”").format(column=letter(i), header=header))
    return read, skipped
