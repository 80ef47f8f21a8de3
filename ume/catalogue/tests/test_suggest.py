"""Suggested controls for measures typed in free text (seed 003: controls were born from the
measures organisations already practise)."""

import pytest

from ume.catalogue.suggest import suggest_controls

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("毎晩NASにバックアップを取得し、月1回復元テストを行う", {"8.13"}),
        ("退職者のアカウントを退職日に削除する", {"5.18", "5.16"}),
        ("IPAの10大脅威を毎年確認して対策を見直す", {"5.7"}),
        ("ノートPCのディスクを暗号化する", {"8.24", "8.1"}),
        ("来訪者は受付で入館証を発行する", {"7.2"}),
        ("ぜい弱性情報をJVNで確認しパッチを当てる", {"8.8"}),
        ("テレワーク時はVPNで接続する", {"6.7"}),
        ("Encrypt laptops", {"8.1", "8.24"}),
        ("Nightly backups to the NAS and a monthly restore test", {"8.13"}),
    ],
)
def test_typed_measures_suggest_the_expected_control_in_the_top_three(catalogue, text, expected):
    top = [s.ref for s in suggest_controls(text)[:3]]
    assert expected & set(top), (text, top)


def test_best_suggestion_comes_first_with_its_matched_words(catalogue):
    suggestions = suggest_controls("毎晩NASにバックアップを取得し、月1回復元テストを行う")
    best = suggestions[0]
    assert best.ref == "8.13"
    assert {"バックアップ", "復元"} <= set(best.matched)
    assert "NAS" in best.matched  # shown as typed, not in its normalised form
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)


def test_matched_words_use_the_jis_spelling(catalogue):
    best = suggest_controls("脆弱性情報を確認する")[0]
    assert best.ref == "8.8" and "ぜい弱性" not in best.matched and "脆弱性" in best.matched
    typed = suggest_controls("ぜい弱性情報を確認する")[0]
    assert typed.ref == "8.8" and "ぜい弱性" in typed.matched


def test_words_most_controls_mention_are_ignored(catalogue):
    assert suggest_controls("情報を確認する") == []
    for suggestion in suggest_controls("テレワーク時はVPNで接続する"):
        assert "時" not in suggestion.matched


def test_katakana_words_do_not_match_inside_longer_words(catalogue):
    # 「ログ」 must not be found in 「プログラム」 or 「ログイン」 only.
    refs = [s.ref for s in suggest_controls("ログを保管する")]
    assert "8.15" in refs[:3]


@pytest.mark.parametrize(
    "text",
    [
        "ふわふわのパンケーキを食べる",
        "あいうえお",
        "blorp zyx",
        "12345",
        "",
        "   ",
        "。、！",
        "<script>alert(1)</script>",
    ],
)
def test_nonsense_gives_no_suggestion(catalogue, text):
    assert suggest_controls(text) == []


def test_limit_and_a_single_query(catalogue, django_assert_num_queries):
    with django_assert_num_queries(1):
        suggestions = suggest_controls("バックアップを取得して暗号化し、ログを保管する", limit=2)
    assert len(suggestions) == 2
    assert suggest_controls("バックアップ", limit=0) == []


def test_very_long_text_is_bounded(catalogue):
    assert suggest_controls("バックアップを取得する。" * 2000)[0].ref == "8.13"
