"""The information asset ledger at 20,000 assets: the list page (first and deep page, a
search, filters, a sort by owner and by importance) and the API, each with its query count;
then the Excel and CSV export of the whole ledger. Printed, never asserted."""

import random
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from .cases import fetch_api, fetch_page, get_ok, table_rows
from .timing import Result, measure

ASSETS = 20_000
PER_PAGE = 50
NAMES = ["顧客台帳", "見積書", "契約書", "履歴書", "給与データ", "設計書", "議事録", "ログ"]


def seed(fx, *, count: int, log: Callable[[str], None]) -> None:
    """``count`` assets over the organisation's scopes, owners, departments and levels, valued
    on C/I/A with the importance the default rule gives."""
    from ume.assets.importance import derive
    from ume.assets.models import Asset, ClassificationLevel
    from ume.core.models import Department, User

    started = time.perf_counter()
    rng = random.Random(20261207)
    org = fx.organisation
    scopes = list(org.scopes.all())
    owners = [None, *User.objects.filter(memberships__organisation=org).distinct()]
    departments = [None, *Department.objects.filter(organisation=org)]
    levels = [None, *ClassificationLevel.objects.filter(organisation=org)]
    existing = Asset.objects.filter(organisation=org).count()
    rows = []
    for i in range(existing, count):
        c, ig, a = (rng.randint(1, 3) for _ in range(3))
        rows.append(
            Asset(
                organisation=org,
                scope=rng.choice(scopes),
                ref=f"A-{i + 1:05d}",
                name=f"{rng.choice(NAMES)} {i + 1:05d}",
                owner=rng.choice(owners),
                department=rng.choice(departments),
                classification=rng.choice(levels),
                confidentiality=c,
                integrity=ig,
                availability=a,
                importance=derive("highest", c, ig, a),
                personal_info=rng.random() < 0.3,
                storage_detail="共有フォルダ",
            )
        )
    Asset.objects.bulk_create(rows, batch_size=2000)
    log(f"  {count:,} assets seeded in {time.perf_counter() - started:.1f} s")


def _download(client: Client, url: str) -> Callable[[], int]:
    def run() -> int:
        return len(get_ok(client, url).content)

    return run


def run(fx, *, runs: int, log: Callable[[str], None], done: Callable[[Result], None]) -> None:
    seed(fx, count=ASSETS, log=log)
    client = Client()
    client.force_login(fx.admin, backend="django.contrib.auth.backends.ModelBackend")
    html, api = reverse("assets:asset_list"), reverse("asset-list")
    deep = ASSETS // PER_PAGE - 10
    filtered = urlencode({"importance": "3", "personal": "personal", "status": "in_use"})
    pages = [
        ("asset ledger, page 1", fetch_page(client, html, table_rows)),
        (f"asset ledger, page {deep}", fetch_page(client, f"{html}?page={deep}", table_rows)),
        (
            "asset ledger, q=契約書",
            fetch_page(client, f"{html}?{urlencode({'q': '契約書'})}", table_rows),
        ),
        (
            "asset ledger, importance 3 + personal",
            fetch_page(client, f"{html}?{filtered}", table_rows),
        ),
        ("asset ledger, sort=-owner", fetch_page(client, f"{html}?sort=-owner", table_rows)),
        (
            "asset ledger, sort=-importance",
            fetch_page(client, f"{html}?sort=-importance", table_rows),
        ),
        ("API assets, page 1", fetch_api(client, api)),
        (f"API assets, page {deep}", fetch_api(client, f"{api}?page={deep}")),
    ]
    log("asset ledger pages …")
    for name, fetch in pages:
        done(measure(name, fetch, runs=runs, warmups=3))
    done(import_case(fx, client, log=log))
    inventory_case(fx, client, runs=runs, log=log, done=done)
    log("asset ledger exports (20,000 rows) …")
    for kind in ("xlsx", "csv"):
        url = reverse(f"assets:export_{kind}")
        done(
            measure(
                f"asset ledger export, {kind} (bytes)", _download(client, url), runs=3, warmups=0
            )
        )


IMPORT_ROWS = 10_000


def import_case(fx, client: Client, *, log: Callable[[str], None]) -> Result:
    """A 10,000-row xlsx (a third of the rows changed, the rest new) read into a preview and
    applied, as the import page and ``import_assets`` do."""
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ume.assets.importers import preview_ledger
    from ume.assets.models import Asset
    from ume.assets.services import assets_import

    scope = fx.organisation.scopes.order_by("pk").first()
    existing = list(Asset.objects.filter(scope=scope).values_list("ref", flat=True)[:3_000])
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("台帳")
    sheet.append(["管理番号", "資産名", "機密性", "完全性", "可用性", "個人情報", "最終確認日"])
    for i in range(IMPORT_ROWS):
        ref = existing[i] if i < len(existing) else ""
        sheet.append(
            [ref, f"取込資産 {i:05d}", "３", 2, "低", "○" if i % 3 else "×", "令和7年4月1日"]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    log(f"asset import: {IMPORT_ROWS:,} rows ({len(data):,} bytes) …")
    started = time.perf_counter()
    preview = preview_ledger(scope=scope, uploaded=SimpleUploadedFile("bench.xlsx", data))
    read = time.perf_counter() - started
    count = assets_import(
        actor=fx.admin,
        scope=scope,
        creates=preview.creates,
        updates=preview.updates,
        versions=preview.versions or None,
    )
    total = time.perf_counter() - started
    result = Result(f"asset import, {IMPORT_ROWS:,} rows (preview + apply)", count, [total], 0)
    result.notes.append(
        f"asset import: preview {read:.2f} s, apply {total - read:.2f} s, "
        f"{len(preview.creates):,} new, {len(preview.updates):,} changed, "
        f"{len(preview.errors)} errors"
    )
    return result


def inventory_case(fx, client: Client, *, runs: int, log, done) -> None:
    """A 棚卸し of the largest scope: started (one check per asset), its page with the
    secretariat's 200 pending checks and the progress, the report (xlsx), then closed."""
    import datetime as dt

    from django.db.models import Count

    from ume.assets.services import inventory_campaign_close, inventory_campaign_start

    scope = fx.organisation.scopes.annotate(n=Count("assets")).order_by("-n", "pk").first()
    log(f"inventory review of {scope.name} …")
    started = time.perf_counter()
    campaign = inventory_campaign_start(
        actor=fx.admin,
        scope=scope,
        data={"name": "ベンチ棚卸し", "due_on": dt.date.today() + dt.timedelta(days=30)},
    )
    seconds = time.perf_counter() - started
    count = campaign.checks.count()
    done(Result(f"inventory review start ({count:,} assets)", count, [seconds], 0))
    detail = reverse("assets:inventory_detail", args=[campaign.pk])
    done(
        measure(
            "inventory review page", fetch_page(client, detail, table_rows), runs=runs, warmups=3
        )
    )
    report = reverse("assets:inventory_report", args=[campaign.pk, "xlsx"])
    done(measure("inventory report, xlsx (bytes)", _download(client, report), runs=3, warmups=0))
    started = time.perf_counter()
    inventory_campaign_close(actor=fx.admin, campaign=campaign, version=campaign.version)
    seconds = time.perf_counter() - started
    done(Result(f"inventory review close + report kept ({count:,} checks)", count, [seconds], 0))
