"""Shared steps of SoA tests."""

from ume.soa.models import StatementOfApplicability


def give_reasons(soa: StatementOfApplicability, *reasons: str) -> int:
    """Give every included row without a reason for inclusion one, as a user would through the
    bulk edit before approving (approval refuses included rows without a reason)."""
    return soa.rows.filter(applicable=True, reasons=[]).update(reasons=list(reasons or ["risk"]))
