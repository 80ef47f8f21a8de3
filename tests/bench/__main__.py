"""``python -m tests.bench [--entries N] [--only verify,list,…] [--explain] [--keep]``.

The database is the bench's own: a SQLite file in a fresh temporary directory (``UME_VAR_DIR`` is
pointed there before the settings load, so media and the default database path move too), or
the database ``test_ume_bench`` on the server of ``DATABASE_URL``. It is created and migrated at
the start and removed at the end (``--keep`` leaves it for EXPLAIN sessions and prints where).
"""

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

PG_NAME = "test_ume_bench"  # not test_ume: the test suite's own database on the same server
GROUPS = (
    "verify",
    "command",
    "dashboard",
    "list",
    "api",
    "export",
    "soa",
    "measures",
    "assets",
    "retention",
    "suggest",
    "notifications",
)  # in run order


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--entries",
        type=int,
        default=1_000_000,
        help="audit entries in the organisation's chain (default 1,000,000)",
    )
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated groups: {', '.join(GROUPS)} (default: all)",
    )
    parser.add_argument(
        "--runs", type=int, default=30, help="timed runs per page (default 30, after 3 warm-ups)"
    )
    parser.add_argument(
        "--verify-runs", type=int, default=2, help="timed runs of verify_chain (default 2)"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each benchmark's slowest query"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the bench database at the end (for investigation)"
    )
    args = parser.parse_args(argv)
    if args.entries < 1 or args.runs < 1 or args.verify_runs < 1:
        parser.error("--entries, --runs and --verify-runs must be at least 1")
    args.groups = {g.strip() for g in args.only.split(",") if g.strip()} or set(GROUPS)
    if unknown := args.groups - set(GROUPS):
        parser.error(
            f"unknown --only group(s) {', '.join(sorted(unknown))}; use {', '.join(GROUPS)}"
        )
    return args


def log(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="ume-bench-"))
    # Before the settings are imported: nothing may point at the developer's var/ directory.
    os.environ["UME_VAR_DIR"] = str(tmp)
    os.environ["UME_MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ume.settings.test")

    import gc

    import django

    django.setup()
    # As ume/wsgi.py does for a served process: what is loaded at start is frozen out of the
    # collector's generations.
    gc.collect()
    gc.freeze()
    from django.conf import settings
    from django.db import OperationalError, connection

    if settings.DEBUG:
        shutil.rmtree(tmp, ignore_errors=True)
        log(
            "The bench measures with DEBUG off: run it with DJANGO_SETTINGS_MODULE="
            "ume.settings.test (as `make bench` does)."
        )
        return 2

    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    sqlite = connection.vendor == "sqlite"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        str(tmp / "bench.sqlite3") if sqlite else PG_NAME
    )
    created = False
    try:
        log("Creating and migrating the bench database …")
        t0 = time.perf_counter()
        try:
            name = creation.create_test_db(verbosity=0, autoclobber=True)
        except OperationalError as exc:
            log(f"Cannot create the bench database: {str(exc).strip().splitlines()[0]}")
            return 2
        created = True
        log(f"  {connection.vendor} database {name}: migrated in {time.perf_counter() - t0:.1f} s")
        return _bench(args, started, log)
    finally:
        if created and args.keep:
            log(
                f"Kept the bench database: {connection.settings_dict['NAME']} "
                f"(remove it yourself: {'rm -r ' + str(tmp) if sqlite else 'DROP DATABASE'})"
            )
        elif created:
            creation.destroy_test_db(old_name, verbosity=0)
        if not (created and args.keep and sqlite):
            shutil.rmtree(tmp, ignore_errors=True)


def _environment() -> list[str]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        elif connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            version = connection.display_name
    return [
        f"database : {connection.vendor} — {version} ({connection.settings_dict['NAME']})",
        f"python   : {platform.python_version()} ({platform.python_implementation()})",
        f"django   : {django.get_version()}",
        f"machine  : {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} "
        f"{platform.release()}",
    ]


def _bench(args: argparse.Namespace, started: float, log) -> int:
    from . import cases
    from .seed import seed
    from .timing import calibrate, explain, format_table

    for line in _environment():
        log(line)
    before = calibrate()
    log(f"machine  : fixed workload {before:.1f} ms (compare runs in proportion to it)")
    log(f"Seeding one organisation with {args.entries:,} audit entries …")
    fx = seed(args.entries, log=log)
    log(
        f"Seeding took {fx.seconds:.1f} s ({fx.seeded:,} entries written by the bench, "
        f"{fx.entries - fx.seeded} by make_org; {fx.seeded / fx.seconds:,.0f} entries/s)"
    )

    def on_result(result) -> None:
        log(
            f"  {result.name}: p50 {result.percentile(50):,.1f} ms, "
            f"p95 {result.percentile(95):,.1f} ms, {result.queries} queries"
        )
        if args.explain and result.slowest_sql:
            log(f"    slowest query ({result.slowest_sql_ms:,.1f} ms): {result.slowest_sql[:600]}")
            log(explain(result.slowest_sql))

    try:
        results = cases.run(
            fx,
            groups=args.groups,
            runs=args.runs,
            verify_runs=args.verify_runs,
            log=log,
            on_result=on_result,
        )
    except cases.BenchError as exc:
        log(f"BENCH ERROR: {exc}")
        return 1
    log("")
    log(
        f"Ume bench — {fx.entries:,} audit entries, "
        f"{' / '.join(line.split(': ', 1)[1] for line in _environment()[:3])}"
    )
    log(format_table(results))
    log(
        f"machine speed: fixed workload {before:.1f} ms at the start, {calibrate():.1f} ms at "
        "the end (lower is faster; figures of two runs compare in proportion to it)"
    )
    for result in results:
        for note in result.notes:
            log(note)
    slow = [
        r.name
        for r in results
        if r.percentile(95) > 300 and r.name.startswith(("dashboard", "audit list", "API"))
    ]
    if slow:
        log(f"pages with p95 > 300 ms: {', '.join(slow)}")
    log(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
