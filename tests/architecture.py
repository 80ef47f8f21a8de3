"""Import-linter contract types for what its module-level contracts cannot see: the *names* a
module takes from another app (``[tool.importlinter]`` in pyproject.toml, run by ``make test``).

``from ume.core.views.base import _helper`` and ``from ume.core.models import Membership`` are,
for import-linter's graph, the same import of one module as ``... import PageView`` or
``... import Scope``. These contracts read each module's syntax tree instead and see every
name another app's module is asked for: in ``from X import name`` and in attribute access on an
imported module (``base._helper``, ``ume.core.models.Membership``). An "app" is a direct child
of a container package (``ume.core``, ``ume.soa``, ``ume.settings``, ``ume.urls``).
"""

import ast
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.domain.helpers import module_expressions_to_modules


@dataclass(frozen=True, order=True)
class NameUse:
    """``importer`` (line ``line``) reads ``name`` from the module ``module``."""

    importer: str
    line: int
    module: str
    name: str


def app_of(module: str, containers: Iterable[str]) -> str:
    for container in containers:
        if module.startswith(container + "."):
            return container + "." + module[len(container) + 1 :].split(".")[0]
    return module.split(".")[0]


@cache
def source_of(module: str) -> Path:
    root, *rest = module.split(".")
    spec = importlib.util.find_spec(root)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"{root} is not a package")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*rest)
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _absolute(importer: str, is_package: bool, target: str | None, level: int) -> str:
    if not level:
        return target or ""
    parts = importer.split(".")[: None if is_package else -1]
    parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, target] if target else parts)


def _dotted(node: ast.Attribute) -> list[str] | None:
    """``a.b.c`` as ["a", "b", "c"]; None when the chain does not start at a plain name."""
    parts = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    return [current.id, *reversed(parts)]


def name_uses(graph: ImportGraph, importer: str) -> Iterator[NameUse]:
    """Every name ``importer`` takes from a module of the graph (its own app's included)."""
    path = source_of(importer)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules = graph.modules
    bound: dict[str, str] = {}  # local name -> the graph module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                target = alias.name if alias.asname else local
                if target in modules:
                    bound[local] = target
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(importer, path.name == "__init__.py", node.module, node.level)
            if base not in modules:
                continue
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
                elif alias.name != "*":
                    yield NameUse(importer, node.lineno, base, alias.name)
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or id(node) in inner:
            continue
        parts = _dotted(node)
        if not parts or parts[0] not in bound:
            continue
        module = bound[parts[0]]
        for attr in parts[1:]:
            if f"{module}.{attr}" not in modules:
                yield NameUse(importer, node.lineno, module, attr)
                break
            module = f"{module}.{attr}"


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def render_uses(uses: list[dict]) -> None:
    for use in uses:
        output.print_error(
            f"-   {use['importer']} (l.{use['line']}) uses {use['module']}.{use['name']}",
            bold=False,
        )
    output.new_line()


class PrivateNamesContract(Contract):
    """No module reads a private name (``_name``, not a dunder) of another app's modules.

    Options: ``containers``: the packages whose children are apps.
    """

    type_name = "private_names"
    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        containers = self.containers
        bad = [
            use
            for importer in sorted(graph.modules)
            for use in name_uses(graph, importer)
            if is_private(use.name)
            and app_of(use.module, containers) != app_of(importer, containers)
        ]
        return ContractCheck(kept=not bad, metadata={"uses": [vars(u) for u in sorted(bad)]})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Private names of another app (make them public there):")
        output.new_line()
        render_uses(check.metadata["uses"])


class SharedModelsContract(Contract):
    """Another app's models are used only where the design shares them; everything else goes
    through that app's selectors and services.

    Options: ``containers`` (as above); ``models``: the model modules (expressions, each taken
    with its submodules); ``shared``: the dotted names (``<models module>.<Name>``) any other app
    may use; ``exempt``: importers (expressions, with submodules) the rule does not apply to.
    """

    type_name = "shared_models"
    containers = fields.ListField(subfield=fields.StringField())
    models = fields.ListField(subfield=fields.ModuleExpressionField())
    shared = fields.ListField(subfield=fields.StringField())
    exempt = fields.ListField(subfield=fields.ModuleExpressionField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        containers = self.containers
        roots = {m.name for m in module_expressions_to_modules(graph, self.models)}
        shared = set(self.shared)
        unknown = sorted(s for s in shared if s.rpartition(".")[0] not in roots)
        if unknown:
            raise ValueError(f"shared names outside the model modules: {', '.join(unknown)}")
        exempt = {
            m.name
            for m in module_expressions_to_modules(graph, self.exempt or [], as_packages=True)
        }

        def root_of(module: str) -> str | None:
            return next((r for r in roots if module == r or module.startswith(r + ".")), None)

        bad = [
            use
            for importer in sorted(graph.modules - exempt)
            for use in name_uses(graph, importer)
            if (root := root_of(use.module))
            and app_of(use.module, containers) != app_of(importer, containers)
            and f"{root}.{use.name}" not in shared
        ]
        return ContractCheck(kept=not bad, metadata={"uses": [vars(u) for u in sorted(bad)]})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error(
            "Models of another app that are not shared (use its selectors and services):"
        )
        output.new_line()
        render_uses(check.metadata["uses"])
