"""Demo assets of 梅商事株式会社 (``manage.py seed_demo``): the ledger a 40-person trading company
with a development centre really keeps — customer and personnel records, My Number papers,
accounts, contracts, its systems, PCs and premises — with owners, C/I/A and personal data
flags. Some entries are deliberately incomplete (no owner, not yet valued), as in real ledgers."""

import calendar
import datetime as dt

from django.utils import timezone

from ume.core.models import Department
from ume.measures.models import Measure

from . import services
from .choices import AssetStatus as S
from .choices import AssetType as T
from .choices import Location as L
from .models import RetentionRule
from .selectors import classification_levels

# name, scope, type, owner, department, location, storage detail, format, level, C, I, A,
# flags (p: personal, s: special care-required, m: My Number), holder, measures (title prefix)
ASSETS = [
    (
        "顧客台帳（得意先マスタ）",
        "本社",
        T.INFORMATION,
        "eigyo",
        "営業部",
        L.SAAS,
        "販売管理クラウド「得意先」",
        "データベース",
        "秘",
        3,
        3,
        2,
        "p",
        "販売管理クラウド（委託先）",
        [],
    ),
    (
        "見積書・請求書控え",
        "本社",
        T.INFORMATION,
        "eigyo",
        "営業部",
        L.FILE_SERVER,
        r"\\nas01\営業\見積・請求",
        "Excel・PDF",
        "社外秘",
        2,
        2,
        2,
        "",
        "",
        ["ファイルサーバー"],
    ),
    (
        "取引基本契約書・秘密保持契約書",
        "本社",
        T.INFORMATION,
        "somu",
        "総務部",
        L.PAPER,
        "総務部 施錠キャビネットA",
        "紙（原本）",
        "秘",
        2,
        3,
        1,
        "",
        "",
        ["執務室"],
    ),
    (
        "従業員名簿・人事記録",
        "本社",
        T.INFORMATION,
        "somu",
        "総務部",
        L.FILE_SERVER,
        r"\\nas01\総務\人事（アクセス制限）",
        "Excel",
        "極秘",
        3,
        3,
        2,
        "ps",
        "",
        ["退職者"],
    ),
    (
        "履歴書（応募者・採用者）",
        "本社",
        T.INFORMATION,
        "somu",
        "総務部",
        L.PAPER,
        "総務部 施錠キャビネットB",
        "紙",
        "極秘",
        3,
        2,
        1,
        "p",
        "",
        ["執務室"],
    ),
    (
        "マイナンバー関係書類（扶養控除等申告書ほか）",
        "本社",
        T.INFORMATION,
        "somu",
        "総務部",
        L.PAPER,
        "総務部 金庫",
        "紙",
        "極秘",
        3,
        3,
        1,
        "pm",
        "",
        ["執務室"],
    ),
    (
        "給与計算データ",
        "本社",
        T.INFORMATION,
        "somu",
        "総務部",
        L.SAAS,
        "給与計算クラウド",
        "クラウドサービス",
        "極秘",
        3,
        3,
        2,
        "pm",
        "給与計算クラウド（委託先）",
        [],
    ),
    (
        "会計帳簿・決算書",
        "本社",
        T.INFORMATION,
        "jimukyoku",
        "総務部",
        L.SAAS,
        "会計クラウド",
        "クラウドサービス・PDF",
        "秘",
        2,
        3,
        2,
        "",
        "会計クラウド（委託先）",
        [],
    ),
    (
        "社内規程集",
        "本社",
        T.INFORMATION,
        "jimukyoku",
        "総務部",
        L.FILE_SERVER,
        r"\\nas01\共有\規程",
        "Word・PDF",
        "社外秘",
        1,
        2,
        2,
        "",
        "",
        [],
    ),
    (
        "会社案内・商品カタログ",
        "本社",
        T.INFORMATION,
        None,
        "営業部",
        L.FILE_SERVER,
        r"\\nas01\営業\カタログ",
        "PDF",
        "公開",
        1,
        2,
        1,
        "",
        "",
        [],
    ),
    (
        "ファイルサーバー（NAS）",
        "本社",
        T.HARDWARE,
        "admin",
        "情報システム部",
        L.OFFICE,
        "本社サーバーラック",
        "機器",
        "秘",
        3,
        3,
        3,
        "",
        "",
        ["ファイルサーバー"],
    ),
    (
        "社用ノートPC（30台）",
        "本社",
        T.HARDWARE,
        "admin",
        "情報システム部",
        L.PC,
        "各従業員に貸与",
        "機器",
        "社外秘",
        2,
        2,
        2,
        "p",
        "",
        ["ノートPC"],
    ),
    (
        "Microsoft 365（メール・Teams）",
        "本社",
        T.SERVICE,
        "admin",
        "情報システム部",
        L.SAAS,
        "テナント ume-demo",
        "クラウドサービス",
        "秘",
        3,
        2,
        3,
        "p",
        "Microsoft（クラウドサービス）",
        ["退職者"],
    ),
    (
        "本社執務室",
        "本社",
        T.FACILITY,
        "somu",
        "総務部",
        L.OFFICE,
        "東京都千代田区 5階",
        "",
        "",
        None,
        None,
        None,
        "",
        "",
        ["執務室"],
    ),
    (
        "受託開発のソースコード",
        "開発センター",
        T.SOFTWARE,
        "kaihatsu",
        "開発部",
        L.SAAS,
        "Git ホスティング（組織アカウント）",
        "Git リポジトリ",
        "秘",
        3,
        3,
        2,
        "",
        "Git ホスティング（クラウドサービス）",
        [],
    ),
    (
        "顧客から預かった検証データ",
        "開発センター",
        T.INFORMATION,
        "kaihatsu",
        "開発部",
        L.BUSINESS_SYSTEM,
        "IaaS 検証環境",
        "データベース",
        "極秘",
        3,
        3,
        2,
        "p",
        "IaaS（クラウドサービス）",
        [],
    ),
    (
        "開発用サーバー（IaaS）",
        "開発センター",
        T.SERVICE,
        None,
        "情報システム部",
        L.SAAS,
        "IaaS 開発・検証環境",
        "クラウドサービス",
        "",
        None,
        None,
        None,
        "",
        "IaaS（クラウドサービス）",
        [],
    ),
    (
        "旧顧客管理システムのバックアップテープ",
        "本社",
        T.INFORMATION,
        "admin",
        "情報システム部",
        L.REMOVABLE,
        "サーバーラック下段",
        "磁気テープ",
        "秘",
        3,
        1,
        1,
        "p",
        "",
        [],
    ),
]


