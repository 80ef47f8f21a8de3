"""The catalogue's wording follows one style (glossary and 公用文): tier examples in the
「〜する。」 form, procedure requirements in one form, one spelling per word, no double 「ため」
reasons, and the English of the glossary."""

import re

import pytest

from ume.catalogue import loader
from ume.catalogue.choices import Level

GUIDANCE = loader.read_guidance()
PROPOSALS = loader.read_proposals()


def _texts(lang: str):
    for ref, g in GUIDANCE.items():
        for name in loader.PAIR_FIELDS:
            yield ref, g[name][lang]
        for name in loader.LIST_FIELDS + loader.OPTIONAL_LIST_FIELDS:
            for item in g.get(name) or []:
                yield ref, item[lang]
        for level in Level.values:
            for v in g["levels"][level]["variants"]:
                yield ref, v[lang]
            if g["levels"][level].get("title"):
                yield ref, g["levels"][level]["title"][lang]
        rec = g["recommendation"]
        yield ref, rec["default_reason"][lang]
        for rule in rec.get("rules") or []:
            yield ref, rule["reason"][lang]
        yield ref, g["procedure"]["name"][lang]
        yield ref, g["procedure"]["requirement"][lang]
    for p in PROPOSALS:
        yield p["id"], p["measure"][lang]


def _offending(lang: str, pattern: str) -> list[tuple[str, str]]:
    found = re.compile(pattern)
    return [(ref, text[:50]) for ref, text in _texts(lang) if found.search(text)]


# Compound nouns take the 公用文 short form (持出し); the verbs keep theirs (持ち出す, 持ち出し、).
NOUN_AFTER = r"(?=[のはがをにとや）・]|申請|時|先|記録|手順|台帳|簿|票|表|用)"
JA_FORMS = {
    "compound nouns in the 公用文 form": r"(持ち出し|書き出し|切り替え|組み合わせ|割り当て|"
    r"書き込み|問い合わせ|引き継ぎ|取り扱い|申し込み)" + NOUN_AFTER,
    "loanwords with the long vowel (フォルダー, メモリー)": r"フォルダ(?!ー)|メモリ(?!ー)",
    "従業者 or 要員, not 社員": r"社員",
    "部門の責任者, not 部門責任者": r"部門責任者",
    "パソコン, not PC": r"(?<![A-Za-z])PC(?![A-Za-z])",
    "no ampersand in Japanese text": r"&|＆",
}


@pytest.mark.parametrize("rule", JA_FORMS)
def test_japanese_spelling(rule):
    assert _offending("ja", JA_FORMS[rule]) == []


EN_FORMS = {
    "organization (the glossary's spelling)": r"[Oo]rganis",
    "ISMS secretariat": r"ISMS office",
    "leaving, not retirement": r"[Rr]etire",
}


@pytest.mark.parametrize("rule", EN_FORMS)
def test_english_wording(rule):
    assert _offending("en", EN_FORMS[rule]) == []


def test_tier_examples_say_what_is_done():
    endings = [
        (ref, v["key"])
        for ref, g in GUIDANCE.items()
        for level in Level.values
        for v in g["levels"][level]["variants"]
        if not v["ja"].endswith("。") or v["ja"].endswith(("している。", "ている。"))
    ]
    assert endings == []


def test_reasons_give_one_because():
    double = [
        (ref, text[:40])
        for ref, g in GUIDANCE.items()
        for text in [g["recommendation"]["default_reason"]["ja"]]
        + [r["reason"]["ja"] for r in g["recommendation"].get("rules") or []]
        if text.count("ため") > 1
    ]
    assert double == []


def test_procedure_requirements_share_one_form():
    ja = [
        ref
        for ref, g in GUIDANCE.items()
        if not g["procedure"]["requirement"]["ja"].endswith("こと。")
    ]
    assert ja == []
