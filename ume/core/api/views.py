"""Platform API views. Each declares ``permission_required`` (reads) and, where it accepts
writes, ``write_permission_required``; writes call the same services as the UI."""

import datetime as dt

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..models import AuditEntry, Department, Membership, Scope
from ..permissions import (
    ADD_SCOPE,
    CHANGE_DEPARTMENT,
    CHANGE_ORGANISATION,
    CHANGE_SCOPE,
    VIEW_AUDITENTRY,
    VIEW_DASHBOARD,
    VIEW_DEPARTMENT,
    VIEW_MEMBERSHIP,
    VIEW_ORGANISATION,
    VIEW_SCOPE,
)
from ..roles import memberships_of
from .base import OrganisationContextMixin, version_of
from .serializers import (
    AuditEntrySerializer,
    DepartmentSerializer,
    MembershipSerializer,
    MeSerializer,
    OrganisationSerializer,
    ScopeSerializer,
)


class MeView(OrganisationContextMixin, APIView):
    """The authenticated user and their organizations and roles."""

    permission_required = VIEW_DASHBOARD

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        data = MeSerializer(request.user, context={"memberships": memberships_of(request.user)})
        return Response(data.data)


class OrganisationView(OrganisationContextMixin, APIView):
    """The current organization (choose it with the X-Ume-Organisation header)."""

    permission_required = VIEW_ORGANISATION
    write_permission_required = CHANGE_ORGANISATION

    @extend_schema(responses=OrganisationSerializer)
    def get(self, request):
        return Response(OrganisationSerializer(self.organisation).data)

    @extend_schema(request=OrganisationSerializer, responses=OrganisationSerializer)
    def patch(self, request):
        serializer = OrganisationSerializer(self.organisation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = version_of(request, data)
        org = services.organisation_update(
            actor=request.user, organisation=self.organisation, data=data, version=version
        )
        return Response(OrganisationSerializer(org).data)


class OrgViewSet(OrganisationContextMixin, viewsets.GenericViewSet):
    """A viewset whose queryset comes from a selector (``select``) of the current
    organisation; the schema generator gets an empty queryset of ``model``."""

    model: type

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.select()

    def select(self):
        raise ImproperlyConfigured(f"{type(self).__name__} must return its selector's queryset")


class ServiceWriteMixin:
    """Create/update through ``create_service``/``update_service`` (listed first among the
    bases so DRF's ``serializer.save()`` is never reached). An update must name the version it
    is based on (body or If-Match; HTTP 428 without one); a stale one is refused with 409."""

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)  # a new record starts at version 1
        serializer.instance = self.create_service(data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = version_of(self.request, data)
        serializer.instance = self.update_service(serializer.instance, data, version)


class ScopeViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OrgViewSet,
):
    """ISMS scopes (適用範囲) of the organization."""

    serializer_class = ScopeSerializer
    model = Scope
    permission_required = VIEW_SCOPE
    write_permission_required = CHANGE_SCOPE
    filterset_fields = ["is_active"]

    def select(self):
        return selectors.scope_list(
            actor=self.request.user, organisation=self.organisation, include_inactive=True
        ).order_by("pk")

    def get_permissions(self):
        if self.action == "create":
            self.write_permission_required = ADD_SCOPE
        return super().get_permissions()

    def create_service(self, data):
        return services.scope_create(
            actor=self.request.user, organisation=self.organisation, data=data
        )

    def update_service(self, scope, data, version):
        return services.scope_update(
            actor=self.request.user, scope=scope, data=data, version=version
        )


class DepartmentViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgViewSet,
):
    serializer_class = DepartmentSerializer
    model = Department
    permission_required = VIEW_DEPARTMENT
    write_permission_required = CHANGE_DEPARTMENT

    def select(self):
        return selectors.department_list(
            actor=self.request.user, organisation=self.organisation
        ).order_by("pk")

    def create_service(self, data):
        return services.department_create(
            actor=self.request.user, organisation=self.organisation, data=data
        )

    def update_service(self, department, data, version):
        return services.department_update(
            actor=self.request.user, department=department, data=data, version=version
        )

    def perform_destroy(self, instance):
        services.department_delete(actor=self.request.user, department=instance)


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """Roles held in the organization (read-only; manage members in the UI)."""

    serializer_class = MembershipSerializer
    model = Membership
    permission_required = VIEW_MEMBERSHIP

    def select(self):
        return selectors.membership_list(
            actor=self.request.user, organisation=self.organisation
        ).order_by("pk")


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time in UTC. Python accepts offsets up to ±23:59, PostgreSQL only ±15:59,
    and a year-1 time with a positive offset falls before year 1 in UTC: both are a 400."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class AuditEntryFilter(filters.FilterSet):
    since = UtcIsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = UtcIsoDateTimeFilter(field_name="at", lookup_expr="lte")
    after_seq = filters.NumberFilter(field_name="seq", lookup_expr="gt")

    class Meta:
        model = AuditEntry
        fields = ["action", "model_label", "object_id", "actor", "since", "until", "after_seq"]


class AuditCursorPagination(CursorPagination):
    """A cursor keeps each page cheap on a trail of millions of entries (no COUNT)."""

    ordering = "seq"
    page_size = 100


class AuditEntryViewSet(mixins.ListModelMixin, OrgViewSet):
    """The audit trail, read-only and append-only (ordered by sequence number)."""

    pagination_class = AuditCursorPagination
    serializer_class = AuditEntrySerializer
    model = AuditEntry
    permission_required = VIEW_AUDITENTRY
    filterset_class = AuditEntryFilter

    def select(self):
        return selectors.audit_entry_list(
            actor=self.request.user, organisation=self.organisation
        ).order_by("seq")
