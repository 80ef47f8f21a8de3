"""Demo measures of 梅商事株式会社 (``manage.py seed_demo``): what a 40-person trading company
really practises, mapped to their controls. The SoA's demo links them to its rows."""

from ume.catalogue.models import Control

from . import services

MEASURES = [  # title, description, controls, owner
    (
        "IPA「情報セキュリティ10大脅威」の年次確認",
        "毎年2月に最新版を確認し、自社に関係する脅威と対策を経営会議に報告する。",
        ["5.7"],
        "jimukyoku",
    ),
    (
        "ファイルサーバーの夜間バックアップと月次復元テスト",
        "毎晩NASへバックアップを取得し、月1回ファイルを復元できることを確認して記録する。",
        ["8.13"],
        "admin",
    ),
    (
        "退職者アカウントの即日削除",
        "人事からの退職連絡を受け、退職日にメール・クラウドサービスのアカウントを削除する。",
        ["5.18", "5.16"],
        "admin",
    ),
    (
        "執務室の入退室カードと来訪者受付",
        "執務室はICカードで施錠し、来訪者は受付で記帳して入館証を貸与する。",
        ["7.1", "7.2"],
        "somu",
    ),
    (
        "ノートPCのディスク暗号化とウイルス対策",
        "社用ノートPCはディスク暗号化を有効にし、ウイルス対策ソフトを一元管理する。",
        ["8.1", "8.7"],
        "admin",
    ),
]


def seed_demo(*, organisation, scopes, users) -> None:
    for title, description, refs, owner in MEASURES:
        services.measure_create(
            actor=users["admin"],
            organisation=organisation,
            data={
                "title": title,
                "description": description,
                "scope": scopes["本社"],
                "owner": users[owner],
                "controls": list(Control.objects.filter(ref__in=refs)),
            },
        )
