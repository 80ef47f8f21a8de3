"""Verify the SHA-256 hash chain of the audit trail and name the first broken entry."""

import time

from django.core.management.base import BaseCommand, CommandError

from ...audit import verify_chain
from ...models import AuditChainHead, Organisation


class Command(BaseCommand):
    help = "Verify each organisation's audit-trail hash chain; exit 1 on the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            type=int,
            action="append",
            help="Organisation ID (repeatable); default: all organisations.",
        )

    def handle(self, *args, organisation=None, **options):
        ids = organisation or sorted(
            set(Organisation.objects.values_list("pk", flat=True))
            | set(AuditChainHead.objects.values_list("pk", flat=True))
        )
        unknown = set(ids) - set(
            Organisation.objects.filter(pk__in=ids).values_list("pk", flat=True)
        )
        if unknown:
            raise CommandError(f"Unknown organisation ID(s): {sorted(unknown)}")
        broken = 0
        for org_id in ids:
            started = time.perf_counter()
            report = verify_chain(org_id)
            took = time.perf_counter() - started
            if report.ok:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"organisation {org_id}: OK, {report.entries} entries verified "
                        f"in {took:.2f} s"
                    )
                )
            else:
                broken += 1
                self.stdout.write(
                    self.style.ERROR(
                        f"organisation {org_id}: BROKEN at entry #{report.broken_seq} "
                        f"({report.reason}); {report.entries} entries read"
                    )
                )
        if broken:
            raise CommandError(f"{broken} audit chain(s) broken")
