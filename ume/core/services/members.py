"""Members, roles and invitations (JIS Q 27001 5.3: roles, responsibilities and authorities)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import roles as role_cache
from ..choices import Role
from ..models import Department, Invitation, Membership, Organisation, Scope, User
from ..permissions import MANAGE_MEMBERS
from .base import service, update_fields


def _check_role_fields(
    organisation: Organisation,
    role: str,
    scope: Scope | None,
    department: Department | None,
    valid_until: dt.date | None,
) -> None:
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = _("Choose a role from the list.")
    if scope is not None and scope.organisation_id != organisation.pk:
        errors["scope"] = _("Choose an ISMS scope of this organization.")
    if department is not None and department.organisation_id != organisation.pk:
        errors["department"] = _("Choose a department of this organization.")
    if role == Role.EXTERNAL_AUDITOR:
        if scope is None:
            errors["scope"] = _("An external auditor sees one ISMS scope: choose it.")
        if valid_until is None:
            errors["valid_until"] = _("External auditor access must end on a set date.")
    if valid_until is not None and valid_until < timezone.localdate():
        errors["valid_until"] = _("The end date of access must be today or later.")
    if role in (Role.ADMIN,) and scope is not None:
        errors["scope"] = _("Administrators act for the whole organization: leave the scope empty.")
    if errors:
        raise ValidationError(errors)


@service(perm=MANAGE_MEMBERS, refs=("scope", "department"))
def invitation_create(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    role: str,
    full_name: str = "",
    scope: Scope | None = None,
    department: Department | None = None,
    valid_until: dt.date | None = None,
    accept_url_base: str,
) -> Invitation:
    """Invite someone by e-mail; the e-mail is sent after the transaction commits."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("Enter a valid e-mail address, for example name@example.co.jp.")}
        ) from None
    _check_role_fields(organisation, role, scope, department, valid_until)
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, is_active=True
    ).exists():  # a further role is given on the member's page, not by a second account
        raise ValidationError(
            {
                "email": _(
                    "{email} is already a member of this organization. Give them another "
                    "role on their page under Users and roles."
                ).format(email=email)
            }
        )
    if Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists():
        raise ValidationError(
            {
                "email": _(
                    "An invitation to {email} is still open. Revoke it before inviting again."
                ).format(email=email)
            }
        )
    invitation = Invitation(
        organisation=organisation,
        email=email,
        full_name=full_name.strip(),
        role=role,
        scope=scope,
        department=department,
        valid_until=valid_until,
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=settings.UME_INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    from ..tasks import send_invitation_email

    url = accept_url_base.rstrip("/") + f"/invitations/{invitation.token}/"
    transaction.on_commit(
        lambda: send_invitation_email.enqueue(invitation_id=invitation.pk, accept_url=url)
    )
    return invitation


@service(perm=MANAGE_MEMBERS, on="invitation")
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    if not invitation.is_open:
        raise ValidationError(_("This invitation is no longer open."))
    invitation.revoked_at = timezone.now()
    invitation.save()
    return invitation


@service(
    perm=None, on="invitation", public="the holder of the secret link accepts; not yet a member"
)
def invitation_accept(
    *, actor: User | None, invitation: Invitation, password: str = "", full_name: str = ""
) -> User:
    """Accept an invitation: the invited person's account is created (or reused) and the role
    granted. ``actor`` is the logged-in user accepting, or None for a new account."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(
            _(
                "This invitation has expired or was already used. Ask your "
                "administrator for a new one."
            )
        )
    user = User.objects.filter(email__iexact=invitation.email).first()
    if actor is None and user is not None:
        raise ValidationError(
            _(
                "An account for {email} already exists. Log in first, then "
                "open the invitation link again."
            ).format(email=invitation.email)
        )
    if actor is not None and (user is None or actor.pk != user.pk):
        raise ValidationError(
            _("This invitation was sent to {email}. Log in as that user to accept it.").format(
                email=invitation.email
            )
        )
    if user is None:
        user = User(email=invitation.email, full_name=full_name.strip() or invitation.full_name)
        from django.contrib.auth.password_validation import validate_password

        validate_password(password, user)
        user.set_password(password)
        user.save()
    from .. import audit

    with audit.acting_as(user):
        Membership.objects.update_or_create(
            user=user,
            organisation=invitation.organisation,
            role=invitation.role,
            scope=invitation.scope,
            defaults={
                "department": invitation.department,
                "valid_until": invitation.valid_until,
                "is_active": True,
            },
        )
        invitation.accepted_at = timezone.now()
        invitation.save()
    role_cache.clear_cache(user)
    return user


@service(perm=MANAGE_MEMBERS, refs=("user", "scope", "department"))
def membership_add(
    *,
    actor: User,
    organisation: Organisation,
    user: User,
    role: str,
    scope: Scope | None = None,
    department: Department | None = None,
    valid_until: dt.date | None = None,
) -> Membership:
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(_("Invite this person first; roles are added to members."))
    _check_role_fields(organisation, role, scope, department, valid_until)
    if Membership.objects.filter(
        user=user, organisation=organisation, role=role, scope=scope
    ).exists():
        raise ValidationError({"role": _("This member already has this role for this scope.")})
    membership = Membership(
        user=user,
        organisation=organisation,
        role=role,
        scope=scope,
        department=department,
        valid_until=valid_until,
    )
    membership.full_clean()
    membership.save()
    return membership


def _active_admins(organisation: Organisation):
    return Membership.objects.effective().filter(
        organisation=organisation, role=Role.ADMIN, scope__isnull=True
    )


def _keep_an_admin(organisation: Organisation, leaving: set[int]) -> None:
    if not _active_admins(organisation).exclude(pk__in=leaving).exists():
        raise ValidationError(_("The organization needs at least one active administrator."))


@service(
    perm=MANAGE_MEMBERS,
    on="membership",
    refs=("data.scope", "data.department"),
    versioned="version",
)
def membership_update(
    *, actor: User, membership: Membership, data: dict[str, Any], version: int | None = None
) -> Membership:
    merged = {
        f: data.get(f, getattr(membership, f))
        for f in ("role", "scope", "department", "valid_until")
    }
    _check_role_fields(membership.organisation, **merged)
    if membership.role == Role.ADMIN and merged["role"] != Role.ADMIN:
        _keep_an_admin(membership.organisation, {membership.pk})
    return update_fields(membership, data, version=version)


@service(perm=MANAGE_MEMBERS, on="membership")
def membership_remove(*, actor: User, membership: Membership) -> None:
    if membership.role == Role.ADMIN:
        _keep_an_admin(membership.organisation, {membership.pk})
    membership.delete()


@service(perm=MANAGE_MEMBERS, refs=("user",))
def member_deactivate(*, actor: User, organisation: Organisation, user: User) -> int:
    """Deactivate all of the user's roles in the organisation; their history stays."""
    _check_member(organisation, user)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    mine = list(Membership.objects.filter(user=user, organisation=organisation, is_active=True))
    if not mine:
        raise ValidationError(_("This member is already inactive."))
    _keep_an_admin(organisation, {m.pk for m in mine})
    for membership in mine:
        membership.is_active = False
        membership.save()
    return len(mine)


@service(perm=MANAGE_MEMBERS, refs=("user",))
def member_reactivate(*, actor: User, organisation: Organisation, user: User) -> int:
    _check_member(organisation, user)
    mine = list(Membership.objects.filter(user=user, organisation=organisation, is_active=False))
    for membership in mine:
        membership.is_active = True
        membership.save()
    return len(mine)


def _check_member(organisation: Organisation, user: User) -> None:
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(_("This person is not a member of this organization."))
