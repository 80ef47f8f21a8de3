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
def audit_changes(entry) -> list:
    """The readable changes of an audit entry (``audit_display.Change``): those of an entry
    already described with its page, else described alone."""
    from ..audit_display import describe

    if not hasattr(entry, "display_changes"):
        describe([entry])
    return entry.display_changes


@register.filter
def described(entries) -> list:
    """A history panel's entries described together (one query per related model)."""
    from ..audit_display import describe

    return describe(entries)
