"""Human labels for record types in the audit trail (model verbose names)."""

from django.apps import apps

from .models import AuditedModel


def model_choices() -> list[tuple[str, str]]:
    return sorted(
        (
            (m._meta.label_lower, str(m._meta.verbose_name))
            for m in apps.get_models()
            if issubclass(m, AuditedModel)
        ),
        key=lambda c: c[1],
    )


def model_label_display(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def field_label(label: str, field: str) -> str:
    try:
        model = apps.get_model(label)
        name = field[:-3] if field.endswith("_id") else field
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # an unknown model or a field removed since the entry was written
        return field


def choice_label(label: str, field: str, value):
    """The display label of a stored choice value (e.g. a role) or a yes/no value, else the
    value itself."""
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("Yes") if value else gettext("No")
    try:
        choices = dict(apps.get_model(label)._meta.get_field(field).flatchoices)
    except Exception:  # as above
        return value
    return choices.get(value, value) if isinstance(value, str) else value
