"""Template helpers shared by every module: icons, permission checks, query strings."""

from collections.abc import Callable
from functools import partial
from operator import attrgetter, methodcaller

from django import forms, template
from django.core.exceptions import FieldDoesNotExist
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django_tables2.utils import signature

from ..html import html, html_join
from ..policies import can

register = template.Library()


@register.simple_tag
def icon(name: str, css: str = "") -> str:
    """An icon from the vendored Tabler sprite (no web font, no CDN)."""
    return html(
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


def cut(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters, the last one an ellipsis (as ``truncatechars``,
    which takes the slow path even for text that fits)."""
    return text if len(text) <= length else Truncator(text).chars(length)


_PK = 987654321  # stands for a record's id in a link pattern


def link_pattern(viewname: str, *args) -> Callable[[int], str]:
    """The URL of ``viewname`` for any record id, reversed once (a table of 50 or 93 rows
    would otherwise reverse its edit link once per row); ``args`` come before the id."""
    pattern = reverse(viewname, args=[*args, _PK])
    return lambda pk: pattern.replace(str(_PK), str(pk))


def _widget_class(widget) -> str:
    """The classes crispy-forms' Bootstrap 5 pack gives a widget: its type, then Bootstrap's."""
    if isinstance(widget, forms.CheckboxInput):
        bootstrap = "form-check-input"
    elif isinstance(widget, forms.Select):
        bootstrap = "form-select"
    else:
        bootstrap = "form-control"
    own = widget.attrs.get("class", "")
    return " ".join(c for c in (own, type(widget).__name__.lower(), bootstrap) if c)


@register.simple_tag
def filter_field(field) -> SafeString:
    """A list page's filter field (text, select, date or checkbox) in the markup crispy-forms'
    ``as_crispy_field`` gives it: label, widget, errors and help text, built in one pass (the
    crispy templates took a tenth of a list page's time)."""
    css = _widget_class(field.field.widget)
    if field.errors:
        css += " is-invalid"
    widget = field.as_widget(attrs={"class": css})
    errors = (
        html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((i, field.auto_id, e) for i, e in enumerate(field.errors, start=1)),
            ),
        )
        if field.errors
        else ""
    )
    help_text = (
        # Written by Ume, not by users: HTML, as Django's own form templates treat it.
        html(
            '<div id="{}_helptext" class="form-text">{}</div>',
            field.auto_id,
            mark_safe(field.help_text),
        )
        if field.help_text
        else ""
    )
    if isinstance(field.field.widget, forms.CheckboxInput):
        return html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label">{}</label>{}{}</div></div>',
            field.auto_id,
            widget,
            field.id_for_label,
            field.label,
            errors,
            help_text,
        )
    return html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        field.auto_id,
        field.id_for_label,
        field.label,
        widget,
        errors,
        help_text,
    )


SHOWN_CHANGES = 8  # fields listed per entry; the export has them all


@register.simple_tag
def audit_changes(entry) -> str:
    """The readable changes of an audit entry as a definition list: ``before → after`` per field
    (``audit_display.Change``), from the entry as described with its page, else described
    alone. Python, not a template: it is a cell of every row of the audit trail."""
    from ..audit_display import describe

    if not hasattr(entry, "display_changes"):
        describe([entry])
    changes = entry.display_changes
    if not changes:
        return ""
    items = html_join(
        "",
        "<dt>{}</dt><dd>{}{}</dd>",
        (
            (
                c.label,
                html("<del>{}</del> → ", cut(c.before, 60)) if c.before else "",
                cut(c.after or "—", 80),
            )
            for c in changes[:SHOWN_CHANGES]
        ),
    )
    more = mark_safe('<dd class="text-secondary">…</dd>') if len(changes) > SHOWN_CHANGES else ""
    return html('<dl class="ume-changes mb-0">{}{}</dl>', items, more)


@register.filter
def described(entries) -> list:
    """A history panel's entries described together (one query per related model)."""
    from ..audit_display import describe

    return describe(entries)


def _cell_renderer(bound_column) -> tuple[Callable, bool]:
    """The ``render_func`` django-tables2's ``BoundRow`` calls for a cell of this column, with
    the render method's signature read once per column (the library reads it per cell), and
    whether it uses the cell's value."""
    fn, link = bound_column.render, bound_column.link
    wanted, catch_all = signature(fn)

    def render(row, _bound_column, value=None):
        kwargs = {
            "value": value,
            "record": row.record,
            "column": bound_column.column,
            "bound_column": bound_column,
            "bound_row": row,
            "table": row.table,
        }
        if catch_all:
            content = fn(**kwargs)
        elif all(name in kwargs for name in wanted):
            content = fn(**{name: kwargs[name] for name in wanted})
        else:
            content = None  # as the library does for a method it cannot call
        return link(content, **kwargs) if link else content

    return render, bool(catch_all or link or "value" in wanted)


def _value_getter(table, bound_column, uses_value: bool) -> Callable | None:
    """Reads the value of a column on one of the model's own fields straight from the record.
    The library looks the field up per cell and calls ``get_FOO_display`` for a field with
    choices, which hashes every (lazily translated) choice: a render method that does not use
    the value only needs it to tell an empty cell. ``None`` for any other column."""
    model, name = getattr(table._meta, "model", None), str(bound_column.accessor)
    if model is None or "." in name or "__" in name:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not field.concrete or field.many_to_many:
        return None
    if field.choices and uses_value:
        return methodcaller(f"get_{name}_display")
    return attrgetter(name)


@register.simple_tag
def table_rows(table) -> str:
    """The rows of a django-tables2 table's page as HTML, built in one pass. The library's
    template resolves every cell's attributes through the template engine, and reads each
    render method's signature for every cell; together most of a 50-row list page's time.
    Cell values still come from the table (``render_*`` methods, accessors, choices, linkify);
    ``td`` attributes are computed once per column."""
    columns = list(table.columns)
    plan = []
    for column in columns:
        render, uses_value = _cell_renderer(column)
        td = mark_safe(column.attrs["td"].as_html())
        plan.append((column, td, render, _value_getter(table, column, uses_value)))
    rows = []
    for row in table.paginated_rows:
        cells = []
        for column, td, render, get in plan:
            if get is None:
                content = row._get_and_render_with(column, partial(render, row), column.default)
            else:
                value = get(row.record)
                empty = value in column.column.empty_values
                content = column.default if empty else render(row, column, value)
            cells.append((td, localize(content)))
        rows.append(html("<tr>{}</tr>", html_join("", "<td {}>{}</td>", cells)))
    if not rows and table.empty_text:
        rows = [html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text)]
    return mark_safe("".join(rows))
