"""Japanese text matching with SudachiPy (DESIGN.md).

Text and queries are compared by their *joined normalised forms*, so 「ぜい弱性」 finds
「脆弱性」, 「漏えい」 finds 「漏洩」, 「遵守」 finds 「順守」, and inflected forms (「削除した」)
match their dictionary form (「削除する」)."""

import re
import threading
import unicodedata
from functools import cache, lru_cache

# Parts of speech that carry meaning; particles, auxiliaries and symbols are dropped from terms.
CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞"}
LIGHT_VERBS = {"為る", "有る", "居る", "成る", "出来る", "行う"}


@cache
def _dictionary():
    """The Sudachi dictionary: immutable, loaded once per process."""
    from sudachipy import Dictionary

    return Dictionary(dict="core")


_local = threading.local()


def _tokenizer():
    """A tokenizer for this thread: a Sudachi tokenizer cannot be used by two threads at
    once (concurrent requests in one process)."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _local.tokenizer = _dictionary().tokenizer()
    return tokenizer


def _mode():
    from sudachipy import SplitMode

    return SplitMode.C


# Words the dictionary does not know as one: the guidance writes パソコン (glossary), users type PC.
_PC = re.compile(r"(?<![a-z])pc(?![a-z])")


def _prepare(text: str) -> str:
    return _PC.sub("パソコン", unicodedata.normalize("NFKC", text or "").casefold())


def normalise(text: str) -> str:
    """The joined normalised forms of ``text`` (what documents are indexed as)."""
    text = _prepare(text)
    if not text.strip():
        return ""
    return "".join(m.normalized_form() for m in _tokenizer().tokenize(text, _mode())).casefold()


def head(control, lang: str) -> str:
    """What a control is known by (title, aliases, search keywords) in the form of its indexed
    text. A word found here weighs more than one found only in the guidance, in suggestions
    and in search alike."""
    if lang == "ja":
        return fold("\n".join([control.title_ja, *control.aliases_ja, *control.keywords_ja]), lang)
    return fold("\n".join([control.title_en, *control.keywords_en]), lang)


def fold(text: str, lang: str) -> str:
    """Reference text in the form of the index: normalised for Japanese, case-folded for
    English."""
    return _normalised(text) if lang == "ja" else text.casefold()


@lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    # Reference data (titles, keywords) through a pure function: the memo holds no state that
    # could go stale (DESIGN.md "Beyond one machine").
    return normalise(text)


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(begin, end, normalised form) of each token of ``text`` as given (offsets into it)."""
    if not text.strip():
        return []
    return [
        (m.begin(), m.end(), m.normalized_form().casefold())
        for m in _tokenizer().tokenize(text, _mode())
    ]


def terms(text: str) -> list[str]:
    """Content words of ``text`` in normalised form, in order, without repeats.

    A suffix joins the word before it and a prefix the word after it (「ぜい弱」+「性」 →
    「脆弱性」), so a term matches the way the word is indexed.
    """
    text = _prepare(text)
    if not text.strip():
        return []
    out: list[str] = []
    prefix = ""
    for m in _tokenizer().tokenize(text, _mode()):
        pos, sub = m.part_of_speech()[0], m.part_of_speech()[1]
        form = m.normalized_form()
        form = form.casefold()
        if pos == "接頭辞":
            prefix += form
        elif pos == "接尾辞" and out:
            out[-1] += form
        elif pos in CONTENT_POS and form not in LIGHT_VERBS and sub != "非自立可能":
            out.append(prefix + form)
            prefix = ""
        else:
            prefix = ""
    seen: set[str] = set()
    return [t for t in out if t.strip() and not (t in seen or seen.add(t))]


def is_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def english_terms(text: str) -> list[str]:
    return [w for w in _prepare(text).replace("-", " ").split() if len(w) > 1]


def query_terms(query: str) -> tuple[str, list[str]]:
    """("ja", normalised terms) for a query with Japanese in it, else ("en", lower-case words)."""
    if is_japanese(query):
        return "ja", terms(query)
    return "en", english_terms(query)


def matches(query: str, indexed_ja: str, indexed_en: str = "") -> bool:
    """True when every term of ``query`` occurs in the control's indexed text."""
    lang, wanted = query_terms(query)
    if not wanted:
        return False
    if lang == "ja":
        return all(t in indexed_ja for t in wanted)
    # Latin words (SSO, CDN, MAC) also occur in the Japanese text.
    return all(t in indexed_en for t in wanted) or all(t in indexed_ja for t in wanted)
