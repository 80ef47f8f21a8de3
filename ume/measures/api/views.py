"""Measures API (with the platform policies)."""

from rest_framework import mixins

from ume.core.api.views import OrgViewSet, ServiceWriteMixin

from .. import selectors, services
from ..models import Measure
from ..permissions import CHANGE_MEASURE, VIEW_MEASURE
from .serializers import MeasureSerializer


class MeasureViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OrgViewSet,
):
    """Measures (対策（実施事項）) with the controls they implement (by control number)."""

    serializer_class = MeasureSerializer
    permission_required = VIEW_MEASURE
    write_permission_required = CHANGE_MEASURE
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
