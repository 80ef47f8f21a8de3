"""Catalogue reads. The catalogue is reference data shared by every organisation; a member of
any organisation may read it (the policy still requires a membership)."""

from django.db.models import Prefetch, Q, QuerySet

from ume.core.policies import can

from . import search
from .models import AttributeValue, Control, LevelVariant
from .permissions import VIEW_CONTROL

# Guidance a list of rows never shows: JSON decoded for each of 93 rows otherwise (about half
# of the SoA page's time). Deferred where controls are joined into row lists.
GUIDANCE_FIELDS = (
    "measures",
    "information_examples",
    "notes",
    "level_titles",
    "recommendation",
    "provenance",
    "procedure_provenance",
    "maps_from_2013",
    "aliases_ja",
    "keywords_ja",
    "keywords_en",
    "search_ja",
    "search_en",
    "terms",
)


def without_guidance(prefix: str = "") -> list[str]:
    """Field paths to ``defer()`` for controls reached through ``prefix`` (e.g. "control__")."""
    return [prefix + name for name in GUIDANCE_FIELDS]


def control_titles() -> QuerySet[Control]:
    """Controls with what a badge or a list shows (number and titles), for another app's
    prefetch; the guidance stays in the database."""
    return Control.objects.only("id", "ref", "sort_key", "theme", "title_ja", "title_en")


def control_list(
    *,
    actor,
    organisation,
    query: str = "",
    theme: str = "",
    attribute_values: list[int] | None = None,
    new_in_2022: bool | None = None,
) -> QuerySet[Control]:
    if not can(actor, VIEW_CONTROL, organisation):
        return Control.objects.none()
    qs = Control.objects.all().prefetch_related(
        Prefetch("attribute_values", queryset=AttributeValue.objects.order_by("attribute", "order"))
    )
    if theme:
        qs = qs.filter(theme=theme)
    if new_in_2022 is not None:
        qs = qs.filter(new_in_2022=new_in_2022)
    for value in attribute_values or []:
        qs = qs.filter(attribute_values=value)
    if query.strip():
        lang, terms = search.query_terms(query)
        if not terms:
            return qs.none()
        fields = ["search_ja"] if lang == "ja" else ["search_en", "search_ja"]
        condition = Q()
        for field in fields:  # every term in one of the indexed texts
            condition |= Q(*[Q(**{f"{field}__contains": term}) for term in terms])
        qs = qs.filter(condition)
    return qs.order_by("sort_key")


def control_get(*, actor, organisation, ref: str) -> Control | None:
    if not can(actor, VIEW_CONTROL, organisation):
        return None
    return (
        Control.objects.filter(ref=ref)
        .prefetch_related(
            "attribute_values",
            "sources_2013",
            "proposals",
            Prefetch("variants", queryset=LevelVariant.objects.order_by("order")),
        )
        .first()
    )
