"""Relevance order and a matching snippet for catalogue search.

The selector finds the controls that contain every word of the query; this module orders them:

* each word weighs its inverse document frequency over the 93 controls (a word that half the
  controls mention says little about which one is meant);
* a word in the control's title, aliases or search keywords (reference/keywords.yaml) counts
  ``HEAD_FACTOR`` times a word found only in the guidance text;
* repeated mentions in the guidance add a little (log of the count).

The snippet is the first sentence of the guidance that holds a query word, the words marked
(``<mark>``), cut to about ``SNIPPET_CHARS`` characters around the first mark.
"""

import math
import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import search
from .models import Control

HEAD_FACTOR = 3.0
SNIPPET_CHARS = 90
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|\n")


def rank(controls: Iterable[Control], query: str) -> list[Control]:
    """``controls`` best first, each with ``relevance`` (a score) and ``snippet`` (safe HTML,
    empty when the words are only in the title or keywords)."""
    controls = list(controls)
    lang, terms = search.query_terms(query)
    if not terms or not controls:
        return controls
    idf = _idf(lang, terms)
    for control in controls:
        head, body = search.head(control, lang), _body(control, lang)
        score = 0.0
        for term in terms:
            found = body.count(term)
            if term in head:
                score += idf[term] * HEAD_FACTOR
            if found:
                score += idf[term] * (1 + math.log(found))
        control.relevance = round(score, 2)
        control.snippet = snippet(control, lang, terms) or _keywords(control, lang, terms)
    return sorted(controls, key=lambda c: (-c.relevance, c.sort_key))


def _idf(lang: str, terms: list[str]) -> dict[str, float]:
    """One query: in how many controls each word occurs."""
    field = "search_ja" if lang == "ja" else "search_en"
    counts = Control.objects.aggregate(
        total=Count("pk"),
        **{
            f"t{i}": Count("pk", filter=Q(**{f"{field}__contains": t})) for i, t in enumerate(terms)
        },
    )
    total = max(counts["total"], 1)
    return {t: math.log((total + 1) / (counts[f"t{i}"] + 0.5)) for i, t in enumerate(terms)}


def _body(control: Control, lang: str) -> str:
    return control.search_ja if lang == "ja" else control.search_en


def _texts(control: Control, lang: str) -> list[str]:
    """The guidance texts a snippet is taken from, in reading order."""
    texts = [getattr(control, f"{name}_{lang}") for name in ("summary", "goal", "main_actors")]
    for name in ("measures", "information_examples", "notes"):
        texts += [item.get(lang, "") for item in getattr(control, name) or []]
    texts += [control.procedure_name_ja if lang == "ja" else control.procedure_name_en]
    texts += [
        control.procedure_requirement_ja if lang == "ja" else control.procedure_requirement_en
    ]
    return texts


# (ref, language) → (content hash, passages): at most two entries per control, recomputed when
# the catalogue is reloaded with other content.
_passage_cache: dict[tuple[str, str], tuple[str, tuple[tuple[str, str], ...]]] = {}


def _passages(control: Control, lang: str) -> tuple[tuple[str, str], ...]:
    """(sentence, its normalised form) for one control's guidance."""
    cached = _passage_cache.get((control.ref, lang))
    if cached and cached[0] == control.content_hash:
        return cached[1]
    out = []
    for text in _texts(control, lang):
        for sentence in _SENTENCE_END.split(unicodedata.normalize("NFKC", text or "")):
            sentence = sentence.strip()
            if sentence:
                norm = search.normalise(sentence) if lang == "ja" else sentence.casefold()
                out.append((sentence, norm))
    _passage_cache[(control.ref, lang)] = (control.content_hash, tuple(out))
    return tuple(out)


def snippet(control: Control, lang: str, terms: list[str]) -> SafeString:
    for sentence, norm in _passages(control, lang):
        if any(t in norm for t in terms):
            spans = (
                _japanese_spans(sentence, terms)
                if lang == "ja"
                else _english_spans(sentence, terms)
            )
            if spans:
                return _marked(sentence, spans)
    return mark_safe("")


def _keywords(control: Control, lang: str, terms: list[str]) -> SafeString:
    """The search keywords that matched, when no guidance sentence did."""
    words = control.keywords_ja if lang == "ja" else control.keywords_en
    found = [w for w in words if any(t in search.fold(w, lang) for t in terms)]
    if not found:
        return mark_safe("")
    marked = format_html_join(
        "、" if lang == "ja" else ", ", "<mark>{}</mark>", ((w,) for w in found)
    )
    return format_html(_("Search keywords: {}"), marked)


def _japanese_spans(sentence: str, terms: list[str]) -> list[tuple[int, int]]:
    """Character ranges of ``sentence`` whose normalised tokens spell a term (「ぜい弱性」 is
    marked for the term 「脆弱性」)."""
    tokens = search.tokens(sentence)
    joined, starts = "", []
    for token in tokens:
        starts.append(len(joined))
        joined += token[2]
    spans = []
    for term in terms:
        for found in re.finditer(re.escape(term), joined):
            covered = [
                (b, e)
                for (b, e, form), at in zip(tokens, starts, strict=True)
                if at < found.end() and at + len(form) > found.start()
            ]
            if covered:
                spans.append((covered[0][0], covered[-1][1]))
    return _merge(spans)


def _english_spans(sentence: str, terms: list[str]) -> list[tuple[int, int]]:
    spans = []
    for term in terms:
        pattern = re.compile(r"(?<![a-z0-9])" + re.escape(term) + r"[a-z]*", re.IGNORECASE)
        spans += [m.span() for m in pattern.finditer(sentence)]
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def _marked(sentence: str, spans: list[tuple[int, int]]) -> SafeString:
    """The sentence around its first mark, escaped, with each span in <mark>."""
    start = max(0, spans[0][0] - SNIPPET_CHARS // 3)
    end = min(len(sentence), start + SNIPPET_CHARS)
    parts, at = [], start
    for begin, finish in spans:
        if begin >= end or finish <= start:
            continue
        begin = max(begin, start)  # a mark that starts in the window is shown whole
        end = max(end, finish)
        parts.append(escape(sentence[at:begin]))
        parts.append(f"<mark>{escape(sentence[begin:finish])}</mark>")
        at = finish
    parts.append(escape(sentence[at:end]))
    return mark_safe(
        ("…" if start > 0 else "") + "".join(parts) + ("…" if end < len(sentence) else "")
    )
