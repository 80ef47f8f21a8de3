"""The inbox filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ume.core.forms import VersionedModelForm
from ume.core.widgets import FastSelectsMixin

from . import kinds
from .models import Preference

UNREAD, READ = "unread", "read"


class InboxFilterForm(FastSelectsMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("state"),
        required=False,
        choices=[("", _("All")), (UNREAD, _("Unread")), (READ, _("Read"))],
    )
    kind = forms.ChoiceField(label=_("kind"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All"))] + [
            (k.code, f"{k.module}: {k.label}") for k in kinds.all_kinds()
        ]


class PreferenceForm(VersionedModelForm):
    """A user's e-mail settings; the version is carried from the first save on (the defaults
    shown before it are version 1, as the row the first save creates)."""

    muted_kinds = forms.MultipleChoiceField(
        label=_("Kinds not sent by e-mail"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They still appear under the bell."),
    )

    class Meta(VersionedModelForm.Meta):
        model = Preference
        fields = ["email", "muted_kinds"]
        widgets = {"email": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["muted_kinds"].choices = [
            (k.code, f"{k.module}: {k.label}") for k in kinds.all_kinds()
        ]
        self.fields["version"].required = True
        if not self.is_bound:
            self.initial["version"] = self.instance.version
