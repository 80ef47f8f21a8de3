"""What the ledger asks of whom on the dashboard: those who keep a scope's ledger register its
assets, give each an owner and value it on C/I/A; an owner reviews assets not checked for a
year."""

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ume.core.next_steps import Step
from ume.core.policies import can

from . import endpoints
from .choices import OPEN_REMOVAL, AssetStatus, CheckResult, RemovalStatus
from .models import Asset, EquipmentRemoval, InventoryCheck
from .permissions import ADD_ASSET, APPROVE_REMOVAL, CHANGE_ASSET

REVIEW_EVERY = dt.timedelta(days=365)


def asset_steps(user, organisation, scopes, today) -> list[Step]:
    keeping = [
        scope for scope in scopes if can(user, ADD_ASSET, scope) and can(user, CHANGE_ASSET, scope)
    ]
    live = Q(status__in=[AssetStatus.IN_USE, AssetStatus.TO_DISPOSE])
    counts = {
        row["scope"]: row
        for row in Asset.objects.filter(scope__in=keeping)
        .values("scope")
        .annotate(
            total=Count("pk"),
            unowned=Count("pk", filter=live & Q(owner__isnull=True)),
            unvalued=Count("pk", filter=live & Q(importance__isnull=True)),
            byod=Count("pk", filter=endpoints.unapproved_byod(today)),
            remote=Count("pk", filter=endpoints.risky_remote_access()),
        )
    }
    url = reverse("assets:asset_list")
    steps = []
    for scope in keeping:
        row = counts.get(scope.pk, {"total": 0})
        if not row["total"]:
            steps.append(Step(_("Register the information assets of this scope."), url, scope.name))
            continue
        steps += _endpoint_steps(row, url, scope)
        if row["unowned"]:
            steps.append(
                Step(
                    ngettext(
                        "Give {n} asset an owner.", "Give {n} assets an owner.", row["unowned"]
                    ).format(n=row["unowned"]),
                    f"{url}?{urlencode({'unowned': 'none', 'scope': scope.pk})}",
                    scope.name,
                )
            )
        if row["unvalued"]:
            steps.append(
                Step(
                    ngettext(
                        "Value {n} asset on confidentiality, integrity and availability.",
                        "Value {n} assets on confidentiality, integrity and availability.",
                        row["unvalued"],
                    ).format(n=row["unvalued"]),
                    f"{url}?{urlencode({'scope': scope.pk})}",
                    scope.name,
                )
            )
    return [
        *steps,
        *_inventory(user, scopes, today),
        *_reviews(user, organisation, scopes, today),
        *_removals(user, scopes, today),
    ]


def _endpoint_steps(row: dict, url: str, scope) -> list[Step]:
    """Unapproved personal devices and risky outside access come first, in red."""
    steps = []
    if row["byod"]:
        steps.append(
            Step(
                ngettext(
                    "{n} personal device (BYOD) is used without a valid approval.",
                    "{n} personal devices (BYOD) are used without a valid approval.",
                    row["byod"],
                ).format(n=row["byod"]),
                f"{url}?{urlencode({'endpoint': 'byod', 'scope': scope.pk})}",
                scope.name,
                overdue=True,
            )
        )
    if row["remote"]:
        steps.append(
            Step(
                ngettext(
                    "{n} device connects from outside without being registered or encrypted.",
                    "{n} devices connect from outside without being registered or encrypted.",
                    row["remote"],
                ).format(n=row["remote"]),
                f"{url}?{urlencode({'endpoint': 'remote', 'scope': scope.pk})}",
                scope.name,
                overdue=True,
            )
        )
    return steps


def _reviews(user, organisation, scopes, today) -> list[Step]:
    """The user's own assets not reviewed for a year (or never)."""
    due = Asset.objects.filter(
        organisation=organisation,
        scope__in=scopes,
        owner=user,
        status=AssetStatus.IN_USE,
    ).filter(Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=today - REVIEW_EVERY))
    count = due.count()
    if not count:
        return []
    label = ngettext(
        "Review {n} of your assets not checked for a year.",
        "Review {n} of your assets not checked for a year.",
        count,
    ).format(n=count)
    url = f"{reverse('assets:asset_list')}?{urlencode({'owner': user.pk})}"
    return [Step(label, url)]


def _removals(user, scopes, today) -> list[Step]:
    """Removals waiting for the user's approval; equipment out beyond its expected return,
    for those who may close the removal."""
    open_ = EquipmentRemoval.objects.filter(
        scope__in=scopes, status__in=OPEN_REMOVAL
    ).select_related("asset", "scope")
    steps = []
    for removal in open_.order_by("out_on", "pk")[:50]:
        url = reverse("assets:removal_detail", args=[removal.pk])
        if removal.status == RemovalStatus.REQUESTED and can(user, APPROVE_REMOVAL, removal):
            label = _("Approve or reject the removal of {asset} (out {day}).")
            day = removal.out_on
        elif removal.overdue and can(user, CHANGE_ASSET, removal.asset):
            label = _("{asset} was expected back on {day}: record its return or disposal.")
            day = removal.expected_return_on
        else:
            continue
        text = label.format(asset=removal.asset.name, day=day.strftime("%Y/%m/%d"))
        steps.append(Step(text, url, removal.scope.name, overdue=removal.overdue))
    return steps


def _inventory(user, scopes, today) -> list[Step]:
    """The user's own assets waiting in an open 棚卸し, per campaign."""
    pending = (
        InventoryCheck.objects.filter(
            campaign__scope__in=scopes,
            campaign__closed_at__isnull=True,
            result=CheckResult.PENDING,
            asset__owner=user,
        )
        .values("campaign", "campaign__name", "campaign__due_on", "campaign__scope__name")
        .annotate(n=Count("pk"))
        .order_by("campaign__due_on")
    )
    return [
        Step(
            ngettext(
                "Inventory review “{name}”: check {n} of your assets by {day}.",
                "Inventory review “{name}”: check {n} of your assets by {day}.",
                row["n"],
            ).format(
                name=row["campaign__name"],
                n=row["n"],
                day=row["campaign__due_on"].strftime("%Y/%m/%d"),
            ),
            reverse("assets:inventory_detail", args=[row["campaign"]]),
            row["campaign__scope__name"],
            overdue=row["campaign__due_on"] < today,
        )
        for row in pending
    ]
