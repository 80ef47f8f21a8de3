"""The Japanese catalogue: complete, compiled, consistent with the glossary; and the
compile_translations / check_translations commands themselves."""

import gettext as gnu_gettext
import io
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

JA_PO = Path(settings.BASE_DIR) / "ume" / "locale" / "ja" / "LC_MESSAGES" / "django.po"

# Forms the glossary (ume/locale/GLOSSARY.md) rules out in UI text, with the form to use.
BANNED = {
    "スコープ": "適用範囲",
    "コントロール": "管理策",
    "二段階認証": "多要素認証",
    "2段階認証": "多要素認証",
    "2要素認証": "多要素認証",
    "二要素認証": "多要素認証",
    "フィルター": "絞り込み",
    "ソート": "並べ替え",
    "ステータス": "状態",
    "リソース": "資源",
    "サプライヤー": "供給者",
    "リスクオーナー": "リスク所有者",
    "脆弱性": "ぜい弱性",
    "漏洩": "漏えい",
    "改竄": "改ざん",
    "遵守": "順守",
    "付属書": "附属書",
    "是正措置": "是正処置",
    "文書化された情報": "文書化した情報",
    "適用性宣言書": "適用宣言書",
    "二段階": "多要素",
    "下さい": "ください",
    "致します": "します",
    "させていただ": "(plain polite form)",
    "！": "(no exclamation marks)",
    "!": "(no exclamation marks)",
}


def ja_entries():
    return [e for e in polib.pofile(str(JA_PO)) if not e.obsolete]


def msgstrs(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_check_translations_passes():
    out = io.StringIO()
    call_command("check_translations", stdout=out)
    assert re.search(r"^ja: \d+ messages, all translated$", out.getvalue(), re.MULTILINE)


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("Audit trail", "監査証跡"),
        ("ISMS scopes", "適用範囲"),
        ("ISMS scope", "適用範囲"),
        ("Users and roles", "ユーザーと役割"),
        ("Top management", "トップマネジメント"),
        ("Department head (owner)", "部門の責任者（管理責任者）"),
        ("Administrator", "Ume 管理者"),
        ("Measures", "対策"),
        ("Gaps", "目標との差"),
        ("Below the target level", "目標レベル未達"),
        ("Event", "操作"),
        ("Clear", "解除"),
        ("Exported by", "書き出した人"),
        ("uploaded by", "アップロードした人"),
        ("Pine (advanced)", "松（すべての要件）"),
        ("External auditor (read-only)", "外部審査員（閲覧のみ）"),
        ("Multi-factor authentication", "多要素認証"),
        ("Export as Excel", "Excel で書き出し"),
        ("Filter", "絞り込み"),
        ("status", "状態"),
        ("e-mail address", "メールアドレス"),
        ("Log in", "ログイン"),
    ],
)
def test_key_strings_translate(msgid, expected):
    with translation.override("ja"):
        assert translation.gettext(msgid) == expected
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid


def test_every_field_the_audit_trail_shows_has_a_japanese_label():
    """The trail labels each changed field by its verbose name: none may fall back to the
    column's English name (as ``content type`` did)."""
    from django.apps import apps

    from ume.core.models.base import AuditedModel

    untranslated = []
    with translation.override("ja"):
        for model in apps.get_models():
            if not issubclass(model, AuditedModel):
                continue
            for field in model._meta.concrete_fields:
                hidden = {"id", "version", *model.audit_exclude}
                if field.name in hidden or field.attname in hidden:
                    continue
                if str(field.verbose_name).isascii() and field.verbose_name != "SHA-256":
                    untranslated.append(f"{model._meta.label}.{field.name}")
    assert untranslated == []


def test_plural_and_placeholders_render():
    # msgids via variables, so that makemessages does not extract this test file.
    failed = ("%(n)s failed login attempt since then", "%(n)s failed login attempts since then")
    welcome = "Welcome to {organisation}."
    with translation.override("ja"):
        assert translation.ngettext(*failed, 3) % {"n": 3} == "それ以降のログイン失敗：3回"
        assert translation.ngettext(*failed, 1) % {"n": 1} == "それ以降のログイン失敗：1回"
        assert translation.gettext(welcome).format(organisation="梅商事") == "梅商事へようこそ。"


def test_no_banned_forms_in_japanese():
    found = [
        (entry.msgid, word, BANNED[word])
        for entry in ja_entries()
        for text in msgstrs(entry)
        for word in BANNED
        if word in text
    ]
    assert not found, "\n".join(f"{m!r}: {w} → {fix}" for m, w, fix in found)


def test_japanese_sentences_use_full_width_punctuation():
    problems = []
    for entry in ja_entries():
        for text in msgstrs(entry):
            if "?" in text:
                problems.append((entry.msgid, "use 「？」"))
            if entry.msgid.rstrip().endswith((".", "?", ":")) and not text.endswith(("。", "？")):
                problems.append((entry.msgid, "end the sentence with 「。」 or 「？」"))
    assert not problems


