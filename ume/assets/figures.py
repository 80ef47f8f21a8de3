"""The ledger's figures on the dashboard: assets by 機密区分, those without an owner,
unapproved personal devices and risky outside access; batches past their 保存期限; equipment
out beyond its expected return and removals waiting for approval. Each figure links to the
filtered list it counts, and counts only what the user may see."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ume.core.figures import Figure, Widget
from ume.core.policies import can

from . import endpoints, selectors
from .choices import AssetStatus, RemovalStatus
from .filters import RISKY_REMOTE, UNAPPROVED_BYOD, UNOWNED
from .models import EquipmentRemoval
from .permissions import VIEW_ASSET, VIEW_RETENTION
from .retention import Due, due_range


def _url(name: str, scope_ids: list[int], **query) -> str:
    if len(scope_ids) == 1 and name == "assets:asset_list":
        query["scope"] = scope_ids[0]
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def asset_widgets(user, organisation, scopes, today) -> list[Widget]:
    if not scopes or not can(user, VIEW_ASSET, organisation):
        return []
    ids = [s.pk for s in scopes]
    assets = selectors.asset_list(actor=user, organisation=organisation).filter(scope__in=ids)
    live = assets.exclude(status=AssetStatus.DISPOSED).order_by()
    levels = (
        live.values("classification", "classification__name_ja", "classification__name_en")
        .annotate(n=Count("pk"))
        .order_by(F("classification__rank").asc(nulls_last=True))
    )
    flags = live.aggregate(
        unowned=Count("pk", filter=Q(owner__isnull=True)),
        byod=Count("pk", filter=endpoints.unapproved_byod(today)),
        remote=Count("pk", filter=endpoints.risky_remote_access()),
    )
    ledger = "assets:asset_list"
    figures = [
        Figure(
            _("Classification: {level}").format(level=_level_name(row))
            if row["classification"]
            else _("Not classified"),
            row["n"],
            _url(ledger, ids, classification=row["classification"])
            if row["classification"]
            else _url(ledger, ids),
            testid=f"widget-level-{row['classification'] or 'none'}",
        )
        for row in levels
    ]
    figures += [
        Figure(
            _("Assets without an owner"),
            flags["unowned"],
            _url(ledger, ids, unowned=UNOWNED),
            alert=True,
            testid="widget-unowned",
        ),
        Figure(
            _("Personal devices (BYOD) without approval"),
            flags["byod"],
            _url(ledger, ids, endpoint=UNAPPROVED_BYOD),
            alert=True,
            testid="widget-byod",
        ),
        Figure(
            _("Devices connecting from outside unregistered or unencrypted"),
            flags["remote"],
            _url(ledger, ids, endpoint=RISKY_REMOTE),
            alert=True,
            testid="widget-remote",
        ),
    ]
    link = (_("Information assets"), reverse(ledger))
    widgets = [Widget(_("Information assets"), figures, link, testid="widget-assets")]
    inventory = _inventory_widget(user, organisation, ids)
    widgets.append(_retention_widget(user, organisation, ids, today))
    return [*widgets, inventory] if inventory else widgets


def _level_name(row) -> str:
    english = (get_language() or "").startswith("en") and row["classification__name_en"]
    return english or row["classification__name_ja"]


def _retention_widget(user, organisation, ids, today) -> Widget:
    removals = (
        selectors.removal_list(actor=user, organisation=organisation)
        .filter(scope__in=ids)
        .order_by()
        .aggregate(
            overdue=Count("pk", filter=EquipmentRemoval.overdue_q(today)),
            pending=Count("pk", filter=Q(status=RemovalStatus.REQUESTED)),
        )
    )
    figures = []
    if can(user, VIEW_RETENTION, organisation):
        batches = (
            selectors.retention_batch_list(actor=user, organisation=organisation)
            .filter(asset__scope__in=ids)
            .order_by()
            .aggregate(
                overdue=Count("pk", filter=due_range(Due.OVERDUE, today)),
                month=Count("pk", filter=due_range(Due.THIS_MONTH, today)),
            )
        )
        due = "assets:retention_batch_list"
        figures += [
            Figure(
                _("Batches past their retention period"),
                batches["overdue"],
                _url(due, ids, due=Due.OVERDUE),
                alert=True,
                testid="widget-batches-overdue",
            ),
            Figure(
                _("Batches due for deletion this month"),
                batches["month"],
                _url(due, ids, due=Due.THIS_MONTH),
                testid="widget-batches-month",
            ),
        ]
    out = "assets:removal_list"
    figures += [
        Figure(
            _("Equipment out beyond its expected return"),
            removals["overdue"],
            _url(out, ids, overdue="overdue"),
            alert=True,
            testid="widget-removals-overdue",
        ),
        Figure(
            _("Equipment removals pending approval"),
            removals["pending"],
            _url(out, ids, status=RemovalStatus.REQUESTED),
            testid="widget-removals-pending",
        ),
    ]
    link = (_("Retention and deletion"), reverse("assets:retention_batch_list"))
    return Widget(_("Retention, deletion and removals"), figures, link, testid="widget-retention")


def _inventory_widget(user, organisation, ids) -> Widget | None:
    """Each open 棚卸し: how many of its assets are answered."""
    campaigns = selectors.inventory_campaign_list(actor=user, organisation=organisation).filter(
        scope__in=ids, closed_at__isnull=True
    )
    figures = [
        Figure(
            _("{name}: answered (of {total})").format(name=c.name, total=c.total),
            c.answered,
            reverse("assets:inventory_detail", args=[c.pk]),
            testid=f"widget-inventory-{c.pk}",
        )
        for c in campaigns[:5]
    ]
    if not figures:
        return None
    link = (_("Inventory reviews"), reverse("assets:inventory_list"))
    return Widget(_("Inventory reviews"), figures, link, testid="widget-inventory")
