"""API building blocks: organisation context for token requests, default-deny permissions,
and translation of service errors (a stale edit is HTTP 409)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..locking import StaleEditError
from ..middleware import SESSION_ORG, SESSION_SCOPE, resolve_context

ORG_HEADER = "HTTP_X_UME_ORGANISATION"


class OrganisationContextMixin:
    """Resolves ``request.organisation`` after DRF authenticated the user (tokens are not seen
    by the middleware). Clients choose the organisation with the X-Ume-Organisation header."""

    def check_permissions(self, request):
        raw = request.META.get(ORG_HEADER)
        session = getattr(request._request, "session", None)
        wanted = (
            int(raw) if raw and raw.isdigit() else (session.get(SESSION_ORG) if session else None)
        )
        scope = session.get(SESSION_SCOPE) if session else None
        resolve_context(request._request, request.user, wanted, scope)
        super().check_permissions(request)

    @property
    def organisation(self):
        return self.request._request.organisation


def exception_handler(exc, context):
    if isinstance(exc, StaleEditError):
        return Response(
            {"detail": exc.messages[0], "code": "stale"}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