def test_every_ja_entry_is_translated():
    entries = ja_entries()
    assert len(entries) > 100
    assert polib.pofile(str(JA_PO)).metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert all(all(msgstrs(e)) and not e.fuzzy for e in entries)


# --- the commands, on a throw-away catalogue -------------------------------------------------

PO_HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ja\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

"""


@pytest.fixture
def locale_dir(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]

    def write(lang: str, body: str) -> Path:
        po_path = tmp_path / lang / "LC_MESSAGES" / "django.po"
        po_path.parent.mkdir(parents=True, exist_ok=True)
        po_path.write_text(PO_HEADER + body, encoding="utf-8")
        return po_path

    return write


def check_fails(*fragments):
    with pytest.raises(CommandError) as exc:
        call_command("check_translations", stdout=io.StringIO())
    for fragment in fragments:
        assert fragment in str(exc.value)


GOOD = """msgid "Save"
msgstr "保存"

#, python-brace-format
msgid "Edit {name}"
msgstr "{name}の編集"

#, python-format
msgid "%(n)s item"
msgid_plural "%(n)s items"
msgstr[0] "%(n)s件"
"""


def test_compile_skips_fuzzy_and_untranslated_and_is_deterministic(locale_dir):
    po_path = locale_dir(
        "ja", GOOD + '\n#, fuzzy\nmsgid "Draft"\nmsgstr "下書き"\n\nmsgid "Delete"\nmsgstr ""\n'
    )
    call_command("compile_translations", stdout=io.StringIO())
    mo_path = po_path.with_suffix(".mo")
    first = mo_path.read_bytes()
    with mo_path.open("rb") as fh:
        catalogue = gnu_gettext.GNUTranslations(fh)
    lookup, plural = catalogue.gettext, catalogue.ngettext  # not extracted by makemessages
    assert lookup("Save") == "保存"
    assert lookup("Draft") == "Draft"  # fuzzy: left out, as msgfmt does
    assert lookup("Delete") == "Delete"
    assert plural("%(n)s item", "%(n)s items", 5) == "%(n)s件"
    mo_path.unlink()
    call_command("compile_translations", stdout=io.StringIO())
    assert mo_path.read_bytes() == first


def test_check_passes_on_a_good_catalogue(locale_dir):
    locale_dir("ja", GOOD)
    locale_dir("en", 'msgid "Save"\nmsgstr ""\n')  # empty English msgstrs are fine
    call_command("compile_translations", stdout=io.StringIO())
    out = io.StringIO()
    call_command("check_translations", stdout=out)
    assert "ja: 3 messages, all translated" in out.getvalue()


def test_check_reports_untranslated_and_fuzzy(locale_dir):
    locale_dir(
        "ja",
        GOOD + '\nmsgid "Delete"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Draft"\nmsgstr "下書き"\n\n'
        'msgid "One"\nmsgid_plural "Many"\nmsgstr[0] ""\n',
    )
    call_command("compile_translations", stdout=io.StringIO())
    check_fails("'Delete': untranslated", "'Draft': marked fuzzy", "'One': untranslated")


@pytest.mark.parametrize(
    ("msgid", "msgstr", "message"),
    [
        ("Edit {name}", "編集", "missing {name}"),
        ("Hello {name}", "{nom} さん", "unexpected {nom}"),
        ("Sent to %(email)s.", "送信しました。", "missing %(email)"),
        ("%(n)s of %(total)s", "%(total)s 件中 %(count)s 件", "unexpected %(count)"),
    ],
)
def test_check_reports_placeholder_mismatch(locale_dir, msgid, msgstr, message):
    locale_dir("ja", f'msgid "{msgid}"\nmsgstr "{msgstr}"\n')
    call_command("compile_translations", stdout=io.StringIO())
    check_fails("placeholders differ", message)


def test_check_reports_missing_and_stale_mo(locale_dir):
    po_path = locale_dir("ja", GOOD)
    check_fails("django.mo: missing")
    call_command("compile_translations", stdout=io.StringIO())
    po_path.write_text(
        po_path.read_text(encoding="utf-8").replace("保存", "保存する"), encoding="utf-8"
    )
    check_fails("'Save': the .mo has a different translation", "out of date")
    po_path.write_text(PO_HEADER + 'msgid "Save"\nmsgstr "保存する"\n', encoding="utf-8")
    check_fails("no longer translated in the .po")


def test_check_reports_fuzzy_english_only(locale_dir):
    locale_dir("ja", GOOD)
    locale_dir("en", '#, fuzzy\nmsgid "Save"\nmsgstr "Store"\n\nmsgid "Delete"\nmsgstr ""\n')
    call_command("compile_translations", stdout=io.StringIO())
    with pytest.raises(CommandError) as exc:
        call_command("check_translations", stdout=io.StringIO())
    assert "'Save': marked fuzzy" in str(exc.value)
    assert "Delete" not in str(exc.value)
