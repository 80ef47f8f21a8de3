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
    services.soa_approve(actor=users["shacho"], soa=soa, comment="初版として承認する。")
