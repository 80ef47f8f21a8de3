"""Forms of risk assessment. They validate input; the services do the writing."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ume.core.validators import MAX_PK, MULTI_LINE

from . import matrix
from .models import RiskMethod

LEVEL = {"min_value": 1, "max_value": matrix.MAX_STEPS * matrix.MAX_STEPS}


ENGLISH_HELP = _("Optional; the same number of lines. Empty: the Japanese names are shown.")


def _steps(label, help_text, *, required: bool = True) -> forms.CharField:
    """A scale's names in one language, one step per line."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class RiskMethodForm(forms.Form):
    """The scales as one step per line (lowest first), Japanese and English side by side."""

    likelihood_ja = _steps(
        _("Likelihood (Japanese)"), _("One step per line, from the least likely. 3 to 5 steps.")
    )
    likelihood_en = _steps(_("Likelihood (English)"), ENGLISH_HELP, required=False)
    impact_ja = _steps(
        _("Impact (Japanese)"),
        _("One step per line, from the smallest consequence. 3 to 5 steps."),
    )
    impact_en = _steps(_("Impact (English)"), ENGLISH_HELP, required=False)
    low_max = forms.IntegerField(
        label=_("Low up to level"), **LEVEL, help_text=_("Levels up to this one are low.")
    )
    medium_max = forms.IntegerField(
        label=_("Medium up to level"),
        **LEVEL,
        help_text=_("Levels above the low ones up to this one are medium; higher ones high."),
    )
    acceptance_max = forms.IntegerField(
        label=_("Risk acceptance criterion"),
        **LEVEL,
        help_text=_(
            "The risk owner may accept residual risks up to this level; above it, top "
            "management decides."
        ),
    )
    note = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=MULTI_LINE,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_PK)

    @classmethod
    def initial_from(cls, method: RiskMethod) -> dict[str, Any]:
        return {
            "likelihood_ja": "\n".join(s["ja"] for s in method.likelihood_labels),
            "likelihood_en": "\n".join(s.get("en", "") for s in method.likelihood_labels),
            "impact_ja": "\n".join(s["ja"] for s in method.impact_labels),
            "impact_en": "\n".join(s.get("en", "") for s in method.impact_labels),
            "low_max": method.low_max,
            "medium_max": method.medium_max,
            "acceptance_max": method.acceptance_max,
            "version": method.version,
        }

    def _scale(self, name: str) -> list[dict[str, str]] | None:
        ja = _lines(self.cleaned_data.get(f"{name}_ja", ""))
        en = _lines(self.cleaned_data.get(f"{name}_en", ""))
        if en and len(en) != len(ja):
            self.add_error(
                f"{name}_en",
                _("Give as many English lines as Japanese ones ({count}).").format(count=len(ja)),
            )
            return None
        return [{"ja": j, "en": en[i] if en else ""} for i, j in enumerate(ja)]

    def service_data(self) -> dict[str, Any]:
        """The fields as ``risk_method_revise`` takes them (call after ``is_valid``)."""
        return {
            "likelihood_labels": self._scale("likelihood"),
            "impact_labels": self._scale("impact"),
            "low_max": self.cleaned_data["low_max"],
            "medium_max": self.cleaned_data["medium_max"],
            "acceptance_max": self.cleaned_data["acceptance_max"],
            "note": self.cleaned_data.get("note", ""),
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.parsed = self.service_data()
        return cleaned
