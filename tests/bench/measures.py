"""The measures register at 20,000 measures: the HTML list and the API, first and deep page,
with a search and a filter; then a concurrency case, 20 clients for 20 s against a live server
(gunicorn, 2 sync workers, DEBUG off) on 127.0.0.1. Printed, never asserted."""

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from .cases import fetch_api, fetch_page, table_rows
from .timing import Result, measure

MEASURES = 20_000
PER_PAGE = 50
CLIENTS = 20
SECONDS = 20.0
WORDS = ["バックアップ", "アクセス権", "ログ", "暗号化", "教育", "委託先", "入退室", "パスワード"]


def seed(fx, *, count: int, log: Callable[[str], None]) -> None:
    """``count`` measures over the organisation's scopes, each mapped to 1–3 controls and
    owned by one of its users."""
    from ume.catalogue.loader import load_catalogue
    from ume.catalogue.models import Control
    from ume.core.models import User
    from ume.measures.models import Measure

    started = time.perf_counter()
    load_catalogue()
    rng = random.Random(20261206)
    org = fx.organisation
    scopes = [None, *org.scopes.all()]
    owners = list(User.objects.filter(memberships__organisation=org).distinct())
    controls = list(Control.objects.values_list("pk", flat=True))
    existing = Measure.objects.filter(organisation=org).count()
    made = Measure.objects.bulk_create(
        [
            Measure(
                organisation=org,
                scope=rng.choice(scopes),
                title=f"{rng.choice(WORDS)}の実施 {i + 1:05d}",
                description="手順に従って実施し、記録を保管する。" * rng.randint(1, 4),
                owner=rng.choice(owners),
                evidence_note="共有フォルダ「ISMS記録」",
            )
            for i in range(max(0, count - existing))
        ],
        batch_size=2000,
    )
    through = Measure.controls.through
    through.objects.bulk_create(
        [
            through(measure_id=m.pk, control_id=c)
            for m in made
            for c in rng.sample(controls, rng.randint(1, 3))
        ],
        batch_size=5000,
    )
    log(f"  {count:,} measures seeded in {time.perf_counter() - started:.1f} s")


def run(fx, *, runs: int, log: Callable[[str], None], done: Callable[[Result], None]) -> None:
    seed(fx, count=MEASURES, log=log)
    client = Client()
    client.force_login(fx.admin, backend="django.contrib.auth.backends.ModelBackend")
    html, api = reverse("measures:measure_list"), reverse("measure-list")
    deep = MEASURES // PER_PAGE - 10
    pages = [
        ("measures list, page 1", fetch_page(client, html, table_rows)),
        (f"measures list, page {deep}", fetch_page(client, f"{html}?page={deep}", table_rows)),
        (
            "measures list, q=バックアップ",
            fetch_page(client, f"{html}?{urlencode({'q': 'バックアップ'})}", table_rows),
        ),
        ("measures list, sort=-owner", fetch_page(client, f"{html}?sort=-owner", table_rows)),
        ("API measures, page 1", fetch_api(client, api)),
        (f"API measures, page {deep}", fetch_api(client, f"{api}?page={deep}")),
    ]
    log("measures list pages …")
    for name, fetch in pages:
        done(measure(name, fetch, runs=runs, warmups=3))
    done(concurrency(fx, client, [html, f"{html}?page={deep}", api], log=log))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def concurrency(fx, client: Client, paths: list[str], *, log: Callable[[str], None]) -> Result:
    """CLIENTS threads, each a keep-alive connection with the admin's session, request the
    paths in turn for SECONDS against gunicorn on 127.0.0.1."""
    connection.close()  # the server's workers open the database themselves
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "ume.settings.test",
    }
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "ume.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
    ]
    root = Path(settings.BASE_DIR)
    server = subprocess.Popen(cmd, cwd=root, env=env)
    try:
        _wait_for(port)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        log(f"concurrency: {CLIENTS} clients for {SECONDS:.0f} s against gunicorn (2 workers) …")
        times, errors = _load(port, cookie, paths)
    finally:
        server.terminate()
        server.wait(timeout=30)
    elapsed = SECONDS
    result = Result(f"{CLIENTS} clients × {SECONDS:.0f} s, measures pages", len(times), times, 0)
    ok = len(times)
    result.notes.append(
        f"concurrency: {ok + errors:,} requests, {ok / elapsed:,.1f} requests/s, "
        f"p50 {result.percentile(50):,.0f} ms, p95 {result.percentile(95):,.0f} ms, "
        f"mean {statistics.fmean(times) * 1000 if times else 0:,.0f} ms, {errors} errors"
    )
    return result


def _wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the bench server did not listen on 127.0.0.1:{port}")


def _load(port: int, cookie: str, paths: list[str]) -> tuple[list[float], int]:
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = i
        while time.monotonic() < stop:
            path = paths[n % len(paths)]
            n += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "localhost"})
                response = conn.getresponse()
                response.read()
                good = response.status == 200
            except (OSError, http.client.HTTPException):
                good = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            took = time.perf_counter() - started
            with lock:
                if good:
                    times.append(took)
                else:
                    errors[0] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors[0]
