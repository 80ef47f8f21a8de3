"""pytest plugin for mutation runs (`make mutation`), loaded by mutmut with
``-p scripts.mutation_pytest_plugin`` (see ``[tool.mutmut]`` in pyproject.toml).

mutmut runs the tests of several mutants at once in processes forked from one parent, so:

- each process gets its own SQLite test database (``test-<pid>.sqlite3`` in ``UME_VAR_DIR``)
  instead of the shared ``test.sqlite3`` the parallel runs would otherwise delete under each other.
  It is a copy of a migrated template (``test-template.sqlite3``, built by
  ``scripts/mutation_report.py`` before mutmut starts, with ``UME_MUTATION_TEMPLATE`` set), so a
  mutant's tests do not wait for the migrations (about 2 s each); the copy is removed after;
- Hypothesis draws the same examples on every run and has no deadline, so a mutant is killed
  or survives for the same reason each time, not by a lucky draw or a slow machine.
"""

import os
import shutil
from pathlib import Path

TEMPLATE = "test-template.sqlite3"
_copies: list[Path] = []


def pytest_configure(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        test = db.setdefault("TEST", {})
        base = Path(test.get("NAME") or settings.VAR_DIR / "test.sqlite3")
        template, own = base.with_name(TEMPLATE), base.with_name(f"test-{os.getpid()}.sqlite3")
        # The connection holds this same dict, so the test database is created under the new name.
        if os.environ.get("UME_MUTATION_TEMPLATE"):
            test["NAME"] = template
            config.option.create_db = True  # built afresh, then kept
            config.option.reuse_db = True
        else:
            test["NAME"] = own
            if template.exists():
                shutil.copyfile(template, own)
                _copies.append(own)
                config.option.reuse_db = True

    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile(
        "mutation", derandomize=True, database=None, deadline=None, print_blob=False
    )
    hypothesis_settings.load_profile("mutation")


def pytest_unconfigure(config):
    for copy in _copies:
        for path in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            path.unlink(missing_ok=True)
