"""Suggest Annex A controls for a measure the organisation already practises.

Seed 003 recalls that the controls were born from 「組織で実践されているリスク対策」: the
secretariat types a measure in its own words (「毎晩NASにバックアップを取得する」) and Ume
proposes the controls it belongs to. Scoring is a small TF-IDF over the 93 controls:

* the content words of the text (``search.terms``; English words for English text) are looked
  up in each control's normalised guidance text (``Control.search_ja`` / ``search_en``);
* each matched word weighs its inverse document frequency across the 93 controls, so words
  that most controls mention (「情報」, 「確認」) count for nothing;
* a word found in the control's title, aliases or search keywords counts double;
* a compound the guidance never uses (「入館証発行」) falls back to its shorter parts at half
  weight.

Controls scoring below a floor, or far below the best one, are not suggested.
"""

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from . import search
from .models import Control

# A suggestion needs at least one fairly specific word (a word found in about 1 control in 4
# weighs ln 4 ≈ 1.4) and must not trail the best suggestion by too much.
MIN_SCORE = 1.4
RELATIVE_FLOOR = 0.5
TITLE_FACTOR = 3.0
PART_FACTOR = 0.5
# A word that most controls mention (「情報」, 「確認」, 「時」) says nothing about which is meant.
COMMON_SHARE = 0.5
MAX_TEXT = 2000  # a measure is a sentence or two; bound the work per keystroke
# Guidance-text spellings the UI shows in their JIS form (ume/locale/GLOSSARY.md).
DISPLAY_FORMS = {"脆弱性": "ぜい弱性", "漏洩": "漏えい", "改竄": "改ざん"}
ENGLISH_STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "we",
        "with",
        "when",
        "where",
        "which",
        "who",
        "will",
        "all",
        "any",
        "each",
        "every",
        "use",
        "used",
        "using",
    }
)
_ENGLISH_SUFFIXES = ("ations", "ation", "ions", "ion", "ings", "ing", "ed", "es", "s")
_KATAKANA = "\u30a1-\u30fa\u30fc"
_LATIN = "a-z0-9"


@dataclass(frozen=True)
class Suggestion:
    control: Control
    score: float
    matched: tuple[str, ...]  # the text's words found in the control, as the user wrote them

    @property
    def ref(self) -> str:
        return self.control.ref


@dataclass(frozen=True)
class _Doc:
    text: str  # normalised guidance text
    title: str  # normalised title, aliases and keywords
    words: frozenset[str]  # the control's content words (Japanese only)


@dataclass(frozen=True)
class _Term:
    word: str  # the text's word, shown when it matches
    needles: tuple[str, ...]  # the word itself, or its parts when no control uses it
    factor: float


type _Matcher = Callable[[str, str, frozenset[str]], bool]


def suggest_controls(text: str, *, limit: int = 5) -> list[Suggestion]:
    """Controls that ``text`` (a measure in free Japanese or English) most likely implements,
    best first, each with the words that matched. One query loads the 93 controls."""
    text = (text or "").strip()[:MAX_TEXT]
    if not text or limit <= 0:
        return []
    japanese = search.is_japanese(text)
    words = _japanese_words(text) if japanese else _english_words(text)
    if not words:
        return []
    fields = ["id", "ref", "sort_key", "title_ja", "title_en"]
    fields += (
        ["search_ja", "terms", "aliases_ja", "keywords_ja"]
        if japanese
        else ["search_en", "keywords_en"]
    )
    controls = list(Control.objects.only(*fields).order_by("sort_key"))
    if japanese:
        docs = [_Doc(c.search_ja, search.head(c, "ja"), frozenset(c.terms)) for c in controls]
        matcher: _Matcher = _contains_japanese
        terms = _expand(words, docs)
    else:
        docs = [_Doc(c.search_en, search.head(c, "en"), frozenset()) for c in controls]
        matcher = _contains_english
        terms = [_Term(w, (w,), 1.0) for w in words]
    scored = _score(controls, docs, terms, matcher, _Shown(text))
    if not scored:
        return []
    floor = max(MIN_SCORE, scored[0].score * RELATIVE_FLOOR)
    return [s for s in scored if s.score >= floor][:limit]


