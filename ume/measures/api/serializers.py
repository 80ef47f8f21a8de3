"""Measures API serializers. Writes go through services; ``version`` guards edits (HTTP 409)."""

from rest_framework import serializers

from ume.catalogue.models import Control
from ume.core.api.fields import OrganisationRelatedField, SafeSlugRelatedField
from ume.core.models import Scope, User

from ..models import Measure


class ControlRefField(SafeSlugRelatedField):
    """A control by its number (``5.7``)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="ref", queryset=Control.objects.all(), **kwargs)


class MeasureSerializer(serializers.ModelSerializer):
    controls = ControlRefField(many=True, required=False)
    scope = OrganisationRelatedField(queryset=Scope.objects.all(), required=False, allow_null=True)
    owner = OrganisationRelatedField(
        queryset=User.objects.all(),
        organisation_path="memberships__organisation",
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "title",
            "description",
            "scope",
            "owner",
            "status",
            "evidence_note",
            "controls",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}
