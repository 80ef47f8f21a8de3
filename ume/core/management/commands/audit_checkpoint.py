"""Write signed checkpoints of the audit chains (the anchor kept outside the database).

Each line records an organisation's chain head (sequence number, hash) and the time, signed
with HMAC-SHA256 under ``$UME_AUDIT_ANCHOR_KEY`` or ``--key-file``. Keep the output on another
host or WORM storage; ``verify_audit --checkpoints FILE`` then detects a rewritten or truncated
chain. See ``ume.core.audit_anchor``.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from ... import audit_anchor as anchor
from ...models import AuditChainHead, Organisation


class Command(BaseCommand):
    help = (
        "Append one signed checkpoint (organization, head sequence and hash, time) per "
        "organization as JSON lines to --output FILE or stdout, after verifying each chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            type=int,
            action="append",
            help="Organization ID (repeatable); default: all organizations.",
        )
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="Append to FILE (created if missing); default: stdout.",
        )
        parser.add_argument(
            "--key-file",
            metavar="PATH",
            help=f"A file holding the anchor key (default: ${anchor.KEY_ENV}).",
        )
        parser.add_argument(
            "--no-verify",
            action="store_true",
            help="Checkpoint the stored chain head without verifying the chain first.",
        )

    def handle(self, *args, organisation=None, output=None, key_file=None, **options):
        try:
            key = anchor.load_key(key_file)
        except anchor.AnchorError as exc:
            raise CommandError(str(exc)) from exc
        if key.warning:
            self.stderr.write(self.style.WARNING(f"Warning: {key.warning}"))
        known = set(Organisation.objects.values_list("pk", flat=True))
        ids = organisation or sorted(
            known | set(AuditChainHead.objects.values_list("pk", flat=True))
        )
        if unknown := set(ids) - known:
            raise CommandError(f"Unknown organisation ID(s): {sorted(unknown)}")
        lines, failures = [], []
        for org_id in ids:
            try:
                point, _ = anchor.take_checkpoint(org_id, key, verify=not options["no_verify"])
            except anchor.AnchorError as exc:
                failures.append(str(exc))
                self.stderr.write(self.style.ERROR(str(exc)))
                continue
            lines.append(point.to_line(key))
            self.stderr.write(
                f"organisation {org_id}: checkpoint #{point.seq} {point.hash} at {point.taken_at}"
            )
        if lines:
            self._write(lines, output)
        if failures:
            raise CommandError(
                f"{len(failures)} chain(s) not checkpointed; the first: {failures[0]}"
            )

    def _write(self, lines: list[str], output: str | None) -> None:
        text = "".join(f"{line}\n" for line in lines)
        if not output or output == "-":
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "a+b") as handle:
                handle.seek(0, os.SEEK_END)
                if handle.tell():  # never glue a line to a torn last line
                    handle.seek(-1, os.SEEK_END)
                    if handle.read(1) != b"\n":
                        text = "\n" + text
                handle.write(text.encode())
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}") from exc
        self.stderr.write(f"{len(lines)} checkpoint(s) appended to {output}")
