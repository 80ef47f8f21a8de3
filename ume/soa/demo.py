"""Demo records of the SoA for 梅商事株式会社 (``manage.py seed_demo``): the 本社 Statement of
Applicability with the demo measures (``ume.measures.demo``, seeded first) on their rows, and
its approved first version."""

from ume.catalogue.models import LevelVariant
from ume.measures.selectors import measure_list

from . import services

ROWS = {  # measure title (ume.measures.demo) → (ref, status, implementation example) rows
    "IPA「情報セキュリティ10大脅威」の年次確認": [("5.7", "implemented", "ume2")],
    "ファイルサーバーの夜間バックアップと月次復元テスト": [("8.13", "implemented", "ume1")],
    "退職者アカウントの即日削除": [("5.18", "implemented", "ume1"), ("5.16", "partial", "")],
    "執務室の入退室カードと来訪者受付": [("7.2", "implemented", "ume1")],
    "ノートPCのディスク暗号化とウイルス対策": [
        ("8.1", "partial", "ume1"),
        ("8.7", "implemented", "ume1"),
    ],
}
# 管理策を含めた理由 beyond risk treatment, by what the demo company is bound by: the
# 個人情報保護法 and labour law (legal), customer and supplier contracts (contract), and top
# management's own requirements for the ISMS (business). Every other included control is there
# for risk treatment alone.
REASONS = {
    ("risk", "legal"): [
        "5.10", "5.12", "5.24", "5.26", "5.31", "5.32", "5.33", "5.34", "6.2", "6.4", "8.10",
    ],
    ("risk", "contract"): ["5.14", "5.19", "5.20", "5.21", "5.22", "5.23", "6.6", "8.11"],
    ("risk", "business"): ["5.1", "5.2", "5.3", "5.4", "5.29", "5.30", "5.35", "5.36", "8.14"],
}  # fmt: skip
EXCLUDED = {
    "8.30": "本社ではソフトウェア開発を外部に委託していないため（開発は開発センターの範囲）。",
}


def seed_demo(*, organisation, scopes, users) -> None:
    admin, hq = users["admin"], scopes["本社"]
    soa = services.soa_get_or_create(actor=admin, scope=hq)
    rows = {r.control.ref: r for r in soa.rows.select_related("control")}
    measures = {m.title: m for m in measure_list(actor=admin, organisation=organisation)}
    for title, row_values in ROWS.items():
        measure = measures[title]
        for ref, status, variant in row_values:
            row = rows[ref]
            data = {"status": status, "reasons": ["risk"], "measures": [measure]}
            if variant:
                data["current_variant"] = LevelVariant.objects.get(control__ref=ref, key=variant)
            rows[ref] = services.soa_row_update(
                actor=admin, row=row, data=data, version=row.version
            )
    for ref, justification in EXCLUDED.items():
        row = rows[ref]
        services.soa_row_update(
            actor=admin,
            row=row,
            version=row.version,
            data={"applicable": False, "exclusion_justification": justification},
        )
    _give_reasons(admin, soa)
    services.soa_approve(actor=users["shacho"], soa=soa, comment="初版として承認する。")
    # Since the approval the 事務局 has updated one procedure: the SoA shows the change, and
    # the 改訂推奨 reminder asks for a new version.
    row = soa.rows.get(control__ref="8.7")
    services.soa_row_update(
        actor=admin,
        row=row,
        version=row.version,
        data={"procedure": "マルウェア対策手順（EDR 導入に合わせて改訂中）"},
    )


def _give_reasons(admin, soa) -> None:
    """Set the reasons for inclusion through the bulk edit, as the 事務局 would."""
    rows = {r.control.ref: r for r in soa.rows.filter(applicable=True).select_related("control")}
    named = {ref for refs in REASONS.values() for ref in refs}
    groups = [*REASONS.items(), (("risk",), [ref for ref in rows if ref not in named])]
    for reasons, refs in groups:
        services.soa_rows_bulk_update(
            actor=admin,
            soa=soa,
            versions={rows[ref].pk: rows[ref].version for ref in refs},
            data={"reasons": list(reasons)},
        )
