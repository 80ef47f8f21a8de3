"""The architecture contracts (``[tool.importlinter]`` in pyproject.toml) catch bad imports.

``make test`` runs ``lint-imports`` on the real tree; here the same configuration runs on a copy
of the tree with deliberate violations added, so a contract that silently stopped matching (a
renamed app, a walker that misses a form of import) fails this test.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BAD_FILES = {
    # Layers: core below the ISMS modules, catalogue below them too.
    "ume/core/bad_layer.py": "from ume.soa import selectors\n",
    "ume/catalogue/bad_layer.py": "from ume.soa.models import SoARow\n",
    # Private names of another app, in every form of import; the last lines are allowed.
    "ume/soa/bad_names.py": (
        "import ume.core.views.base\n"
        "from ume.core.views import base\n"
        "from ume.core.views.base import _private_a, attach_errors\n"
        "from ..core.exports.sheets import _HEADER_FONT\n"
        "base._private_b\n"
        "ume.core.views.base._private_c\n"
        "from .views.base import _own_app\n"
        "base.__name__\n"
    ),
    # Models: only the shared types; tests are exempt.
    "ume/soa/bad_models.py": (
        "import ume.core.models\n"
        "from ume.core.models import Membership, Organisation\n"
        "from ume.catalogue.models import Control, Proposal\n"
        "ume.core.models.AuditEntry\n"
        "ume.core.models.Scope\n"
    ),
    "ume/soa/tests/test_fixture.py": "from ume.core.models import Membership\n",
}

EXPECTED_USES = {
    ("ume.catalogue.bad_layer", 1, "ume.soa.models.SoARow"),
    ("ume.soa.bad_names", 3, "ume.core.views.base._private_a"),
    ("ume.soa.bad_names", 4, "ume.core.exports.sheets._HEADER_FONT"),
    ("ume.soa.bad_names", 5, "ume.core.views.base._private_b"),
    ("ume.soa.bad_names", 6, "ume.core.views.base._private_c"),
    ("ume.soa.bad_models", 2, "ume.core.models.Membership"),
    ("ume.soa.bad_models", 3, "ume.catalogue.models.Proposal"),
    ("ume.soa.bad_models", 4, "ume.core.models.AuditEntry"),
}


def copy_project(target: Path) -> None:
    for path in ROOT.joinpath("ume").rglob("*.py"):
        dest = target / path.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    for name in ("pyproject.toml", "tests/__init__.py", "tests/architecture.py"):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, target / name)


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "300"},
        timeout=120,
    )


def test_deliberate_violations_break_each_contract(tmp_path):
    copy_project(tmp_path)
    for name, source in BAD_FILES.items():
        (tmp_path / name).write_text(source, encoding="utf-8")

    result = lint_imports(tmp_path)
    out = " ".join(result.stdout.split())

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 3 broken." in out
    assert "ume.core.bad_layer -> ume.soa.selectors" in out
    assert "ume.catalogue.bad_layer -> ume.soa.models" in out
    uses = {
        (importer, int(line), name)
        for importer, line, name in re.findall(r"- (\S+) \(l\.(\d+)\) uses (\S+)", out)
    }
    assert uses == EXPECTED_USES


def test_the_copied_project_alone_keeps_its_contracts(tmp_path):
    """The copy itself is clean, so the failures above come from the added files only."""
    copy_project(tmp_path)
    result = lint_imports(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in " ".join(result.stdout.split())


def test_every_app_declares_its_hooks_in_its_app_config():
    """Apps are found through their UmeAppConfig, not by module names: an app whose demo or
    reference module is not declared there would silently not run."""
    from importlib.util import find_spec

    from django.apps import apps

    from ume.core.apps import UmeAppConfig

    for config in apps.get_app_configs():
        if not config.name.startswith("ume."):
            continue
        assert isinstance(config, UmeAppConfig), f"{config.name}: subclass UmeAppConfig"
        if find_spec(f"{config.name}.demo") is not None:
            assert config.demo, f"{config.name} has a demo module: declare it as demo = ..."
        if find_spec(f"{config.name}.reference") is not None:
            assert config.reference_loaders, f"{config.name}: declare its reference_loaders"
