"""A measure's mapping to controls, followed by the SoA: a measure mapped to a control is on
that control's row in the SoA of every scope it applies to (its own scope, or every scope for
an organisation-wide measure); unmapped, or moved to another scope, it leaves the rows it no
longer applies to. Registered as a hook of ``ume.measures``' services, so it runs inside the
measure service's transaction, audited as changes of the rows."""

from django.db.models import F
from django.utils import timezone

from ume.measures.models import Measure

from .models import SoARow


def follow_measure_mapping(measure: Measure, added: set[int], removed: set[int]) -> None:
    rows = SoARow.objects.filter(organisation_id=measure.organisation_id)
    leave = rows.filter(measures=measure, control_id__in=removed)
    if measure.scope_id is not None:
        leave = leave | rows.filter(measures=measure).exclude(scope_id=measure.scope_id)
        rows = rows.filter(scope_id=measure.scope_id)
    join = rows.filter(control_id__in=added).exclude(measures=measure)
    changed = []
    for row in join.order_by("pk"):
        row.measures.add(measure)
        changed.append(row.pk)
    for row in leave.distinct().order_by("pk"):
        row.measures.remove(measure)
        changed.append(row.pk)
    # A user editing one of these rows saw the old measures: their save is refused as stale.
    SoARow.objects.filter(pk__in=changed).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
