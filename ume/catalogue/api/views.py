"""Catalogue API: the 93 controls with attributes and guidance (read-only)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.exceptions import ValidationError

from ume.core.api.views import OrgViewSet

from .. import ranking, selectors
from ..models import Control
from ..permissions import VIEW_CONTROL
from .serializers import ControlDetailSerializer, ControlSerializer


def _text(params, name: str) -> str:
    """A text query parameter, refused (HTTP 400) with a NUL character as the pages' forms refuse
    it: PostgreSQL cannot compare text containing NUL and the query would answer 500."""
    value = params.get(name, "")
    try:
        ProhibitNullCharactersValidator()(value)
    except DjangoValidationError as exc:
        raise ValidationError({name: exc.messages}) from None
    return value


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description=(
                    "Search (Japanese variants and inflections match); the results come most "
                    "relevant first, as on the catalogue page"
                ),
            ),
            OpenApiParameter("theme", str),
            OpenApiParameter("new_in_2022", bool),
        ]
    )
)
class ControlViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    permission_required = VIEW_CONTROL
    reference_data = True  # the same for every organisation
    model = Control
    lookup_field = "ref"
    lookup_value_regex = r"[5-8]\.\d{1,2}"

    def get_serializer_class(self):
        return ControlDetailSerializer if self.action == "retrieve" else ControlSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "organisation": self.organisation}

    def select(self):
        params = self.request.query_params
        new = params.get("new_in_2022")
        query = _text(params, "q")[:200]
        controls = selectors.control_list(
            actor=self.request.user,
            organisation=self.organisation,
            query=query,
            theme=_text(params, "theme"),
            new_in_2022=None if new is None else new.lower() in ("1", "true"),
        )
        # At most the 93 controls: ranked in memory, then paginated as a list.
        return ranking.rank(controls, query) if query.strip() else controls

    def get_object(self):
        control = selectors.control_get(
            actor=self.request.user, organisation=self.organisation, ref=self.kwargs["ref"]
        )
        if control is None:
            from django.http import Http404

            raise Http404
        self.check_object_permissions(self.request, self.organisation)
        return control
