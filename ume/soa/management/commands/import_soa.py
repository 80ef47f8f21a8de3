"""``manage.py import_soa FILE --scope SCOPE [--format 2022|2013] [--dry-run] [--actor EMAIL]``

Shows the same preview as the web import (changes, controls to review, warnings, errors), stops
with a non-zero exit status when the file has errors, and otherwise applies it (all or nothing)
unless ``--dry-run``. The actor defaults to the organisation's first active administrator.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ume.core.management.lookup import find_actor, find_scope

from ...importers import PREVIEWS, ImportPreview, apply
from ...services import soa_get_or_create


def report_lines(preview: ImportPreview) -> list[str]:
    """The preview as plain text, in the order of the web page."""
    lines = [
        _("File: {name} ({count} rows read)").format(name=preview.filename, count=preview.row_count)
    ]
    for e in preview.errors:
        lines.append(
            _("ERROR row {row} {ref}: {message}").format(
                row=e.row_number or "-", ref=e.ref or "-", message=e.message
            )
        )
    for r in preview.review:
        lines.append(
            _("REVIEW {ref} {title} [{reason}]: {detail}").format(
                ref=r.ref, title=r.title, reason=r.reason_label, detail=r.detail
            )
        )
    for c in preview.rows:
        lines.append(
            _("CHANGE {ref} {field}: {before} → {after}").format(
                ref=c.ref,
                field=c.field_label,
                before=c.before.replace("\n", " / "),
                after=c.after.replace("\n", " / "),
            )
        )
    for w in preview.warnings:
        lines.append(
            _("WARNING row {row} {ref}: {message}").format(
                row=w.row_number or "-", ref=w.ref or "-", message=w.message
            )
        )
    for m in preview.mapped:
        lines.append(
            _("MAPPED row {row} {ref} ({decision}) → {targets}").format(
                row=m.row_number, ref=m.ref_2013, decision=m.decision, targets=m.targets
            )
        )
    lines += preview.notes
    lines.append(
        _(
            "{controls} controls would change; {errors} errors, {warnings} warnings, "
            "{review} controls to review."
        ).format(
            controls=len(preview.changes),
            errors=len(preview.errors),
            warnings=len(preview.warnings),
            review=len(preview.review),
        )
    )
    return lines


class Command(BaseCommand):
    help = (
        "Import a Statement of Applicability from an xlsx file (Ume's 2022 export or a 2013 SoA)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--scope", required=True, help="ISMS scope id or exact name")
        parser.add_argument(
            "--format",
            choices=sorted(PREVIEWS),
            default="2022",
            help="2022: Ume's export (default); 2013: migrate a 2013 SoA",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show the preview only; change nothing"
        )
        parser.add_argument("--actor", help="e-mail of the user recorded as making the change")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("The file {path} does not exist.").format(path=path))
        scope = find_scope(options["scope"])
        actor = find_actor(scope, options["actor"])
        try:
            soa = soa_get_or_create(actor=actor, scope=scope)
            with path.open("rb") as handle:
                preview = PREVIEWS[options["format"]](
                    soa=soa, uploaded=File(handle, name=path.name)
                )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        for line in report_lines(preview):
            self.stdout.write(line)
        if preview.errors:
            count = len(preview.errors)
            raise CommandError(
                ngettext(
                    "{count} error; nothing was imported.",
                    "{count} errors; nothing was imported.",
                    count,
                ).format(count=count)
            )
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was changed."))
            return
        try:
            count = apply(actor=actor, soa=soa, preview=preview)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError(" ".join(messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "{count} control was updated from the file.",
                    "{count} controls were updated from the file.",
                    count,
                ).format(count=count)
            )
        )