# Endpoint items of some of the hardware above, and a personal smartphone used without approval.
ENDPOINTS = {
    "社用ノートPC（30台）": {
        "device_kind": "pc",
        "ownership": "lent",
        "remote_access": True,
        "device_id_kind": "certificate",
        "device_id": "デバイス証明書（社内CA）",
        "mdm_enrolled": True,
        "disk_encrypted": True,
        "os_name": "Windows 11",
        "os_version": "24H2",
    },
}
BYOD = {
    "name": "営業担当の私物スマートフォン（メール閲覧）",
    "asset_type": "hardware",
    "location": "mobile",
    "media_format": "機器",
    "device_kind": "smartphone",
    "ownership": "personal",
    "remote_access": True,
    "os_name": "iOS",
    "os_version": "18",
}


# The statutory retention rules each record follows (codes of data/retention_rules.toml).
RETENTION = {
    "顧客台帳（得意先マスタ）": ["personal-information-22-personal-data"],
    "見積書・請求書控え": [
        "corporation-tax-transaction-documents",
        "companies-act-432-business-materials",
    ],
    "取引基本契約書・秘密保持契約書": [
        "companies-act-432-business-materials",
        "corporation-tax-transaction-documents",
    ],
    "従業員名簿・人事記録": ["labour-standards-109-workers-register"],
    "履歴書（応募者・採用者）": [
        "labour-standards-109-hiring-records",
        "personal-information-22-personal-data",
    ],
    "マイナンバー関係書類（扶養控除等申告書ほか）": [
        "income-tax-deduction-declarations",
        "my-number-act-20-specific-personal-information",
    ],
    "給与計算データ": ["labour-standards-109-wage-ledger", "corporation-tax-withholding-ledger"],
    "会計帳簿・決算書": ["companies-act-432-books", "corporation-tax-books"],
}


def seed_demo(*, organisation, scopes, users) -> None:
    admin = users["admin"]
    levels = {lv.name_ja: lv for lv in classification_levels(organisation)}
    departments = {d.name: d for d in Department.objects.filter(organisation=organisation)}
    measures = list(Measure.objects.filter(organisation=organisation))
    builtin = {r.code: r for r in RetentionRule.objects.filter(organisation__isnull=True)}
    reviewed = dt.date(2026, 4, 20)
    for row in ASSETS:
        (
            name,
            scope,
            kind,
            owner,
            dept,
            place,
            detail,
            fmt,
            level,
            c,
            i,
            a,
            flags,
            holder,
            links,
        ) = row
        services.asset_create(
            actor=admin,
            scope=scopes[scope],
            data={
                "name": name,
                "asset_type": kind,
                "owner": users[owner] if owner else None,
                "department": departments.get(dept),
                "location": place,
                "storage_detail": detail,
                "media_format": fmt,
                "classification": levels.get(level),
                "confidentiality": c,
                "integrity": i,
                "availability": a,
                "personal_info": "p" in flags,
                "sensitive_personal_info": "s" in flags,
                "my_number": "m" in flags,
                "holder": holder,
                "status": S.TO_DISPOSE if "バックアップテープ" in name else S.IN_USE,
                "last_reviewed_on": reviewed if c is not None else None,
                "measures": [
                    m for m in measures if any(m.title.startswith(p) or p in m.title for p in links)
                ],
                "retention_rules": [builtin[c] for c in RETENTION.get(name, ()) if c in builtin],
                **ENDPOINTS.get(name, {}),
            },
        )
    services.asset_create(
        actor=admin,
        scope=scopes["本社"],
        data={**BYOD, "owner": users["staff1"], "department": departments.get("営業部")},
    )
    seed_retention_events(organisation=organisation, users=users)


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
