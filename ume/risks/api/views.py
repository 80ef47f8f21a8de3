"""Risk assessment API: the revisions of the organization's risk method, newest first."""

from rest_framework import mixins

from ume.core.api.views import OrgViewSet

from .. import selectors
from ..models import RiskMethod
from ..permissions import VIEW_METHOD
from .serializers import RiskMethodSerializer


class RiskMethodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """Every revision of the risk method; the first in the list is the one in force."""

    serializer_class = RiskMethodSerializer
    permission_required = VIEW_METHOD
    model = RiskMethod

    def select(self):
        return selectors.risk_method_list(self.organisation)
