"""The organization's risk method (ISO/IEC 27001 6.1.2 a–b): the matrix every assessment uses,
its scales and リスク受容基準, and the revisions made so far."""

from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from ume.core.policies import can
from ume.core.views.base import PageView, ServiceFormView

from . import matrix, selectors, services
from .forms import RiskMethodForm
from .permissions import CHANGE_METHOD, VIEW_METHOD

METHOD = (gettext_lazy("Risk method"), reverse_lazy("risks:method"))
# The service names the scales; the form edits each in two boxes.
FORM_FIELD = {"likelihood_labels": "likelihood_ja", "impact_labels": "impact_ja"}


def matrix_context(method) -> dict:
    """What the matrix template draws: rows of cells with the scales' names and the bands."""
    cells = matrix.cells(method.method)
    likelihood = method.likelihood_names
    return {
        "rows": [(likelihood[row[0].likelihood - 1], row) for row in cells],
        "impact_names": method.impact_names,
        "bands": [(band, band.label) for band in matrix.Band],
    }


class RiskMethodView(PageView):
    permission_required = VIEW_METHOD
    template_name = "risks/method.html"
    page_title = gettext_lazy("Risk method")
    breadcrumbs = [(gettext_lazy("Risk method"), None)]

    def get_context_data(self, **kwargs):
        revisions = list(selectors.risk_method_list(self.organisation)[:50])
        current = revisions[0]
        return {
            **super().get_context_data(**kwargs),
            "method": current,
            "revisions": revisions,
            "may_change": can(self.request.user, CHANGE_METHOD, self.organisation),
            **matrix_context(current),
        }


class RiskMethodEditView(ServiceFormView):
    permission_required = CHANGE_METHOD
    form_class = RiskMethodForm
    template_name = "risks/method_form.html"
    page_title = gettext_lazy("Change the risk method")
    breadcrumbs = [METHOD, (gettext_lazy("Change"), None)]
    success_url = reverse_lazy("risks:method")
    success_message = gettext_lazy(
        "The risk method was revised. Assessments made before keep the revision they used."
    )

    def get_initial(self):
        return RiskMethodForm.initial_from(selectors.risk_method_get(self.organisation))

    def perform(self, form):
        try:
            return services.risk_method_revise(
                actor=self.request.user,
                organisation=self.organisation,
                data=form.parsed,
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise ValidationError(
                    {FORM_FIELD.get(k, k): v for k, v in exc.error_dict.items()}
                ) from None
            raise
