"""Raise the reminders due today (run daily by the worker; safe to run again)."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from ume.core.models import Organisation
from ume.notifications import delivery, kinds, scheduler, webhooks

MAIL_EVERY = 300  # seconds between rounds of sending mail (new and retried)


class Command(BaseCommand):
    help = "Raise the reminders due today. --dry-run lists them without raising any."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
        parser.add_argument("--date", help="act as if today were this date (YYYY-MM-DD)")
        parser.add_argument("--organisation", type=int, help="only this organisation (id)")
        parser.add_argument("--kind", action="append", default=[], help="only this kind (code)")
        parser.add_argument(
            "--no-mail", action="store_true", help="raise reminders, send no e-mail this time"
        )
        parser.add_argument(
            "--daily",
            metavar="HH:MM",
            help="keep running: raise now, then every day at this local time (the worker)",
        )

    def handle(self, *args, **options) -> None:
        if options["daily"]:
            self._loop(options, _time_of_day(options["daily"]))
        self._once(options, timezone.localdate())

    def _loop(self, options, at: dt.time) -> None:
        """Reminders now and then daily at ``at``; mail owed (new, or a failure to retry) is
        sent every few minutes. A restart loses nothing: what was raised or sent is not again."""
        reminders_at = timezone.localtime()
        while True:
            try:
                if timezone.localtime() >= reminders_at:
                    self._once(options, timezone.localdate())
                    reminders_at = next_run(timezone.localtime(), at)
                else:
                    self._mail()
            except Exception as exc:  # e.g. the database was away: the next round tries again
                self.stderr.write(f"send_reminders failed: {exc!r}")
            time.sleep(MAIL_EVERY)

    def _mail(self) -> None:
        """Send what is owed now: e-mail, then webhook posts (new ones and retries)."""
        for name, queue, send in (
            ("mail", delivery.queue_email, delivery.send_due),
            ("webhooks", webhooks.queue, webhooks.send_due),
        ):
            queued, sent = queue(), send()
            if queued or any(sent.values()):
                self.stdout.write(
                    f"{name}: {queued} queued, {sent['sent']} sent, {sent['failed']} to retry, "
                    f"{sent['gave_up']} given up"
                )

    def _once(self, options, today: dt.date) -> None:
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
        if not options["no_mail"]:
            self._mail()

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


def _time_of_day(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--daily: not a time of day (HH:MM): {value}") from exc


def next_run(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The next moment after ``now`` (aware, local) at the local time of day ``at``."""
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + dt.timedelta(days=1)
