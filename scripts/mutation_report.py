#!/usr/bin/env python3
"""Mutation testing of the foundation (`make mutation`): run mutmut, then print killed/survived
per module and list the surviving mutants.

Usage (from the repository root, with the project's virtualenv):
    python scripts/mutation_report.py [--only MODULE ...] [--jobs N] [--fail-under PERCENT]
    python scripts/mutation_report.py --survivors [--only MODULE ...]   # after adding tests
    python scripts/mutation_report.py --report-only [--only MODULE ...]
    python scripts/mutation_report.py --only ume/assets/services/ --tests ume/assets/tests

MODULE is a path or a dotted name inside the mutated set (``[tool.mutmut] only_mutate`` in
pyproject.toml): ``ume/core/policies.py``, ``core/policies.py``, ``ume.core.policies`` or a
package such as ``ume/core/services/``. Results are kept in ``mutants/`` (not in git): a later
full run tests only mutants of functions that changed, ``--only`` tests all of the named
modules' mutants again, ``--survivors`` only those not killed last time. Delete ``mutants/`` to
start afresh. ``--tests`` runs the named tests (and the service contract walker) instead of the
whole suite (the route walker's 1,300 requests alone take twenty minutes per run): a
module's own tests collect mutmut's stats in minutes instead of half an hour, at the cost of the
kills other apps' tests would add; changing the selection collects the stats again.

What this adds to a plain ``mutmut run`` (mutmut 3.8.1, pinned: the hooks below use its
internals):

- Functions behind the platform's own decorators (``@service``, ``@rules.predicate``,
  ``@receiver``, ``@contextmanager``, ``@property``) are mutated too. mutmut skips every
  decorated function, and ``@service`` is on every write service: those would never be
  measured. Here the decorator stays on mutmut's trampoline (so a service registers once and
  its contract is checked as usual) and the original and mutated copies it dispatches to are
  plain functions.
- Translatable messages (``_("...")``, ``gettext(...)``) are not mutated: their wording is
  held by the translation checks, and a reworded message is no bug the suite should catch.
- Non-Python files under ume/ (templates, static files, reference data) are refreshed in
  mutants/ before each run; mutmut copies them only once.
- Functions that run when the app starts and build closures the tests call later
  (``has_role``, ``service``: see BUILT_AT_START) are tested by the tests of the function
  that calls those closures; mutmut would link them to no test.
- A mutant that stops the app from starting is reported as "crashed" (a kill), not "timeout".
- A function that the shared fixtures call (more than ``FIXTURE_FANOUT`` tests reach it) is
  tested by the tests that name it, its module's tests and the service contract walker only.
"""

from __future__ import annotations

import argparse
import ast
import functools
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

GOAL = 90.0
ROOT = Path(__file__).resolve().parent.parent
# One quick test that needs the database: running it builds the template test database.
TEMPLATE_TEST = "ume/core/tests/test_audit.py::test_unchanged_save_records_nothing"

