"""Where a guidance item comes from, in words: the short mark shown beside each item and the full
note for tooltips, source lists and exports.

Kinds (see reference/guidance/README.md): ``seed`` follows a source document closely,
``adapted`` is Ume's wording of a source's idea, ``proposal`` is a user-group proposal to
ISO/IEC 27002, ``ume`` (and anything unmarked) is Ume's own.
"""

from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from .models import pick

SOURCES = Path(__file__).resolve().parent / "reference" / "sources.yaml"
UME = {"kind": "ume"}


@cache
def _sources() -> dict:
    return yaml.safe_load(SOURCES.read_text(encoding="utf-8"))["sources"]


def source_name(seed: str) -> str:
    return pick(_sources().get(str(seed), {}))


def heading(prov: dict) -> str:
    return " ".join(part for part in (prov.get("chapter"), prov.get("heading")) if part)


def kind(prov: dict | None) -> str:
    return (prov or UME).get("kind") or "ume"


def label(prov: dict | None, proposal=None) -> str:
    """The short mark: 出典資料 / 出典資料に基づく（Ume 編） / ユーザグループ提案 P2 / Ume独自."""
    match kind(prov):
        case "seed":
            return _("Source document")
        case "adapted":
            return _("Based on a source document (edited by Ume)")
        case "proposal":
            text = _("User group proposal {ref}").format(ref=prov.get("proposal"))
            if proposal is not None:
                text += " · " + outcome(proposal)
            return text
        case _:
            return _("Ume's own")


def outcome(proposal) -> str:
    return _("domestic: {domestic} / international: {international}").format(
        domestic=proposal.get_outcome_domestic_display(),
        international=proposal.get_outcome_international_display(),
    )


def describe(prov: dict | None, proposal=None) -> str:
    """The full note: which document and heading, or that Ume wrote it."""
    prov = prov or UME
    match kind(prov):
        case "seed":
            return _("Source: {source} — {heading}").format(
                source=source_name(prov["seed"]), heading=heading(prov)
            )
        case "adapted":
            return _("Written by Ume from: {source} — {heading}").format(
                source=source_name(prov["seed"]), heading=heading(prov)
            )
        case "proposal":
            text = _("Proposal {ref} of the Japan ISMS User Group to ISO/IEC 27002").format(
                ref=prov.get("proposal")
            )
            if proposal is not None:
                text += f" ({outcome(proposal)})"
                if proposal.tr("note"):
                    text += f" {proposal.tr('note')}"
            return text
        case _:
            return _("Written by Ume (not from a source document)")


def mark_text(prov: dict | None) -> str:
    """One line for exports: the mark, and for a seed its document and heading."""
    prov = prov or UME
    if kind(prov) in ("seed", "adapted"):
        return _("{mark}: {source} — {heading}").format(
            mark=label(prov), source=source_name(prov["seed"]), heading=heading(prov)
        )
    return label(prov)


def cited(marks) -> list[dict]:
    """The seeds cited among the marks, each with its distinct headings, in the order first
    cited: ``[{"seed", "source", "headings": [...]}]``."""
    by_seed: dict[str, dict] = {}
    for prov in marks:
        if kind(prov) in ("seed", "adapted"):
            seed = str(prov["seed"])
            entry = by_seed.setdefault(
                seed, {"seed": seed, "source": source_name(seed), "headings": []}
            )
            if heading(prov) not in entry["headings"]:
                entry["headings"].append(heading(prov))
    return list(by_seed.values())
