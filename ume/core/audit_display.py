"""Audit entries as an auditor reads them: field labels in the user's language, related records
by name (one query per related model for a whole page of entries, not one per row), choices
and yes/no by their labels, times in the site's time zone, and security events by name.

The stored entries are not touched: their ``changes`` keep ids and raw values, and the hash
chain covers them; the exports keep them too, beside the hashes."""

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .audit_labels import field_label, model_for
from .models import AuditEntry

EVENT_LABEL = "core.event"  # entries of events that concern no single record


@dataclass(frozen=True)
class EventKind:
    label: Any  # a lazy translation
    export: bool = False  # a copy taken out of Ume: hidden in the trail unless asked for


# Security events by the name they are recorded with; apps add theirs from AppConfig.ready().
EVENTS: dict[str, EventKind] = {
    "audit_exported": EventKind(_("Audit trail exported"), export=True),
    "mfa_added": EventKind(_("Multi-factor authentication set up")),
    "mfa_removed": EventKind(_("Multi-factor authentication removed")),
    "mfa_recovery_codes_regenerated": EventKind(_("Recovery codes regenerated")),
}
# What the details of an event say, and the records some of them name by id.
DETAIL_LABELS = {
    "format": _("file format"),
    "scope": _("ISMS scope"),
    "version": _("version"),
    "query": _("filter conditions"),
    "type": _("type"),
}
DETAIL_MODELS = {"scope": "core.scope"}
DETAIL_VALUES = {
    "type": {
        "totp": _("Authenticator app"),
        "recovery_codes": _("Recovery codes"),
        "webauthn": _("Security key"),
    },
}


def register_event(name: str, label, *, export: bool = False) -> None:
    EVENTS[name] = EventKind(label, export)


def export_event_names() -> list[str]:
    return sorted(name for name, kind in EVENTS.items() if kind.export)


def event_label(name: str) -> str:
    kind = EVENTS.get(name)
    return str(kind.label) if kind else name


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _parse(entry: AuditEntry) -> dict[str, Any]:
    try:
        data = json.loads(entry.changes or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _field(model, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name[:-3] if name.endswith("_id") else name)
    except Exception:  # a field removed since the entry was written
        try:
            return model._meta.get_field(name)
        except Exception:
            return None


def _model(label: str):
    try:
        return model_for(label)
    except LookupError:
        return None


def _related(field) -> type[models.Model] | None:
    if field is not None and (field.many_to_one or field.one_to_one or field.many_to_many):
        return field.related_model
    return None


# Related records named per value: a list of hundreds (an SoA row's measures) is cut here, as
# the page cuts its text; the export keeps every id.
NAMED_IDS = 10


def _ids(value) -> list:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, int | str)]
    return [value] if isinstance(value, int | str) and value != "" else []


def _named_ids(value) -> tuple[list, int]:
    """The ids of ``value`` whose names are shown, and how many more there are."""
    ids = _ids(value)
    return ids[:NAMED_IDS], max(0, len(ids) - NAMED_IDS)


def _separator() -> str:
    return gettext(", ")  # 「、」 in Japanese (the catalogue's translation, as in the templates)


