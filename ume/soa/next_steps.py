"""What the SoA asks of whom on the dashboard: editors create a scope's SoA and give every
included control its reason; approvers approve a draft or the changes since the last approval."""

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ume.core.next_steps import Step
from ume.core.policies import can

from .domain import changes_since
from .models import StatementOfApplicability
from .permissions import APPROVE_SOA, CHANGE_SOA


def soa_steps(user, organisation, scopes, today) -> list[Step]:
    """One query for every scope's SoA; the change count is computed only for approved ones."""
    acting = [
        (scope, can(user, CHANGE_SOA, scope), can(user, APPROVE_SOA, scope)) for scope in scopes
    ]
    acting = [(scope, edits, approves) for scope, edits, approves in acting if edits or approves]
    no_reason = Count("rows", filter=Q(rows__applicable=True, rows__reasons=[]), distinct=True)
    soas = {
        soa.scope_id: soa
        for soa in StatementOfApplicability.objects.filter(
            scope__in=[scope for scope, *_ in acting]
        ).annotate(without_reason=no_reason, approved=Max("versions__number"))
    }
    steps = []
    for scope, edits, approves in acting:
        steps += _steps(scope, soas.get(scope.pk), edits, approves)
    return steps


def _steps(scope, soa, edits: bool, approves: bool) -> list[Step]:
    url = reverse("soa:detail", args=[scope.pk])
    if soa is None:
        return [Step(_("Create the Statement of Applicability."), url, scope.name)] if edits else []
    steps = []
    if soa.without_reason and edits:
        steps.append(
            Step(
                ngettext(
                    "Give the reason for including {n} control.",
                    "Give the reasons for including {n} controls.",
                    soa.without_reason,
                ).format(n=soa.without_reason),
                f"{url}?gap=no_reason",
                scope.name,
            )
        )
    approve = reverse("soa:approve", args=[scope.pk])
    if soa.without_reason:
        return steps  # approval is refused until every reason is given
    if soa.approved is None:
        if approves:
            steps.append(Step(_("Approve the first version."), approve, scope.name))
        return steps
    latest = soa.versions.get(number=soa.approved)
    changed = len(changes_since(latest, soa))
    if changed:
        steps.append(
            Step(
                ngettext(
                    "{n} row changed since version {number} was approved: approve a new version.",
                    "{n} rows changed since version {number} was approved: approve a new version.",
                    changed,
                ).format(n=changed, number=latest.number),
                approve if approves else f"{url}compare/?a={latest.number}&b=draft",
                scope.name,
            )
        )
    return steps