# Decorators whose function body is mutated (the decorator itself never is).
SAFE_DECORATORS = frozenset({"service", "predicate", "receiver", "contextmanager", "property"})
NATIVE_DECORATORS = frozenset({"staticmethod", "classmethod"})
TRANSLATION_CALLS = frozenset(
    {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
)

# Functions run when the app starts, building closures that the tests call later: ``has_role``
# builds each permission's predicate, ``service`` the wrapper that checks a service's contract.
# mutmut links a function to the tests that call it, and no test calls these, so their mutants
# run against the tests of the function that calls the closures. Each mutant's tests run in a
# fresh process ([tool.mutmut] process_isolation), where the app starts with the mutant on.
BUILT_AT_START = {
    "ume.core.policies.x_has_role": "ume.core.policies.x_can",
    "ume.core.services.base.x_service": "ume.core.services.base.xǁContractǁcheck",
}

# A mutant that stops the app from starting (its tests' process dies before pytest reports)
# exits with 255, which mutmut files under "timeout"; it is shown as "crashed" here.
CRASHED = 255
KILLED = {"killed", "crashed", "timeout", "caught by type check"}
NOT_RUN = {"not checked", "skipped"}


def targets() -> list[str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["mutmut"]["only_mutate"]


def module_of(path: Path) -> str:
    """``ume/core/services/members.py`` → ``ume.core.services.members``."""
    parts = path.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def selected_prefix(only: str) -> str:
    """A dotted module prefix from a path or dotted name (``core/policies.py`` →
    ``ume.core.policies``)."""
    name = only.strip().rstrip("/").removesuffix(".py").replace("/", ".")
    return name if name == "ume" or name.startswith("ume.") else f"ume.{name}"


def matches(module: str, prefixes: list[str]) -> bool:
    return not prefixes or any(module == p or module.startswith(p + ".") for p in prefixes)


# -- mutmut hooks ------------------------------------------------------------------------------


def _decorator_name(decorator) -> str:
    import libcst as cst

    node = decorator.decorator
    while isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else ""


def _movable(function) -> bool:
    names = {_decorator_name(d) for d in function.decorators}
    return bool(names) and names <= SAFE_DECORATORS


def patch_mutmut() -> None:
    import libcst as cst
    from mutmut.mutation import file_mutation as fm

    fm.NEVER_MUTATE_FUNCTION_CALLS.update(TRANSLATION_CALLS)

    skip = fm.MutationVisitor._skip_node_and_children

    def skip_node_and_children(self, node):
        if (
            isinstance(node, cst.FunctionDef)
            and _movable(node)
            # Only top-level functions and methods get a trampoline; a decorated closure is
            # built at import time, where no mutant can be switched on.
            and self.get_metadata(fm.OuterFunctionProvider, node, None) is node
        ):
            return skip(self, node.with_changes(decorators=[]))
        return skip(self, node)

    arrange = fm.function_trampoline_arrangement

    def function_trampoline_arrangement(function, mutants, class_name):
        if not _movable(function):
            return arrange(function, mutants, class_name)
        declarations, nodes, assignments, names = arrange(
            function.with_changes(decorators=[]), mutants, class_name
        )
        trampoline, *copies = nodes
        trampoline = trampoline.with_changes(
            decorators=[*function.decorators, *trampoline.decorators]
        )
        return declarations, [trampoline, *copies], assignments, names

    fm.MutationVisitor._skip_node_and_children = skip_node_and_children
    fm.function_trampoline_arrangement = function_trampoline_arrangement

    import mutmut.__main__ as main
    from mutmut.state import state

    collect_or_load_stats = main.collect_or_load_stats

    def collect_or_load_stats_with_start_up(*args, **kwargs):
        result = collect_or_load_stats(*args, **kwargs)
        tests = state().tests_by_mangled_function_name
        for built, caller in BUILT_AT_START.items():
            tests[built] |= tests.get(caller, set())
        for name, linked in tests.items():
            if len(linked) > FIXTURE_FANOUT:
                tests[name] = {t for t in linked if tests_it(name, t)}
        return result

    main.collect_or_load_stats = collect_or_load_stats_with_start_up

    get_runner = main.get_mutant_runner

    def get_runner_ordering_tests(*args, **kwargs):
        runner = get_runner(*args, **kwargs)
        submit = runner.submit

        def submit_likely_killers_first(mutant_name, tests, *rest, **options):
            ordered = sorted(tests, key=lambda test: likely_killer_rank(mutant_name, test))
            return submit(mutant_name, ordered, *rest, **options)

        runner.submit = submit_likely_killers_first
        return runner

    main.get_mutant_runner = get_runner_ordering_tests


# A function reached by more tests than this is one the shared fixtures call (the test world's
# organisation, scopes and departments, the audit trail): most of its tests only set up with it.
# Its mutants run against the tests that name it, the tests of its module and the walkers; a
# survivor then costs seconds instead of the whole suite. This can only lower the score.
FIXTURE_FANOUT = 200
WALKERS = ("tests/test_service_contracts.py",)


@functools.cache
def _test_source(path: str) -> str:
    try:
        return (ROOT / path).read_text(encoding="utf-8")
    except OSError:
        return ""


@functools.cache
def _public_names(module: str) -> tuple[str, ...]:
    """The public functions and classes ``module`` defines (what a test calls to reach its
    private helpers)."""
    path = ROOT / (module.replace(".", "/") + ".py")
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return ()
    return tuple(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
    )


def tests_it(function: str, test: str) -> bool:
    """Whether ``test`` checks ``function`` (a mangled name such as
    ``ume.core.services.organisation.x_department_create``) rather than only running it: a
    walker, a test of its module, or a test naming it or a public function of its module
    (``evidence_upload`` for the private ``_content_kind``)."""
    module, mangled = function.rsplit(".", 1)
    bare = mangled.split("ǁ")[-1].removeprefix("x_").lstrip("_")
    path = test.split("::", 1)[0]
    leaf = module.rsplit(".", 1)[-1]
    if path in WALKERS or leaf in Path(path).stem:
        return True
    source = _test_source(path)
    return bare in source or any(name in source for name in _public_names(module))


def likely_killer_rank(mutant_name: str, test: str) -> tuple[int, str]:
    """Tests of the mutated module first (``tokens`` → ``test_api_tokens.py``), then the rest of
    its app's tests, then the walkers, then everything else. mutmut stops at the first failing
    test, so a killed mutant is found after a few tests instead of hundreds; a survivor runs
    them all either way."""
    parts = mutant_name.split(".")
    app, leaf = parts[1], parts[-2]
    path = test.split("::", 1)[0]
    if path.startswith(f"ume/{app}/tests/"):
        return (0 if leaf in Path(path).stem else 1), test
    return (2 if path.startswith("tests/test_service_contracts") else 3), test


def refresh_resources() -> None:
    """mutmut copies ume/ and tests/ into mutants/ once and rewrites only the modules it
    mutates; every other file (templates, data, and Python modules it does not mutate, new ones
    included) would stay as it was then. Copy each one that changed since."""
    copy = ROOT / "mutants"
    if not copy.exists():
        return
    mutated = targets()
    for folder in ("ume", "tests"):
        for source in (ROOT / folder).rglob("*"):
            if source.is_dir() or source.suffix == ".pyc" or "__pycache__" in source.parts:
                continue
            relative = source.relative_to(ROOT)
            if source.suffix == ".py" and any(relative.match(p) for p in mutated):
                continue  # mutmut writes these
            target = copy / relative
            if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def build_template_database() -> None:
    """A migrated test database with the reference data, which each mutant's tests copy
    (scripts/mutation_pytest_plugin.py) instead of migrating one of their own."""
    env = {**os.environ, "UME_MUTATION_TEMPLATE": "1"}
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
    subprocess.run(
        [*pytest, "-p", "scripts.mutation_pytest_plugin", TEMPLATE_TEST],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run_mutmut(
    prefixes: list[str], jobs: int, survivors_only: bool = False, tests: list[str] | None = None
) -> int:
    from mutmut.__main__ import cli
    from mutmut.configuration import config

    patch_mutmut()
    if tests:  # the service walker stays: it holds every service's contract
        config().pytest_add_cli_args_test_selection = [*tests, *WALKERS]
    refresh_resources()
    build_template_database()
    if os.environ.get("MUTATION_DEBUG"):  # show the pytest commands and their output
        config().debug = True
    names = [f"{p}.*" for p in prefixes]
    if survivors_only:
        names = [name for name, _status, _path in not_killed(prefixes)]
        if not names:
            print("No surviving mutants to test again.")
            return 0
    args = ["run", "--max-children", str(jobs), *names]
    try:
        cli.main(args, prog_name="mutmut", standalone_mode=False)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


# -- report ------------------------------------------------------------------------------------


def status_of(code: int | None) -> str:
    from mutmut.stats import status_by_exit_code

    return "crashed" if code == CRASHED else status_by_exit_code[code]


def results(prefixes: list[str]):
    """(module, path, {mutant name: status}) for each mutated file in the selection."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.utils.file_utils import walk_mutatable_files

    for path in sorted(walk_mutatable_files()):
        module = module_of(path)
        if matches(module, prefixes):
            data = SourceFileMutationData(path=path)
            data.load()
            yield module, path, {k: status_of(v) for k, v in data.exit_code_by_key.items()}


def not_killed(prefixes: list[str]) -> list[tuple[str, str, Path]]:
    """Mutants to test again after adding tests: all but those a test surely killed (a timeout
    is tried again too: it may have been a slow machine)."""
    return [
        (name, status, path)
        for _module, path, statuses in results(prefixes)
        for name, status in sorted(statuses.items())
        if status not in {"killed", "crashed", "caught by type check"}
    ]


def report(prefixes: list[str], fail_under: float | None) -> int:
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    rows = []
    survivors: dict[str, list[tuple[str, str, Path]]] = defaultdict(list)
    for module, path, statuses in results(prefixes):
        rows.append((module, Counter(statuses.values())))
        for name, status in sorted(statuses.items()):
            if status not in KILLED | NOT_RUN:
                survivors[module].append((name, status, path))

    if not rows:
        print("No mutation results yet: run `make mutation` first.")
        return 1

    def score(c: Counter) -> tuple[int, int, float | None]:
        killed = sum(c[s] for s in KILLED)
        tested = sum(c.values()) - sum(c[s] for s in NOT_RUN)
        return killed, tested, (100.0 * killed / tested if tested else None)

    columns = ["killed", "crashed", "timeout", "survived", "no tests"]
    width = max(len(m) for m, _ in rows) + 2

    def line(name: str, c: Counter) -> str:
        killed, tested, pct = score(c)
        other = tested - killed - c["survived"] - c["no tests"]
        shown = f"{pct:.1f}%" if pct is not None else "-"
        counts = "".join(f"{c[col]:>{len(col) + 2}}" for col in columns)
        not_run = sum(c[s] for s in NOT_RUN)
        return f"{name:<{width}}{counts}{other:>7}{not_run:>9}{shown:>8}"

    header = (
        f"{'module':<{width}}"
        + "".join(f"{col:>{len(col) + 2}}" for col in columns)
        + f"{'other':>7}{'not run':>9}{'score':>8}"
    )
    print()
    print(f"Mutation score per module (goal: {GOAL:.0f}%): killed + crashed + timeout / tested")
    print(header)
    print("-" * len(header))
    total: Counter = Counter()
    below = []
    for module, c in rows:
        total += c
        pct = score(c)[2]
        if pct is not None and pct < GOAL:
            below.append(module)
        print(line(module, c))
    print("-" * len(header))
    print(line("total", total))
    pct = score(total)[2]

    if survivors:
        print()
        print("Surviving mutants (`.venv/bin/mutmut show NAME` shows one in full):")
        for module, items in survivors.items():
            print(f"  {module}")
            for name, status, path in items:
                print(f"    {name}  [{status}]")
                for line in _changed_lines(get_diff_for_mutant, name, path):
                    print(f"        {line}")
    if below:
        print()
        print(f"Below {GOAL:.0f}%: " + ", ".join(below))
    if fail_under is not None and (pct or 0.0) < fail_under:
        print(f"Total score {pct or 0.0:.1f}% is below --fail-under {fail_under:.0f}%.")
        return 2
    return 0


def _changed_lines(diff, name: str, path: Path) -> list[str]:
    try:
        text = diff(name, path=path)
    except Exception as e:  # the report must not fail on one unreadable mutant
        return [f"(no diff: {e})"]
    return [
        line.strip() if len(line) < 140 else line.strip()[:137] + "..."
        for line in text.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="MODULE")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--fail-under", type=float, default=None, metavar="PERCENT")
    parser.add_argument(
        "--tests",
        action="append",
        default=[],
        metavar="PATH",
        help="run these tests and the service contract walker instead of the whole suite",
    )
    parser.add_argument("--report-only", action="store_true", help="print the last results")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="test again only the mutants that were not killed last time (after adding tests)",
    )
    args = parser.parse_args(argv)

    os.chdir(ROOT)  # mutmut reads pyproject.toml and writes mutants/ in the working directory
    prefixes = [selected_prefix(o) for o in args.only]
    known = [module_of(Path(t.removesuffix("*").removesuffix("/"))) for t in targets()]
    for p in prefixes:
        if not any(p == k or p.startswith(k + ".") or k.startswith(p + ".") for k in known):
            parser.error(f"{p} is not in [tool.mutmut] only_mutate: {', '.join(known)}")

    started = time.monotonic()
    if not args.report_only:
        code = run_mutmut(prefixes, args.jobs, args.survivors, args.tests)
        if code:
            print(f"mutmut stopped with exit code {code}.")
            return code
    result = report(prefixes, args.fail_under)
    if not args.report_only:
        print(f"\nWall time: {time.monotonic() - started:.0f} s")
    return result


if __name__ == "__main__":
    sys.exit(main())
