"""Template helpers shared by every module: icons, permission checks, query strings."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from ..policies import can

register = template.Library()


@register.simple_tag
def icon(name: str, css: str = "") -> str:
    """An icon from the vendored Tabler sprite (no web font, no CDN)."""
    return format_html(
        '<svg class="icon {}" aria-hidden="true"><use href="{}#ti-{}"></use></svg>',
        css,
        static("vendor/tabler-icons/sprite.svg"),
        name,
    )


@register.simple_tag(takes_context=True)
def allowed(context, perm: str, obj=None) -> bool:
    request = context["request"]
    return can(request.user, perm, obj if obj is not None else request.organisation)


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters replaced (for sort and pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def audit_changes(entry) -> list[tuple[str, object, object]]:
    """(field label, before, after) rows of an audit entry, for display."""
    import json

    from ..audit_labels import choice_label, field_label

    try:
        data = json.loads(entry.changes or "{}")
    except ValueError:
        return []
    if "event" in data:
        return [(key, "", value) for key, value in data.items()]
    rows = []
    for name, values in data.items():
        if not (isinstance(values, list) and len(values) == 2) or name in ("id", "version"):
            continue
        before, after = values
        if entry.action == "create" and after in ("", None, [], False):
            continue  # a new record's empty fields say nothing
        rows.append(
            (
                field_label(entry.model_label, name),
                choice_label(entry.model_label, name, before),
                choice_label(entry.model_label, name, after),
            )
        )
    return rows
