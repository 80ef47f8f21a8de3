"""Reads of risk assessment, already limited to the organization."""

from django.db.models import QuerySet

from ume.core.models import Organisation

from .models import RiskMethod


def risk_method_list(organisation: Organisation) -> QuerySet[RiskMethod]:
    """Every revision of the organization's method, the newest first."""
    return (
        RiskMethod.objects.filter(organisation=organisation)
        .select_related("created_by")
        .order_by("-version")
    )


def risk_method_get(organisation: Organisation) -> RiskMethod:
    """The method in force: the newest revision (every organization has revision 1)."""
    return risk_method_list(organisation).first()
