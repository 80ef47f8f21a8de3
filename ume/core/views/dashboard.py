"""The organisation's dashboard: where the ISMS stands and what to do next."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..figures import widgets
from ..next_steps import certificate_state, next_steps
from ..permissions import (
    ADD_DEPARTMENT,
    ADD_SCOPE,
    CHANGE_ORGANISATION,
    MANAGE_MEMBERS,
    VIEW_DASHBOARD,
)
from ..policies import can
from ..selectors import audit_entry_list, login_summary, scope_list, without_exports
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
        for scope in scopes:
            scope.certificate_state = certificate_state(scope, today)
        ctx.update(
            scopes=scopes,
            today=today,
            next_steps=next_steps(user, org, scopes, today),
            widgets=widgets(user, org, self._chosen(scopes), today),
            login=login_summary(user=user),
            recent=list(
                without_exports(audit_entry_list(actor=user, organisation=org))
                .select_related(None)
                .only("seq", "at", "actor_label", "action", "model_label", "object_repr")[:8]
            ),
            steps=self._next_steps(scopes),
        )
        return ctx

    def _chosen(self, scopes) -> list:
        """The scope chosen in the header, or every scope the user sees."""
        chosen = getattr(self.request, "scope", None)
        return [s for s in scopes if s.pk == chosen.pk] if chosen is not None else scopes

    def _next_steps(self, scopes) -> list[dict]:
        """The platform's setup (the ISMS build order of JIS Q 27001 4–6), each step only for
        those who may take it: a new staff member is not shown the administrator's tasks."""
        from django.urls import reverse

        org, user = self.organisation, self.request.user
        steps = [
            {
                "perm": CHANGE_ORGANISATION,
                "done": bool(org.industry != "other" and org.employee_count > 1),
                "label": _("Complete the organization profile (industry, size, business type)"),
                "url": reverse("core:organisation_edit"),
            },
            {
                "perm": ADD_SCOPE,
                "done": bool(scopes),
                "label": _("Define at least one ISMS scope (clause 4.3)"),
                "url": reverse("core:scope_create"),
            },
            {
                "perm": ADD_DEPARTMENT,
                "done": org.departments.exists(),
                "label": _("Register the departments inside the scope"),
                "url": reverse("core:department_create"),
            },
            {
                "perm": MANAGE_MEMBERS,
                "done": org.memberships.exclude(role="admin").exists(),
                "label": _("Invite the ISMS secretariat, top management and department heads"),
                "url": reverse("core:member_invite"),
            },
        ]
        return [step for step in steps if can(user, step["perm"], org)]
