"""The organisation's dashboard: where the ISMS stands and what to do next."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..permissions import VIEW_DASHBOARD
from ..selectors import audit_entry_list, login_summary, scope_list
from .base import PageView


class DashboardView(PageView):
    permission_required = VIEW_DASHBOARD
    template_name = "core/dashboard.html"
    page_title = _("Dashboard")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, org = self.request.user, self.organisation
        scopes = list(scope_list(actor=user, organisation=org))
        today = timezone.localdate()
        ctx.update(
            scopes=scopes,
            expiring=[
                s
                for s in scopes
                if s.certificate_expires_on and (s.certificate_expires_on - today).days <= 90
            ],
            today=today,
            login=login_summary(user=user),
            recent=list(
                audit_entry_list(actor=user, organisation=org)
                .select_related(None)
                .only("seq", "at", "actor_label", "action", "model_label", "object_repr")[:8]
            ),
            steps=self._next_steps(scopes),
        )
        return ctx

    def _next_steps(self, scopes) -> list[dict]:
        """Empty modules explain their next step (the ISMS build order of JIS Q 27001 4–6)."""
        from django.urls import reverse

        org = self.organisation
        steps = [
            {
                "done": bool(org.industry != "other" and org.employee_count > 1),
                "label": _("Complete the organization profile (industry, size, business type)"),
                "url": reverse("core:organisation_edit"),
            },
            {
                "done": bool(scopes),
                "label": _("Define at least one ISMS scope (clause 4.3)"),
                "url": reverse("core:scope_create"),
            },
            {
                "done": org.departments.exists(),
                "label": _("Register the departments inside the scope"),
                "url": reverse("core:department_create"),
            },
            {
                "done": org.memberships.exclude(role="admin").exists(),
                "label": _("Invite the ISMS secretariat, top management and department heads"),
                "url": reverse("core:member_invite"),
            },
        ]
        return steps
