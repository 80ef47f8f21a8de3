"""API building blocks: organisation context for token requests, the required version of an
update (HTTP 428 without one), and translation of service errors (a stale edit is HTTP 409)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..locking import StaleEditError
from ..middleware import SESSION_ORG, SESSION_SCOPE, resolve_context
from ..models import ApiToken

ORG_HEADER = "HTTP_X_UME_ORGANISATION"


class OrganisationContextMixin:
    """Resolves ``request.organisation`` after DRF authenticated the user (tokens are not seen
    by the middleware). A token acts in the organisation it was issued for; a session chooses
    with the X-Ume-Organisation header."""

    def check_permissions(self, request):
        raw = request.META.get(ORG_HEADER)
        session = getattr(request._request, "session", None)
        wanted = (
            int(raw) if raw and raw.isdigit() else (session.get(SESSION_ORG) if session else None)
        )
        if isinstance(request.auth, ApiToken):
            if raw and wanted != request.auth.organisation_id:
                raise exceptions.PermissionDenied(
                    _("This API token was issued for another organization.")
                )
            wanted, session = request.auth.organisation_id, None
        scope = session.get(SESSION_SCOPE) if session else None
        resolve_context(request._request, request.user, wanted, scope)
        super().check_permissions(request)

    @property
    def organisation(self):
        return self.request._request.organisation


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "version_required"

    def __init__(self):
        super().__init__(
            _(
                'Send the version you are changing: the "version" field or an If-Match '
                'header (for example If-Match: "3"). Read the record first to get it.'
            )
        )


def version_of(request, data: dict) -> int:
    """The version an update is based on, from the body or If-Match; required (HTTP 428)."""
    version = data.pop("version", None)
    if version is None:
        match = request.META.get("HTTP_IF_MATCH", "").strip().removeprefix("W/").strip('"')
        if match.isdigit() and len(match) < 10:
            version = int(match)
    if version is None:
        raise PreconditionRequired()
    return version


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
