"""SoA reads, limited to what the actor may see."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ume.catalogue.choices import LEVEL_RANK, Theme
from ume.core.models import Scope
from ume.core.policies import can
from ume.measures.selectors import evidence_summaries

from .domain import loaded_rows
from .models import SoARow, SoAVersion, StatementOfApplicability
from .permissions import VIEW_SOA


def soa_get(*, actor, scope: Scope) -> StatementOfApplicability | None:
    if not can(actor, VIEW_SOA, scope):
        return None
    return (
        StatementOfApplicability.objects.filter(scope=scope)
        .select_related("scope", "organisation")
        .first()
    )


def soa_row_list(*, actor, soa: StatementOfApplicability) -> QuerySet[SoARow]:
    if not can(actor, VIEW_SOA, soa.scope):
        return SoARow.objects.none()
    return loaded_rows(soa).annotate(measure_count=measure_count())


def measure_count() -> Coalesce:
    """The number of measures linked to a row, as a subquery: a join with GROUP BY over every
    column of the row and its control cost a third of a second once rows had hundreds of
    measures."""
    links = (
        SoARow.measures.through.objects.filter(soarow=OuterRef("pk"))
        .order_by()
        .values("soarow")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(links), 0)


def filter_rows(
    rows: QuerySet[SoARow],
    *,
    theme: str = "",
    status: str = "",
    applicable: str = "",
    gap: str = "",
    q: str = "",
) -> QuerySet[SoARow]:
    if theme:
        rows = rows.filter(control__theme=theme)
    if status:
        rows = rows.filter(status=status)
    if applicable in ("1", "0"):
        rows = rows.filter(applicable=applicable == "1")
    if gap == "level":
        rows = rows.filter(applicable=True).filter(_below_target())
    elif gap == "no_measure":
        rows = rows.filter(applicable=True, measure_count=0)
    elif gap == "no_procedure":
        rows = rows.filter(applicable=True, procedure="")
    elif gap == "no_reason":
        rows = rows.filter(applicable=True, reasons=[])
    elif gap == "review":
        rows = rows.exclude(review_note="")
    if q.strip():
        from ume.catalogue import search

        lang, terms = search.query_terms(q)
        field_name = "control__search_ja" if lang == "ja" else "control__search_en"
        rows = (
            rows.filter(*[Q(**{f"{field_name}__contains": t}) for t in terms])
            if terms
            else rows.none()
        )
    return rows


def _below_target() -> Q:
    """current_level ranks below target_level (梅 < 竹 < 松; no level is below all)."""
    condition = Q()
    for target, rank in LEVEL_RANK.items():
        lower = [lvl for lvl, r in LEVEL_RANK.items() if r < rank] + [""]
        condition |= Q(target_level=target, current_level__in=lower)
    return condition


@dataclass
class GapSummary:
    themes: list[dict] = field(default_factory=list)
    total_applicable: int = 0
    below_target: int = 0
    without_measure: int = 0
    without_procedure: int = 0
    without_reason: int = 0  # included with no reason for inclusion: approval is refused
    by_status: dict = field(default_factory=dict)
    needs_review: int = 0  # rows marked 要確認 (e.g. after a 2013 migration)


def gap_summary(*, actor, soa: StatementOfApplicability) -> GapSummary:
    """Counts per theme of controls below their target level, and of applicable controls
    without a measure or a procedure (one aggregate query)."""
    rows = soa_row_list(actor=actor, soa=soa)
    below = set(rows.filter(applicable=True).filter(_below_target()).values_list("pk", flat=True))
    summary = GapSummary()
    per_theme: dict[str, Counter] = {t: Counter() for t in Theme.values}
    status_counts: Counter = Counter()
    for pk, theme, applicable, count, procedure, status, review, reasons in rows.values_list(
        "pk",
        "control__theme",
        "applicable",
        "measure_count",
        "procedure",
        "status",
        "review_note",
        "reasons",
    ):
        c = per_theme[theme]
        c["total"] += 1
        status_counts[status] += 1
        summary.needs_review += bool(review)
        if not applicable:
            c["excluded"] += 1
            continue
        c["applicable"] += 1
        c["below"] += pk in below
        c["no_measure"] += count == 0
        c["no_procedure"] += not procedure
        summary.without_reason += not reasons
    for value, label in Theme.choices:
        c = per_theme[value]
        summary.themes.append(
            {
                "theme": value,
                "label": label,
                **{
                    k: c[k]
                    for k in (
                        "total",
                        "applicable",
                        "excluded",
                        "below",
                        "no_measure",
                        "no_procedure",
                    )
                },
            }
        )
        summary.total_applicable += c["applicable"]
        summary.below_target += c["below"]
        summary.without_measure += c["no_measure"]
        summary.without_procedure += c["no_procedure"]
    summary.by_status = dict(status_counts)
    return summary


def soa_version_list(*, actor, soa: StatementOfApplicability) -> QuerySet[SoAVersion]:
    if not can(actor, VIEW_SOA, soa.scope):
        return SoAVersion.objects.none()
    return (
        soa.versions.select_related("approved_by")
        .annotate(stale=stale_condition())
        .order_by("-number")
    )


def stale_condition():
    """True when a measure or evidence the version covered changed after its approval
    (改訂推奨: revision recommended)."""
    changed_measure = SoAVersion.measures.through.objects.filter(
        soaversion=OuterRef("pk"), measure__updated_at__gt=OuterRef("approved_at")
    )
    new_evidence = evidence_summaries().filter(
        Q(measures__soa_versions=OuterRef("pk")) | Q(soa_rows__soa__versions=OuterRef("pk")),
        created_at__gt=OuterRef("approved_at"),
    )
    return Exists(changed_measure) | Exists(new_evidence)
