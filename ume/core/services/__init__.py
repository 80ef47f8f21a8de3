"""Platform services: the only code that writes. Each is keyword-only, typed, runs in one
transaction with the audit trail written inside, and checks the actor's permission first."""

from .base import service, update_fields
from .events import export_record
from .members import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    member_deactivate,
    member_reactivate,
    membership_add,
    membership_remove,
    membership_update,
)
from .organisation import (
    department_create,
    department_delete,
    department_update,
    organisation_create,
    organisation_update,
    scope_create,
    scope_update,
)
from .tokens import api_token_create, api_token_revoke

__all__ = [
    "api_token_create",
    "api_token_revoke",
    "department_create",
    "department_delete",
    "department_update",
    "export_record",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "member_deactivate",
    "member_reactivate",
    "membership_add",
    "membership_remove",
    "membership_update",
    "organisation_create",
    "organisation_update",
    "scope_create",
    "scope_update",
    "service",
    "update_fields",
]
