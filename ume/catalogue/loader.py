"""Load the catalogue's reference data (idempotent) and validate the guidance content.

Files in ``reference/``: annex-a-2022.json (controls, attributes, 2013 sources),
annex-a-2013-to-2022.json (27002 Annex B), attributes.yaml (labels), proposals.yaml,
keywords.yaml (search words per control, Ume's own) and guidance/*.yaml (seed 000 template per
control; see guidance/README.md).
"""

import hashlib
import json
from pathlib import Path

import yaml
from django.db import transaction

from . import search
from .choices import THEME_NUMBER, Level, ProposalOutcome
from .models import AttributeValue, Control, Control2013, LevelVariant, Proposal

REFERENCE = Path(__file__).resolve().parent / "reference"
PAIR_FIELDS = ("summary", "goal", "main_actors")
LIST_FIELDS = ("measures", "information_examples")
OPTIONAL_LIST_FIELDS = ("notes",)  # 解説: background an SME reads, not a measure
PROFILE_KEYS = {
    "size_band",
    "business_type",
    "it_dependency",
    "has_public_systems",
    "holds_personal_data_at_scale",
    "industry",
    "develops_software",
}
# seed: follows the seed closely; adapted: the seed gives the idea, Ume the wording or steps;
# proposal: a user-group proposal to ISO/IEC 27002; ume: Ume's own (the default of every item).
PROVENANCE_KINDS = {"seed", "adapted", "proposal", "ume"}
UME = {"kind": "ume"}
# Part of every control's content hash: a change in what the loader stores reloads every control.
STORED_FORMAT = 3


class ContentError(ValueError):
    """The reference data is incomplete or inconsistent; nothing was loaded."""


def _read_json(name: str) -> dict:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def _read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def read_annex() -> list[dict]:
    return _read_json("annex-a-2022.json")["controls"]


def read_keywords() -> dict[str, dict]:
    """Search keywords per control: {"8.5": {"ja": [...], "en": [...]}}."""
    controls = _read_yaml(REFERENCE / "keywords.yaml").get("controls") or {}
    return {str(ref): entry or {} for ref, entry in controls.items()}


def read_guidance() -> dict[str, dict]:
    merged: dict[str, dict] = {}
    for path in sorted((REFERENCE / "guidance").glob("*.yaml")):
        for ref, entry in (_read_yaml(path).get("controls") or {}).items():
            if str(ref) in merged:
                raise ContentError(f"{ref}: guidance defined twice ({path.name})")
            merged[str(ref)] = entry
    return merged


def read_proposals() -> list[dict]:
    return _read_yaml(REFERENCE / "proposals.yaml")["proposals"]


def _pair_errors(where: str, pair) -> list[str]:
    if not isinstance(pair, dict):
        return [f"{where}: expected ja/en texts"]
    return [
        f"{where}: empty {lang}" for lang in ("ja", "en") if not str(pair.get(lang) or "").strip()
    ]


def _provenance_errors(where: str, prov, proposals: set[str]) -> list[str]:
    if prov is None:
        return []
    kind = prov.get("kind") if isinstance(prov, dict) else None
    if kind not in PROVENANCE_KINDS:
        return [f"{where}: provenance kind must be one of {sorted(PROVENANCE_KINDS)}"]
    if kind in ("seed", "adapted") and not (prov.get("seed") and prov.get("heading")):
        return [f"{where}: a seed provenance names the seed and its heading"]
    if kind == "proposal" and prov.get("proposal") not in proposals:
        return [f"{where}: unknown proposal {prov.get('proposal')}"]
    return []


def _item_errors(where: str, item, proposals: set[str]) -> list[str]:
    errors = _pair_errors(where, item)
    if isinstance(item, dict):
        errors += _provenance_errors(where, item.get("provenance"), proposals)
    return errors


