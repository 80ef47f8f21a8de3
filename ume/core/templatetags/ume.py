"""Template helpers shared by every module: icons, permission checks, query strings."""

from django import template
from django.templatetags.static import static
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


@register.simple_tag
def table_rows(table) -> str:
    """The rows of a django-tables2 table's page as HTML, built in one pass. The library's
    template resolves every cell's attributes through the template engine, which took most of
    a 50-row list page's time. Cell values still come from the table (``render_*`` methods,
    accessors, linkify); ``td`` attributes are computed once per column."""
    columns = list(table.columns)
    tds = [mark_safe(column.attrs["td"].as_html()) for column in columns]
    rows = [
        format_html(
            "<tr>{}</tr>",
            format_html_join(
                "",
                "<td {}>{}</td>",
                ((td, localize(cell)) for td, (_, cell) in zip(tds, row.items(), strict=True)),
            ),
        )
        for row in table.paginated_rows
    ]
    if not rows and table.empty_text:
        rows = [format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text)]
    return mark_safe("".join(rows))
