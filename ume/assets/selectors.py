"""Reads of the asset ledger, limited to what the actor may see."""

from django.db.models import QuerySet

from ume.core.models import Organisation, Scope
from ume.core.policies import can
from ume.core.roles import visible_scope_ids

from .models import Asset, ClassificationLevel, LedgerSettings
from .permissions import VIEW_ASSET

# What a list of assets shows (table, API, export): never the owner's password hash or the
# rest of the user row.
LIST_FIELDS = (
    *(f.attname for f in Asset._meta.concrete_fields),
    "owner__full_name",
    "owner__email",
    "scope__name",
    "department__name",
    "classification__name_ja",
    "classification__name_en",
    "classification__rank",
)


def asset_list(*, actor, organisation: Organisation, scope: Scope | None = None) -> QuerySet[Asset]:
    """The organization's assets in the scopes the actor may see (``scope``: one of them)."""
    if not can(actor, VIEW_ASSET, organisation):
        return Asset.objects.none()
    qs = Asset.objects.filter(organisation=organisation)
    visible = visible_scope_ids(actor, organisation.pk)
    if visible is not None:
        qs = qs.filter(scope__in=visible)
    if scope is not None:
        qs = qs.filter(scope=scope)
    return (
        qs.select_related("owner", "scope", "department", "classification")
        .only(*LIST_FIELDS)
        .order_by("ref")
    )


def classification_levels(organisation: Organisation) -> QuerySet[ClassificationLevel]:
    return ClassificationLevel.objects.filter(organisation=organisation).order_by("rank", "pk")


def ledger_settings(organisation: Organisation) -> LedgerSettings:
    """The organization's settings (the defaults, unsaved, when it has none yet)."""
    found = LedgerSettings.objects.filter(organisation=organisation).first()
    return found or LedgerSettings(organisation=organisation)
