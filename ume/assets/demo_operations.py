"""Demo operations of 梅商事株式会社's ledger: this year's 棚卸し of 本社 under way (総務部
done, one asset corrected, the rest waiting), and equipment removals (持出): a multifunction
printer back from repair, a laptop out for fault analysis beyond its expected return
(flagged), a broken smartphone disposed of by the supplier that took it, and an old file
server waiting for approval to leave for disposal. Each goes through the services on its
day; the past ones are then moved to the days they happened, as a company starting with Ume
enters its recent history."""

import datetime as dt

from django.utils import timezone

from . import services
from .models import EquipmentRemoval, InventoryCampaign, InventoryCheck

# name, owner, department, location, device kind
EQUIPMENT = [
    ("複合機（本社2階）", "somu", "総務部", "office", ""),
    ("ノートPC（PC-023 営業部）", "staff1", "営業部", "pc", "pc"),
    ("社用スマートフォン（SP-011）", "eigyo", "営業部", "mobile", "smartphone"),
    ("旧ファイルサーバー（2019年導入）", "admin", "情報システム部", "office", ""),
]


def _equipment(users, scope, departments, name, owner, dept, place, kind):
    return services.asset_create(
        actor=users["admin"],
        scope=scope,
        data={
            "name": name,
            "asset_type": "hardware",
            "owner": users[owner],
            "department": departments[dept],
            "location": place,
            "media_format": "機器",
            "device_kind": kind,
            "ownership": "lent" if kind else "",
            "confidentiality": 2,
            "integrity": 2,
            "availability": 2,
        },
    )


def _request(user, asset, **data) -> EquipmentRemoval:
    return services.removal_request(
        actor=user, asset=asset, data={"out_on": timezone.localdate(), **data}
    )


def _approve(user, removal, note="") -> EquipmentRemoval:
    return services.removal_approve(actor=user, removal=removal, note=note, version=removal.version)


def _move(removal, out_days_ago: int, back_days: int | None) -> None:
    """Put a removal made today on the day it really left."""
    out_on = timezone.localdate() - dt.timedelta(days=out_days_ago)
    EquipmentRemoval.objects.filter(pk=removal.pk).update(
        out_on=out_on,
        expected_return_on=out_on + dt.timedelta(days=back_days) if back_days else None,
        decided_at=timezone.now() - dt.timedelta(days=out_days_ago, hours=3),
    )


def seed_removals(*, scope, departments, users) -> None:
    admin, secretariat = users["admin"], users["jimukyoku"]
    printer, laptop, phone, server = (
        _equipment(users, scope, departments, *row) for row in EQUIPMENT
    )
    repair = _request(
        secretariat,
        printer,
        purpose="repair",
        supplier="株式会社ウメ事務機サービス",
        data_held="スキャン・FAXの一時保存データ",
        data_handling="erased",
        expected_return_on=timezone.localdate() + dt.timedelta(days=10),
        notes="給紙部の故障。内蔵ストレージはメーカー手順で消去してから引き渡し。",
    )
    repair = _approve(users["somu"], repair)
    _move(repair, 62, 10)
    repair.refresh_from_db()
    services.removal_return(
        actor=secretariat,
        removal=repair,
        data={
            "returned_on": repair.out_on + dt.timedelta(days=8),
            "checked_by": admin,
            "closing_note": "修理完了。封印と外観を確認。",
        },
        version=repair.version,
    )

    analysis = _request(
        secretariat,
        laptop,
        purpose="fault_analysis",
        supplier="株式会社ウメPCサポート",
        data_held="営業資料・顧客とのメール",
        data_handling="encrypted",
        expected_return_on=timezone.localdate() + dt.timedelta(days=14),
        notes="起動しない。ディスクはBitLockerで暗号化済み。回復キーは渡さない。",
    )
    _move(_approve(users["eigyo"], analysis), 21, 14)

    broken = _request(
        secretariat,
        phone,
        purpose="repair",
        supplier="梅モバイル株式会社",
        data_held="社用メール・連絡先",
        data_handling="nothing",
        expected_return_on=timezone.localdate() + dt.timedelta(days=7),
        notes="画面破損で操作できず、端末上での消去ができない。",
    )
    broken = _approve(users["eigyo"], broken, note="修理不能なら廃棄し、消去証明書を受け取ること。")
    _move(broken, 40, 7)
    broken.refresh_from_db()
    services.removal_dispose(
        actor=secretariat,
        removal=broken,
        data={
            "method": "physical",
            "deleted_on": broken.out_on + dt.timedelta(days=12),
            "supplier_confirmation": "データ消去証明書 No. UM-2026-0153",
            "notes": "修理不能のため、供給者が記憶チップを物理破壊。",
        },
        version=broken.version,
    )

    # 情報システム部 has no head: top management approves the server's removal.
    _request(
        admin,
        server,
        purpose="disposal",
        supplier="株式会社グリーンリサイクル",
        data_held="2019〜2023年の共有フォルダ（移行済み）",
        data_handling="erased",
        out_on=timezone.localdate() + dt.timedelta(days=3),
        notes="新NASへの移行完了後、消去ソフトで上書き消去済み。廃棄証明書を受け取る。",
    )


def seed_inventory(*, scope, users) -> None:
    """This year's 棚卸し of 本社, started ten days ago: 総務部's head has confirmed their
    assets, 営業部's head corrected where the customer list is kept; the rest are waiting."""
    secretariat, today = users["jimukyoku"], timezone.localdate()
    year = today.year if today.month > 3 else today.year - 1
    campaign = services.inventory_campaign_start(
        actor=secretariat,
        scope=scope,
        data={"name": f"{year}年度 情報資産の棚卸し", "due_on": today + dt.timedelta(days=20)},
    )
    InventoryCampaign.objects.filter(pk=campaign.pk).update(
        started_on=today - dt.timedelta(days=10)
    )
    checks = InventoryCheck.objects.filter(campaign=campaign).select_related("asset")
    by_owner: dict = {}
    for check in checks:
        by_owner.setdefault(check.asset.owner_id, []).append(check)
    for check in by_owner.get(users["somu"].pk, []):
        services.inventory_checks_confirm(
            actor=users["somu"], asset=check.asset, versions={check.pk: check.version}
        )
    sales = by_owner.get(users["eigyo"].pk, [])
    if sales:
        check = sales[0]
        services.asset_update(
            actor=users["eigyo"],
            asset=check.asset,
            data={"storage_detail": "営業部キャビネットA（施錠）"},
            version=check.asset.version,
        )
        services.inventory_check_record(
            actor=users["eigyo"],
            check=check,
            result="corrected",
            changed_fields=["storage_detail"],
            version=check.version,
        )
