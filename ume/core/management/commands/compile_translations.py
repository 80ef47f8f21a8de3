"""Compile the .po catalogues under LOCALE_PATHS to .mo files with polib (no GNU gettext needed).

Like ``msgfmt``, fuzzy, obsolete and untranslated entries are left out; the header is kept.
The output is deterministic (entries sorted by msgid), and a .mo file whose bytes would not
change is not rewritten, so repeated runs leave the working tree clean.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues(locales: list[str] | None = None) -> list[Path]:
    """Every ``<locale path>/<lang>/LC_MESSAGES/*.po``, sorted; optionally only ``locales``."""
    found = []
    for base in map(Path, settings.LOCALE_PATHS):
        for po_path in sorted(base.glob("*/LC_MESSAGES/*.po")):
            if locales is None or po_path.parent.parent.name in locales:
                found.append(po_path)
    return found


def compile_catalogue(po_path: Path) -> tuple[Path, bool, int]:
    """Write ``po_path``'s .mo next to it; return (mo path, rewritten?, messages compiled)."""
    po = polib.pofile(str(po_path), wrapwidth=0)
    # msgfmt drops this header too; makemessages bumps it on every run, and it is not needed.
    po.metadata.pop("POT-Creation-Date", None)
    mo_path = po_path.with_suffix(".mo")
    data = po.to_binary()  # translated_entries() only: no fuzzy, obsolete or empty msgstrs
    changed = not mo_path.exists() or mo_path.read_bytes() != data
    if changed:
        tmp = mo_path.with_suffix(".mo.tmp")
        tmp.write_bytes(data)
        tmp.replace(mo_path)
    return mo_path, changed, len(po.translated_entries())


def shown(path: Path) -> str:
    """``path`` relative to BASE_DIR when it is inside it."""
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)


class Command(BaseCommand):
    help = (
        "Compile every LOCALE_PATHS/<lang>/LC_MESSAGES/*.po to .mo with polib "
        "(fuzzy entries are skipped, as msgfmt does)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-l",
            "--locale",
            action="append",
            help="Compile only this locale (repeatable); default: all.",
        )

    def handle(self, *args, locale=None, **options):
        paths = catalogues(locale)
        if not paths:
            raise CommandError(
                "No .po files found under LOCALE_PATHS "
                f"({', '.join(map(str, settings.LOCALE_PATHS))})."
            )
        for po_path in paths:
            try:
                mo_path, changed, count = compile_catalogue(po_path)
            except (OSError, ValueError) as exc:
                raise CommandError(f"{po_path}: {exc}") from exc
            state = "compiled" if changed else "unchanged"
            self.stdout.write(f"{shown(mo_path)}: {state}, {count} messages")
