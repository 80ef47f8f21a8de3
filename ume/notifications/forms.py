"""The forms of notifications: the inbox filter, a user's settings, an organisation's rules."""

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from ume.core.forms import VersionedModelForm
from ume.core.widgets import FastSelectsMixin

from . import kinds
from .models import KindSetting, Preference, Webhook
from .selectors import mandatory_kinds

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
        required = mandatory_kinds(self.instance.organisation_id)
        self.fields["muted_kinds"].choices = [
            (k.code, f"{k.module}: {k.label}") for k in kinds.all_kinds() if k.code not in required
        ]
        if required:
            self.fields["muted_kinds"].help_text = _(
                "They still appear under the bell. Kinds your organization made mandatory are "
                "always sent."
            )
        self.fields["version"].required = True
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class LeadDaysField(forms.CharField):
    """Days before the due date, typed as 「30, 7, 1」 (full-width digits and 、 accepted)."""

    def to_python(self, value) -> list[int]:
        text = unicodedata.normalize("NFKC", super().to_python(value) or "")
        parts = [p for p in re.split(r"[,\s、]+", text) if p]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Write whole numbers of days separated by commas."))
        return sorted({int(p) for p in parts}, reverse=True)

    def prepare_value(self, value):
        return ", ".join(str(d) for d in value) if isinstance(value, list) else value


class KindSettingForm(VersionedModelForm):
    lead_days = LeadDaysField(
        label=_("Days before the due date"),
        required=False,
        help_text=_("For example 30, 7, 1. Leave empty for no reminder before the day."),
    )

    class Meta(VersionedModelForm.Meta):
        model = KindSetting
        fields = ["lead_days", "overdue_every", "business_days", "mandatory"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = True
        self.fields["overdue_every"].widget.attrs.update(min=1, max=365)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class WebhookForm(VersionedModelForm):
    secret = forms.CharField(
        label=_("Secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "JSON: the key that signs each post (X-Ume-Signature). Chatwork: the API token. "
            "Not shown again; leave empty to keep the one set before."
        ),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds sent"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )

    class Meta(VersionedModelForm.Meta):
        model = Webhook
        fields = ["name", "url", "preset", "secret", "kinds", "active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [
            (k.code, f"{k.module}: {k.label}") for k in kinds.all_kinds()
        ]
        self.fields["url"].widget.attrs["placeholder"] = "https://hooks.slack.com/services/…"
