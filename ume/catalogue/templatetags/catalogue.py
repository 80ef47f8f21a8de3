"""Template helpers of the catalogue: localised data pairs, provenance and level badges."""

from django import template

from ume.core.html import html

from .. import provenance as marks
from ..choices import Level
from ..models import pick

register = template.Library()


@register.filter
def tr(pair) -> str:
    """The active language's text of a ``{"ja": …, "en": …}`` pair."""
    return pick(pair)


@register.simple_tag
def provenance(prov, proposals=None) -> str:
    """The mark saying where one guidance item comes from; the full note in its title."""
    proposal = (proposals or {}).get((prov or {}).get("proposal"))
    return html(
        '<span class="ume-provenance ume-provenance-{}" title="{}">{}</span>',
        marks.kind(prov),
        marks.describe(prov, proposal),
        marks.label(prov, proposal),
    )


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
    return html(
        '<span class="badge {}" title="{}">{}</span>',
        LEVEL_CLASSES[level],
        Level(level).label,
        LEVEL_MARKS[level],
    )
