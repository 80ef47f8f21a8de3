"""How well suggestions and search ranking agree with an expert's mapping: the cases in
data/suggestion_cases.toml, scored for the quality test and printed by `make bench`."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ume.catalogue import ranking, selectors
from ume.catalogue.suggest import suggest_controls

CASES = Path(__file__).resolve().parent / "data" / "suggestion_cases.toml"


def load() -> dict[str, list[dict]]:
    with CASES.open("rb") as f:
        return tomllib.load(f)


@dataclass
class SuggestionScore:
    cases: int = 0
    suggested: int = 0  # suggestions made, over all cases
    correct: int = 0  # suggestions in the expected set
    expected: int = 0  # expected controls, over all cases
    top3_hits: int = 0  # cases with an expected control among the first three
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.suggested if self.suggested else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 0.0

    @property
    def top3(self) -> float:
        return self.top3_hits / self.cases if self.cases else 0.0


def score_suggestions(cases: list[dict]) -> SuggestionScore:
    score = SuggestionScore()
    for case in cases:
        refs = [s.ref for s in suggest_controls(case["text"])]
        expected = set(case["expected"])
        score.cases += 1
        score.suggested += len(refs)
        score.correct += len(expected & set(refs))
        score.expected += len(expected)
        if expected & set(refs[:3]):
            score.top3_hits += 1
        else:
            score.misses.append(f"{case['text']} → {refs} (expected {sorted(expected)})")
    return score


@dataclass
class SearchScore:
    queries: int = 0
    first_hits: int = 0  # the expected control ranked first
    reciprocal_ranks: float = 0.0
    misses: list[str] = field(default_factory=list)

    @property
    def mrr(self) -> float:
        return self.reciprocal_ranks / self.queries if self.queries else 0.0


def score_search(cases: list[dict], *, actor, organisation) -> SearchScore:
    score = SearchScore()
    for case in cases:
        found = selectors.control_list(actor=actor, organisation=organisation, query=case["query"])
        refs = [c.ref for c in ranking.rank(found, case["query"])]
        score.queries += 1
        if case["first"] in refs:
            position = refs.index(case["first"]) + 1
            score.reciprocal_ranks += 1 / position
            score.first_hits += position == 1
            if position > 1:
                score.misses.append(
                    f"{case['query']}: {case['first']} ranked {position} {refs[:3]}"
                )
        else:
            score.misses.append(f"{case['query']}: {case['first']} not found")
    return score
