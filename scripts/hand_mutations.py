#!/usr/bin/env python3
"""The foundation's known bugs, put back one at a time (`make hand-mutations`).

Each entry below is a bug a hand mutation of the foundation once showed the suite missed: a
permission check removed from the services, a version ignored, the audit hash not covering a
field, an approval digest of the wrong thing, an import that is not all-or-nothing, a
cross-organisation check dropped, a full-width formula prefix let through. The script copies the
project to a temporary folder, applies each bug there (the working tree is never touched), runs
the tests that must catch it, and prints which test failed. A bug no test catches is listed as
SURVIVED (or BROKEN, when the tests cannot start) and the script exits with 1.

Usage (from the repository root, with the project's virtualenv):
    python scripts/hand_mutations.py [--only WORD ...]    # WORD: part of an entry's id
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]


@dataclass(frozen=True)
class Bug:
    id: str
    what: str
    path: str
    edits: tuple[tuple[str, str], ...]  # (exact text, replacement), each found exactly once
    tests: tuple[str, ...]


CONTRACTS = "tests/test_service_contracts.py"
SOA = "ume/soa/tests"
AUDIT = ("ume/core/tests/test_audit.py", "ume/core/tests/test_audit_anchor.py")

BUGS = [
    Bug(
        "require-contract",
        "no service checks its permission (the contract's require() removed)",
        "ume/core/services/base.py",
        (("require(actor, self.perm, resolve(kwargs, self.on))", "pass"),),
        (CONTRACTS,),
    ),
    Bug(
        "require-import",
        "the SoA import service declares no permission (manage.py import_soa --actor)",
        "ume/soa/services/soa.py",
        (
            (
                '@service(perm=CHANGE_SOA, on="soa.scope", versioned="versions")\n'
                "def soa_rows_import",
                '@service(perm=None, public="x", versioned="versions")\ndef soa_rows_import',
            ),
        ),
        ("ume/soa/tests/test_transfer.py", CONTRACTS),
    ),
    Bug(
        "require-membership",
        "membership update declares no permission",
        "ume/core/services/members.py",
        (
            (
                '    perm=MANAGE_MEMBERS,\n    on="membership",\n    refs=("data.scope", '
                '"data.department"),\n    versioned="version",\n)\ndef membership_update',
                '    perm=None,\n    public="x",\n    versioned="version",\n)\n'
                "def membership_update",
            ),
        ),
        (CONTRACTS,),
    ),
    Bug(
        "require-evidence-attach",
        "evidence attach does not check the evidence is visible to the actor",
        "ume/measures/services/evidence.py",
        (("require(actor, VIEW_EVIDENCE, evidence)  #", "pass  #"),),
        (CONTRACTS, "ume/measures/tests"),
    ),
    Bug(
        "version-ignored",
        "updates ignore the version they were based on",
        "ume/core/services/base.py",
        (("check_version(locked, version)", "pass"),),
        (CONTRACTS,),
    ),
    Bug(
        "version-optional",
        "an update without a version is accepted",
        "ume/core/locking.py",
        (("    if missing:\n", "    if False:\n"),),
        (CONTRACTS, "ume/core/tests/test_mutation_kills.py"),
    ),
    Bug(
        "version-department",
        "department update passes the current version instead of the user's",
        "ume/core/services/organisation.py",
        (
            (
                "update_fields(department, data, version=version)",
                "update_fields(department, data, version=department.version)",
            ),
        ),
        (CONTRACTS,),
    ),
    Bug(
        "version-organisation",
        "organisation update passes the current version instead of the user's",
        "ume/core/services/organisation.py",
        (
            (
                "update_fields(organisation, data, version=version)",
                "update_fields(organisation, data, version=organisation.version)",
            ),
        ),
        (CONTRACTS,),
    ),
    Bug(
        "version-membership",
        "membership update passes the current version instead of the user's",
        "ume/core/services/members.py",
        (
            (
                "update_fields(membership, data, version=version)",
                "update_fields(membership, data, version=membership.version)",
            ),
        ),
        (CONTRACTS,),
    ),
    Bug(
        "audit-changes",
        "the audit hash does not cover the changes",
        "ume/core/audit.py",
        (
            ("scope_id,\n            changes,\n        )", 'scope_id,\n            "",\n        )'),
            (
                "scope_id,\n                changes,\n            )",
                'scope_id,\n                "",\n            )',
            ),
        ),
        AUDIT,
    ),
    Bug(
        "audit-actor",
        "the audit hash does not cover the actor",
        "ume/core/audit.py",
        (
            (
                'format_at_v2(at),\n            "" if actor_id is None else actor_id,',
                'format_at_v2(at),\n            "",',
            ),
            (
                'isoformat(timespec="microseconds"),\n'
                '                "" if actor_id is None else actor_id,',
                'isoformat(timespec="microseconds"),\n                "",',
            ),
        ),
        AUDIT,
    ),
    Bug(
        "audit-prev-hash",
        "chain verification skips the previous-hash check",
        "ume/core/audit.py",
        (("if prev_hash != prev:", "if False:"),),
        AUDIT,
    ),
    Bug(
        "snapshot-digest",
        "the approval digest is computed from the approval time, not the snapshot",
        "ume/soa/services/soa.py",
        (
            (
                "digest = snapshot_digest(snapshot)",
                'digest = snapshot_digest({"at": str(timezone.now())})',
            ),
        ),
        (SOA,),
    ),
    Bug(
        "snapshot-evidence",
        "evidence is left out of the approved snapshot",
        "ume/soa/domain.py",
        (("for e in r.evidence_files.all()", "for e in r.evidence_files.none()"),),
        (SOA,),
    ),
    Bug(
        "version-evidence-link",
        "the approved version is not linked to its evidence",
        "ume/soa/services/soa.py",
        (('version.evidence_files.set([e["id"]', 'version.evidence_files.set([] and [e["id"]'),),
        (SOA,),
    ),
    Bug(
        "import-partial",
        "the SoA import applies the valid rows and drops the invalid ones",
        "ume/soa/services/soa.py",
        (
            (
                "    if errors:\n        raise ValidationError(errors)\n"
                "    for row, values in planned:\n        _apply(row, values)\n"
                "    return len(planned)",
                "    for row, values in planned:\n        _apply(row, values)\n"
                "    return len(planned)",
            ),
        ),
        (SOA,),
    ),
    Bug(
        "preview-partial",
        "a previewed file with errors keeps its valid changes",
        "ume/soa/importers/common.py",
        (("preview.changes, preview.versions, preview.rows = {}, {}, []", "pass"),),
        (SOA,),
    ),
    Bug(
        "attach-other-organisation",
        "evidence of another organisation can be attached",
        "ume/measures/services/evidence.py",
        (("if target.organisation_id != evidence.organisation_id:", "if False:"),),
        (CONTRACTS, "ume/measures/tests"),
    ),
    Bug(
        "row-measures-other-organisation",
        "an SoA row takes measures of another organisation or scope",
        "ume/soa/services/soa.py",
        (("        if bad:\n", "        if False:\n"),),
        (CONTRACTS, SOA),
    ),
    Bug(
        "bulk-other-soa",
        "bulk edit takes row ids of another SoA",
        "ume/soa/services/soa.py",
        ((".filter(soa=soa, pk__in=list(versions))", ".filter(pk__in=list(versions))"),),
        (CONTRACTS, SOA),
    ),
    Bug(
        "migration-2013-reinclude",
        "the 2013 migration leaves a re-included control 対象外 (not applicable)",
        "ume/soa/importers/soa2013.py",
        (("if row.status == ImplementationStatus.NOT_APPLICABLE:", "if False:"),),
        (SOA,),
    ),
    Bug(
        "fullwidth-formula",
        "full-width formula prefixes (＝＋－＠) are not neutralised in exports",
        "ume/core/exports/sheets.py",
        (
            (
                "DANGEROUS_PREFIXES = FORMULA_PREFIXES | FULLWIDTH_FORMULA_PREFIXES",
                "DANGEROUS_PREFIXES = FORMULA_PREFIXES",
            ),
        ),
        ("ume/core/tests/test_export_cleaning.py", "ume/core/tests/test_exports.py"),
    ),
]


def apply(source: str, edits: tuple[tuple[str, str], ...]) -> str:
    for old, new in edits:
        if source.count(old) != 1:
            raise SystemExit(f"expected exactly one {old!r}, found {source.count(old)}")
        source = source.replace(old, new)
    return source


def copy_project(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def run(work: Path, var: Path, bug: Bug) -> tuple[str, str, float]:
    """("caught" | "survived" | "broken", the failing test or pytest's last line, seconds)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "UME_MEDIA_ROOT"}}
    env.update(UME_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="ume.settings.test")
    started = time.monotonic()
    done = subprocess.run(
        [*PYTEST, "-x", "-rf", "--reuse-db", "-m", "not e2e", *bug.tests],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", done.stdout, re.M)
    tail = done.stdout.strip().splitlines()[-1:] or [done.stderr.strip()[-200:]]
    # A bug that stops the tests from starting proves nothing: it is "broken", not caught.
    outcome = "caught" if failed else ("survived" if done.returncode == 0 else "broken")
    return outcome, (failed[0] if failed else tail[0]), time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="WORD")
    args = parser.parse_args(argv)
    bugs = [b for b in BUGS if not args.only or any(word in b.id for word in args.only)]
    survived = []
    with tempfile.TemporaryDirectory(prefix="ume-hand-") as tmp:
        work, var = Path(tmp) / "src", Path(tmp) / "var"
        copy_project(work)
        print(f"{len(bugs)} bugs, each put back alone into a copy of the project:\n")
        for bug in bugs:
            path = work / bug.path
            original = path.read_text()
            path.write_text(apply(original, bug.edits))
            try:
                outcome, by, seconds = run(work, var, bug)
            finally:
                path.write_text(original)
            print(f"{outcome.upper():<8} {bug.id:<32} {seconds:4.0f} s  {bug.what}")
            print(f"         {'by ' + by if outcome == 'caught' else by}")
            if outcome != "caught":
                survived.append(bug.id)
    print(f"\n{len(bugs) - len(survived)} of {len(bugs)} caught.")
    if survived:
        print("Not caught: " + ", ".join(survived))
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
