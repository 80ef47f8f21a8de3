"""``manage.py import_assets FILE --scope SCOPE [--dry-run] [--actor EMAIL]``

Shows the same preview as the web import (new, changed, unchanged and errors by row), stops with
a non-zero exit status when the file has errors, and otherwise applies it (all or nothing)
unless ``--dry-run``. The actor defaults to the organisation's first active administrator.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ume.core.management.lookup import find_actor, find_scope

from ...importers import AssetImportPreview, preview_ledger
from ...services import assets_import


def report_lines(preview: AssetImportPreview) -> list[str]:
    """The preview as plain text, in the order of the web page."""
    lines = [_("File: {name}").format(name=preview.filename)]
    for e in preview.errors:
        lines.append(
            _("ERROR row {row} {ref}: {message}").format(
                row=e.row_number or "-", ref=e.ref or "-", message=e.message
            )
        )
    states = {"new": _("NEW"), "changed": _("CHANGED"), "unchanged": _("UNCHANGED")}
    for line in preview.lines:
        if line.state in states:
            lines.append(f"{states[line.state]} {line.row_number} {line.ref or '-'} {line.name}")
    lines.append(
        _("{new} new, {changed} changed, {unchanged} unchanged; {errors} errors.").format(
            new=preview.count("new"),
            changed=preview.count("changed"),
            unchanged=preview.count("unchanged"),
            errors=len(preview.errors),
        )
    )
    return lines


class Command(BaseCommand):
    help = "Import an information asset ledger from an xlsx or csv file into one ISMS scope."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--scope", required=True, help="ISMS scope id or exact name")
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
        with path.open("rb") as handle:
            preview = preview_ledger(scope=scope, uploaded=File(handle, name=path.name))
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
            count = assets_import(
                actor=actor,
                scope=scope,
                creates=preview.creates,
                updates=preview.updates,
                versions=preview.versions or None,
            )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(
            ngettext("{count} asset was imported.", "{count} assets were imported.", count).format(
                count=count
            )
        )
