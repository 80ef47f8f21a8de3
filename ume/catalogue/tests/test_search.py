"""Japanese search normalisation (SudachiPy): variant spellings and inflections match."""

import pytest

from ume.catalogue import search


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("脆弱性", "技術的ぜい弱性の管理"),
        ("ぜい弱性", "脆弱性情報を収集する"),
        ("漏洩", "データ漏えいの防止"),
        ("漏えい", "情報の漏洩を防ぐ"),
        ("遵守", "法令を順守する"),
        ("改ざん", "改竄を検知する"),
        ("削除した", "保有期限を過ぎた情報を削除する"),
        ("バックアップを取得した", "バックアップを取得する"),
        ("ＳＳＯ", "SSOを導入する"),
    ],
)
def test_variants_and_inflections_match(query, text):
    assert search.matches(query, search.normalise(text))


@pytest.mark.parametrize(
    ("query", "text"), [("暗号", "バックアップを取得する"), ("削除", "情報を作成する")]
)
def test_unrelated_words_do_not_match(query, text):
    assert not search.matches(query, search.normalise(text))


def test_english_queries_match_english_text():
    assert not search.matches("backup", "", "5.7 threat intelligence")
    assert search.matches("Threat intel", "", "5.7 threat intelligence")
    assert search.matches("threat", "", "5.7 threat intelligence")
    assert search.query_terms("Supplier relationships") == ("en", ["supplier", "relationships"])


def test_tokenizing_from_many_threads_at_once():
    """Concurrent requests in one process each get their own tokenizer."""
    from concurrent.futures import ThreadPoolExecutor

    texts = ["毎晩NASにバックアップを取得し、月1回復元テストを行う"] * 40
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(search.terms, texts))
    assert all(r == results[0] for r in results) and "バックアップ" in results[0]
