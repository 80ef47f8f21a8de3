"""Forms of measures (対策（実施事項）) and their evidence files. They validate input; the
services in ``services/measures.py`` and ``services/evidence.py`` do the writing."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ume.catalogue.models import Control
from ume.core.forms import VersionedModelForm
from ume.core.models import Organisation, Scope, User
from ume.core.roles import visible_scope_ids
from ume.core.validators import SINGLE_LINE

from .models import Measure


def control_choices():
    """The 93 controls, in Annex A order, with only what a label needs."""
    return Control.objects.only("id", "ref", "sort_key", "title_ja", "title_en").order_by(
        "sort_key"
    )


def control_label(control: Control) -> str:
    """「5.7 脅威インテリジェンス」 (the title in the active language)."""
    return f"{control.ref} {control.tr('title')}"


class ControlCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes that carry their control's ref (``data-ref``), so the page script can show
    the chosen refs and tick a suggested control."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["data-ref"] = str(label).split(" ", 1)[0]
        return option


class MeasureForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = Measure
        fields = ["title", "description", "scope", "owner", "status", "evidence_note", "controls"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "evidence_note": forms.Textarea(attrs={"rows": 2}),
            "controls": ControlCheckboxes(attrs={"class": "form-check-input"}),
        }

    def __init__(
        self,
        *args,
        organisation: Organisation,
        actor: User | None = None,
        suggest_url: str = "",
        read_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        scopes = Scope.objects.filter(organisation=organisation).filter(
            Q(is_active=True) | Q(pk=self.instance.scope_id or 0)
        )
        visible = visible_scope_ids(actor, organisation.pk) if actor is not None else None
        if visible is not None:
            scopes = scopes.filter(pk__in=visible)
        self.fields["scope"].queryset = scopes.order_by("name")
        self.fields["scope"].empty_label = _("All ISMS scopes")
        self.fields["owner"].queryset = (
            User.objects.filter(
                memberships__organisation=organisation, memberships__is_active=True, is_active=True
            )
            .distinct()
            .order_by("full_name", "email")
        )
        controls = self.fields["controls"]
        controls.queryset = control_choices()
        controls.label_from_instance = control_label
        controls.help_text = _(
            "Choose the Annex A controls this measure implements. "
            "Suggestions appear as you type the title and description."
        )
        if suggest_url:
            self._wire_suggestions(suggest_url)
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def _wire_suggestions(self, url: str) -> None:
        """Typing in the title or description asks for suggested controls (htmx, debounced). The
        text goes in the body of a POST: a long description in a URL is refused (414), by
        proxies well before the server."""
        attrs = {
            "hx-post": url,
            "hx-trigger": "input changed delay:500ms",
            "hx-target": "#measure-suggestions",
            "hx-swap": "innerHTML",
            "hx-include": "#id_title, #id_description, [name='controls']",
            "hx-sync": "closest form:queue last",  # no aborted request (htmx:sendAbort)
        }
        for name in ("title", "description"):
            self.fields[name].widget.attrs.update(attrs)


class EvidenceForm(forms.Form):
    """A file to keep as evidence of a measure or an SoA row, with an optional description."""

    file = forms.FileField(label=capfirst(_("file")))
    description = forms.CharField(
        label=capfirst(_("description")), required=False, max_length=300, validators=SINGLE_LINE
    )