def validate_entry(ref: str, g: dict, proposals: set[str]) -> list[str]:
    """Every problem of one control's guidance (empty list when complete)."""
    errors = []
    if "provenance" in g:
        errors.append(f"{ref}: provenance belongs to each item, not to the control")
    for name in PAIR_FIELDS:
        errors += _item_errors(f"{ref} {name}", g.get(name), proposals)
    for name in LIST_FIELDS + OPTIONAL_LIST_FIELDS:
        items = g.get(name) or []
        if not items and name in LIST_FIELDS:
            errors.append(f"{ref} {name}: no items")
        for i, item in enumerate(items, 1):
            errors += _item_errors(f"{ref} {name}[{i}]", item, proposals)
    levels = g.get("levels") or {}
    keys: set[str] = set()
    for level in Level.values:
        variants = (levels.get(level) or {}).get("variants") or []
        if not variants:
            errors.append(f"{ref} {level}: no implementation example")
        for v in variants:
            if not str(v.get("key", "")).startswith(level) or v["key"] in keys:
                errors.append(f"{ref} {level}: bad or repeated variant key {v.get('key')}")
            keys.add(v.get("key", ""))
            errors += _item_errors(f"{ref} {v.get('key')}", v, proposals)
    errors += _pair_errors(f"{ref} matsu title", (levels.get("matsu") or {}).get("title"))
    rec = g.get("recommendation") or {}
    errors += _item_errors(f"{ref} default_reason", rec.get("default_reason"), proposals)
    for i, rule in enumerate(rec.get("rules") or [], 1):
        if rule.get("level") not in (Level.TAKE, Level.MATSU):
            errors.append(f"{ref} rule {i}: level must be take or matsu")
        if not rule.get("when") or set(rule["when"]) - PROFILE_KEYS:
            errors.append(f"{ref} rule {i}: conditions must use {sorted(PROFILE_KEYS)}")
        errors += _pair_errors(f"{ref} rule {i} reason", rule.get("reason"))
        errors += _provenance_errors(f"{ref} rule {i}", rule.get("provenance"), proposals)
    proc = g.get("procedure") or {}
    errors += _pair_errors(f"{ref} procedure name", proc.get("name"))
    errors += _pair_errors(f"{ref} procedure requirement", proc.get("requirement"))
    errors += _provenance_errors(f"{ref} procedure", proc.get("provenance"), proposals)
    return errors


def keyword_errors(controls: list[dict], keywords: dict[str, dict]) -> list[str]:
    refs = [c["id"] for c in controls]
    errors = [
        f"{ref}: keywords for an unknown control" for ref in sorted(set(keywords) - set(refs))
    ]
    for ref in refs:
        entry = keywords.get(ref) or {}
        for lang in ("ja", "en"):
            words = entry.get(lang) or []
            if not words or not all(isinstance(w, str) and w.strip() for w in words):
                errors.append(f"{ref}: keywords.{lang} missing or empty")
    return errors


def validate(controls: list[dict], guidance: dict[str, dict], proposals: list[dict]) -> list[str]:
    refs = {c["id"] for c in controls}
    ids = {p["id"] for p in proposals}
    errors = [f"{ref}: no guidance" for ref in sorted(refs - set(guidance))]
    errors += [f"{ref}: guidance for an unknown control" for ref in sorted(set(guidance) - refs)]
    for ref in sorted(set(guidance) & refs):
        errors += validate_entry(ref, guidance[ref], ids)
    outcomes = set(ProposalOutcome.values)
    for p in proposals:
        if {p["outcome_domestic"], p["outcome_international"]} - outcomes:
            errors.append(f"{p['id']}: outcomes must be one of {sorted(outcomes)}")
        if p["control_2022"] not in refs:
            errors.append(f"{p['id']}: unknown control {p['control_2022']}")
        elif p["control_2022"] in guidance and p["id"] != "P8":  # P8 is editorial only
            carried = [
                m
                for m in guidance[p["control_2022"]].get("measures") or []
                if (m.get("provenance") or {}).get("proposal") == p["id"]
            ]
            if not carried:
                errors.append(f"{p['id']}: not carried in {p['control_2022']}'s measures")
    return errors


def _texts(g: dict, lang: str) -> list[str]:
    texts = [g[name][lang] for name in PAIR_FIELDS]
    texts += [
        item[lang] for name in LIST_FIELDS + OPTIONAL_LIST_FIELDS for item in g.get(name) or []
    ]
    texts += [v[lang] for level in Level.values for v in g["levels"][level]["variants"]]
    texts += [g["procedure"]["name"][lang], g["procedure"]["requirement"][lang]]
    return texts


def _sort_key(ref: str) -> int:
    theme, number = ref.split(".")
    return int(theme) * 100 + int(number)


def _sort_key_2013(ref: str) -> int:
    parts = [int(p) for p in ref.removeprefix("A.").split(".")]
    return parts[0] * 10000 + parts[1] * 100 + parts[2]


