"""SoA API: the SoA rows of each scope and its approved versions (with the platform policies)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins

from ume.core.api.views import OrgViewSet, ServiceWriteMixin
from ume.core.roles import visible_scope_ids

from .. import selectors, services
from ..models import SoARow, SoAVersion
from ..permissions import CHANGE_SOA, VIEW_SOA
from .serializers import (
    SoARowSerializer,
    SoAVersionDetailSerializer,
    SoAVersionSerializer,
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
    permission_required = VIEW_SOA
    write_permission_required = CHANGE_SOA
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

    permission_required = VIEW_SOA
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
