"""Human labels for record types in the audit trail (model verbose names). Entries keep the
label they were written with; a model that moved to another app lists its former labels
(``AuditedModel.audit_former_labels``), and they resolve to the model here."""

import functools

from django.apps import apps

from .models import AuditedModel


def audited_models() -> list[type[AuditedModel]]:
    return [m for m in apps.get_models() if issubclass(m, AuditedModel)]


def labels_of(model: type) -> list[str]:
    """Every label entries about ``model`` may carry: the current one, then former ones."""
    return [model._meta.label_lower, *getattr(model, "audit_former_labels", ())]


@functools.cache
def _by_former_label() -> dict[str, type[AuditedModel]]:
    """Former label → model, built once (the app registry does not change after start-up)."""
    return {label: m for m in audited_models() for label in m.audit_former_labels}


def model_for(label: str):
    """The model an entry's label names, current or former (LookupError if none, e.g. the
    events' ``core.event``, asked for on every row of the audit list)."""
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        try:
            return _by_former_label()[label]
        except KeyError:
            raise LookupError(label) from None


def model_choices() -> list[tuple[str, str]]:
    return sorted(
        ((m._meta.label_lower, str(m._meta.verbose_name)) for m in audited_models()),
        key=lambda c: c[1],
    )


def model_label_display(label: str) -> str:
    if label == "core.event":  # events that concern no single record
        from django.utils.translation import gettext

        return gettext("Security event")
    try:
        return str(model_for(label)._meta.verbose_name)
    except LookupError:
        return label


def field_label(label: str, field: str) -> str:
    try:
        model = model_for(label)
        name = field[:-3] if field.endswith("_id") else field
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # an unknown model or a field removed since the entry was written
        return field
