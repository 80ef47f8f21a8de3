"""Risk assessment API serializers."""

from rest_framework import serializers

from ..models import RiskMethod


class ScaleStepSerializer(serializers.Serializer):
    ja = serializers.CharField()
    en = serializers.CharField(allow_blank=True)


class RiskMethodSerializer(serializers.ModelSerializer):
    likelihood_labels = ScaleStepSerializer(many=True, read_only=True)
    impact_labels = ScaleStepSerializer(many=True, read_only=True)
    created_by = serializers.CharField(
        source="created_by.full_name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = RiskMethod
        fields = [
            "id",
            "version",
            "likelihood_labels",
            "impact_labels",
            "low_max",
            "medium_max",
            "acceptance_max",
            "note",
            "created_at",
            "created_by",
        ]
        read_only_fields = fields
