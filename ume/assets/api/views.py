"""Asset ledger API (with the platform policies): assets read and written through the same
selectors and services as the pages; classification levels read-only."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ume.core.api.permissions import PolicyPermission, RecordWritePermission
from ume.core.api.views import OrgViewSet, ServiceWriteMixin

from .. import selectors, services
from ..choices import EventSource
from ..filters import (
    AssetFilter,
    DeletionRecordFilter,
    RemovalFilter,
    RetentionBatchFilter,
    RetentionEventFilter,
    RetentionRuleFilter,
)
from ..models import (
    Asset,
    ClassificationLevel,
    DeletionRecord,
    EquipmentRemoval,
    RetentionBatch,
    RetentionEvent,
    RetentionItem,
    RetentionRule,
)
from ..permissions import ADD_ASSET, CHANGE_ASSET, MANAGE_RETENTION, VIEW_ASSET, VIEW_RETENTION
from .serializers import (
    AssetSerializer,
    ClassificationLevelSerializer,
    DeletionRecordSerializer,
    EquipmentRemovalSerializer,
    RetentionBatchSerializer,
    RetentionEventCreateSerializer,
    RetentionEventSerializer,
    RetentionItemSerializer,
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


class NamesMixin:
    @property
    def may_see_names(self) -> bool:
        return selectors.may_see_names(self.request.user, self.organisation)


class RetentionEventViewSet(
    NamesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    OrgViewSet,
):
    """Retention events (退職日, 契約終了日 …) the dates count from, newest first. Filters as on
    the page (``q``, ``event_type``, ``source``, ``state``). POST records an event another
    system reports (source ``api``): the same subject and kind again corrects its date."""

    serializer_class = RetentionEventSerializer
    filterset_class = RetentionEventFilter
    permission_required = VIEW_RETENTION
    write_permission_required = MANAGE_RETENTION
    model = RetentionEvent

    def get_serializer_class(self):
        return (
            RetentionEventCreateSerializer
            if self.action == "create"
            else super().get_serializer_class()
        )

    def create(self, request, *args, **kwargs):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            event = services.retention_event_record(
                actor=request.user,
                organisation=self.organisation,
                source=EventSource.API,
                subject=data["subject"],
                event_type=data["event_type"],
                date=data["date"],
                assets=list(data.get("assets") or []) or None,
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages) from exc
        body = RetentionEventSerializer(event, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def select(self):
        return selectors.retention_event_list(
            actor=self.request.user, organisation=self.organisation
        )


class RetentionBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """The due list: batches of retained items by record and fiscal year, with their first and
    last 保存期限. Filters as on the page (``q``, ``due``, ``held``, ``owner``, ``event_type``,
    ``fiscal_year``)."""

    serializer_class = RetentionBatchSerializer
    filterset_class = RetentionBatchFilter
    permission_required = VIEW_RETENTION
    model = RetentionBatch

    def select(self):
        return selectors.retention_batch_list(
            actor=self.request.user, organisation=self.organisation
        )


class RetentionItemViewSet(
    NamesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet
):
    """Retained items (one subject's records of one kind) with their 起算日, 保存期限, the rule
    that set it and each rule's own date (``basis``); ``?batch=ID`` lists one batch."""

    serializer_class = RetentionItemSerializer
    permission_required = VIEW_RETENTION
    model = RetentionItem

    def select(self):
        batches = selectors.retention_batch_list(
            actor=self.request.user, organisation=self.organisation
        )
        items = RetentionItem.objects.filter(batch__in=batches.values("pk")).select_related(
            "subject"
        )
        batch = self.request.query_params.get("batch", "")
        if batch.isdigit() and len(batch) < 18:
            items = items.filter(batch_id=int(batch))
        return items.order_by("keep_until", "pk")


class DeletionRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """Deletion records (消去記録, A.8.10): ids and counts, the certificate's name and SHA-256.
    Filters as on the page (``q``, ``method``, ``deleted_from``, ``deleted_to``,
    ``certificate``)."""

    serializer_class = DeletionRecordSerializer
    filterset_class = DeletionRecordFilter
    permission_required = VIEW_RETENTION
    model = DeletionRecord

    def select(self):
        return selectors.deletion_record_list(
            actor=self.request.user, organisation=self.organisation
        )


class EquipmentRemovalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """Equipment removals (持出, A.7.13): who approved them and when, and how each ended.
    Filters as on the page (``q``, ``status``, ``purpose``, ``overdue=overdue``, ``out_from``,
    ``out_to``)."""

    serializer_class = EquipmentRemovalSerializer
    filterset_class = RemovalFilter
    permission_required = VIEW_ASSET
    model = EquipmentRemoval

    def select(self):
        return selectors.removal_list(actor=self.request.user, organisation=self.organisation)
