"""Recommended implementation level by organisation characteristics (組織特性毎の管理レベル).

Each control's data lists rules over the organisation profile; every matching rule applies and
the highest level wins. With no match, 梅 is recommended ("身の丈にあった梅から始める").
"""

from dataclasses import dataclass, field

from .choices import LEVEL_RANK, Level
from .models import Control, pick
from .provenance import UME


@dataclass
class Recommendation:
    level: str
    reasons: list[str] = field(default_factory=list)
    # The provenance of each reason, in the same order.
    marks: list[dict] = field(default_factory=list)

    @property
    def explained(self) -> list[tuple[str, dict]]:
        return list(zip(self.reasons, self.marks, strict=True))

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]

    @property
    def label(self) -> str:
        return str(Level(self.level).label)


def profile_of(organisation) -> dict:
    return {
        "size_band": organisation.size_band,
        "business_type": organisation.business_type,
        "it_dependency": organisation.it_dependency,
        "has_public_systems": organisation.has_public_systems,
        "holds_personal_data_at_scale": organisation.holds_personal_data_at_scale,
        "industry": organisation.industry,
        "develops_software": organisation.develops_software,
    }


def _matches(value, wanted) -> bool:
    if isinstance(wanted, list):
        return value in wanted
    return value == wanted


def recommend(control: Control, profile: dict) -> Recommendation:
    rules = control.recommendation.get("rules") or []
    matched = [r for r in rules if all(_matches(profile.get(k), v) for k, v in r["when"].items())]
    if not matched:
        default = control.recommendation.get("default_reason") or {}
        return Recommendation(Level.UME, [pick(default)], [default.get("provenance") or UME])
    top = max(matched, key=lambda r: LEVEL_RANK[r["level"]])["level"]
    chosen = [r for r in matched if r["level"] == top]
    return Recommendation(
        top, [pick(r["reason"]) for r in chosen], [r.get("provenance") or UME for r in chosen]
    )
