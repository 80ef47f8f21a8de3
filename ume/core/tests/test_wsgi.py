"""The served process freezes what it loaded at start out of the garbage collector's
generations (full collections during requests doubled the SoA page's p95)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_wsgi_application_freezes_its_start_up_objects():
    code = "import gc, ume.wsgi; print(gc.get_freeze_count())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ume.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert int(out.stdout.strip()) > 10_000, out.stdout
