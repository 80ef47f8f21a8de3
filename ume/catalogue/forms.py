"""Catalogue filters (a plain form: the catalogue has 93 rows and filters map to selectors)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Attribute, Theme
from .models import AttributeValue


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. ぜい弱性, バックアップ, supplier")}
        ),
    )
    theme = forms.ChoiceField(
        label=_("theme"), required=False, choices=[("", _("All themes")), *Theme.choices]
    )
    new = forms.ChoiceField(
        label=_("new in 2022"),
        required=False,
        choices=[("", _("All controls")), ("1", _("New in 2022 only"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        by_attribute: dict[str, list] = {a: [] for a in Attribute.values}
        for value in AttributeValue.objects.order_by("attribute", "order"):
            by_attribute[value.attribute].append((str(value.pk), value.tr("label")))
        for attribute, label in Attribute.choices:
            self.fields[attribute] = forms.ChoiceField(
                label=label, required=False, choices=[("", _("Any")), *by_attribute[attribute]]
            )

    def attribute_values(self) -> list[int]:
        return [int(self.cleaned_data[a]) for a in Attribute.values if self.cleaned_data.get(a)]
