"""棚卸し reports: progress per department, and the report (xlsx, pdf) kept as evidence of 5.9:
the campaign, each department's answers, then every asset's answer."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ume.core.exports import Table, write_xlsx

from .choices import CheckResult
from .models import InventoryCampaign, InventoryCheck

RESULTS = (CheckResult.CONFIRMED, CheckResult.CORRECTED, CheckResult.NOT_FOUND)


@dataclass
class Progress:
    department: str
    total: int
    confirmed: int
    corrected: int
    not_found: int

    @property
    def answered(self) -> int:
        return self.confirmed + self.corrected + self.not_found

    @property
    def pending(self) -> int:
        return self.total - self.answered

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


def progress(campaign: InventoryCampaign) -> tuple[list[Progress], Progress]:
    """Answers per department (by name; no department last) and for the whole campaign."""
    counts = {r: Count("pk", filter=Q(result=r)) for r in RESULTS}
    rows = (
        InventoryCheck.objects.filter(campaign=campaign)
        .values("department__name")
        .annotate(total=Count("pk"), **counts)
        .order_by("department__name")
    )
    per = [
        Progress(r["department__name"] or _("No department"), r["total"], *(r[k] for k in RESULTS))
        for r in sorted(rows, key=lambda r: (r["department__name"] is None, r["department__name"]))
    ]
    total = Progress(_("Total"), *(sum(getattr(p, f) for p in per) for f in RESULTS_FIELDS))
    return per, total


RESULTS_FIELDS = ("total", "confirmed", "corrected", "not_found")
PROGRESS_HEADERS = [
    gettext_lazy("department"),
    gettext_lazy("assets"),
    gettext_lazy("Confirmed as registered"),
    gettext_lazy("Corrected"),
    gettext_lazy("Not found"),
    gettext_lazy("Not checked yet"),
    gettext_lazy("answered (%)"),
]
CHECK_HEADERS = [
    gettext_lazy("asset number"),
    gettext_lazy("asset name"),
    gettext_lazy("department"),
    gettext_lazy("asset owner"),
    gettext_lazy("result"),
    gettext_lazy("fields corrected"),
    gettext_lazy("note"),
    gettext_lazy("answered by"),
    gettext_lazy("answered at"),
]


def checks_of(campaign: InventoryCampaign):
    return (
        InventoryCheck.objects.filter(campaign=campaign)
        .select_related("asset", "department", "owner", "checked_by")
        .order_by("department__name", "asset__ref")
    )


def _person(user) -> str:
    return (user.full_name or user.email) if user is not None else ""


def check_rows(campaign: InventoryCampaign):
    from .models import Asset

    results = dict(CheckResult.choices)
    labels = {
        f.name: str(f.verbose_name) for f in Asset._meta.get_fields() if hasattr(f, "verbose_name")
    }
    for c in checks_of(campaign).iterator(chunk_size=1000):
        yield [
            c.asset.ref,
            c.asset.name,
            c.department.name if c.department_id else "",
            _person(c.owner),
            str(results.get(c.result, c.result)),
            "、".join(labels.get(f, f) for f in c.changed_fields),
            c.note,
            _person(c.checked_by),
            c.checked_at,
        ]


def progress_rows(campaign: InventoryCampaign):
    per, total = progress(campaign)
    return [
        [p.department, p.total, p.confirmed, p.corrected, p.not_found, p.pending, p.percent]
        for p in (*per, total)
    ]


def report_meta(campaign: InventoryCampaign) -> dict[str, str]:
    return {
        str(gettext_lazy("inventory review")): campaign.name,
        str(gettext_lazy("ISMS scope")): campaign.scope.name,
        str(gettext_lazy("started on")): campaign.started_on.strftime("%Y/%m/%d"),
        str(gettext_lazy("answer by")): campaign.due_on.strftime("%Y/%m/%d"),
        str(gettext_lazy("closed at")): (
            timezone.localtime(campaign.closed_at).strftime("%Y/%m/%d %H:%M")
            if campaign.closed_at
            else pgettext_lazy("inventory", "Open")
        ),
    }


def report_tables(campaign: InventoryCampaign) -> list[Table]:
    return [
        Table(
            title=_("Progress by department"),
            headers=[str(h) for h in PROGRESS_HEADERS],
            rows=progress_rows(campaign),
        ),
        Table(
            title=_("Answers"),
            headers=[str(h) for h in CHECK_HEADERS],
            rows=check_rows(campaign),
        ),
    ]


def report_xlsx(campaign: InventoryCampaign) -> bytes:
    return write_xlsx(
        report_tables(campaign),
        meta=report_meta(campaign),
        meta_title=_("Inventory review"),
    )


def report_pdf(campaign: InventoryCampaign) -> bytes:
    from ume.core.exports import render_pdf_template

    per, total = progress(campaign)
    return render_pdf_template(
        "assets/pdf/inventory.html",
        {
            "title": _("Inventory review report"),
            "organisation": campaign.organisation.name,
            "subtitle": campaign.name,
            "meta": list(report_meta(campaign).items()),
            "progress_headers": PROGRESS_HEADERS,
            "progress": [*per, total],
            "check_headers": CHECK_HEADERS,
            "checks": [
                [
                    *row[:-1],
                    timezone.localtime(row[-1]).strftime("%Y/%m/%d %H:%M") if row[-1] else "",
                ]
                for row in check_rows(campaign)
            ],
        },
    )
