"""棚卸し (inventory reviews, A.5.9): the 事務局 starts a campaign for a scope, which puts every
asset not disposed of to its 管理責任者; they confirm each as registered (one by one or many at
once), correct it on its page, or report it not found. Closing the campaign keeps its report as
evidence of 5.9 on the scope's Statement of Applicability."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from ume.core.models import Scope, User
from ume.core.services import service, update_fields

from ..choices import AssetStatus, CheckResult
from ..models import Asset, InventoryCampaign, InventoryCheck
from ..permissions import CHANGE_ASSET, MANAGE_INVENTORY
from .evidence import keep_as_evidence

CONTROLS = ("5.9",)


@service(perm=MANAGE_INVENTORY, on="scope")
def inventory_campaign_start(
    *, actor: User, scope: Scope, data: dict[str, Any]
) -> InventoryCampaign:
    """Start a 棚卸し of ``scope``: one check per asset not disposed of, with its owner and
    department as they are today."""
    if InventoryCampaign.objects.filter(scope=scope, closed_at__isnull=True).exists():
        raise ValidationError(
            _("An inventory review of {scope} is open. Close it before starting another.").format(
                scope=scope.name
            )
        )
    today = timezone.localdate()
    due_on = data.get("due_on")
    if due_on is None or due_on < today:
        raise ValidationError({"due_on": _("Enter the day the answers are due (today or later).")})
    campaign = InventoryCampaign(
        organisation=scope.organisation,
        scope=scope,
        name=data.get("name", ""),
        started_on=today,
        due_on=due_on,
        started_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    assets = Asset.objects.filter(scope=scope).exclude(status=AssetStatus.DISPOSED)
    checks = [
        InventoryCheck(
            organisation=scope.organisation,
            campaign=campaign,
            asset_id=a["pk"],
            owner_id=a["owner_id"],
            department_id=a["department_id"],
        )
        for a in assets.values("pk", "owner_id", "department_id")
    ]
    if not checks:
        raise ValidationError(_("{scope} has no asset to review yet.").format(scope=scope.name))
    InventoryCheck.objects.bulk_create(checks, batch_size=1000)
    return campaign


def _answer(actor, check: InventoryCheck, result: str, version, **values) -> InventoryCheck:
    if not check.campaign.is_open:
        raise ValidationError(_("This inventory review is closed."))
    return update_fields(
        check,
        {"result": result, "checked_by": actor, "checked_at": timezone.now(), **values},
        version=version,
    )


@service(perm=CHANGE_ASSET, on="asset", versioned="versions")
def inventory_checks_confirm(
    *, actor: User, asset: Asset, versions: dict[int, int], note: str = ""
) -> list[InventoryCheck]:
    """Confirm the pending checks (ids → versions) of ``asset`` as registered. The page's
    bulk confirmation calls it once per asset, so each asset's right to change is checked."""
    checks = list(
        InventoryCheck.objects.filter(asset=asset, pk__in=list(versions)).select_related("campaign")
    )
    if len(checks) != len(versions):
        raise ValidationError(_("Choose checks of this asset."))
    done = [_answer(actor, c, CheckResult.CONFIRMED, versions[c.pk], note=note) for c in checks]
    _reviewed(asset)
    return done


@service(perm=CHANGE_ASSET, on="check.asset", versioned="version")
def inventory_check_record(
    *,
    actor: User,
    check: InventoryCheck,
    result: str,
    note: str = "",
    changed_fields: list[str] | None = None,
    version: int | None = None,
) -> InventoryCheck:
    """Record an asset as corrected (the fields changed on its page) or not found (why)."""
    if result not in (CheckResult.CORRECTED, CheckResult.NOT_FOUND):
        raise ValidationError({"result": _("Choose corrected or not found.")})
    if result == CheckResult.NOT_FOUND and not note.strip():
        raise ValidationError(
            {"note": _("Say where the asset was looked for, or what happened to it.")}
        )
    answered = _answer(
        actor, check, result, version, note=note, changed_fields=sorted(changed_fields or [])
    )
    if result == CheckResult.CORRECTED:
        _reviewed(Asset.objects.get(pk=check.asset_id))
    return answered


def _reviewed(asset: Asset) -> None:
    """The ledger's 最終確認日 follows an answer that the asset is as registered."""
    update_fields(asset, {"last_reviewed_on": timezone.localdate()}, version=asset.version)


@service(perm=MANAGE_INVENTORY, on="campaign", versioned="version")
def inventory_campaign_close(
    *, actor: User, campaign: InventoryCampaign, version: int | None = None
) -> InventoryCampaign:
    """Close the campaign (unanswered checks stay unanswered in the report) and keep its report
    as evidence of 5.9."""
    from ..inventory import report_xlsx

    if not campaign.is_open:
        raise ValidationError(_("This inventory review is closed already."))
    closed = update_fields(
        campaign, {"closed_at": timezone.now(), "closed_by": actor}, version=version
    )
    name = _("inventory_{scope}_{day}.xlsx").format(
        scope=campaign.scope.name, day=timezone.localdate().strftime("%Y%m%d")
    )
    description = _("Inventory review report (5.9): {name}").format(name=campaign.name)
    uploaded = ContentFile(report_xlsx(closed), name=name)
    closed.report = keep_as_evidence(actor, campaign.scope, uploaded, description, CONTROLS)
    closed.save(update_fields=["report"])
    return closed