def _score(
    controls: list[Control],
    docs: list[_Doc],
    terms: list[_Term],
    matcher: _Matcher,
    shown: "_Shown",
) -> list[Suggestion]:
    n = len(docs)
    idf: dict[str, float] = {}
    for term in terms:
        for needle in term.needles:
            if needle not in idf:
                df = sum(1 for d in docs if matcher(needle, d.text, d.words))
                idf[needle] = math.log(n / df) if 0 < df <= n * COMMON_SHARE else 0.0
    results = []
    for control, doc in zip(controls, docs, strict=True):
        score, matched = 0.0, []
        for term in terms:
            weights = [
                idf[nd] * (TITLE_FACTOR if matcher(nd, doc.title, frozenset()) else 1.0)
                for nd in term.needles
                if idf[nd] and matcher(nd, doc.text, doc.words)
            ]
            if weights:
                score += term.factor * max(weights)
                matched.append(shown[term.word])
        if score > 0:
            results.append(Suggestion(control, round(score, 2), tuple(matched)))
    results.sort(key=lambda s: (-s.score, s.control.sort_key))
    return results


def _expand(words: list[str], docs: list[_Doc]) -> list[_Term]:
    """Each word as itself; a compound no control uses, as its shorter parts at half weight."""
    terms = []
    for word in words:
        if any(_contains_japanese(word, d.text, d.words) for d in docs):
            terms.append(_Term(word, (word,), 1.0))
            continue
        parts = tuple(p for p in _parts(word) if p not in words)
        if parts:
            terms.append(_Term(word, parts, PART_FACTOR))
    return terms


class _Shown(dict[str, str]):
    """How a matched word is shown: as the user typed it when it occurs in the text
    (「ノートPC」, not the normalised 「ノートpc」), else in its JIS spelling (「ぜい弱性」)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = unicodedata.normalize("NFKC", text)

    def __missing__(self, word: str) -> str:
        found = re.search(re.escape(word), self.text, re.IGNORECASE)
        self[word] = found.group(0) if found else DISPLAY_FORMS.get(word, word)
        return self[word]


def _japanese_words(text: str) -> list[str]:
    # Numbers (「月1回」, 「10大脅威」) and single kana or Latin letters match almost any text.
    return [t for t in search.terms(text) if not t.isdigit() and (len(t) > 1 or _is_kanji(t))]


def _english_words(text: str) -> list[str]:
    words = [w.strip(".,;:()[]\"'!?") for w in search.english_terms(text)]
    stems = [_stem(w) for w in words if w and w not in ENGLISH_STOP_WORDS and not w.isdigit()]
    return list(dict.fromkeys(s for s in stems if len(s) > 2))


def _stem(word: str) -> str:
    """A light English stemmer, enough for laptops → laptop and encryption → encrypt (the
    match is a word prefix, so 「encrypt」 also finds 「encrypted」)."""
    word = word.removesuffix("'s")
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    for suffix in _ENGLISH_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _parts(word: str) -> list[str]:
    """The content words of a compound in Sudachi's shortest split (「入館証」 → 「入館」)."""
    from sudachipy import SplitMode

    out = []
    for m in search._tokenizer().tokenize(word, SplitMode.A):
        pos = m.part_of_speech()
        form = m.normalized_form().casefold()
        if (
            pos[0] in search.CONTENT_POS
            and pos[1] != "非自立可能"
            and form != word
            and len(form) > 1
            and form not in search.LIGHT_VERBS
        ):
            out.append(form)
    return list(dict.fromkeys(out))


def _is_kanji(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


@lru_cache(maxsize=4096)
def _japanese_pattern(needle: str) -> re.Pattern[str]:
    """Kanji compounds may extend a word (「暗号」 in 「暗号化」), but a katakana or Latin word
    must not be a piece of a longer one (「ログ」 in 「プログラム」, 「nas」 in 「canasta」)."""
    before = after = ""
    for chars in (_KATAKANA, _LATIN):
        if re.match(f"[{chars}]", needle[0]):
            before = f"(?<![{chars}])"
        if re.match(f"[{chars}]", needle[-1]):
            after = f"(?![{chars}])"
    return re.compile(before + re.escape(needle) + after)


def _contains_japanese(needle: str, text: str, words: frozenset[str]) -> bool:
    # The control's own word list catches katakana compounds (「テレワーク」 in
    # 「テレワークセキュリティー」) that the boundary rule would miss.
    return needle in words or (
        needle in text and _japanese_pattern(needle).search(text) is not None
    )


@lru_cache(maxsize=4096)
def _english_pattern(stem: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(stem))


def _contains_english(needle: str, text: str, words: frozenset[str]) -> bool:
    """An English stem at the start of a word (「log」 must not match 「catalogue」)."""
    return _english_pattern(needle).search(text) is not None
