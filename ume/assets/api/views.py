"""Asset ledger API (with the platform policies): assets read and written through the same
selectors and services as the pages; classification levels read-only."""

from rest_framework import mixins

from ume.core.api.permissions import RecordWritePermission
from ume.core.api.views import OrgViewSet, ServiceWriteMixin

from .. import selectors, services
from ..filters import AssetFilter
from ..models import Asset, ClassificationLevel
from ..permissions import ADD_ASSET, CHANGE_ASSET, VIEW_ASSET
from .serializers import AssetSerializer, ClassificationLevelSerializer


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
            .prefetch_related("measures")
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
