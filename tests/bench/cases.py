"""What the bench measures, in order (the export last: it appends an ``audit_exported`` event)."""

import datetime as dt
import io
import math
from collections.abc import Callable
from urllib.parse import urlencode

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ume.core.audit import verify_chain

from .seed import SPAN, Fixture
from .timing import Result, measure

EXPORT_TARGET = 50_000  # entries in the exported date range (fewer for small --entries)


class BenchError(RuntimeError):
    """The fixture or a page is wrong (not a slow figure: those are never asserted)."""


def get_ok(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}, expected 200")
    return response


def table_rows(html: bytes) -> int:
    body = html.split(b"<tbody", 1)[-1].split(b"</tbody>", 1)[0]
    return body.count(b"<tr")


def fetch_page(client: Client, url: str, counter: Callable[[bytes], int]) -> Callable[[], int]:
    def run() -> int:
        return counter(get_ok(client, url).content)

    return run


def fetch_api(client: Client, url: str) -> Callable[[], int]:
    def run() -> int:
        return len(get_ok(client, url).json()["results"])

    return run


def export_range(fx: Fixture) -> tuple[dt.date, dt.date]:
    """Whole local days (Asia/Tokyo, as the filter reads them) holding about EXPORT_TARGET
    seeded entries, ending a month before the newest entry (or at it, for a short trail)."""
    target = min(EXPORT_TARGET, max(fx.seeded // 2, 1))
    per_day = max(fx.seeded, 1) / SPAN.days
    days = max(1, math.ceil(target / per_day))
    last = timezone.localdate(fx.last_at)
    first = timezone.localdate(fx.first_at)
    date_to = last - dt.timedelta(days=30)
    if date_to - dt.timedelta(days=days - 1) < first:
        date_to = last
    return date_to - dt.timedelta(days=days - 1), date_to


def run(
    fx: Fixture,
    *,
    groups: set[str],
    runs: int,
    verify_runs: int,
    log: Callable[[str], None],
    on_result: Callable[[Result], None],
) -> list[Result]:
    results: list[Result] = []
    org_id = fx.organisation.pk

    def done(result: Result) -> None:
        results.append(result)
        on_result(result)

    if "verify" in groups:
        log("verify_chain …")

        def verify() -> int:
            report = verify_chain(org_id)
            if not report.ok:
                raise BenchError(
                    f"the seeded chain is broken at #{report.broken_seq}: {report.reason}"
                )
            return report.entries

        result = measure("verify_chain(org)", verify, runs=verify_runs)
        best = min(result.times)
        result.notes.append(
            f"verify_chain: {result.rows:,} entries, best {best:.2f} s, "
            f"{result.rows / best:,.0f} entries/s (goal ≤ 10 s for 1,000,000)"
        )
        done(result)

    if "command" in groups:
        log("manage.py verify_audit …")
        out = io.StringIO()

        def command() -> int:
            out.seek(0)
            out.truncate()
            call_command("verify_audit", organisation=[org_id], stdout=out, no_color=True)
            return fx.entries

        result = measure("verify_audit command", command, runs=1)
        result.notes.append(f"verify_audit: {result.times[0]:.2f} s — {out.getvalue().strip()}")
        done(result)

    client = Client()
    client.force_login(fx.admin, backend="django.contrib.auth.backends.ModelBackend")

    def page(name: str, url: str, counter: Callable[[bytes], int] = table_rows) -> None:
        done(measure(name, fetch_page(client, url, counter), runs=runs, warmups=3))

    if "dashboard" in groups:
        log("dashboard …")
        page(
            "dashboard",
            reverse("core:dashboard"),
            lambda html: html.count(b'class="list-group-item small"'),
        )

    if "list" in groups:
        log("audit-trail list pages …")
        audit_list = reverse("core:audit_list")
        page("audit list, page 1", audit_list)
        deep = max(1, min(200, fx.entries // 50))  # page 200, or the last full one of a short trail
        page(f"audit list, page {deep}", f"{audit_list}?page={deep}")
        page("audit list, action=update", f"{audit_list}?action=update")
        page("audit list, q=総務", f"{audit_list}?{urlencode({'q': '総務'})}")
        page("audit list, model_label=department", f"{audit_list}?model_label=core.department")

    if "api" in groups:
        log("API …")
        api = reverse("auditentry-list")
        done(measure("API audit-entries, page 1", fetch_api(client, api), runs=runs, warmups=3))
        after = max(fx.entries - 100, 0)
        done(
            measure(
                f"API audit-entries, after_seq={after}",
                fetch_api(client, f"{api}?after_seq={after}"),
                runs=runs,
                warmups=3,
            )
        )

    if "export" in groups:
        date_from, date_to = export_range(fx)
        log(f"CSV export {date_from} … {date_to} …")
        url = (
            reverse("core:audit_export")
            + "?"
            + urlencode(
                {
                    "format": "csv",
                    "date_from": date_from.isoformat(),
                    "date_to": date_to.isoformat(),
                }
            )
        )

        def export() -> int:
            response = get_ok(client, url)
            if not response["Content-Type"].startswith("text/csv"):
                raise BenchError(
                    f"the export answered {response['Content-Type']}, not CSV "
                    "(refused? too many rows?)"
                )
            return response.content.count(b"\n") - 1  # minus the header line

        result = measure("audit export CSV (date range)", export, runs=2)
        result.notes.append(
            f"CSV export {date_from} … {date_to}: {result.rows:,} entries, "
            f"best {min(result.times):.2f} s"
        )
        done(result)

    if "soa" in groups:
        from . import soa

        soa.run(fx, runs=runs, log=log, done=done)

    if "measures" in groups:
        from . import measures

        measures.run(fx, runs=runs, log=log, done=done)

    if "assets" in groups:
        from . import assets

        assets.run(fx, runs=runs, log=log, done=done)

    if "retention" in groups:
        from . import retention

        retention.run(fx, runs=runs, log=log, done=done)

    if "suggest" in groups:
        from . import suggest

        suggest.run(fx, runs=runs, log=log, done=done)

    if "notifications" in groups:
        from . import notifications

        notifications.run(fx, runs=runs, log=log, done=done)

    return results
