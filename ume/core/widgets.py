"""Form widgets rendered without a template per option.

Django renders a <select> through one template per option; the list pages' filter forms hold
selects with every control (93) and every member, and rendering them took a large share of a
list page's time. These widgets produce the same markup in one pass."""

from django import forms
from django.utils.safestring import SafeString

from .html import html, html_join


def _attrs(attrs: dict) -> SafeString:
    """Attributes as Django's widgets/attrs.html writes them, in the same order."""
    return html_join(
        "",
        "{}",
        (
            (html(" {}", name) if value is True else html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class FastSelect(forms.Select):
    """``forms.Select`` with the same context (choices, selection, attributes), built by
    ``format_html`` instead of the form renderer's templates."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group, _index in widget["optgroups"]:
            items = html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], _attrs(o["attrs"]), o["label"]) for o in group),
            )
            options.append(
                html('<optgroup label="{}">{}</optgroup>', group_name, items)
                if group_name
                else items
            )
        return html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attrs(widget["attrs"]),
            SafeString("".join(options)),
        )


class FastSelectsMixin:
    """A form whose plain selects render as FastSelect (same markup, one pass)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                widget = FastSelect(attrs=field.widget.attrs)
                widget.choices = field.widget.choices
                widget.is_required = field.widget.is_required
                field.widget = widget
