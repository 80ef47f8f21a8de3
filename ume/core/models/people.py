"""Users, memberships (roles per organisation and scope), invitations and login history."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Role
from ..validators import SINGLE_LINE
from .base import AuditedModel, TimeStampedModel, VersionedModel
from .organisation import Department, Organisation, Scope


class UserManager(DjangoUserManager):
    """Users log in with their e-mail address; there is no user name."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. Never deleted: memberships are deactivated instead (history stays)."""

    # What __str__ reads: the audit trail names related records from these columns only.
    audit_name_fields = ("full_name", "email")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True, validators=SINGLE_LINE)
    full_name = models.CharField(_("full name"), max_length=150, blank=True, validators=SINGLE_LINE)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email

    def belongs_to(self, organisation) -> bool:
        """Holds a membership of ``organisation``: whom its records may name as owner,
        approver or checker."""
        return self.memberships.filter(organisation=organisation).exists()


class MembershipQuerySet(models.QuerySet):
    def effective(self, today=None):
        """Active memberships that have not expired (external auditors expire on a set date)."""
        today = today or timezone.localdate()
        return self.filter(is_active=True, user__is_active=True).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today)
        )


class Membership(AuditedModel, VersionedModel, TimeStampedModel):
    """A role a user holds in an organisation, for all scopes or for one scope."""

    audit_exclude = ("created_at", "updated_at")
    audit_scope_field = "scope_id"

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    scope = models.ForeignKey(
        Scope,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("ISMS scope"),
        help_text=_("Leave empty for all scopes."),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("department"),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "user__email", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "scope"],
                name="membership_unique_role_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(scope__isnull=True),
                name="membership_unique_role_all_scopes",
            ),
        ]
        indexes = [models.Index(fields=["user", "organisation", "is_active"])]

    def __str__(self) -> str:
        where = self.scope.name if self.scope_id else self.organisation.name
        return f"{self.user} / {self.get_role_display()} / {where}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(AuditedModel, TimeStampedModel):
    """An e-mail invitation to join an organisation with a role; single use, expires."""

    audit_exclude = ("created_at", "updated_at", "token")
    audit_scope_field = "scope_id"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("organization"),
    )
    email = models.EmailField(_("e-mail address"), validators=SINGLE_LINE)
    full_name = models.CharField(_("full name"), max_length=150, blank=True, validators=SINGLE_LINE)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    scope = models.ForeignKey(
        Scope,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ISMS scope"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    valid_until = models.DateField(_("access valid until"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class LoginEvent(models.Model):
    """Successful and failed logins, so a user sees their previous login (JIS Q 27002 8.5)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, related_name="logins")
    email = models.CharField(max_length=254, blank=True)
    succeeded = models.BooleanField()
    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.email} {self.at:%Y-%m-%d %H:%M} {'ok' if self.succeeded else 'failed'}"
