"""Asset ledger API serializers. Writes go through services; ``version`` guards edits (409)."""

from rest_framework import serializers

from ume.core.api.fields import OrganisationRelatedField
from ume.core.models import Department, Scope, User
from ume.measures.models import Measure

from ..models import Asset, ClassificationLevel


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
            "status",
            "last_reviewed_on",
            "notes",
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
