"""Platform reads. Every selector is already limited to what the actor may see, so a view can
never build a queryset that leaks another organisation's rows."""

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from .audit_labels import labels_of
from .choices import AuditAction, Role
from .models import (
    AuditEntry,
    Department,
    Invitation,
    LoginEvent,
    Membership,
    Organisation,
    Scope,
    User,
)
from .permissions import (
    MANAGE_API_TOKENS,
    MANAGE_MEMBERS,
    VIEW_AUDITENTRY,
    VIEW_DEPARTMENT,
    VIEW_MEMBERSHIP,
    VIEW_SCOPE,
)
from .policies import can
from .roles import organisation_ids, visible_scope_ids


def organisation_list(*, actor: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=organisation_ids(actor))


def scope_list(
    *, actor: User, organisation: Organisation, include_inactive: bool = False
) -> QuerySet[Scope]:
    if not can(actor, VIEW_SCOPE, organisation):
        return Scope.objects.none()
    qs = Scope.objects.filter(organisation=organisation)
    visible = visible_scope_ids(actor, organisation.pk)
    if visible is not None:
        qs = qs.filter(pk__in=visible)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs


def department_list(*, actor: User, organisation: Organisation) -> QuerySet[Department]:
    if not can(actor, VIEW_DEPARTMENT, organisation):
        return Department.objects.none()
    return (
        Department.objects.filter(organisation=organisation)
        .select_related("head")
        .prefetch_related("scopes")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True)
        )
        .order_by("name")
    )


def member_list(*, actor: User, organisation: Organisation) -> QuerySet[User]:
    """Users with a membership (active or not) in the organisation, with their roles."""
    if not can(actor, VIEW_MEMBERSHIP, organisation):
        return User.objects.none()
    from django.db.models import Prefetch

    roles = (
        Membership.objects.filter(organisation=organisation)
        .select_related("scope", "department")
        .order_by("role")
    )
    return (
        User.objects.filter(memberships__organisation=organisation)
        .distinct()
        .annotate(
            active_roles=Count(
                "memberships",
                filter=Q(memberships__organisation=organisation, memberships__is_active=True),
            ),
            last_seen=Max("last_login"),
        )
        .prefetch_related(Prefetch("memberships", queryset=roles, to_attr="org_roles"))
        .order_by("email")
    )


def membership_list(*, actor: User, organisation: Organisation) -> QuerySet[Membership]:
    if not can(actor, VIEW_MEMBERSHIP, organisation):
        return Membership.objects.none()
    return Membership.objects.filter(organisation=organisation).select_related(
        "user", "scope", "department"
    )


def invitation_list(*, actor: User, organisation: Organisation) -> QuerySet[Invitation]:
    if not can(actor, MANAGE_MEMBERS, organisation):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("scope", "invited_by")


def audit_entry_list(*, actor: User, organisation: Organisation) -> QuerySet[AuditEntry]:
    """The organisation's trail; scope-limited readers (e.g. an external auditor) see only the
    entries of their scopes."""
    if not can(actor, VIEW_AUDITENTRY, organisation):
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.filter(organisation=organisation).select_related("actor")
    visible = visible_scope_ids(actor, organisation.pk)
    if visible is not None:
        qs = qs.filter(scope_id__in=visible)
    return qs.order_by("-seq")


