"""The audit trail (監査証跡): one SHA-256 hash chain per organisation, append-only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import AuditAction
from .organisation import Organisation

GENESIS_HASH = "0" * 64

# Hash payload versions (ume.core.audit.entry_hash). Version 1 left actor_label and scope_id out;
# version 2 covers every stored field and the version itself. Rows written before 0002 are 1.
HASH_VERSION_LEGACY = 1
HASH_VERSION_CURRENT = 2


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry from the application."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries are append-only")

    def delete(self):
        raise AppendOnlyError("audit entries are append-only")

    # bulk_update would also rewrite history.
    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are append-only")


class AuditEntry(models.Model):
    """One recorded change: who, when, which record, and each field's before → after."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="audit_entries",
        verbose_name=_("organization"),
    )
    seq = models.BigIntegerField(_("sequence number"))
    at = models.DateTimeField(_("date and time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(_("user"), max_length=254, blank=True)
    action = models.CharField(_("operation"), max_length=8, choices=AuditAction.choices)
    model_label = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    scope_id = models.BigIntegerField(_("ISMS scope"), null=True, blank=True)
    changes = models.TextField(_("changes"), default="{}")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    hash_version = models.PositiveSmallIntegerField(
        _("hash version"), default=HASH_VERSION_CURRENT, editable=False
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit trail entry")
        verbose_name_plural = _("audit trail")
        ordering = ["organisation", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "seq"], name="audit_unique_seq"),
        ]
        indexes = [
            models.Index(fields=["organisation", "model_label", "object_id"]),
            models.Index(fields=["organisation", "at"]),
            models.Index(fields=["organisation", "actor"]),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.model_label}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are append-only")

    @property
    def changes_data(self) -> dict:
        import json

        return json.loads(self.changes or "{}")


class AuditChainHead(models.Model):
    """The last link of an organisation's chain; locked while appending so the chain never forks."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, primary_key=True, related_name="audit_head"
    )
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"{self.organisation_id}#{self.seq}"
