"""The platform's own reminder kinds: a membership that ends on a set date (an external
auditor's read-only access, issue: notifications)."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ume.core import selectors as core_selectors
from ume.core.permissions import VIEW_MEMBERSHIP
from ume.core.policies import OrganisationWide

from . import kinds

MEMBERSHIP_EXPIRY = "core.membership_expiry"
EXPIRY_LEAD_DAYS = (14, 7, 1)


def _expiring(organisation, today: date):
    # Every access with an end date still to come (the organisation may lengthen lead times).
    for membership in core_selectors.expiring_memberships(organisation=organisation, today=today):
        yield kinds.DueItem(
            record=membership,
            due=membership.valid_until,
            title=str(membership.user),
        )


kinds.register(
    kinds.ReminderKind(
        code=MEMBERSHIP_EXPIRY,
        label=_("Account access ends"),
        module=_("Users and roles"),
        help_text=_(
            "A member's access that ends on a set date, such as an external auditor's: "
            "extend it or let it lapse."
        ),
        due_items=_expiring,
        permission=VIEW_MEMBERSHIP,
        permission_object=lambda membership: OrganisationWide(membership.organisation_id),
        url=lambda membership: reverse("core:member_detail", args=[membership.user_id]),
        lead_days=EXPIRY_LEAD_DAYS,
        overdue_every=None,  # the access has ended: one notice on the last day is enough
        recipients=(kinds.ADMINISTRATORS, kinds.SECRETARIAT),
    )
)
