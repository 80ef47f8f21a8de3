"""Asset ledger API (with the platform policies): assets read and written through the same
selectors and services as the pages; classification levels read-only."""

from rest_framework import mixins

from ume.core.api.permissions import PolicyPermission, RecordWritePermission
from ume.core.api.views import OrgViewSet, ServiceWriteMixin

from .. import selectors, services
from ..filters import AssetFilter, RetentionRuleFilter
from ..models import Asset, ClassificationLevel, RetentionRule
from ..permissions import ADD_ASSET, CHANGE_ASSET, VIEW_ASSET, VIEW_RETENTION
from .serializers import (
    AssetSerializer,
    ClassificationLevelSerializer,
    RetentionRuleSerializer,
)


class AssetViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OrgViewSet,
):
    """Information assets (情報資産台帳). Filters as on the ledger page (``q``, ``scope``,
    ``asset_type``, ``classification``, ``importance``, ``owner``, ``status`` …)."""

    serializer_class = AssetSerializer
    filterset_class = AssetFilter
    permission_classes = [RecordWritePermission]  # owners edit their own assets
    permission_required = VIEW_ASSET
    write_permission_required = CHANGE_ASSET
    model = Asset

    def get_permissions(self):
        if self.action == "create":
            self.write_permission_required = ADD_ASSET
        return super().get_permissions()

    def select(self):
        return (
            selectors.asset_list(actor=self.request.user, organisation=self.organisation)
            .prefetch_related("measures", "retention_rules")
            .order_by("pk")
        )

    def create_service(self, data):
        scope = data.pop("scope")
        return services.asset_create(actor=self.request.user, scope=scope, data=data)

    def update_service(self, asset, data, version):
        return services.asset_update(
            actor=self.request.user, asset=asset, data=data, version=version
        )


class ClassificationLevelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """The organization's 機密区分 (classification levels), most confidential first."""

    serializer_class = ClassificationLevelSerializer
    permission_required = VIEW_ASSET
    model = ClassificationLevel

    def select(self):
        return selectors.classification_levels(self.organisation)


class OrganisationReadPermission(PolicyPermission):
    """Built-in rules belong to no organization, so a rule is checked on the organization;
    the selector already holds only the built-in rules and the organization's own."""

    def has_object_permission(self, request, view, obj) -> bool:
        return self.has_permission(request, view)


class RetentionRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """Retention rules: the built-in statutory ones (with law, article and source) and the
    organization's own, each with its choice between 本則 and 経過措置 (``state``:
    ``needs_choice`` until made). Filters as on the page (``q``, ``kind``, ``event_type``,
    ``state``, ``used``)."""

    serializer_class = RetentionRuleSerializer
    filterset_class = RetentionRuleFilter
    permission_classes = [OrganisationReadPermission]
    permission_required = VIEW_RETENTION
    model = RetentionRule

    def select(self):
        return selectors.retention_rule_list(
            actor=self.request.user, organisation=self.organisation
        )
