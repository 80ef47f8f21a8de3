"""SoA API: measures, SoA rows of each scope, approved versions (with the platform policies)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins

from ume.core.api.views import OrgViewSet, ServiceWriteMixin
from ume.core.roles import visible_scope_ids

from .. import selectors, services
from ..models import Measure, SoARow, SoAVersion
from .serializers import (
    MeasureSerializer,
    SoARowSerializer,
    SoAVersionDetailSerializer,
    SoAVersionSerializer,
)


class MeasureViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OrgViewSet,
):
    """Measures (管理策の実施内容) with the controls they implement (by control number)."""

    serializer_class = MeasureSerializer
    permission_required = "soa.view_measure"
    write_permission_required = "soa.change_measure"
    model = Measure

    def select(self):
        return selectors.measure_list(
            actor=self.request.user, organisation=self.organisation
        ).order_by("pk")

    def create_service(self, data):
        return services.measure_create(
            actor=self.request.user, organisation=self.organisation, data=data
        )

    def update_service(self, measure, data, version):
        return services.measure_update(
            actor=self.request.user, measure=measure, data=data, version=version
        )


def _scoped(queryset, request, organisation):
    """Rows of the scopes the user may see; ``?scope=<id>`` narrows to one."""
    visible = visible_scope_ids(request.user, organisation.pk)
    queryset = queryset.filter(organisation=organisation)
    if visible is not None:
        queryset = queryset.filter(scope__in=visible)
    scope = request.query_params.get("scope", "")
    if scope.isdigit() and len(scope) < 19:
        queryset = queryset.filter(scope_id=int(scope))
    return queryset


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("scope", int)]))
class SoARowViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    OrgViewSet,
):
    """The rows of each scope's SoA (one per Annex A control); PATCH with ``version``."""

    serializer_class = SoARowSerializer
    permission_required = "soa.view_soa"
    write_permission_required = "soa.change_soa"
    model = SoARow

    def select(self):
        return (
            _scoped(SoARow.objects.all(), self.request, self.organisation)
            .select_related("control", "current_variant")
            .prefetch_related("measures")
            .order_by("scope_id", "control__sort_key")
        )

    def update_service(self, row, data, version):
        return services.soa_row_update(actor=self.request.user, row=row, data=data, version=version)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("scope", int)]))
class SoAVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """Approved versions, with their frozen rows and 改訂推奨 (stale) flag."""

    permission_required = "soa.view_soa"
    model = SoAVersion

    def get_serializer_class(self):
        return SoAVersionDetailSerializer if self.action == "retrieve" else SoAVersionSerializer

    def select(self):
        return (
            _scoped(SoAVersion.objects.all(), self.request, self.organisation)
            .select_related("approved_by")
            .annotate(stale=selectors.stale_condition())
            .order_by("scope_id", "-number")
        )
