"""Anchoring the audit trail outside the database (signed checkpoints).

The hash chain (``ume.core.audit``) is unkeyed: whoever can write the database can recompute
every hash after an edit, or delete the newest entries and move the chain head back, and the
chain still verifies. A **checkpoint** records an organisation's chain head (sequence number and
hash) at a moment, signed with HMAC-SHA256 under a key that never enters the database
(``UME_AUDIT_ANCHOR_KEY`` or a key file). The operator keeps the checkpoint lines elsewhere
(another host, WORM storage). Later, each checkpoint must still hold: its signature is valid,
the entry at its sequence number still has its hash (else the chain was rewritten) and the chain
reaches at least that far (else its tail was cut).

One checkpoint is one JSON line; the signature covers the canonical JSON (sorted keys, no
spaces, UTF-8) of every other member::

    {"alg":"HMAC-SHA256","hash":"…","key_id":"…","organisation":1,"seq":1234,
     "sig":"…","taken_at":"2026-11-24T09:40:00.000000Z","type":"ume.audit.checkpoint","v":1}
"""

import hashlib
import hmac
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from .audit import ChainReport, canonical_json, format_at, verify_chain
from .models import GENESIS_HASH, AuditChainHead, AuditEntry

KEY_ENV = "UME_AUDIT_ANCHOR_KEY"
MIN_KEY_BYTES = 32
ALGORITHM = "HMAC-SHA256"
RECORD_TYPE = "ume.audit.checkpoint"
RECORD_VERSION = 1
_HEX64 = re.compile(r"[0-9a-f]{64}")
_FIELDS = {"alg", "hash", "key_id", "organisation", "seq", "sig", "taken_at", "type", "v"}
_LOOKUP_BATCH = 500  # sequence numbers per query (SQLite's variable limit)
KEY_HELP = (
    f"set {KEY_ENV} or pass --key-file PATH: a secret of at least {MIN_KEY_BYTES} bytes kept "
    "outside the database (generate one with "
    "`python -c 'import secrets; print(secrets.token_hex(32))'`)"
)


class AnchorError(Exception):
    """No usable key, or a checkpoint file that cannot be read."""


class CheckpointError(ValueError):
    """One line is not a valid, correctly signed checkpoint."""


# --- The key ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnchorKey:
    secret: bytes
    warning: str = ""  # e.g. a key file others can read

    @property
    def key_id(self) -> str:
        """A short fingerprint naming the key in each checkpoint (rotation, wrong-key errors)."""
        return hashlib.sha256(b"ume-audit-anchor-key-id\x00" + self.secret).hexdigest()[:16]

    def sign(self, message: bytes) -> str:
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def load_key(key_file: str | None = None, environ: Mapping[str, str] | None = None) -> AnchorKey:
    """The anchor key from ``key_file`` if given, else from the environment; refuse without one."""
    environ = os.environ if environ is None else environ
    warning = ""
    if key_file:
        path = Path(key_file)
        try:
            secret = path.read_bytes().strip()
            mode = path.stat().st_mode
        except OSError as exc:
            raise AnchorError(
                f"Cannot read the anchor key file {key_file}: {exc.strerror}"
            ) from exc
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            warning = f"the key file {key_file} is readable by other users (chmod 600 it)"
        source = f"the key file {key_file}"
    elif environ.get(KEY_ENV, "").strip():
        secret = environ[KEY_ENV].strip().encode()
        source = KEY_ENV
    else:
        raise AnchorError(f"No audit anchor key: {KEY_HELP}.")
    if len(secret) < MIN_KEY_BYTES:
        raise AnchorError(
            f"The anchor key in {source} is too short ({len(secret)} bytes; at least "
            f"{MIN_KEY_BYTES} needed): {KEY_HELP}."
        )
    return AnchorKey(secret, warning)


# --- Checkpoints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    organisation_id: int
    seq: int
    hash: str
    taken_at: str
    key_id: str
    line_no: int = 0  # where it was read from (0: made here)

    def fields(self) -> dict:
        return {
            "alg": ALGORITHM,
            "hash": self.hash,
            "key_id": self.key_id,
            "organisation": self.organisation_id,
            "seq": self.seq,
            "taken_at": self.taken_at,
            "type": RECORD_TYPE,
            "v": RECORD_VERSION,
        }

    def to_line(self, key: AnchorKey) -> str:
        fields = self.fields()
        return canonical_json({**fields, "sig": key.sign(canonical_json(fields).encode())})

    def describe(self) -> str:
        where = f"line {self.line_no}: " if self.line_no else ""
        return f"{where}checkpoint #{self.seq} taken {self.taken_at}"


def take_checkpoint(
    organisation_id: int, key: AnchorKey, *, verify: bool = True
) -> tuple[Checkpoint, ChainReport | None]:
    """A checkpoint of the chain head. With ``verify`` the whole chain is verified first and the
    checkpoint names its last verified entry; a broken chain raises (never sign a tampered one)."""
    report = None
    if verify:
        report = verify_chain(organisation_id)
        if not report.ok:
            raise AnchorError(
                f"organisation {organisation_id}: the chain is broken at entry "
                f"#{report.broken_seq} ({report.reason}); no checkpoint written"
            )
        seq, digest = report.head_seq, report.head_hash
    else:
        head = AuditChainHead.objects.filter(pk=organisation_id).values_list("seq", "hash").first()
        seq, digest = head if head else (0, GENESIS_HASH)
    checkpoint = Checkpoint(
        organisation_id=organisation_id,
        seq=seq,
        hash=digest,
        taken_at=format_at(timezone.now()),
        key_id=key.key_id,
    )
    return checkpoint, report


