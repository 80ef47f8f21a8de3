"""OpenAPI description of Ume's API conventions (drf-spectacular): bearer tokens, and the
version every update must name (If-Match or the ``version`` field; 409 stale, 428 missing)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter

UPDATE_METHODS = ("PUT", "PATCH")


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "ume.core.api.authentication.ApiTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer"
        )
        scheme["description"] = (
            "A personal API token (Login and security → API tokens), valid in one "
            "organization until it expires or is revoked. Refused while the organization "
            "requires MFA and the token's user has not set it up."
        )
        return scheme


class UmeAutoSchema(AutoSchema):
    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if self.method in UPDATE_METHODS:
            params.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    description=(
                        'The version the change is based on, e.g. "3" (alternative to the '
                        "version field of the body). One of the two is required."
                    ),
                )
            )
        return params

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method in UPDATE_METHODS and direction == "response":
            responses.setdefault(
                "409", {"description": "The record changed since that version (stale edit)."}
            )
            responses.setdefault(
                "428", {"description": "No version given (If-Match header or version field)."}
            )
        return responses
