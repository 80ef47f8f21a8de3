"""SoA API serializers. Writes go through services; ``version`` guards edits (HTTP 409)."""

from rest_framework import serializers

from ume.catalogue.models import LevelVariant
from ume.core.api.fields import OrganisationRelatedField, SafeSlugRelatedField
from ume.measures.models import Measure

from ..choices import InclusionReason
from ..models import SoARow, SoAVersion


class SoARowSerializer(serializers.ModelSerializer):
    control = serializers.SlugRelatedField(slug_field="ref", read_only=True)
    scope = serializers.PrimaryKeyRelatedField(read_only=True)
    reasons = serializers.ListField(
        child=serializers.ChoiceField(InclusionReason.choices), required=False
    )
    current_variant = SafeSlugRelatedField(
        slug_field="key", required=False, allow_null=True, queryset=LevelVariant.objects.all()
    )
    measures = OrganisationRelatedField(many=True, required=False, queryset=Measure.objects.all())

    class Meta:
        model = SoARow
        fields = [
            "id",
            "scope",
            "control",
            "applicable",
            "reasons",
            "exclusion_justification",
            "status",
            "target_level",
            "current_level",
            "current_variant",
            "procedure",
            "notes",
            "measures",
            "version",
            "updated_at",
        ]
        read_only_fields = ["id", "scope", "control", "updated_at"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = self.instance if isinstance(self.instance, SoARow) else None
        if row is not None:  # variants of this row's control only
            self.fields["current_variant"].queryset = row.control.variants.all()


class SoAVersionSerializer(serializers.ModelSerializer):
    scope = serializers.PrimaryKeyRelatedField(read_only=True)
    approved_by = serializers.EmailField(source="approved_by.email", read_only=True)
    stale = serializers.BooleanField(read_only=True)

    class Meta:
        model = SoAVersion
        fields = [
            "id",
            "scope",
            "number",
            "approved_by",
            "approved_at",
            "comment",
            "snapshot_sha256",
            "stale",
        ]
        read_only_fields = fields


class SoAVersionDetailSerializer(SoAVersionSerializer):
    class Meta(SoAVersionSerializer.Meta):
        fields = [*SoAVersionSerializer.Meta.fields, "snapshot"]
        read_only_fields = fields
