"""The preview every import keeps in the session between the upload and the apply: its id
(the apply must name the preview the user saw), its age (an old one is refused), the problems
by row and the columns read or skipped. Each module's preview adds what its apply step needs
(the changes, the versions as seen) and its report's rows."""

import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, Self

from django.utils import timezone

PREVIEW_MAX_AGE = timedelta(minutes=30)


@dataclass
class RowError:
    """A problem of one row (``row_number`` None: of the whole file), with the row's reference
    when it has one."""

    row_number: int | None
    ref: str
    message: str


@dataclass(kw_only=True)
class ImportPreview:
    filename: str = ""
    preview_id: str = field(default_factory=lambda: secrets.token_hex(8))
    created_at: str = field(default_factory=lambda: timezone.now().isoformat())
    errors: list[RowError] = field(default_factory=list)
    columns_read: list[str] = field(default_factory=list)  # 「“資産名” → asset name」
    columns_skipped: list[str] = field(default_factory=list)

    # Fields holding lists of dataclasses, rebuilt by ``from_dict``.
    nested: ClassVar[dict[str, type]] = {"errors": RowError}

    @property
    def ok(self) -> bool:
        return not self.errors

    def expired(self, now: datetime | None = None) -> bool:
        created = datetime.fromisoformat(self.created_at)
        return (now or timezone.now()) - created > PREVIEW_MAX_AGE

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        values = dict(data)
        for name, kind in cls.nested.items():
            values[name] = [kind(**item) for item in values.get(name, [])]
        return cls(**values)

    @classmethod
    def from_session(cls, data: Any) -> Self | None:
        """The preview a session kept, or None when there is none or it cannot be read (a
        preview from an older version of Ume)."""
        try:
            return cls.from_dict(data) if isinstance(data, dict) else None
        except (TypeError, KeyError, ValueError):
            return None


@dataclass
class Line:
    """A row of the file as the preview reports it: new, changed, unchanged or in error."""

    row_number: int
    ref: str
    name: str
    state: str  # "new", "changed", "unchanged", "error"
    detail: str = ""


STATES = ("new", "changed", "unchanged", "error")


@dataclass(kw_only=True)
class LinePreview(ImportPreview):
    """A preview reporting each row of the file as a ``Line``."""

    lines: list[Line] = field(default_factory=list)

    nested: ClassVar[dict[str, type]] = {"errors": RowError, "lines": Line}

    def count(self, state: str) -> int:
        return sum(1 for line in self.lines if line.state == state)

    def counts(self) -> dict[str, int]:
        return {state: self.count(state) for state in STATES}
