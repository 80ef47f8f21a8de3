"""The inbox filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ume.core.widgets import FastSelectsMixin

from . import kinds

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
