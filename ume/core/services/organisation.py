"""Organisation, ISMS scope and department services (JIS Q 27001 4.1–4.3)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..choices import Role
from ..models import Department, Membership, Organisation, Scope, User
from ..permissions import (
    ADD_DEPARTMENT,
    ADD_SCOPE,
    CHANGE_DEPARTMENT,
    CHANGE_ORGANISATION,
    CHANGE_SCOPE,
    DELETE_DEPARTMENT,
)
from ..validators import validate_single_line
from .base import service, update_fields


@service(perm=None, public="setup and demo: a new organisation and its first administrator")
def organisation_create(
    *, actor: User | None, name: str, admin: User, **profile: Any
) -> Organisation:
    """Create an organisation and make ``admin`` its first administrator (setup and demo)."""
    org = Organisation(name=name, **profile)
    org.full_clean()
    org.save()
    Membership.objects.create(user=admin, organisation=org, role=Role.ADMIN)
    return org


@service(perm=CHANGE_ORGANISATION, versioned="version")
def organisation_update(
    *, actor: User, organisation: Organisation, data: dict[str, Any], version: int | None = None
) -> Organisation:
    return update_fields(organisation, data, version=version)


def _check_unique_name(
    model, organisation: Organisation, name: str, message: str, exclude_pk: int | None = None
) -> None:
    """Names are unique per organisation, ignoring case and surrounding spaces. The name is
    validated before it is queried (PostgreSQL refuses NUL in a query parameter)."""
    try:
        validate_single_line(name)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from None
    clash = model.objects.filter(organisation=organisation, name__iexact=name.strip())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": message.format(name=name.strip())})


def _check_scope_name(organisation, name: str, exclude_pk: int | None = None) -> None:
    _check_unique_name(
        Scope,
        organisation,
        name,
        _("An ISMS scope named “{name}” already exists. Choose another name."),
        exclude_pk,
    )


def _check_department_name(organisation, name: str, exclude_pk: int | None = None) -> None:
    _check_unique_name(
        Department, organisation, name, _("A department named “{name}” already exists."), exclude_pk
    )


@service(perm=ADD_SCOPE)
def scope_create(*, actor: User, organisation: Organisation, data: dict[str, Any]) -> Scope:
    _check_scope_name(organisation, data.get("name", ""))
    scope = Scope(organisation=organisation, **data)
    scope.full_clean()
    _check_certificate_dates(scope)
    scope.save()
    return scope


@service(perm=CHANGE_SCOPE, on="scope", versioned="version")
def scope_update(
    *, actor: User, scope: Scope, data: dict[str, Any], version: int | None = None
) -> Scope:
    if "name" in data:
        _check_scope_name(scope.organisation, data["name"], exclude_pk=scope.pk)
    dates = ("certified_on", "certificate_expires_on")
    _check_certificate_dates(Scope(**{f: data.get(f, getattr(scope, f)) for f in dates}))
    return update_fields(scope, data, version=version)


def _check_certificate_dates(scope: Scope) -> None:
    if (
        scope.certified_on
        and scope.certificate_expires_on
        and scope.certificate_expires_on <= scope.certified_on
    ):
        raise ValidationError(
            {"certificate_expires_on": _("The expiry date must be after the certification date.")}
        )


def _check_department_refs(organisation, data: dict[str, Any]) -> None:
    scopes = data.get("scopes") or []
    if any(s.organisation_id != organisation.pk for s in scopes):
        raise ValidationError({"scopes": _("Choose ISMS scopes of this organization.")})
    head = data.get("head")
    if head is not None and not head.belongs_to(organisation):
        raise ValidationError(
            {"head": _("The department head must be a member of this organization.")}
        )


@service(perm=ADD_DEPARTMENT, refs=("data.scopes", "data.head"))
def department_create(
    *, actor: User, organisation: Organisation, data: dict[str, Any]
) -> Department:
    _check_department_name(organisation, data.get("name", ""))
    _check_department_refs(organisation, data)
    scopes = data.pop("scopes", [])
    department = Department(organisation=organisation, **data)
    department.full_clean()
    department.save()
    department.scopes.set(scopes)
    return department


@service(
    perm=CHANGE_DEPARTMENT,
    on="department",
    refs=("data.scopes", "data.head"),
    versioned="version",
)
def department_update(
    *, actor: User, department: Department, data: dict[str, Any], version: int | None = None
) -> Department:
    if "name" in data:
        _check_department_name(department.organisation, data["name"], exclude_pk=department.pk)
    _check_department_refs(department.organisation, data)
    return update_fields(department, data, version=version)


@service(perm=DELETE_DEPARTMENT, on="department")
def department_delete(*, actor: User, department: Department) -> None:
    if department.memberships.exists():
        raise ValidationError(
            _("Members still belong to this department. Move them to another department first.")
        )
    department.delete()
