"""Provenance is true and on every item: each item labelled with a seed names a heading (and
chapter) found in that seed's text, and every item a user sees carries its own mark, Ume's when the
data names none."""

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from django.urls import reverse

from ume.catalogue import loader
from ume.catalogue.choices import Level
from ume.catalogue.models import Control, LevelVariant
from ume.catalogue.recommend import profile_of, recommend

SEEDS = Path(__file__).resolve().parent / "seeds"
GUIDANCE = loader.read_guidance()
SOURCES = loader._read_yaml(loader.REFERENCE / "sources.yaml")["sources"]


def _plain(text: str) -> str:
    """Compare headings as a reader would: full-width forms folded, emphasis marks, footnote
    marks (*1) and spacing ignored."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\*\d*|\s+", "", text)


@cache
def seed_text(seed: str) -> str:
    return _plain((SEEDS / f"{seed}.txt").read_text(encoding="utf-8"))


def _items(g: dict):
    """(where, item) for every displayed item of one control's guidance."""
    for name in loader.PAIR_FIELDS:
        yield name, g[name]
    for name in loader.LIST_FIELDS + loader.OPTIONAL_LIST_FIELDS:
        for i, item in enumerate(g.get(name) or [], 1):
            yield f"{name}[{i}]", item
    for level in Level.values:
        for v in g["levels"][level]["variants"]:
            yield v["key"], v
    rec = g["recommendation"]
    yield "default_reason", rec["default_reason"]
    for i, rule in enumerate(rec.get("rules") or [], 1):
        yield f"rule {i}", rule
    yield "procedure", g["procedure"]


def _seed_marks():
    for ref, g in GUIDANCE.items():
        for where, item in _items(g):
            prov = item.get("provenance") or {}
            if prov.get("kind") in ("seed", "adapted"):
                yield f"{ref} {where}", prov


SEED_MARKS = list(_seed_marks())


def test_the_content_cites_the_seeds():
    cited = {prov["seed"] for _, prov in SEED_MARKS}
    assert {"000", "004"} <= cited <= set(SOURCES)
    assert len(SEED_MARKS) > 80


@pytest.mark.parametrize(("where", "prov"), SEED_MARKS, ids=[w for w, _ in SEED_MARKS])
def test_a_seed_heading_exists_in_that_seed(where, prov):
    assert prov["seed"] in SOURCES, where
    assert _plain(prov["heading"]) in seed_text(prov["seed"]), (where, prov["heading"])
    if prov.get("chapter"):
        assert _plain(prov["chapter"]) in seed_text(prov["seed"]), (where, prov["chapter"])


def test_a_heading_not_in_the_seed_is_found_out():
    assert _plain("8.9 構成管理（要約）") in seed_text("000")
    assert _plain("SBOM（Software Bill of Materials）ツールの活用") in seed_text("000")
    assert _plain("8.9 構成管理（要約）") not in seed_text("004")
    assert _plain("5.7 脅威インテリジェンスの活用方針") not in seed_text("000")


def test_the_loader_marks_an_unlabelled_item_as_umes_own():
    entry = {"ja": "例", "en": "Example"}
    assert loader._marked(entry)["provenance"] == {"kind": "ume"}
    seed = {"kind": "seed", "seed": "000", "heading": "5.7 脅威インテリジェンス"}
    assert loader._marked({**entry, "provenance": seed})["provenance"] == seed


def test_a_control_level_provenance_is_refused():
    g = {**GUIDANCE["5.7"], "provenance": {"kind": "seed", "seed": "000", "heading": "x"}}
    errors = loader.validate_entry("5.7", g, {"P1"})
    assert errors == ["5.7: provenance belongs to each item, not to the control"]


def test_an_adapted_item_names_its_seed_and_heading():
    assert loader._provenance_errors("x", {"kind": "adapted", "seed": "004"}, set()) == [
        "x: a seed provenance names the seed and its heading"
    ]
    assert loader._provenance_errors("x", {"kind": "copied"}, set())


KINDS = {"seed", "adapted", "proposal", "ume"}


@pytest.mark.django_db
def test_every_loaded_item_carries_its_own_provenance(catalogue):
    missing = []
    for control in Control.objects.all():
        marks = [control.provenance.get(name) for name in loader.PAIR_FIELDS]
        marks += [m["provenance"] for m in control.measures + control.information_examples]
        marks += [m["provenance"] for m in control.notes]
        rec = control.recommendation
        marks += [rec["default_reason"]["provenance"]]
        marks += [rule["provenance"] for rule in rec["rules"]]
        marks.append(control.procedure_provenance)
        missing += [control.ref for mark in marks if not mark or mark.get("kind") not in KINDS]
    missing += [v.key for v in LevelVariant.objects.all() if v.provenance.get("kind") not in KINDS]
    assert missing == []


def _marks(html: str) -> list[str]:
    return re.findall(r'class="ume-provenance ume-provenance-(\w+)"', html)


@pytest.mark.django_db
@pytest.mark.parametrize("ref", ["5.7", "5.35", "6.3", "8.9", "8.10", "8.31"])
def test_the_control_page_marks_every_item(admin_client, world, catalogue, japanese, ref):
    control = Control.objects.get(ref=ref)
    html = admin_client.get(reverse("catalogue:control_detail", args=[ref])).content.decode()
    reasons = len(recommend(control, profile_of(world.org)).reasons)
    items = (
        len(loader.PAIR_FIELDS)
        + len(control.measures)
        + len(control.information_examples)
        + len(control.notes)
        + control.variants.count()
        + reasons
        + 1  # the candidate procedure
        + 1  # the search keywords (Ume's own)
    )
    assert len(_marks(html)) == items
    cited = {
        (prov["seed"], prov["heading"]) for where, prov in SEED_MARKS if where.split()[0] == ref
    }
    for _seed, heading in cited:
        assert heading in html  # listed under the sources this page cites


@pytest.mark.django_db
def test_marks_say_which_kind_and_a_proposal_shows_its_outcome(admin_client, catalogue, japanese):
    html = admin_client.get(reverse("catalogue:control_detail", args=["8.5"])).content.decode()
    assert "ユーザグループ提案 P3a · 国内：不採用／国際：不提出" in html
    html = admin_client.get(reverse("catalogue:control_detail", args=["5.7"])).content.decode()
    kinds = set(_marks(html))
    assert {"seed", "adapted", "ume"} <= kinds
    assert ">出典資料<" in html and ">出典資料に基づく（Ume 編）<" in html and ">Ume独自<" in html
    assert "事業規模だけでは判断出来ないサイバー対応の要求レベル" in html