def without_exports(entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """Entries other than exports: exports are audited, but a list of changes leaves them out
    unless asked, so that they do not bury the changes (canonical JSON: no spaces)."""
    from .audit_display import export_event_names

    exported = Q()
    for event in export_event_names():
        exported |= Q(changes__contains=f'"event":"{event}"')
    return entries.exclude(Q(action=AuditAction.EVENT) & exported)


def record_history(*, actor: User, obj) -> QuerySet[AuditEntry]:
    """The history tab of one record."""
    org_id = getattr(obj, "audit_organisation_id", None)
    organisation = Organisation(pk=org_id)
    return audit_entry_list(actor=actor, organisation=organisation).filter(
        model_label__in=labels_of(type(obj)), object_id=str(obj.pk)
    )


def login_summary(*, user: User) -> dict:
    """The previous successful login and the failed attempts since (JIS Q 27002 8.5)."""
    logins = list(LoginEvent.objects.filter(user=user, succeeded=True).order_by("-at")[:2])
    previous = logins[1] if len(logins) > 1 else None
    since = previous.at if previous else None
    failed = LoginEvent.objects.filter(user=user, succeeded=False)
    if logins:
        failed = failed.filter(at__lt=logins[0].at)
    if since:
        failed = failed.filter(at__gt=since)
    return {"previous": previous, "failed_since": failed.count()}


def api_token_list(*, actor: User, organisation: Organisation, everyone: bool = False):
    """The actor's own tokens in the organisation; with ``everyone``, all of its tokens (for
    administrators, JIS Q 27002 5.18 access reviews)."""
    from .models import ApiToken

    qs = ApiToken.objects.filter(organisation=organisation).select_related("user", "revoked_by")
    if everyone and can(actor, MANAGE_API_TOKENS, organisation):
        return qs
    return qs.filter(user=actor)


def users_missing_mfa(*, organisation: Organisation, user_ids) -> set[int]:
    """Which of ``user_ids`` the organisation's MFA rule blocks (their tokens are suspended);
    one query, the same rule as ``ume.core.mfa.mfa_missing``."""
    from allauth.mfa.models import Authenticator
    from django.db.models import Exists, OuterRef

    from .choices import MfaRequirement, Role

    if organisation.require_mfa == MfaRequirement.NONE:
        return set()
    factors = Authenticator.objects.filter(user=OuterRef("pk")).exclude(
        type=Authenticator.Type.RECOVERY_CODES
    )
    users = User.objects.filter(pk__in=list(user_ids)).exclude(Exists(factors))
    if organisation.require_mfa == MfaRequirement.ADMINS:
        admin = Membership.objects.effective(timezone.localdate()).filter(
            user=OuterRef("pk"), organisation=organisation, role=Role.ADMIN
        )
        users = users.filter(Exists(admin))
    return set(users.values_list("pk", flat=True))


def administrator_list(*, organisation: Organisation) -> list[User]:
    """The organisation's administrators with an effective membership, longest-standing first.
    A trusted read for the command line (``import_soa`` acts as the first one unless told
    otherwise); pages list members through ``member_list``, which applies the actor's rights."""
    memberships = (
        Membership.objects.effective(timezone.localdate())
        .filter(organisation=organisation, role=Role.ADMIN)
        .select_related("user")
        .order_by("pk")
    )
    return list(dict.fromkeys(m.user for m in memberships))


def role_holders(*, organisation: Organisation, roles: tuple[str, ...], today=None) -> list[User]:
    """Users holding one of ``roles`` organisation-wide, with an effective membership. A trusted
    read for the reminder scheduler (who is the 事務局); pages use ``member_list``."""
    memberships = (
        Membership.objects.effective(today)
        .filter(organisation=organisation, role__in=roles, scope__isnull=True)
        .select_related("user")
        .order_by("pk")
    )
    return list(dict.fromkeys(m.user for m in memberships))


def departments_of_members(*, organisation: Organisation) -> dict[int, Department]:
    """Each member's department (the first membership naming one), with its head loaded: whose
    部門責任者 a reminder also goes to. A trusted read for the reminder scheduler."""
    found: dict[int, Department] = {}
    for m in (
        Membership.objects.effective()
        .filter(organisation=organisation, department__isnull=False)
        .select_related("department__head")
        .order_by("pk")
    ):
        found.setdefault(m.user_id, m.department)
    return found


def expiring_memberships(*, organisation: Organisation, today=None) -> QuerySet[Membership]:
    """Effective memberships with an end date (external auditors' access ends on a set date):
    what the expiry reminder reads."""
    return (
        Membership.objects.effective(today)
        .filter(organisation=organisation, valid_until__isnull=False)
        .select_related("user", "organisation")
        .order_by("valid_until", "pk")
    )
