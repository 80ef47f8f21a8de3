"""Asset ledger API serializers. Writes go through services; ``version`` guards edits (409)."""

from django.db.models import Q
from django.utils import timezone
from rest_framework import serializers

from ume.core.api.fields import OrganisationRelatedField
from ume.core.models import Department, Scope, User
from ume.core.validators import SINGLE_LINE
from ume.measures.models import Measure

from .. import endpoints, retention
from ..choices import EventType
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


class RetentionRuleField(OrganisationRelatedField):
    """A built-in retention rule or one of the organization's own."""

    def get_queryset(self):
        view = self.context.get("view")
        organisation = getattr(view, "organisation", None) if view is not None else None
        if organisation is None:
            return RetentionRule.objects.none()
        return RetentionRule.objects.filter(
            Q(organisation__isnull=True) | Q(organisation=organisation)
        )


class AssetSerializer(serializers.ModelSerializer):
    scope = OrganisationRelatedField(queryset=Scope.objects.all())
    owner = OrganisationRelatedField(
        queryset=User.objects.all(),
        organisation_path="memberships__organisation",
        required=False,
        allow_null=True,
    )
    department = OrganisationRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    classification = OrganisationRelatedField(
        queryset=ClassificationLevel.objects.all(), required=False, allow_null=True
    )
    measures = OrganisationRelatedField(queryset=Measure.objects.all(), many=True, required=False)
    retention_rules = RetentionRuleField(
        queryset=RetentionRule.objects.all(), many=True, required=False
    )
    byod_approved_by = OrganisationRelatedField(
        queryset=User.objects.all(),
        organisation_path="memberships__organisation",
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Asset
        fields = [
            "id",
            "ref",
            "name",
            "scope",
            "asset_type",
            "owner",
            "department",
            "location",
            "storage_detail",
            "media_format",
            "classification",
            "confidentiality",
            "integrity",
            "availability",
            "importance",
            "personal_info",
            "sensitive_personal_info",
            "my_number",
            "holder",
            "measures",
            "retention_rules",
            "status",
            "last_reviewed_on",
            "notes",
            # Endpoint items (8.1, 6.7): checked by the services as on the asset's page.
            *endpoints.FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "importance", "created_at", "updated_at"]
        extra_kwargs = {
            "version": {"read_only": False, "required": False},
            "ref": {"required": False, "allow_blank": True},
        }


class ClassificationLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassificationLevel
        fields = ["id", "rank", "name_ja", "name_en", "handling", "provenance"]
        read_only_fields = fields


class RetentionRuleSerializer(serializers.ModelSerializer):
    builtin = serializers.BooleanField(source="is_builtin", read_only=True)
    use_transitional = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="The organization's choice; null until it chooses (要選択).",
    )
    state = serializers.SerializerMethodField()

    class Meta:
        model = RetentionRule
        fields = [
            "id",
            "code",
            "builtin",
            "kind",
            "record_ja",
            "record_en",
            "law_ja",
            "law_en",
            "article_ja",
            "article_en",
            "years",
            "months",
            "days",
            "no_period",
            "transitional_years",
            "transitional_provision_ja",
            "transitional_provision_en",
            "use_transitional",
            "state",
            "event_type",
            "start_event_ja",
            "start_event_en",
            "first_day_counts",
            "notes_ja",
            "notes_en",
            "source",
        ]
        read_only_fields = fields

    def get_state(self, rule: RetentionRule) -> str:
        return retention.state(rule, getattr(rule, "use_transitional", None)).value


def _may_see_names(serializer) -> bool:
    view = serializer.context.get("view")
    return bool(getattr(view, "may_see_names", False))


class RetentionEventSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField(
        help_text="Whom or what the records are about; a leaver is 「退職者 No.n」 to roles that "
        "may not see the people register."
    )
    subject_id = serializers.IntegerField(read_only=True)
    item_count = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = RetentionEvent
        fields = [
            "id",
            "subject_id",
            "subject",
            "event_type",
            "date",
            "source",
            "withdrawn",
            "reason",
            "version",
            "item_count",
        ]
        read_only_fields = fields

    def get_subject(self, event: RetentionEvent) -> str:
        return event.subject.label(_may_see_names(self))


class RetentionBatchSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    asset_ref = serializers.CharField(source="asset.ref", read_only=True)
    due = serializers.SerializerMethodField(
        help_text="overdue, this_month, soon (90 days), later or no_date (first due date), "
        "or deleted (every item)."
    )

    class Meta:
        model = RetentionBatch
        fields = [
            "id",
            "label",
            "asset",
            "asset_ref",
            "event_type",
            "fiscal_year",
            "first_due",
            "last_due",
            "due",
            "item_count",
            "held_count",
        ]
        read_only_fields = fields

    def get_due(self, batch: RetentionBatch) -> str:
        if batch.deleted_count and batch.deleted_count == batch.item_count:
            return retention.Due.DELETED.value
        return retention.due(batch.first_due, timezone.localdate()).value


class RetentionItemSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()

    class Meta:
        model = RetentionItem
        fields = [
            "id",
            "batch",
            "asset",
            "subject",
            "start_date",
            "keep_until",
            "rule",
            "permanent",
            "basis",
            "held",
            "hold_reason",
            "hold_owner",
            "hold_review_on",
            "version",
        ]
        read_only_fields = fields

    def get_subject(self, item: RetentionItem) -> str:
        return item.subject.label(_may_see_names(self))


class DeletionRecordSerializer(serializers.ModelSerializer):
    asset_ref = serializers.CharField(source="asset.ref", read_only=True)
    certificate_name = serializers.CharField(source="certificate.name", read_only=True, default="")
    certificate_sha256 = serializers.CharField(
        source="certificate.sha256", read_only=True, default=""
    )

    class Meta:
        model = DeletionRecord
        fields = [
            "id",
            "asset",
            "asset_ref",
            "batch",
            "batch_label",
            "item_count",
            "method",
            "deleted_on",
            "performed_by",
            "witness",
            "supplier",
            "supplier_confirmation",
            "certificate",
            "certificate_name",
            "certificate_sha256",
            "notes",
        ]
        read_only_fields = fields


class EquipmentRemovalSerializer(serializers.ModelSerializer):
    asset_ref = serializers.CharField(source="asset.ref", read_only=True)
    is_out = serializers.BooleanField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = EquipmentRemoval
        fields = [
            "id",
            "asset",
            "asset_ref",
            "scope",
            "purpose",
            "supplier",
            "data_held",
            "data_handling",
            "out_on",
            "expected_return_on",
            "status",
            "is_out",
            "overdue",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "returned_on",
            "checked_by",
            "closing_note",
            "deletion",
        ]
        read_only_fields = fields


class RetentionEventCreateSerializer(serializers.Serializer):
    """A business event another system reports (an HR system's leaver, a contract's end)."""

    subject = serializers.CharField(
        max_length=200,
        validators=SINGLE_LINE,
        help_text="Whom or what the records are about: a leaver's name, a contract.",
    )
    event_type = serializers.ChoiceField(choices=EventType.choices)
    date = serializers.DateField()
    assets = OrganisationRelatedField(
        queryset=Asset.objects.all(),
        many=True,
        required=False,
        help_text="The records concerned; empty for every record whose rule counts from this "
        "kind of event.",
    )
