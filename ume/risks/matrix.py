"""The risk matrix as pure functions (ISO/IEC 27001 6.1.2 d–e): リスクレベル from 起こりやすさ and
影響度, its band (低 / 中 / 高), and the リスク受容基準. No database: the method's values go in.

リスクレベル = 起こりやすさ × 影響度, each rated from 1 (lowest) to the scale's length (3 to 5), the
form most Japanese SME guides teach. Bands are cut by two thresholds: a level up to ``low_max``
is 低, up to ``medium_max`` 中, above it 高. A method is valid only if every band holds at least
one cell of the matrix (a band no cell reaches is a gap) and the acceptance threshold lies on
the matrix."""

from dataclasses import dataclass
from enum import StrEnum
from itertools import product

from django.utils.translation import gettext as _

MIN_STEPS, MAX_STEPS = 3, 5


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return {"low": _("Low"), "medium": _("Medium"), "high": _("High")}[self.value]


@dataclass(frozen=True)
class Method:
    likelihood_steps: int
    impact_steps: int
    low_max: int
    medium_max: int
    acceptance_max: int

    @property
    def top(self) -> int:
        return self.likelihood_steps * self.impact_steps


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    level: int
    band: Band
    accepted_by_owner: bool


def level(method: Method, likelihood: int, impact: int) -> int:
    """The リスクレベル of a rating; a rating off the scales is an error, never a level."""
    if not 1 <= likelihood <= method.likelihood_steps:
        raise ValueError(f"likelihood {likelihood} is off the 1–{method.likelihood_steps} scale")
    if not 1 <= impact <= method.impact_steps:
        raise ValueError(f"impact {impact} is off the 1–{method.impact_steps} scale")
    return likelihood * impact


def band(method: Method, value: int) -> Band:
    if value <= method.low_max:
        return Band.LOW
    return Band.MEDIUM if value <= method.medium_max else Band.HIGH


def accepted_by_owner(method: Method, value: int) -> bool:
    """Within the リスク受容基準 the リスク所有者 accepts; above it トップマネジメント."""
    return value <= method.acceptance_max


def cells(method: Method) -> list[list[Cell]]:
    """The matrix as drawn: rows from the most likely down, columns from the smallest impact."""
    return [
        [
            Cell(lk, im, v, band(method, v), accepted_by_owner(method, v))
            for im in range(1, method.impact_steps + 1)
            for v in [level(method, lk, im)]
        ]
        for lk in range(method.likelihood_steps, 0, -1)
    ]


def reachable(likelihood_steps: int, impact_steps: int) -> set[int]:
    """Every level some cell of the matrix has."""
    return {
        lk * im for lk, im in product(range(1, likelihood_steps + 1), range(1, impact_steps + 1))
    }


def errors(method: Method) -> dict[str, str]:
    """What is wrong with a method, by field; empty when it is valid."""
    found: dict[str, str] = {}
    for field, steps in (
        ("likelihood_labels", method.likelihood_steps),
        ("impact_labels", method.impact_steps),
    ):
        if not MIN_STEPS <= steps <= MAX_STEPS:
            found[field] = _("Give {low} to {high} steps, one per line (you gave {count}).").format(
                low=MIN_STEPS, high=MAX_STEPS, count=steps
            )
    if found:
        return found
    levels = reachable(method.likelihood_steps, method.impact_steps)
    if not any(v <= method.low_max for v in levels):
        found["low_max"] = _("No cell of the matrix is low with this threshold.")
    if not any(method.low_max < v <= method.medium_max for v in levels):
        found["medium_max"] = _(
            "No cell of the matrix is medium between the two thresholds: the matrix would have a "
            "gap."
        )
    if not any(v > method.medium_max for v in levels):
        found["medium_max"] = _("No cell of the matrix is high above this threshold.")
    if not 1 <= method.acceptance_max < method.top:
        found["acceptance_max"] = _(
            "The acceptance criterion must be a level from 1 to {top} (below the highest, which "
            "top management always accepts)."
        ).format(top=method.top - 1)
    return found