class _Names:
    """The display names of the related records a batch of entries mentions."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.names: dict[type[models.Model], dict[str, str]] = {}

    def want(self, model, value) -> None:
        if model is not None:
            self.wanted[model].update(_named_ids(value)[0])

    def load(self) -> None:
        for model, ids in self.wanted.items():
            found = model._base_manager.filter(pk__in=ids)
            if only := getattr(model, "audit_name_fields", ()):  # the columns __str__ reads
                found = found.only(*only)
                if related := {name.rsplit("__", 1)[0] for name in only if "__" in name}:
                    found = found.select_related(*related)
            elif parents := [f.name for f in model._meta.concrete_fields if f.many_to_one]:
                found = found.select_related(*parents)
            self.names[model] = {str(obj.pk): str(obj) for obj in found}

    def name(self, model, pk) -> str:
        name = self.names.get(model, {}).get(str(pk))
        return name if name is not None else gettext("deleted record #%(id)s") % {"id": pk}


def _when(field, value: str) -> str:
    try:
        if isinstance(field, models.DateTimeField):
            moment = dt.datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "Y/m/d H:i")
        return formats.date_format(dt.date.fromisoformat(value), "Y/m/d")
    except (TypeError, ValueError):
        return value


def _display(model, name: str, value, names: _Names) -> str:
    """One stored value as the auditor reads it ("" for nothing)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    field = _field(model, name)
    related = _related(field)
    if related is not None:
        shown, more = _named_ids(value)
        text = _separator().join(names.name(related, pk) for pk in shown)
        return text + " " + gettext("and %(n)s more") % {"n": more} if more else text
    if isinstance(field, models.DateTimeField | models.DateField) and isinstance(value, str):
        return _when(field, value)
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    choices |= getattr(model, "audit_value_choices", {}).get(name, {})
    if isinstance(value, list):
        return _separator().join(_item(v, choices) for v in value)
    return str(choices.get(value, value)) if isinstance(value, str | int) else str(value)


def _item(value, choices: dict) -> str:
    """One element of a stored list; a structured one shows its name in the reader's
    language (a scale step's ``{"ja": …, "en": …}``), else its filled values."""
    if isinstance(value, dict):
        language = "en" if (get_language() or "ja").startswith("en") else "ja"
        if value.get(language):
            return str(value[language])
        return " / ".join(str(v) for v in value.values() if v not in ("", None))
    if isinstance(value, list):
        return " / ".join(str(v) for v in value)
    return str(choices.get(value, value))


def _field_rows(entry: AuditEntry, data: dict) -> list[tuple[str, Any, Any]]:
    rows = []
    for name, values in data.items():
        if not (isinstance(values, list) and len(values) == 2) or name in ("id", "version"):
            continue
        before, after = values
        if entry.action == "create" and after in ("", None, [], False):
            continue  # a new record's empty fields say nothing
        rows.append((name, before, after))
    return rows


def describe(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Give each entry ``display_changes`` (a list of Change), ``display_repr`` and
    ``display_event`` (the event's label, "" for a change of a record)."""
    entries = list(entries)
    names = _Names()
    parsed = []
    for entry in entries:
        data = _parse(entry)
        model = _model(entry.model_label)
        if "event" in data:
            for key, value in data.items():
                if key in DETAIL_MODELS:
                    names.want(_model(DETAIL_MODELS[key]), value)
        else:
            for name, before, after in _field_rows(entry, data):
                related = _related(_field(model, name))
                names.want(related, before)
                names.want(related, after)
        parsed.append((entry, model, data))
    names.load()
    for entry, model, data in parsed:
        if "event" in data:
            event = str(data["event"])
            entry.display_event = event_label(event)
            entry.display_repr = (
                event_label(event) if entry.object_repr in ("", event) else entry.object_repr
            )
            entry.display_changes = [Change(gettext("event"), "", event_label(event))]
            for key, value in data.items():
                if key == "event" or value in (None, ""):
                    continue
                detail_model = _model(DETAIL_MODELS[key]) if key in DETAIL_MODELS else None
                shown = (
                    names.name(detail_model, value)
                    if detail_model
                    else str(DETAIL_VALUES.get(key, {}).get(value, value))
                )
                if key == "query":
                    shown = unquote_plus(shown)
                entry.display_changes.append(Change(str(DETAIL_LABELS.get(key, key)), "", shown))
            continue
        entry.display_event = ""
        entry.display_repr = entry.object_repr
        entry.display_changes = [
            Change(
                field_label(entry.model_label, name),
                _display(model, name, before, names),
                _display(model, name, after, names),
            )
            for name, before, after in _field_rows(entry, data)
        ]
    return entries
