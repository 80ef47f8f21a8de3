"""Permission names are declared once, in each app's ``permissions.py``: its ``rules.py`` gives
each its policy and the code refers to the constants. A name typed as a string elsewhere (a
typo there is a permission nobody has, so a silent refusal or, worse, a check on the wrong
permission) fails here; templates, which cannot import, and tests, which are the oracle, may."""

import ast
from importlib import import_module
from pathlib import Path

import rules.permissions
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent / "ume"


def declared() -> dict[str, str]:
    """permission name → the app whose permissions.py declares it."""
    out = {}
    for config in apps.get_app_configs():
        if (
            not config.name.startswith("ume.")
            or not (Path(config.path) / "permissions.py").exists()
        ):
            continue
        module = import_module(f"{config.name}.permissions")
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str):
                assert value.startswith(f"{config.label}."), (name, value)
                out[value] = config.label
    return out


def test_every_ume_permission_is_declared_in_its_apps_permissions_module():
    ume_labels = {c.label for c in apps.get_app_configs() if c.name.startswith("ume.")}
    registered = {
        name for name in rules.permissions.permissions if name.split(".")[0] in ume_labels
    }
    assert registered, "rules' registry is empty: rules.py modules were not loaded"
    assert registered == set(declared())


def test_code_refers_to_permission_constants_not_strings():
    names = set(declared())
    typed = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name == "permissions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                typed.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {node.value}")
    assert not typed, "use the constant from the app's permissions.py:\n" + "\n".join(typed)
