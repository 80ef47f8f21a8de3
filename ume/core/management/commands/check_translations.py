"""Check the translation catalogues; exit non-zero listing every problem.

``ja`` (the primary language) must be complete: no empty msgstr or plural form, no fuzzy
entry, the placeholders of each msgid kept in its msgstr (and none added), and a compiled .mo
that matches the .po. ``en`` (the msgids are English) is only checked for fuzzy entries.
"""

import re
from pathlib import Path

import polib
from django.core.management.base import BaseCommand, CommandError

from .compile_translations import catalogues, shown

# %(name)s with optional flags, width and precision; %% is a literal percent sign.
NAMED_PERCENT = re.compile(
    r"%\((?P<name>[^)]*)\)[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
    r"[diouxXeEfFgGcrsa]"
)
PLAIN_PERCENT = re.compile(r"%(?!\()[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa]")
# {name}, {name.attr}, {name[0]}, {name!r:>10}, {} and {0} ({{ and }} are removed first).
BRACE = re.compile(r"\{(?P<field>[^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}")


def _strip_escapes(text: str, percent: bool) -> str:
    return text.replace("%%", "") if percent else text.replace("{{", "").replace("}}", "")


def placeholders(text: str, entry: polib.POEntry) -> list[str]:
    """The format placeholders in ``text``, as a sorted list (repeats kept for positional ones)."""
    found = []
    percent = _strip_escapes(text, percent=True)
    found += [f"%({m['name']})" for m in NAMED_PERCENT.finditer(percent)]
    if "python-format" in entry.flags:
        found += sorted("%" + m.group()[-1] for m in PLAIN_PERCENT.finditer(percent))
    brace = _strip_escapes(text, percent=False)
    found += ["{" + m["field"] + "}" for m in BRACE.finditer(brace)]
    return sorted(found)


def _entry_label(entry: polib.POEntry) -> str:
    where = f"line {entry.linenum}" if entry.linenum else "?"
    msgid = entry.msgid if len(entry.msgid) <= 60 else entry.msgid[:57] + "..."
    ctx = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{where}: {ctx}{msgid!r}"


def _forms(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _mo_value(entry) -> str | tuple[str, ...]:
    return tuple(_forms(entry)) if entry.msgid_plural else entry.msgstr


def check_complete(po: polib.POFile) -> list[str]:
    """Untranslated, fuzzy and placeholder problems of a catalogue that must be complete."""
    problems = []
    if po.metadata_is_fuzzy:
        problems.append("header: marked fuzzy (fill in the header and remove the flag)")
    nplurals = _nplurals(po)
    for entry in po:
        if entry.obsolete:
            continue
        label = _entry_label(entry)
        if entry.fuzzy:
            problems.append(f"{label}: marked fuzzy")
        forms = _forms(entry)
        if entry.msgid_plural and nplurals is not None and len(forms) != nplurals:
            problems.append(f"{label}: {len(forms)} plural forms, header says {nplurals}")
        if any(form == "" for form in forms):
            problems.append(f"{label}: untranslated")
            continue
        expected = placeholders(entry.msgid, entry)
        if entry.msgid_plural:
            expected = sorted(set(expected) | set(placeholders(entry.msgid_plural, entry)))
        for index, form in enumerate(forms):
            got = placeholders(form, entry)
            if entry.msgid_plural:
                got = sorted(set(got))
            if got != expected:
                which = f" msgstr[{index}]" if entry.msgid_plural else ""
                missing = sorted(set(expected) - set(got))
                extra = sorted(set(got) - set(expected))
                detail = "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(missing)}" if missing else "",
                        f"unexpected {', '.join(extra)}" if extra else "",
                        "different count" if not missing and not extra else "",
                    )
                    if part
                )
                problems.append(f"{label}:{which} placeholders differ ({detail})")
    return problems


def _nplurals(po: polib.POFile) -> int | None:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else None


def check_compiled(po: polib.POFile, po_path: Path) -> list[str]:
    """The .mo next to ``po_path`` holds exactly the translated entries of the .po."""
    mo_path = po_path.with_suffix(".mo")
    hint = "run 'manage.py compile_translations'"
    if not mo_path.exists():
        return [f"{shown(mo_path)}: missing ({hint})"]
    try:
        mo = polib.mofile(str(mo_path))
    except (OSError, ValueError) as exc:
        return [f"{shown(mo_path)}: unreadable ({exc}; {hint})"]
    compiled = {(e.msgctxt, e.msgid): _mo_value(e) for e in mo}
    problems = []
    wanted = set()
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        wanted.add(key)
        if key not in compiled:
            problems.append(f"{_entry_label(entry)}: not in the .mo")
        elif compiled[key] != _mo_value(entry):
            problems.append(f"{_entry_label(entry)}: the .mo has a different translation")
    stale = len(set(compiled) - wanted)
    if stale:
        problems.append(f"{shown(mo_path)}: {stale} message(s) no longer translated in the .po")
    if mo.metadata.get("Plural-Forms") != po.metadata.get("Plural-Forms"):
        problems.append(f"{shown(mo_path)}: Plural-Forms differs from the .po")
    if problems:
        problems.append(f"{shown(mo_path)}: out of date ({hint})")
    return problems


def check_fuzzy_only(po: polib.POFile) -> list[str]:
    return [f"{_entry_label(e)}: marked fuzzy" for e in po.fuzzy_entries()]


class Command(BaseCommand):
    help = (
        "Fail if the ja catalogue has untranslated or fuzzy entries, broken placeholders "
        "or a stale .mo; the en catalogue (if any) is checked for fuzzy entries only."
    )

    complete_locales = ("ja",)
    fuzzy_only_locales = ("en",)

    def handle(self, *args, **options):
        failures = []
        paths = {path.parent.parent.name: path for path in catalogues() if path.name == "django.po"}
        for lang in self.complete_locales:
            po_path = paths.get(lang)
            if po_path is None:
                failures.append(f"{lang}: no django.po under LOCALE_PATHS")
                continue
            po = polib.pofile(str(po_path), wrapwidth=0)
            problems = check_complete(po) + check_compiled(po, po_path)
            if problems:
                failures.append(f"{shown(po_path)}: {len(problems)} problem(s)")
                failures += [f"  {p}" for p in problems]
            else:
                total = len([e for e in po if not e.obsolete])
                self.stdout.write(self.style.SUCCESS(f"{lang}: {total} messages, all translated"))
        for lang in self.fuzzy_only_locales:
            po_path = paths.get(lang)
            if po_path is None:
                continue
            problems = check_fuzzy_only(polib.pofile(str(po_path), wrapwidth=0))
            if problems:
                failures.append(f"{shown(po_path)}: {len(problems)} fuzzy entr(y/ies)")
                failures += [f"  {p}" for p in problems]
            else:
                self.stdout.write(self.style.SUCCESS(f"{lang}: no fuzzy entries"))
        if failures:
            raise CommandError("Translation check failed:\n" + "\n".join(failures))
