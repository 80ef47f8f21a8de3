"""Abstract bases every domain model builds on.

``AuditedModel``: every create/update/delete is written to the organisation's hash-chained audit
trail by one mechanism (``ume.core.audit``), never by per-model code.
``VersionedModel``: optimistic locking; services call ``ume.core.locking.check_version``.
"""

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

_PLAIN = frozenset({type(None), bool, int, float, str})


def json_value(value: Any) -> Any:
    """A JSON-safe form of a field value, as the audit trail stores it."""
    if type(value) in _PLAIN or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or None
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return str(value)


class AuditedModel(models.Model):
    """A model whose changes are recorded in the audit trail.

    Subclasses name the organisation they belong to through ``audit_organisation_id`` (a field
    path, default ``organisation_id``) and may exclude noisy fields with ``audit_exclude``.
    ``audit_former_labels``: the labels (``app.model``) the model had before it moved to
    another app; entries keep the label they were written with (the hash covers it), so
    histories and filters read the former labels too.
    """

    audit_exclude: tuple[str, ...] = ()
    audit_organisation_field: str = "organisation_id"
    audit_scope_field: str | None = None
    audit_former_labels: tuple[str, ...] = ()
    # The columns ``__str__`` reads (``parent__field`` for a parent's): the trail names related
    # records by reading only these. Empty: the whole record and its parents.
    audit_name_fields: tuple[str, ...] = ()
    # Labels of values a field without choices stores (e.g. the codes in a JSON list).
    audit_value_choices: dict[str, dict[str, Any]] = {}

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # The values as loaded, turned into the trail's form only if the record is saved (most
        # loaded records are only shown); lists and dicts are copied now, as they can be
        # changed in place before the save.
        instance._audit_read = (
            field_names,
            [json_value(v) if isinstance(v, list | dict) else v for v in values],
        )
        return instance

    @property
    def _audit_loaded(self) -> dict[str, Any]:
        """The field values of the record when it was read (or last saved), as in the trail."""
        if "_audit_snapshot" not in self.__dict__:
            read = self.__dict__.get("_audit_read")
            if read is None:
                return {}
            loaded = dict(zip(*read, strict=True))
            self._audit_snapshot = {
                field.attname: json_value(loaded[field.attname])
                for field in self._audited_fields()
                if field.attname in loaded
            }
        return self._audit_snapshot

    @_audit_loaded.setter
    def _audit_loaded(self, snapshot: dict[str, Any]) -> None:
        self._audit_snapshot = snapshot

    def _audited_fields(self):
        """The concrete fields the trail records (those not in ``audit_exclude``), listed once
        per model."""
        cls = type(self)
        if "_audit_fields" not in cls.__dict__:
            excluded = self.audit_exclude
            cls._audit_fields = [
                f
                for f in self._meta.concrete_fields
                if f.name not in excluded and f.attname not in excluded
            ]
        return cls._audit_fields

    def audit_snapshot(self) -> dict[str, Any]:
        """Field values as recorded in the trail (foreign keys by id)."""
        snap: dict[str, Any] = {}
        for field in self._audited_fields():
            if field.attname not in self.__dict__:
                continue  # deferred
            snap[field.attname] = json_value(field.value_from_object(self))
        return snap

    @property
    def audit_organisation_id(self) -> int | None:
        return getattr(self, self.audit_organisation_field)

    @property
    def audit_scope_id(self) -> int | None:
        return getattr(self, self.audit_scope_field) if self.audit_scope_field else None


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic locking: each save through a service increments ``version``."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True
