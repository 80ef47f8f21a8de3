"""SoA benchmarks (issue: 10 scopes × 93 rows × 5 measures): the SoA page, its exports, the
gap page, the SoA-rows API and catalogue search. Printed, never asserted."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from .cases import fetch_page
from .timing import Result, measure

SEARCHES = [
    "ぜい弱性",
    "脆弱性",
    "漏えい",
    "バックアップ",
    "削除した",
    "threat intelligence",
    "供給者",
    "アクセス制御",
    "クラウドサービス",
    "ログ",
]


def seed(fx, *, scopes: int = 10, per_row: int = 5, log: Callable[[str], None]) -> list:
    """Scopes with their SoA; each row linked to ``per_row`` measures of its own."""
    from ume.catalogue.loader import load_catalogue
    from ume.core import services as core_services
    from ume.measures.models import Measure
    from ume.soa import services
    from ume.soa.models import SoARow

    started = time.perf_counter()
    load_catalogue()  # the reference data `make run` loads
    org, admin = fx.organisation, fx.admin
    existing = list(org.scopes.all())
    made = [
        core_services.scope_create(actor=admin, organisation=org, data={"name": f"拠点{i:02d}"})
        for i in range(max(0, scopes - len(existing)))
    ]
    all_scopes = (existing + made)[:scopes]
    for scope in all_scopes:
        soa = services.soa_get_or_create(actor=admin, scope=scope)
        rows = list(SoARow.objects.filter(soa=soa).select_related("control"))
        measures = Measure.objects.bulk_create(
            [
                Measure(
                    organisation=org,
                    scope=scope,
                    title=f"{r.control.ref} の実施内容 {n + 1}",
                    description="手順に従って実施し、記録を保管する。",
                )
                for r in rows
                for n in range(per_row)
            ]
        )
        through = SoARow.measures.through
        through.objects.bulk_create(
            [
                through(soarow_id=r.pk, measure_id=measures[i * per_row + n].pk)
                for i, r in enumerate(rows)
                for n in range(per_row)
            ]
        )
    log(
        f"  {len(all_scopes)} scopes × 93 rows × {per_row} measures seeded in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return all_scopes


def run(fx, *, runs: int, log: Callable[[str], None], done: Callable[[Result], None]) -> None:
    scopes = seed(fx, log=log)
    client = Client()
    client.force_login(fx.admin, backend="django.contrib.auth.backends.ModelBackend")
    scope = scopes[0]
    rows = lambda html: html.count(b'data-ref="')  # noqa: E731
    log("SoA pages …")
    done(
        measure(
            "SoA page (93 rows, 5 measures each)",
            fetch_page(client, reverse("soa:detail", args=[scope.pk]), rows),
            runs=runs,
            warmups=3,
        )
    )
    done(
        measure(
            "SoA page, filtered (gap=level)",
            fetch_page(client, reverse("soa:detail", args=[scope.pk]) + "?gap=level", rows),
            runs=runs,
            warmups=3,
        )
    )
    done(
        measure(
            "SoA gap page",
            fetch_page(client, reverse("soa:gap", args=[scope.pk]), len),
            runs=runs,
            warmups=3,
        )
    )
    done(
        measure(
            "API soa-rows (one scope)",
            fetch_page(client, reverse("soa-row-list") + f"?scope={scope.pk}", len),
            runs=runs,
            warmups=3,
        )
    )
    log("SoA exports …")
    export = reverse("soa:soa_export", args=[scope.pk])
    for kind in ("xlsx", "docx", "pdf"):
        done(
            measure(
                f"SoA export {kind}",
                fetch_page(client, f"{export}?format={kind}", len),
                runs=max(3, runs // 6),
                warmups=1,
            )
        )
    log("SoA import of the probe's wide file …")
    done(measure("SoA import preview, 2,000 rows reaching XFD", _probe_preview(fx, scope), runs=5))
    log("catalogue search …")
    catalogue = reverse("catalogue:control_list")
    urls = [f"{catalogue}?{urlencode({'q': q})}" for q in SEARCHES]
    state = {"i": 0}

    def search() -> int:
        url = urls[state["i"] % len(urls)]
        state["i"] += 1
        return client.get(url).content.count(b'data-ref="')

    done(
        measure(
            f"catalogue search ({len(SEARCHES)} queries)",
            search,
            runs=max(runs, 3 * len(SEARCHES)),
            warmups=len(SEARCHES),
        )
    )


def _probe_preview(fx, scope) -> Callable[[], int]:
    """The security probe's file (one cell in column XFD on each of 2,000 rows): the preview
    refuses it; the time is what reading it at the header's width costs (the tests bound its
    memory)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ume.core.tests.workbooks import header_then_far_cells, xlsx
    from ume.soa.exports import COLUMNS
    from ume.soa.importers import preview_2022
    from ume.soa.models import StatementOfApplicability

    data = xlsx({"適用宣言書": header_then_far_cells([str(c.label) for c in COLUMNS], 2_000)})
    soa = StatementOfApplicability.objects.get(scope=scope)

    def preview() -> int:
        result = preview_2022(soa=soa, uploaded=SimpleUploadedFile("soa.xlsx", data))
        return len(result.errors)

    return preview
