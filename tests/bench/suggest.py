"""Suggestion and search quality against an expert's mapping (ume/catalogue/tests/data/
suggestion_cases.toml): precision, recall and top-3 hits of the control suggestions for typed
measures, first hits and mean reciprocal rank of catalogue search, and their speed. Printed,
never asserted here (the quality test holds a floor)."""

from collections.abc import Callable

from .timing import Result, measure


def run(fx, *, runs: int, log: Callable[[str], None], done: Callable[[Result], None]) -> None:
    from ume.catalogue.loader import load_catalogue
    from ume.catalogue.suggest import suggest_controls
    from ume.catalogue.tests import quality

    load_catalogue()
    cases = quality.load()
    log("control suggestions and search quality …")
    suggestions = quality.score_suggestions(cases["case"])
    search = quality.score_search(cases["search"], actor=fx.admin, organisation=fx.organisation)
    texts = [c["text"] for c in cases["case"]]
    state = {"i": 0}

    def suggest() -> int:
        text = texts[state["i"] % len(texts)]
        state["i"] += 1
        return len(suggest_controls(text))

    result = measure(
        f"control suggestions ({len(texts)} measures)",
        suggest,
        runs=max(runs, len(texts)),
        warmups=3,
    )
    result.notes.append(
        f"suggestions: {suggestions.cases} measures, {suggestions.suggested} suggested, "
        f"precision {suggestions.precision:.2f}, recall {suggestions.recall:.2f}, "
        f"an expected control in the top 3 for {suggestions.top3_hits}/{suggestions.cases}"
    )
    result.notes += [f"  not in the top 3: {miss}" for miss in suggestions.misses]
    result.notes.append(
        f"catalogue search: {search.queries} queries, expected control first for "
        f"{search.first_hits}/{search.queries}, mean reciprocal rank {search.mrr:.2f}"
    )
    result.notes += [f"  {miss}" for miss in search.misses]
    done(result)
