"""The organisation's reminder rules: each kind's lead times, overdue repeats, business days
and whether its e-mail is mandatory, set by the 事務局 or an administrator."""

from django.http import Http404
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ume.core.views.base import PageView, ServiceFormView

from .. import kinds, services
from ..forms import KindSettingForm
from ..models import KindSetting
from ..permissions import CHANGE_REMINDER_RULES


def _days(days) -> str:
    return ", ".join(str(d) for d in days) or "—"


class RuleListView(PageView):
    permission_required = CHANGE_REMINDER_RULES
    template_name = "notifications/rule_list.html"
    page_title = gettext_lazy("Reminder rules")

    def get_breadcrumbs(self):
        return [(_("Notifications"), reverse("notifications:inbox")), (self.page_title, None)]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        own = {s.kind: s for s in KindSetting.objects.filter(organisation=self.organisation)}
        rows = []
        for kind in kinds.all_kinds():
            setting = own.get(kind.code)
            effective = kinds.for_organisation(kind, setting)
            rows.append(
                {
                    "kind": kind,
                    "lead": _days(effective.lead_days),
                    "default_lead": _days(kind.lead_days),
                    "overdue_every": effective.overdue_every,
                    "business_days": effective.business_days,
                    "mandatory": bool(setting and setting.mandatory),
                    "own": setting is not None,
                }
            )
        ctx["rows"] = rows
        return ctx


class RuleEditView(ServiceFormView):
    permission_required = CHANGE_REMINDER_RULES
    template_name = "core/form.html"
    form_class = KindSettingForm
    success_url = reverse_lazy("notifications:rules")
    success_message = gettext_lazy("The reminder rule was saved.")
    # The URL names a kind (the same for every organisation), not one organisation's record.
    reference_data = True

    def dispatch(self, request, *args, **kwargs):
        self.kind = kinds.get(kwargs["code"])
        if self.kind is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def page_title(self) -> str:
        return f"{self.kind.module}: {self.kind.label}"

    def get_breadcrumbs(self):
        return [
            (_("Notifications"), reverse("notifications:inbox")),
            (_("Reminder rules"), reverse("notifications:rules")),
            (str(self.kind.label), None),
        ]

    def get_form_kwargs(self):
        setting = KindSetting.objects.filter(
            organisation=self.organisation, kind=self.kind.code
        ).first() or KindSetting(
            organisation=self.organisation,
            kind=self.kind.code,
            lead_days=list(self.kind.lead_days),
            overdue_every=self.kind.overdue_every,
        )
        return {**super().get_form_kwargs(), "instance": setting}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": reverse("notifications:rules")}

    def perform(self, form):
        return services.kind_setting_update(
            actor=self.request.user,
            organisation=self.organisation,
            kind=self.kind.code,
            data=form.changed_data_dict(),
            version=form.cleaned_data.get("version"),
        )