@transaction.atomic
def load_catalogue(stdout=None) -> dict[str, int]:
    """Create or update everything; unchanged controls are skipped (content hash)."""
    keywords = read_keywords()
    annex = [{**c, "keywords": keywords.get(c["id"], {})} for c in read_annex()]
    guidance = read_guidance()
    proposals = read_proposals()
    errors = validate(annex, guidance, proposals) + keyword_errors(annex, keywords)
    if errors:
        raise ContentError("catalogue content is incomplete:\n  " + "\n  ".join(errors[:50]))
    labels = _read_yaml(REFERENCE / "attributes.yaml")["attributes"]
    values = {}
    for attribute, items in labels.items():
        for order, item in enumerate(items):
            values[(attribute, item["value"])], _ = AttributeValue.objects.update_or_create(
                attribute=attribute,
                value=item["value"],
                defaults={"label_ja": item["ja"], "label_en": item["en"], "order": order},
            )
    changed = 0
    controls = {}
    for c in annex:
        g = guidance[c["id"]]
        digest = hashlib.sha256(
            json.dumps([STORED_FORMAT, c, g], ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()
        control = Control.objects.filter(ref=c["id"]).first()
        controls[c["id"]] = control
        if control is not None and control.content_hash == digest:
            continue
        controls[c["id"]] = _save_control(c, g, digest, values)
        changed += 1
    for p in proposals:
        Proposal.objects.update_or_create(
            ref=p["id"],
            defaults={
                "number": p["number"],
                "control": controls[p["control_2022"]],
                "control_2013": p["control_2013"],
                "measure_ja": p["measure"]["ja"],
                "measure_en": p["measure"]["en"],
                "outcome_domestic": p["outcome_domestic"],
                "outcome_international": p["outcome_international"],
                "note_ja": (p.get("note") or {}).get("ja", ""),
                "note_en": (p.get("note") or {}).get("en", ""),
            },
        )
    for ref, targets in _read_json("annex-a-2013-to-2022.json")["map"].items():
        old, _ = Control2013.objects.update_or_create(
            ref=ref, defaults={"sort_key": _sort_key_2013(ref)}
        )
        old.targets.set([controls[t] for t in targets])
    counts = {"controls": len(annex), "changed": changed, "proposals": len(proposals)}
    if stdout is not None:
        stdout.write(
            f"Catalogue: {counts['controls']} controls ({changed} updated), "
            f"{counts['proposals']} proposals, 114 controls of 2013 mapped."
        )
    return counts


def _marked(item: dict) -> dict:
    """The item with its own provenance; an unmarked item is Ume's (nothing inherits a seed)."""
    return {**item, "provenance": item.get("provenance") or UME}


def _recommendation(rec: dict) -> dict:
    return {
        "default_reason": _marked(rec["default_reason"]),
        "rules": [_marked(rule) for rule in rec.get("rules") or []],
    }


def _save_control(c: dict, g: dict, digest: str, values: dict) -> Control:
    ja, en = _texts(g, "ja"), _texts(g, "en")
    keywords_ja = list(c["keywords"].get("ja") or [])
    keywords_en = list(c["keywords"].get("en") or [])
    titles = {level: (g["levels"][level].get("title") or {}) for level in Level.values}
    fields = {
        "theme": c["theme"],
        "sort_key": _sort_key(c["id"]),
        "title_ja": c["title_ja"],
        "title_en": c["title_en"],
        "aliases_ja": c.get("aliases_ja", []),
        "keywords_ja": keywords_ja,
        "keywords_en": keywords_en,
        "new_in_2022": c["new_in_2022"],
        "maps_from_2013": c["maps_from_2013"],
        "provenance": {name: _marked(g[name])["provenance"] for name in PAIR_FIELDS},
        "measures": [_marked(m) for m in g["measures"]],
        "information_examples": [_marked(m) for m in g["information_examples"]],
        "notes": [_marked(m) for m in g.get("notes") or []],
        "level_titles": titles,
        "recommendation": _recommendation(g["recommendation"]),
        "procedure_provenance": _marked(g["procedure"])["provenance"],
        "content_hash": digest,
        "search_ja": search.normalise(
            "\n".join([c["id"], c["title_ja"], *c.get("aliases_ja", []), *keywords_ja, *ja])
        ),
        "search_en": "\n".join([c["id"], c["title_en"], *keywords_en, *en]).casefold(),
        "terms": search.terms("\n".join([c["title_ja"], *keywords_ja, *ja])),
    }
    for name in PAIR_FIELDS:
        fields[f"{name}_ja"], fields[f"{name}_en"] = g[name]["ja"], g[name]["en"]
    for name in ("name", "requirement"):
        fields[f"procedure_{name}_ja"] = g["procedure"][name]["ja"]
        fields[f"procedure_{name}_en"] = g["procedure"][name]["en"]
    if THEME_NUMBER[c["theme"]] != int(c["id"].split(".")[0]):
        raise ContentError(f"{c['id']}: its number does not belong to theme {c['theme']}")
    control, _ = Control.objects.update_or_create(ref=c["id"], defaults=fields)
    control.attribute_values.set([values[(a, v)] for a, vs in c["attributes"].items() for v in vs])
    keep = []
    order = 0
    for level in Level.values:
        for v in g["levels"][level]["variants"]:
            order += 1
            variant, _ = LevelVariant.objects.update_or_create(
                control=control,
                key=v["key"],
                defaults={
                    "level": level,
                    "text_ja": v["ja"],
                    "text_en": v["en"],
                    "order": order,
                    "provenance": _marked(v)["provenance"],
                },
            )
            keep.append(variant.pk)
    control.variants.exclude(pk__in=keep).delete()
    return control
