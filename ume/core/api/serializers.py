"""Serializers of the platform API. Writes go through services; ``version`` guards edits."""

from rest_framework import serializers

from ..models import AuditEntry, Department, Membership, Organisation, Scope, User
from .fields import OrganisationRelatedField


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "name_en",
            "industry",
            "employee_count",
            "business_type",
            "it_dependency",
            "has_public_systems",
            "holds_personal_data_at_scale",
            "develops_software",
            "require_mfa",
            "fiscal_year_end_month",
            "tax_filing_extension_months",
            "version",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}


class ScopeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scope
        fields = [
            "id",
            "name",
            "boundaries",
            "sites",
            "certification_body",
            "certificate_number",
            "certified_on",
            "certificate_expires_on",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}


class DepartmentSerializer(serializers.ModelSerializer):
    scopes = OrganisationRelatedField(many=True, queryset=Scope.objects.all(), required=False)
    head = OrganisationRelatedField(
        queryset=User.objects.all(),
        organisation_path="memberships__organisation",
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Department
        fields = ["id", "name", "scopes", "head", "version"]
        read_only_fields = ["id"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "email",
            "full_name",
            "role",
            "scope",
            "department",
            "valid_until",
            "is_active",
        ]
        read_only_fields = fields


class AuditEntrySerializer(serializers.ModelSerializer):
    changes = serializers.JSONField(source="changes_data", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "seq",
            "at",
            "actor",
            "actor_label",
            "action",
            "model_label",
            "object_id",
            "object_repr",
            "scope_id",
            "changes",
            "hash_version",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    organisations = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "language", "organisations"]
        read_only_fields = fields

    def get_organisations(self, user) -> list[dict]:
        return [
            {"organisation": org, "scope": scope, "role": role}
            for org, scope, role in self.context["memberships"]
        ]
