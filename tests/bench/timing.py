"""Runs, percentiles, the printed result table and query plans of the slowest queries."""

import gc
import math
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Result:
    name: str
    rows: int | None
    times: list[float]  # seconds, one per measured run
    queries: int
    slowest_sql: str = ""
    slowest_sql_ms: float = 0.0
    notes: list[str] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        ordered = sorted(self.times)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1] * 1000

    @property
    def max_ms(self) -> float:
        return max(self.times) * 1000


def calibrate() -> float:
    """Milliseconds of a fixed pure-Python workload (string formatting, dict and list work, like
    a page's rendering), best of five. Printed at the start and the end of a run: on a shared
    machine the same code runs up to twice as slow from one minute to the next, so figures of
    two runs compare only in proportion to their calibration."""
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        rows = [
            {"id": i, "title": f"対策 {i:05d}", "tags": [str(i % 7), str(i % 11)]}
            for i in range(20_000)
        ]
        html = "".join(
            f"<tr><td>{r['id']}</td><td>{r['title']}</td><td>{','.join(r['tags'])}</td></tr>"
            for r in rows
        )
        sorted(rows, key=lambda r: (r["tags"][1], -r["id"]))
        best = min(best, time.perf_counter() - started)
        assert len(html) > 0
    return best * 1000


def measure(name: str, fn: Callable[[], int | None], *, runs: int, warmups: int = 0) -> Result:
    """Call ``fn`` ``warmups`` times untimed, then ``runs`` times timed. ``fn`` returns the number
    of rows it produced (that of the last run is reported). Queries are those of the last run;
    the slowest of them is kept for ``--explain``.

    What the bench has seeded and warmed up is frozen out of the garbage collector's
    generations first, as a served process freezes what it loaded (ume/wsgi.py): a server does
    not hold the bench's fixtures, and full collections walking them would be measured as the
    page's time."""
    gc.collect()
    gc.freeze()
    for _ in range(warmups):
        fn()
    times: list[float] = []
    rows: int | None = None
    captured: list[dict] = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            rows = fn()
            times.append(time.perf_counter() - started)
        captured = ctx.captured_queries
    result = Result(name, rows, times, len(captured))
    if captured:
        slowest = max(captured, key=lambda q: float(q["time"]))
        result.slowest_sql, result.slowest_sql_ms = slowest["sql"], float(slowest["time"]) * 1000
    return result


def width(text: str) -> int:
    """Terminal columns: Japanese (East Asian wide) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


COLUMNS = ("benchmark", "rows", "runs", "p50 ms", "p95 ms", "max ms", "queries")


def format_table(results: list[Result]) -> str:
    lines = [
        [
            r.name,
            "-" if r.rows is None else f"{r.rows:,}",
            str(len(r.times)),
            f"{r.percentile(50):,.1f}",
            f"{r.percentile(95):,.1f}",
            f"{r.max_ms:,.1f}",
            str(r.queries),
        ]
        for r in results
    ]
    widths = [max(width(h), *(width(line[i]) for line in lines)) for i, h in enumerate(COLUMNS)]

    def row(cells) -> str:
        first = cells[0] + " " * (widths[0] - width(cells[0]))
        rest = (" " * (w - width(c)) + c for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest))

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([row(COLUMNS), rule, *(row(line) for line in lines)])


def explain(sql: str) -> str:
    """The plan of one captured query: EXPLAIN QUERY PLAN (SQLite) or EXPLAIN ANALYZE (PG).
    Only reads are explained: EXPLAIN ANALYZE would run a write (an audit append) again."""
    if not sql.lstrip().upper().startswith(("SELECT", "DECLARE", "WITH")):
        return "  (not a read; not explained)"
    prefix = (
        "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":  # (id, parent, notused, detail)
        return "\n".join(f"  {r[0]:>3} {r[1]:>3}  {r[-1]}" for r in rows)
    return "\n".join(f"  {r[0]}" for r in rows)
