"""Demo data: 梅商事 revised the default method once, to a 4-step likelihood scale it found
easier to answer, with the acceptance criterion its top management agreed on."""

from . import selectors, services


def seed_demo(*, organisation, scopes, users) -> None:
    current = selectors.risk_method_get(organisation)
    if current.version > 1:
        return
    services.risk_method_revise(
        actor=users["jimukyoku"],
        organisation=organisation,
        data={
            "likelihood_labels": [
                {"ja": "まれ（10年に一度程度）", "en": "Rare (about once in ten years)"},
                {"ja": "低い（数年に一度程度）", "en": "Unlikely (once in a few years)"},
                {"ja": "時々（年に一度程度）", "en": "Occasional (about once a year)"},
                {"ja": "頻繁（月に一度以上）", "en": "Frequent (once a month or more)"},
            ],
            "low_max": 3,
            "medium_max": 6,
            "acceptance_max": 4,
            "note": "2026年度マネジメントレビューで、起こりやすさを4段階に見直した。",
        },
        version=current.version,
    )
