"""Template helpers of the catalogue: localised data pairs, provenance and level badges."""

from functools import cache
from pathlib import Path

import yaml
from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..choices import Level
from ..models import pick

register = template.Library()
SOURCES = Path(__file__).resolve().parent.parent / "reference" / "sources.yaml"


@cache
def _sources() -> dict:
    return yaml.safe_load(SOURCES.read_text(encoding="utf-8"))["sources"]


@register.filter
def tr(pair) -> str:
    """The active language's text of a ``{"ja": …, "en": …}`` pair."""
    return pick(pair)


@register.simple_tag
def provenance(prov) -> str:
    """A subtle note saying where a guidance item comes from."""
    if not prov:
        return ""
    kind = prov.get("kind")
    if kind == "seed":
        source = pick(_sources().get(str(prov.get("seed")), {}))
        text = _("Source: {source} — {heading}").format(
            source=source, heading=prov.get("heading", "")
        )
        short = _("Source document")
    elif kind == "proposal":
        text = _("Proposal {ref} of the Japan ISMS User Group to ISO/IEC 27002").format(
            ref=prov.get("proposal")
        )
        short = _("User group proposal")
    else:
        text = _("Written by Ume (not from a source document)")
        short = _("Ume")
    return format_html('<span class="ume-provenance" title="{}">{}</span>', text, short)


LEVEL_CLASSES = {
    Level.UME: "ume-level-ume",
    Level.TAKE: "ume-level-take",
    Level.MATSU: "ume-level-matsu",
}
LEVEL_MARKS = {Level.UME: "梅", Level.TAKE: "竹", Level.MATSU: "松"}


@register.simple_tag
def level_badge(level: str) -> str:
    if not level:
        return ""
    return format_html(
        '<span class="badge {}" title="{}">{}</span>',
        LEVEL_CLASSES[level],
        Level(level).label,
        LEVEL_MARKS[level],
    )
