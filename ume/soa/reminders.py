"""The SoA's reminder: 改訂推奨 (revision recommended). Once the newest approved version no
longer matches what it covered (rows edited, linked measures changed, evidence added), the
ISMS 事務局 is reminded on the day of the first change and every 14 days until a new version
is approved (ISO/IEC 27001 6.1.3 d, 7.5.2: the SoA is kept current and reviewed)."""

from datetime import date, datetime

from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ume.measures.selectors import evidence_summaries
from ume.notifications import kinds

from .domain import changes_since
from .models import SoAVersion, StatementOfApplicability
from .permissions import VIEW_SOA

REVISION = "soa.revision_recommended"


def changed_since_approval(soa: StatementOfApplicability, version: SoAVersion) -> datetime | None:
    """When the SoA first moved away from ``version``: the earliest row edit that still differs,
    measure change or new evidence after its approval; None while it matches."""
    after = version.approved_at
    moments = []
    changed_refs = list(changes_since(version, soa))
    if changed_refs:
        moments.append(
            soa.rows.filter(control__ref__in=changed_refs, updated_at__gt=after).aggregate(
                first=Min("updated_at")
            )["first"]
        )
    moments.append(
        version.measures.filter(updated_at__gt=after).aggregate(first=Min("updated_at"))["first"]
    )
    moments.append(
        evidence_summaries()
        .filter(Q(measures__soa_versions=version) | Q(soa_rows__soa=soa), created_at__gt=after)
        .aggregate(first=Min("created_at"))["first"]
    )
    found = [m for m in moments if m is not None]
    if found:
        return min(found)
    return after if changed_refs else None


def _revisions_due(organisation, today: date):
    soas = StatementOfApplicability.objects.filter(organisation=organisation).select_related(
        "scope"
    )
    for soa in soas.order_by("pk"):
        version = soa.versions.order_by("-number").first()
        if version is None:
            continue
        since = changed_since_approval(soa, version)
        if since is not None:
            yield kinds.DueItem(record=soa, due=timezone.localdate(since), title=soa.scope.name)


def register() -> None:
    kinds.register(
        kinds.ReminderKind(
            code=REVISION,
            label=_("Revision recommended"),
            module=_("Statement of Applicability"),
            help_text=_(
                "The Statement of Applicability changed after its newest approved version: "
                "review the changes and approve a new version."
            ),
            due_items=_revisions_due,
            permission=VIEW_SOA,
            permission_object=lambda soa: soa.scope,
            url=lambda soa: reverse("soa:detail", args=[soa.scope_id]),
            lead_days=(),
            overdue_every=14,
            recipients=(kinds.SECRETARIAT,),
        )
    )
