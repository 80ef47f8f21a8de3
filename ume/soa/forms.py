"""SoA forms: one row, several rows at once, approval."""

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ume.catalogue.choices import Level
from ume.core.forms import VersionedModelForm
from ume.core.validators import MULTI_LINE
from ume.core.widgets import FastSelectsMixin
from ume.measures.models import Measure

from .choices import ImplementationStatus, InclusionReason
from .models import SoARow

APPLICABILITY = [("1", _("Included")), ("0", _("Excluded"))]


class SoARowForm(VersionedModelForm):
    applicable = forms.TypedChoiceField(
        label=_("applicability"),
        choices=APPLICABILITY,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reasons = forms.MultipleChoiceField(
        label=_("reasons for inclusion"),
        required=False,
        choices=InclusionReason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    review_confirmed = forms.BooleanField(
        label=_("I have checked this row: remove the “needs review” mark"), required=False
    )

    class Meta(VersionedModelForm.Meta):
        model = SoARow
        fields = [
            "applicable",
            "reasons",
            "exclusion_justification",
            "status",
            "target_level",
            "current_level",
            "current_variant",
            "measures",
            "procedure",
            "notes",
        ]
        widgets = {
            "exclusion_justification": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, measures=None, **kwargs):
        super().__init__(*args, **kwargs)
        row = self.instance
        if not self.is_bound:
            self.initial["applicable"] = "1" if row.applicable else "0"
        variants = row.control.variants.order_by("order")
        self.fields["current_variant"].queryset = variants
        self.fields["current_variant"].label_from_instance = lambda v: (
            f"{v.label}: {v.l_text[:60]}…" if len(v.l_text) > 60 else f"{v.label}: {v.l_text}"
        )
        self.fields["current_level"].required = False
        measures = Measure.objects.none() if measures is None else measures
        # The measures mapped to this row's control come first and say so.
        mapped = Measure.controls.through.objects.filter(
            measure=OuterRef("pk"), control=row.control_id
        )
        field = self.fields["measures"]
        field.queryset = measures.annotate(mapped=Exists(mapped)).order_by("-mapped", "title")
        field.required = False
        field.label_from_instance = lambda m: (
            _("%(title)s (mapped to %(ref)s)") % {"title": m.title, "ref": row.control.ref}
            if m.mapped
            else m.title
        )

    def changed_data_dict(self) -> dict:
        data = super().changed_data_dict()
        data["measures"] = list(self.cleaned_data.get("measures") or [])
        if self.cleaned_data.get("review_confirmed"):
            data["review_note"] = ""
        return data


class BulkEditForm(FastSelectsMixin, forms.Form):
    """The same values for the rows ticked in the SoA table; empty fields are left alone."""

    applicable = forms.ChoiceField(
        label=_("applicability"), required=False, choices=[("", _("Leave as is")), *APPLICABILITY]
    )
    exclusion_justification = forms.CharField(
        label=_("justification for exclusion"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=MULTI_LINE,
    )
    status = forms.ChoiceField(
        label=_("implementation status"),
        required=False,
        choices=[("", _("Leave as is")), *ImplementationStatus.choices],
    )
    target_level = forms.ChoiceField(
        label=_("target level"), required=False, choices=[("", _("Leave as is")), *Level.choices]
    )
    reasons = forms.MultipleChoiceField(
        label=_("reasons for inclusion"),
        required=False,
        choices=InclusionReason.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def changes(self) -> dict:
        data = self.cleaned_data
        out: dict = {}
        if data.get("applicable") in ("0", "1"):
            out["applicable"] = data["applicable"] == "1"
        if data.get("exclusion_justification"):
            out["exclusion_justification"] = data["exclusion_justification"]
        for name in ("status", "target_level"):
            if data.get(name):
                out[name] = data[name]
        if data.get("reasons"):
            out["reasons"] = data["reasons"]
        return out


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=MULTI_LINE,
    )


class RowFilterForm(FastSelectsMixin, forms.Form):
    from ume.catalogue.choices import Theme

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    theme = forms.ChoiceField(
        label=_("theme"), required=False, choices=[("", _("All themes")), *Theme.choices]
    )
    status = forms.ChoiceField(
        label=_("implementation status"),
        required=False,
        choices=[("", _("All")), *ImplementationStatus.choices],
    )
    applicable = forms.ChoiceField(
        label=_("applicability"), required=False, choices=[("", _("All")), *APPLICABILITY]
    )
    gap = forms.ChoiceField(
        label=_("gaps"),
        required=False,
        choices=[
            ("", _("All")),
            ("level", _("Below the target level")),
            ("no_measure", _("Without a measure")),
            ("no_procedure", _("Without a procedure")),
            ("no_reason", _("Without a reason for inclusion")),
            ("review", _("Needs review")),
        ],
    )


class VersionCompareForm(forms.Form):
    """The two versions to compare (``b`` may be the current draft), rendered inside one
    translated sentence: 「第1版 と 現在の下書き を比較」."""

    a = forms.ChoiceField(label=_("Version to compare"))
    b = forms.ChoiceField(label=_("Version to compare it with"))

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        numbers = [(str(v.number), _("Version {number}").format(number=v.number)) for v in versions]
        self.fields["a"].choices = numbers
        self.fields["b"].choices = [("draft", _("Current draft")), *numbers]
        for field in self.fields.values():
            field.widget.attrs.update(
                {"class": "form-select form-select-sm w-auto", "aria-label": field.label}
            )
