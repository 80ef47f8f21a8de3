"""Reads of measures and evidence files, limited to what the actor may see."""

from django.db.models import Prefetch, Q, QuerySet

from ume.catalogue.selectors import control_titles
from ume.core.models import Organisation, Scope
from ume.core.policies import can
from ume.core.roles import visible_scope_ids

from .models import EvidenceFile, Measure
from .permissions import VIEW_EVIDENCE, VIEW_MEASURE

# What a list of measures shows (table, API, choices): never the owner's password hash or the
# rest of the user row, and no aggregate (grouping every measure before LIMIT is slow).
LIST_FIELDS = (
    *(f.attname for f in Measure._meta.concrete_fields),
    "owner__full_name",
    "owner__email",
    "scope__name",
)


def measure_list(
    *, actor, organisation: Organisation, scope: Scope | None = None
) -> QuerySet[Measure]:
    """The organisation's measures the actor may see (a measure without a scope belongs to
    every scope); ``scope`` narrows to those that apply to one scope."""
    if not can(actor, VIEW_MEASURE, organisation):
        return Measure.objects.none()
    qs = Measure.objects.filter(organisation=organisation)
    visible = visible_scope_ids(actor, organisation.pk)
    if visible is not None:
        qs = qs.filter(Q(scope__isnull=True) | Q(scope__in=visible))
    if scope is not None:
        qs = qs.filter(Q(scope__isnull=True) | Q(scope=scope))
    return (
        qs.select_related("owner", "scope")
        .only(*LIST_FIELDS)
        .prefetch_related(Prefetch("controls", queryset=control_titles()))
        .order_by("title")
    )


def with_control_lists(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    """``measure_list``'s measures with their controls as a plain list (``control_list``)
    instead of the prefetched manager: a table of 50 rows reads them without building a
    related manager per row (a tenth of the list page's time)."""
    return measures.prefetch_related(None).prefetch_related(
        Prefetch("controls", queryset=control_titles(), to_attr="control_list")
    )


def measure_summaries() -> QuerySet[Measure]:
    """Measures with only what a list of linked measures shows (for another app's prefetch,
    after it has limited the records that link them)."""
    return Measure.objects.only("id", "title", "status", "version")


def evidence_summaries() -> QuerySet[EvidenceFile]:
    """Evidence files with only what a list of linked files shows (as above)."""
    return EvidenceFile.objects.only("id", "name", "sha256", "size")


def evidence_get(*, actor, organisation: Organisation, pk: int) -> EvidenceFile | None:
    """One evidence file of the organisation, if the actor may see its scope."""
    evidence = EvidenceFile.objects.filter(pk=pk, organisation=organisation).first()
    if evidence is None or not can_view_evidence(actor, evidence):
        return None
    return evidence


def can_view_evidence(actor, evidence: EvidenceFile) -> bool:
    return can(actor, VIEW_EVIDENCE, evidence.scope or evidence.organisation)
