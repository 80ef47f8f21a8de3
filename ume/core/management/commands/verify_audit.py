"""Verify the SHA-256 hash chain of the audit trail and name the first broken entry.

With ``--checkpoints FILE`` each organisation's chain is also held against the signed checkpoints
written by ``audit_checkpoint`` (see ``ume.core.audit_anchor``): a rewritten or truncated chain
verifies on its own but fails there.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from ... import audit_anchor as anchor
from ...audit import verify_chain
from ...models import AuditChainHead, Organisation


class Command(BaseCommand):
    help = (
        "Verify each organization's audit-trail hash chain and print its head (sequence, hash); "
        "with --checkpoints, also check it against signed checkpoints. Exit 1 on the first problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            type=int,
            action="append",
            help="Organization ID (repeatable); default: all organizations.",
        )
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            help="A file of checkpoints written by audit_checkpoint (JSON lines).",
        )
        parser.add_argument(
            "--key-file",
            metavar="PATH",
            help=f"The anchor key for --checkpoints (default: ${anchor.KEY_ENV}).",
        )

    def handle(self, *args, organisation=None, checkpoints=None, key_file=None, **options):
        known = set(Organisation.objects.values_list("pk", flat=True))
        ids = organisation or sorted(
            known | set(AuditChainHead.objects.values_list("pk", flat=True))
        )
        unknown = set(ids) - known
        if unknown:
            raise CommandError(f"Unknown organisation ID(s): {sorted(unknown)}")
        failures: list[str] = []
        points: list[anchor.Checkpoint] | None = None
        if checkpoints:
            points = self._read(checkpoints, key_file, failures)
            if not organisation:
                for gone in anchor.unknown_organisations(points, set(ids)):
                    self._fail(
                        failures,
                        f"organisation {gone.organisation_id}: {gone.describe()}, but the "
                        "organisation is no longer in the database (its whole chain is gone)",
                    )
        for org_id in ids:
            self._verify(org_id, points, checkpoints, failures)
        if failures:
            raise CommandError(
                f"Audit verification failed: {len(failures)} problem(s); the first: {failures[0]}"
            )

    def _read(self, path: str, key_file: str | None, failures: list[str]) -> list:
        try:
            key = anchor.load_key(key_file)
            points, problems = anchor.read_checkpoint_file(path, key)
        except anchor.AnchorError as exc:
            raise CommandError(str(exc)) from exc
        if key.warning:
            self.stderr.write(self.style.WARNING(f"Warning: {key.warning}"))
        for problem in problems:
            self._fail(failures, f"checkpoint file {path}, {problem}")
        if not points and not problems:
            raise CommandError(f"No checkpoints in {path}")
        return points

    def _verify(self, org_id: int, points, path: str | None, failures: list[str]) -> None:
        started = time.perf_counter()
        report = verify_chain(org_id)
        took = time.perf_counter() - started
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"organisation {org_id}: OK, {report.entries} entries verified in {took:.2f} s"
                )
            )
        else:
            self._fail(
                failures,
                f"organisation {org_id}: BROKEN at entry #{report.broken_seq} "
                f"({report.reason}); {report.entries} entries read",
            )
        label = "head" if report.ok else "last verified entry"
        self.stdout.write(f"  {label}: seq {report.head_seq}, hash {report.head_hash}")
        if report.legacy_entries:
            self.stdout.write(
                f"  {report.legacy_entries} entries predate hash version 2 (their actor_label "
                "and scope_id are not covered by their hash)"
            )
        if points is None:
            return
        result = anchor.check_checkpoints(org_id, points)
        if not result.ok:
            self._fail(failures, f"organisation {org_id}: CHECKPOINT FAILED, {result.failure}")
        elif result.latest is None:
            self.stdout.write(
                self.style.WARNING(f"  checkpoints: none for this organisation in {path}")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"  checkpoints: {result.checked} hold, the latest #{result.latest.seq} "
                    f"taken {result.latest.taken_at}"
                )
            )

    def _fail(self, failures: list[str], message: str) -> None:
        failures.append(message)
        self.stdout.write(self.style.ERROR(message))
