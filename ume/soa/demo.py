"""Demo records of the SoA for 梅商事株式会社 (``manage.py seed_demo``): a few measures a
40-person trading company really practises, mapped to their controls, and an approved first
version of the 本社 Statement of Applicability."""

from ume.catalogue.models import Control, LevelVariant

from . import services

MEASURES = [  # title, description, controls, owner, (ref, status, variant) rows
    (
        "IPA「情報セキュリティ10大脅威」の年次確認",
        "毎年2月に最新版を確認し、自社に関係する脅威と対策を経営会議に報告する。",
        ["5.7"],
        "jimukyoku",
        [("5.7", "implemented", "ume2")],
    ),
    (
        "ファイルサーバーの夜間バックアップと月次復元テスト",
        "毎晩NASへバックアップを取得し、月1回ファイルを復元できることを確認して記録する。",
        ["8.13"],
        "admin",
        [("8.13", "implemented", "ume1")],
    ),
    (
        "退職者アカウントの即日削除",
        "人事からの退職連絡を受け、退職日にメール・クラウドサービスのアカウントを削除する。",
        ["5.18", "5.16"],
        "admin",
        [("5.18", "implemented", "ume1"), ("5.16", "partial", "")],
    ),
    (
        "執務室の入退室カードと来訪者受付",
        "執務室はICカードで施錠し、来訪者は受付で記帳して入館証を貸与する。",
        ["7.1", "7.2"],
        "somu",
        [("7.2", "implemented", "ume1")],
    ),
    (
        "ノートPCのディスク暗号化とウイルス対策",
        "社用ノートPCはディスク暗号化を有効にし、ウイルス対策ソフトを一元管理する。",
        ["8.1", "8.7"],
        "admin",
        [("8.1", "partial", "ume1"), ("8.7", "implemented", "ume1")],
    ),
]
EXCLUDED = {
    "8.30": "本社ではソフトウェア開発を外部に委託していないため（開発は開発センターの範囲）。",
}


def seed_demo(*, organisation, scopes, users) -> None:
    admin, hq = users["admin"], scopes["本社"]
    soa = services.soa_get_or_create(actor=admin, scope=hq)
    rows = {r.control.ref: r for r in soa.rows.select_related("control")}
    for title, description, refs, owner, row_values in MEASURES:
        measure = services.measure_create(
            actor=admin,
            organisation=organisation,
            data={
                "title": title,
                "description": description,
                "scope": hq,
                "owner": users[owner],
                "controls": list(Control.objects.filter(ref__in=refs)),
            },
        )
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
