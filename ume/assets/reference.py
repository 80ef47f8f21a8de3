"""The built-in statutory retention rules, loaded by ``manage.py load_reference`` from
``data/retention_rules.toml`` (idempotent: rules are matched by their ``code``). A rule that
left the file is removed unless an asset still uses it; then it stays and the loader says so."""

import tomllib
from pathlib import Path

from django.core.exceptions import ValidationError

from .choices import EventType, NoPeriod, RuleKind
from .models import RetentionRule

DATA = Path(__file__).resolve().parent / "data" / "retention_rules.toml"
REQUIRED = ("code", "record_ja", "record_en", "law_ja", "article_ja", "event", "start_event_ja")
FIELDS = {
    "record_ja",
    "record_en",
    "law_ja",
    "law_en",
    "article_ja",
    "article_en",
    "years",
    "no_period",
    "transitional_years",
    "transitional_provision_ja",
    "transitional_provision_en",
    "start_event_ja",
    "start_event_en",
    "notes_ja",
    "notes_en",
    "source",
}


class ContentError(ValueError):
    """The rules file is inconsistent; nothing was loaded."""


def read_rules(path: Path = DATA) -> list[dict]:
    """The rules of the file, checked: every problem is listed at once."""
    with path.open("rb") as f:
        rules = tomllib.load(f).get("rules") or []
    errors: list[str] = []
    seen: set[str] = set()
    for i, rule in enumerate(rules, 1):
        where = f"rule {i} ({rule.get('code', '?')})"
        errors += [f"{where}: {key} is missing" for key in REQUIRED if not rule.get(key)]
        unknown = set(rule) - FIELDS - {"code", "event"}
        if unknown:
            errors.append(f"{where}: unknown keys {sorted(unknown)}")
        if rule.get("code") in seen:
            errors.append(f"{where}: the code is used twice")
        seen.add(rule.get("code"))
        if rule.get("event") not in EventType.values:
            errors.append(f"{where}: event must be one of {EventType.values}")
        if ("years" in rule) == ("no_period" in rule):
            errors.append(f"{where}: give either years or no_period")
        if "no_period" in rule and rule["no_period"] not in NoPeriod.values:
            errors.append(f"{where}: no_period must be one of {NoPeriod.values}")
        if ("transitional_years" in rule) != ("transitional_provision_ja" in rule):
            errors.append(f"{where}: a transitional period names its provision")
    if errors:
        raise ContentError("\n".join(errors))
    return rules


def load_retention_rules(stdout=None, path: Path = DATA) -> dict[str, int]:
    """Create or update the built-in rules; returns counts of created, updated and removed."""
    rules = read_rules(path)
    existing = {r.code: r for r in RetentionRule.objects.filter(organisation__isnull=True)}
    counts = {"created": 0, "updated": 0, "removed": 0, "kept": 0}
    for entry in rules:
        values = {key: entry.get(key, _blank(key)) for key in FIELDS}
        values["event_type"] = entry["event"]
        rule = existing.pop(entry["code"], None)
        if rule is None:
            rule = RetentionRule(code=entry["code"], kind=RuleKind.STATUTORY)
            counts["created"] += 1
        elif all(getattr(rule, k) == v for k, v in values.items()):
            continue
        else:
            counts["updated"] += 1
        for key, value in values.items():
            setattr(rule, key, value)
        try:
            rule.full_clean(exclude=["organisation"])
        except ValidationError as exc:
            raise ContentError(f"{entry['code']}: {exc.messages}") from exc
        rule.save()
    for rule in existing.values():
        if rule.assets.exists():
            counts["kept"] += 1
        else:
            rule.delete()
            counts["removed"] += 1
    if stdout is not None:
        stdout.write(
            "Retention rules: {created} created, {updated} updated, {removed} removed, "
            "{kept} kept because assets use them.".format(**counts)
        )
    return counts


def _blank(key: str):
    return None if key in ("years", "transitional_years") else ""


def load(stdout) -> None:
    load_retention_rules(stdout)
