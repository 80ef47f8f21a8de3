"""Reminders of retention: a batch whose first item reaches its 保存期限 (its owner and the ISMS
事務局 are told 30, 7 and 1 days before, then every 14 days until the items are deleted or
held), and a hold (保留) whose review day comes (its owner and the 事務局)."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ume.notifications import kinds

from .models import RetentionBatch, RetentionItem
from .permissions import VIEW_ASSET

DUE = "assets.retention_due"
HOLD_REVIEW = "assets.retention_hold_review"


def _batches_due(organisation, today: date):
    batches = RetentionBatch.objects.filter(
        organisation=organisation, first_due__isnull=False
    ).select_related("asset", "asset__owner", "asset__department")
    for batch in batches.order_by("first_due", "pk"):
        yield kinds.DueItem(
            record=batch,
            due=batch.first_due,
            title=batch.label,
            owner=batch.asset.owner,
            department=batch.asset.department,
        )


def _holds_to_review(organisation, today: date):
    items = RetentionItem.objects.filter(
        organisation=organisation, held=True, hold_review_on__isnull=False
    ).select_related("batch", "batch__asset", "subject", "hold_owner")
    for item in items.order_by("hold_review_on", "pk"):
        yield kinds.DueItem(
            record=item,
            due=item.hold_review_on,
            # A leaver is named by number: the title reaches roles that may not see names.
            title=f"{item.batch.label} / {item.subject.label(False)}",
            owner=item.hold_owner,
        )


def register() -> None:
    kinds.register(
        kinds.ReminderKind(
            code=DUE,
            label=_("Retention period ends"),
            module=_("Retention and deletion"),
            help_text=_(
                "Records of a batch reach the last day they are kept: delete them (or put "
                "them on hold) once the day has passed."
            ),
            due_items=_batches_due,
            permission=VIEW_ASSET,
            permission_object=lambda batch: batch.asset,
            url=lambda batch: reverse("assets:retention_batch_detail", args=[batch.pk]),
            lead_days=(30, 7, 1),
            overdue_every=14,
            recipients=(kinds.OWNER, kinds.SECRETARIAT),
        )
    )
    kinds.register(
        kinds.ReminderKind(
            code=HOLD_REVIEW,
            label=_("Hold to review"),
            module=_("Retention and deletion"),
            help_text=_(
                "A hold that suspends the deletion of records reaches its review day: keep it "
                "with a new review day, or release it."
            ),
            due_items=_holds_to_review,
            permission=VIEW_ASSET,
            permission_object=lambda item: item.batch.asset,
            url=lambda item: reverse("assets:retention_batch_detail", args=[item.batch_id]),
            lead_days=(7,),
            overdue_every=7,
            recipients=(kinds.OWNER, kinds.SECRETARIAT),
        )
    )
