"""Demo retention of 梅商事株式会社: the leavers and ended contracts of recent years (typed by
hand, as until the people and supplier registers exist), an own rule for contracts, a hold and
a deletion with its certificate, so the due list shows overdue items, items due this month, a
hold and a closed batch."""

import calendar
import datetime as dt

from django.utils import timezone

from . import services

# Leavers by years before today, and the day of the month they left ("end": the month's last).
LEAVERS = [
    ("青木 健太", 6, 6, 30),
    ("石井 由美", 5, 2, "end"),  # its 履歴書 is held: evidence in a labour dispute
    ("上田 翔", 5, 0, "end"),  # kept until the end of this month
    ("江口 真理", 2, 4, 15),
    ("大西 拓也", 1, 9, 30),
    ("加藤 さくら", 1, 3, 31),
    ("木村 優斗", 0, 8, 31),
]
CONTRACTS = [
    # subject, signed, ended, records
    (
        "旧オフィス 賃貸借契約",
        dt.date(2011, 10, 1),
        dt.date(2021, 9, 30),
        "取引基本契約書・秘密保持契約書",
    ),
    (
        "株式会社ミドリ物流 業務委託契約",
        dt.date(2016, 4, 1),
        dt.date(2025, 3, 31),
        "取引基本契約書・秘密保持契約書",
    ),
]


def _back(today: dt.date, years: int, months: int, day) -> dt.date:
    """``years`` and ``months`` before today, on ``day`` of that month (or its last day)."""
    index = today.year * 12 + today.month - 1 - years * 12 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, last if day == "end" else min(day, last))


def seed_retention_events(*, organisation, users) -> None:
    """The leavers and ended contracts of recent years (typed by hand, as until the people
    and supplier registers exist), so the due list shows overdue items, items due this month
    and a hold."""
    from .models import Asset, RetentionItem

    admin, today = users["admin"], timezone.localdate()
    records = {a.name: a for a in Asset.objects.filter(organisation=organisation)}
    # The company's own rule: contracts are kept five years after they end, often longer
    # than 会社法's ten years from the closing of the books of the year they were signed.
    contracts = records["取引基本契約書・秘密保持契約書"]
    own = services.retention_rule_create(
        actor=admin,
        organisation=organisation,
        data={
            "kind": "own",
            "record_ja": "取引先との契約書",
            "record_en": "Contracts with business partners",
            "years": 5,
            "event_type": "contract_end",
            "start_event_ja": "契約の終了日",
            "notes_ja": "文書管理規程 第12条（契約終了後5年保存）",
        },
    )
    services.asset_update(
        actor=admin,
        asset=contracts,
        data={"retention_rules": [*contracts.retention_rules.all(), own]},
        version=contracts.version,
    )
    for name, years, months, day in LEAVERS:
        services.retention_event_record(
            actor=admin,
            organisation=organisation,
            source="manual",
            subject=name,
            event_type="leaving",
            date=_back(today, years, months, day),
        )
    for subject, signed, ended, record in CONTRACTS:
        for event_type, date in (("created", signed), ("contract_end", ended)):
            services.retention_event_record(
                actor=admin,
                organisation=organisation,
                source="manual",
                subject=subject,
                event_type=event_type,
                date=date,
                assets=[records[record]],
            )
    books = records["会計帳簿・決算書"]
    for year in range(today.year - 3, today.year):
        services.retention_event_record(
            actor=admin,
            organisation=organisation,
            source="manual",
            subject=f"{year}年度 会計帳簿",
            event_type="created",
            date=dt.date(year, 4, 1),
            assets=[books],
        )
    held = RetentionItem.objects.filter(
        organisation=organisation, subject__name="石井 由美", asset__name__startswith="履歴書"
    ).first()
    if held is not None:
        services.retention_hold_set(
            actor=admin,
            item=held,
            data={
                "hold_reason": "労働審判の証拠として保全",
                "hold_owner": users.get("jimukyoku", admin),
                "hold_review_on": _back(today, 0, -3, "end"),
            },
            version=held.version,
        )
    # The oldest leaver's 履歴書 went to the dissolution contractor last month.
    oldest = RetentionItem.objects.filter(
        organisation=organisation, subject__name="青木 健太", asset__name__startswith="履歴書"
    ).first()
    if oldest is not None:
        from django.core.files.base import ContentFile

        services.deletion_record_create(
            actor=users.get("jimukyoku", admin),
            batch=oldest.batch,
            data={
                "method": "dissolution",
                "deleted_on": today - dt.timedelta(days=30),
                "witness": "総務部 桜井 由美",
                "supplier": "株式会社リサイクルサービス",
                "supplier_confirmation": "溶解証明書 No. 2026-0815",
            },
            certificate=ContentFile(CERTIFICATE, name="溶解証明書_2026-0815.pdf"),
        )


# A one-page PDF standing in for the contractor's certificate of dissolution.
CERTIFICATE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
