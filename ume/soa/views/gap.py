"""The gap view: controls below their target level by theme, and applicable controls without
a measure or a procedure (JIS Q 27001 6.1.3 e): the risk treatment plan starts from here)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ume.core.views.base import PageView

from .. import selectors
from ..domain import level_gap
from ..permissions import VIEW_SOA
from .base import ScopeMixin


class GapView(ScopeMixin, PageView):
    permission_required = VIEW_SOA
    template_name = "soa/gap.html"

    def get_breadcrumbs(self):
        return self.soa_breadcrumbs((_("Gaps"), None))

    def get_context_data(self, **kwargs):
        soa = self.get_soa()
        summary = selectors.gap_summary(actor=self.request.user, soa=soa)
        rows = list(
            selectors.soa_row_list(actor=self.request.user, soa=soa).filter(applicable=True)
        )
        below = [r for r in rows if level_gap(r)]
        chart_max = max([t["applicable"] for t in summary.themes] + [1])
        bars = [
            {
                **t,
                "ok": t["applicable"] - t["below"],
                "ok_width": round(300 * (t["applicable"] - t["below"]) / chart_max),
                "below_width": round(300 * t["below"] / chart_max),
                "y": 10 + i * 34,
            }
            for i, t in enumerate(summary.themes)
        ]
        return {
            **super().get_context_data(**kwargs),
            "scope": self.get_scope(),
            "page_title": _("Gaps: {scope}").format(scope=self.get_scope().name),
            "summary": summary,
            "bars": bars,
            "below": below,
            "no_measure": [r for r in rows if not r.measures.all()],
            "no_procedure": [r for r in rows if not r.procedure],
            "detail_url": reverse("soa:detail", args=[self.get_scope().pk]),
        }
