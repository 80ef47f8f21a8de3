"""Approved versions of an SoA: list with 改訂推奨 flags, one version, two side by side."""

import itertools

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from ume.core.views.base import PageView

from .. import selectors
from ..choices import ImplementationStatus, InclusionReason
from ..domain import row_differences, snapshot_of
from ..forms import VersionCompareForm
from ..permissions import VIEW_SOA
from .base import ScopeMixin


class VersionListView(ScopeMixin, PageView):
    permission_required = VIEW_SOA
    template_name = "soa/versions.html"

    def get_breadcrumbs(self):
        return self.soa_breadcrumbs((_("Versions"), None))

    def get_context_data(self, **kwargs):
        soa = self.get_soa()
        versions = list(selectors.soa_version_list(actor=self.request.user, soa=soa))
        # Newest first: only the first is current; each older one was superseded by the next.
        for newer, older in itertools.pairwise(versions):
            older.superseded_by = newer
        return {
            **super().get_context_data(**kwargs),
            "scope": self.get_scope(),
            "page_title": _("Approved versions"),
            "versions": versions,
            "compare_form": VersionCompareForm(versions=versions),
        }


def _version(view, number):
    soa = view.get_soa()
    version = (
        selectors.soa_version_list(actor=view.request.user, soa=soa).filter(number=number).first()
    )
    if version is None:
        raise Http404
    return version


class VersionDetailView(ScopeMixin, PageView):
    permission_required = VIEW_SOA
    template_name = "soa/version_detail.html"

    def get_breadcrumbs(self):
        return self.soa_breadcrumbs(
            (_("Versions"), reverse("soa:versions", args=[self.get_scope().pk])),
            (_("Version {number}").format(number=self.kwargs["number"]), None),
        )

    def get_context_data(self, **kwargs):
        version = _version(self, self.kwargs["number"])
        return {
            **super().get_context_data(**kwargs),
            "scope": self.get_scope(),
            "version": version,
            "rows": _display_rows(version.snapshot["rows"]),
            "page_title": _("Version {number}").format(number=version.number),
        }


class VersionCompareView(ScopeMixin, PageView):
    """``?a=1&b=2`` (b may be ``draft``): the rows whose values differ, side by side."""

    permission_required = VIEW_SOA
    template_name = "soa/version_compare.html"

    def get_breadcrumbs(self):
        return self.soa_breadcrumbs(
            (_("Versions"), reverse("soa:versions", args=[self.get_scope().pk])),
            (_("Comparison"), None),
        )

    def _side(self, raw: str):
        if raw == "draft":
            return _("Current draft"), snapshot_of(self.get_soa())["rows"]
        if not raw.isdigit() or len(raw) > 6:
            raise Http404
        version = _version(self, int(raw))
        return _("Version {number}").format(number=version.number), version.snapshot["rows"]

    def get_context_data(self, **kwargs):
        latest = selectors.soa_version_list(actor=self.request.user, soa=self.get_soa()).first()
        default = str(latest.number) if latest else "draft"
        a_label, a_rows = self._side(self.request.GET.get("a", default))
        b_label, b_rows = self._side(self.request.GET.get("b", "draft"))
        a_by_ref = {r["control"]: r for r in a_rows}
        b_by_ref = {r["control"]: r for r in b_rows}
        diffs = []
        for ref, fields in row_differences(a_rows, b_rows).items():
            row, other = a_by_ref.get(ref, {}), b_by_ref.get(ref, {})
            diffs.append(
                {
                    "ref": ref,
                    "title": (row or other).get("title_ja"),
                    "fields": fields,
                    "a": _display_rows([row])[0] if row else {},
                    "b": _display_rows([other])[0] if other else {},
                }
            )
        return {
            **super().get_context_data(**kwargs),
            "scope": self.get_scope(),
            "a_label": a_label,
            "b_label": b_label,
            "diffs": diffs,
            "page_title": _("Compare {a} with {b}").format(a=a_label, b=b_label),
            "versions": selectors.soa_version_list(actor=self.request.user, soa=self.get_soa()),
        }


def _display_rows(rows: list[dict]) -> list[dict]:
    """Snapshot rows with labels for the template (status, reasons)."""
    statuses = dict(ImplementationStatus.choices)
    reasons = dict(InclusionReason.choices)
    out = []
    for r in rows:
        out.append(
            {
                **r,
                "status_label": statuses.get(r.get("status"), ""),
                "reason_labels": [reasons.get(x, x) for x in r.get("reasons", [])],
            }
        )
    return out
