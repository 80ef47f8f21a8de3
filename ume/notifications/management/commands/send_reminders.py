"""Raise the reminders due today (run daily by the worker; safe to run again)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from ume.core.models import Organisation
from ume.notifications import kinds, scheduler


class Command(BaseCommand):
    help = "Raise the reminders due today. --dry-run lists them without raising any."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
        parser.add_argument("--date", help="act as if today were this date (YYYY-MM-DD)")
        parser.add_argument("--organisation", type=int, help="only this organisation (id)")
        parser.add_argument("--kind", action="append", default=[], help="only this kind (code)")

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: not a date (YYYY-MM-DD): {options['date']}") from exc
        unknown = [c for c in options["kind"] if kinds.get(c) is None]
        if unknown:
            known = ", ".join(k.code for k in kinds.all_kinds())
            raise CommandError(f"unknown kind {', '.join(unknown)} (known: {known})")
        organisations = Organisation.objects.all()
        if options["organisation"] is not None:
            organisations = organisations.filter(pk=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"no organisation with id {options['organisation']}")
        codes = tuple(options["kind"])
        with translation.override("ja"):
            if options["dry_run"]:
                self._list(today, organisations, codes)
                return
            raised = scheduler.compute_reminders(
                today=today, organisations=organisations, codes=codes
            )
        total = sum(raised.values())
        for code, count in sorted(raised.items()):
            self.stdout.write(f"{code}: {count}")
        self.stdout.write(self.style.SUCCESS(f"{total} new reminders ({today:%Y-%m-%d})"))

    def _list(self, today, organisations, codes) -> None:
        new = 0
        for p in scheduler.plan(today=today, organisations=organisations, codes=codes):
            new += p.new
            state = "new" if p.new else "already raised"
            self.stdout.write(
                f"{p.organisation.name}\t{p.kind.code}\t{p.item.title}\tdue {p.item.due}"
                f"\tstage {p.stage:+d}\t{p.recipient.email}\t{state}"
            )
        self.stdout.write(f"dry run ({today:%Y-%m-%d}): {new} would be raised, nothing changed")
