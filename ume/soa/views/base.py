"""Shared pieces of the SoA views: the scope from the URL, breadcrumbs."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ume.core import selectors as core_selectors

from .. import selectors

# The export formats offered for the draft and for each approved version: (format, icon, label).
EXPORT_KINDS = (
    ("xlsx", "file-spreadsheet", gettext_lazy("Export as Excel")),
    ("docx", "file-type-docx", gettext_lazy("Export as Word")),
    ("pdf", "file-type-pdf", gettext_lazy("Export as PDF")),
)


class ScopeMixin:
    """The ISMS scope named in the URL, among those the user may see (else 404); permissions
    are checked against it."""

    def get_scope(self):
        if not hasattr(self, "_scope"):
            self._scope = (
                core_selectors.scope_list(
                    actor=self.request.user,
                    organisation=self.request.organisation,
                    include_inactive=True,
                )
                .filter(pk=self.kwargs["scope_pk"])
                .first()
            )
            if self._scope is None:
                raise Http404
        return self._scope

    def get_permission_object(self):
        return self.get_scope()

    def get_soa(self):
        if not hasattr(self, "_soa"):
            self._soa = selectors.soa_get(actor=self.request.user, scope=self.get_scope())
            if self._soa is None:
                raise Http404
        return self._soa

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "export_kinds": EXPORT_KINDS}

    def soa_breadcrumbs(self, *more):
        scope = self.get_scope()
        return [
            (_("Statement of Applicability"), reverse("soa:index")),
            (scope.name, reverse("soa:detail", args=[scope.pk]) if more else None),
            *more,
        ]
