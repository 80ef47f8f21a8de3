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
    """The distinct seed headings among the marks, in the order first cited."""
    seen, out = set(), []
    for prov in marks:
        if kind(prov) in ("seed", "adapted"):
            key = (str(prov["seed"]), heading(prov))
            if key not in seen:
                seen.add(key)
                out.append({"seed": key[0], "source": source_name(key[0]), "heading": key[1]})
    return out