def parse_checkpoint(line: str, key: AnchorKey, *, line_no: int = 0) -> Checkpoint:
    """One checkpoint line, its signature and types checked; ``CheckpointError`` says why not."""
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise CheckpointError("not JSON") from exc
    if not isinstance(data, dict) or data.get("type") != RECORD_TYPE:
        raise CheckpointError(f'not an audit checkpoint (no "type": "{RECORD_TYPE}")')
    if data.get("v") != RECORD_VERSION or data.get("alg") != ALGORITHM:
        raise CheckpointError(
            f"unsupported checkpoint format (v={data.get('v')!r}, alg={data.get('alg')!r})"
        )
    if set(data) != _FIELDS:
        raise CheckpointError(f"unexpected members {sorted(set(data) ^ _FIELDS)}")
    signature = data.pop("sig")
    expected = key.sign(canonical_json(data).encode())
    if not isinstance(signature, str) or not hmac.compare_digest(signature, expected):
        if data.get("key_id") != key.key_id:
            raise CheckpointError(
                f"signature does not match: signed with another key (key id "
                f"{data.get('key_id')!r}, this key is {key.key_id!r}) or edited"
            )
        raise CheckpointError("signature does not match: the line was edited or forged")
    org, seq, digest = data["organisation"], data["seq"], data["hash"]
    if not (
        type(org) is int
        and type(seq) is int
        and seq >= 0
        and isinstance(digest, str)
        and _HEX64.fullmatch(digest)
        and isinstance(data["taken_at"], str)
    ):
        raise CheckpointError("malformed members (organisation, seq, hash or taken_at)")
    return Checkpoint(org, seq, digest, data["taken_at"], data["key_id"], line_no)


@dataclass
class LineProblem:
    line_no: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line_no}: {self.reason}"


def read_checkpoints(
    lines: Iterable[str], key: AnchorKey
) -> tuple[list[Checkpoint], list[LineProblem]]:
    """Every checkpoint of a file (blank lines skipped), and the lines that are not valid ones."""
    checkpoints, problems = [], []
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            checkpoints.append(parse_checkpoint(line, key, line_no=line_no))
        except CheckpointError as exc:
            problems.append(LineProblem(line_no, str(exc)))
    return checkpoints, problems


def read_checkpoint_file(path: str, key: AnchorKey) -> tuple[list[Checkpoint], list[LineProblem]]:
    try:
        with open(path, encoding="utf-8") as handle:
            return read_checkpoints(handle, key)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise AnchorError(f"Cannot read the checkpoint file {path}: {reason}") from exc


@dataclass
class AnchorReport:
    """One organisation's chain measured against its checkpoints."""

    organisation_id: int
    checked: int = 0  # checkpoints that hold
    failure: str = ""  # the first checkpoint (lowest seq) that does not, and why
    latest: Checkpoint | None = None  # the highest checkpoint that holds

    @property
    def ok(self) -> bool:
        return not self.failure


def check_checkpoints(organisation_id: int, checkpoints: list[Checkpoint]) -> AnchorReport:
    """Does the chain in the database still contain every checkpoint of this organisation?

    Run it beside ``verify_chain``: a checkpoint that holds proves the chain up to its sequence
    number only if that chain verifies.
    """
    report = AnchorReport(organisation_id)
    mine = sorted(
        (c for c in checkpoints if c.organisation_id == organisation_id),
        key=lambda c: (c.seq, c.line_no),
    )
    if not mine:
        return report
    entries = AuditEntry.objects.filter(organisation_id=organisation_id)
    last = entries.order_by("-seq").values_list("seq", flat=True).first() or 0
    head = AuditChainHead.objects.filter(pk=organisation_id).values_list("seq", flat=True).first()
    wanted = sorted({c.seq for c in mine if 0 < c.seq <= last})
    stored: dict[int, str] = {}
    for i in range(0, len(wanted), _LOOKUP_BATCH):
        batch = wanted[i : i + _LOOKUP_BATCH]
        stored.update(entries.filter(seq__in=batch).values_list("seq", "hash"))
    good: Checkpoint | None = None
    for checkpoint in mine:
        problem = _mismatch(checkpoint, stored, last, head)
        if problem:
            since = f"; the last checkpoint that holds is #{good.seq}" if good else ""
            report.failure = f"{checkpoint.describe()}: {problem}{since}"
            break
        good = checkpoint
        report.checked += 1
    report.latest = good
    return report


def _mismatch(checkpoint: Checkpoint, stored: dict[int, str], last: int, head: int | None) -> str:
    seq = checkpoint.seq
    if seq == 0:
        return ""
    if seq > last or (head is not None and seq > head):
        end = min(last, head if head is not None else last)
        return (
            f"the chain ends at #{end} but the checkpoint recorded #{seq}: entries were removed "
            "(truncated chain, head rewound)"
        )
    if seq not in stored:
        return f"entry #{seq} is missing"
    if stored[seq] != checkpoint.hash:
        return (
            f"entry #{seq} now has hash {stored[seq]}, the checkpoint recorded {checkpoint.hash}: "
            f"the chain was rewritten at or before #{seq}"
        )
    return ""


def unknown_organisations(checkpoints: Iterable[Checkpoint], known: set[int]) -> list[Checkpoint]:
    """The first checkpoint of each organisation that no longer exists (its whole chain gone)."""
    seen: dict[int, Checkpoint] = {}
    for checkpoint in checkpoints:
        if checkpoint.organisation_id not in known:
            seen.setdefault(checkpoint.organisation_id, checkpoint)
    return [seen[k] for k in sorted(seen)]
