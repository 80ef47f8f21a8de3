"""Retention rules (保存期間): how long a record class is kept after the business event its
period counts from (起算事由). The statutory rules are built in (``organisation`` empty,
loaded by ``manage.py load_reference`` from ``data/retention_rules.toml``, each naming its
law, article and source); an organization adds its own and contractual rules. Where a law
has a transitional period (経過措置, e.g. 労働基準法 本則5年 / 当分の間3年) the organization's
choice is a ``RetentionRuleChoice``; until it makes one, dates follow the main rule."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ume.core.fields import BoundedTextField
from ume.core.models import AuditedModel, Organisation, TimeStampedModel, VersionedModel
from ume.core.validators import MULTI_LINE, SINGLE_LINE

from ..choices import EventSource, EventType, NoPeriod, RuleKind
from ..periods import Period

LONGEST = [MaxValueValidator(150)]


def _english() -> bool:
    return (get_language() or "ja").startswith("en")


class RetentionRule(AuditedModel, VersionedModel, TimeStampedModel):
    """One record class's retention period and the event it counts from."""

    audit_name_fields = ("record_ja",)
    audit_exclude = ("created_at", "updated_at")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="retention_rules",
        verbose_name=_("organization"),
        help_text=_("Empty for the built-in statutory rules."),
    )
    code = models.SlugField(_("code"), max_length=60, blank=True, validators=SINGLE_LINE)
    kind = models.CharField(
        _("kind of rule"), max_length=16, choices=RuleKind.choices, default=RuleKind.OWN
    )
    record_ja = models.CharField(_("kind of record"), max_length=200, validators=SINGLE_LINE)
    record_en = models.CharField(
        _("kind of record (English)"), max_length=200, blank=True, validators=SINGLE_LINE
    )
    law_ja = models.CharField(_("basis"), max_length=200, blank=True, validators=SINGLE_LINE)
    law_en = models.CharField(
        _("basis (English)"), max_length=200, blank=True, validators=SINGLE_LINE
    )
    article_ja = models.CharField(_("article"), max_length=200, blank=True, validators=SINGLE_LINE)
    article_en = models.CharField(
        _("article (English)"), max_length=200, blank=True, validators=SINGLE_LINE
    )
    years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True, validators=LONGEST)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    no_period = models.CharField(
        _("no fixed period"), max_length=16, choices=NoPeriod.choices, blank=True
    )
    transitional_years = models.PositiveSmallIntegerField(
        _("transitional period (years)"), null=True, blank=True, validators=LONGEST
    )
    transitional_provision_ja = models.CharField(
        _("transitional provision"), max_length=200, blank=True, validators=SINGLE_LINE
    )
    transitional_provision_en = models.CharField(
        _("transitional provision (English)"), max_length=200, blank=True, validators=SINGLE_LINE
    )
    event_type = models.CharField(
        _("kind of start event"), max_length=24, choices=EventType.choices, default=EventType.OTHER
    )
    start_event_ja = models.CharField(_("start event"), max_length=300, validators=SINGLE_LINE)
    start_event_en = models.CharField(
        _("start event (English)"), max_length=300, blank=True, validators=SINGLE_LINE
    )
    first_day_counts = models.BooleanField(
        _("count the event day"),
        default=False,
        help_text=_(
            "Off (the Civil Code's rule, Article 140): counting starts the day after the "
            "event. On: it starts on the event date itself."
        ),
    )
    notes_ja = BoundedTextField(_("notes"), blank=True, max_length=2000, validators=MULTI_LINE)
    notes_en = BoundedTextField(
        _("notes (English)"), blank=True, max_length=2000, validators=MULTI_LINE
    )
    source = models.CharField(_("source"), max_length=500, blank=True, validators=SINGLE_LINE)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["organisation", "kind", "law_ja", "record_ja"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(organisation__isnull=True),
                name="builtin_retention_code_once",
            ),
            models.UniqueConstraint(
                fields=["organisation", "record_ja"], name="retention_record_once"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return (self.record_en if _english() else "") or self.record_ja

    @property
    def law(self) -> str:
        return (self.law_en if _english() else "") or self.law_ja

    @property
    def article(self) -> str:
        return (self.article_en if _english() else "") or self.article_ja

    @property
    def start_event(self) -> str:
        return (self.start_event_en if _english() else "") or self.start_event_ja

    @property
    def notes(self) -> str:
        return (self.notes_en if _english() else "") or self.notes_ja

    @property
    def transitional_provision(self) -> str:
        english = _english() and self.transitional_provision_en
        return self.transitional_provision_en if english else self.transitional_provision_ja

    @property
    def is_builtin(self) -> bool:
        return self.organisation_id is None

    @property
    def has_transitional(self) -> bool:
        return self.transitional_years is not None

    def main_period(self) -> Period | None:
        """The 本則 period, or None for a rule without a fixed period."""
        if self.no_period or not (self.years or self.months or self.days):
            return None
        return Period(years=self.years or 0, months=self.months or 0, days=self.days or 0)

    def period(self, use_transitional: bool = False) -> Period | None:
        """The period dates follow: the transitional one when chosen, else the 本則."""
        if use_transitional and self.has_transitional:
            return Period(years=self.transitional_years)
        return self.main_period()

    def clean(self) -> None:
        super().clean()
        fixed = bool(self.years or self.months or self.days)
        if fixed and self.no_period:
            raise ValidationError(
                {"no_period": _("A rule has either a period or no fixed period, not both.")}
            )
        if not fixed and not self.no_period:
            raise ValidationError(
                {"years": _("Enter the period, or say that the rule has no fixed period.")}
            )
        if self.transitional_years is not None and not self.transitional_provision_ja:
            raise ValidationError(
                {"transitional_provision_ja": _("Name the provision of the transitional period.")}
            )


class RetentionRuleChoice(AuditedModel, VersionedModel, TimeStampedModel):
    """An organization's choice between a rule's 本則 and its transitional period (経過措置)."""

    audit_exclude = ("created_at", "updated_at")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="retention_choices",
        verbose_name=_("organization"),
    )
    rule = models.ForeignKey(
        RetentionRule,
        on_delete=models.CASCADE,
        related_name="choices",
        verbose_name=_("retention rule"),
    )
    use_transitional = models.BooleanField(_("use the transitional period"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"))

    class Meta:
        verbose_name = _("choice of retention period")
        verbose_name_plural = _("choices of retention period")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "rule"], name="retention_choice_once")
        ]

    def __str__(self) -> str:
        return str(self.rule)


class RetentionSubject(AuditedModel, TimeStampedModel):
    """Whom or what retained records are about: a person (退職者), a contract, a meeting.
    ``key`` identifies it for the module that reports its events (``core.user:12``) or is the
    name typed by hand; ``assets`` are the record classes it concerns (empty: every asset
    whose rules count from one of its events)."""

    audit_name_fields = ("name",)
    audit_exclude = ("created_at", "updated_at")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="retention_subjects",
        verbose_name=_("organization"),
    )
    key = models.CharField(_("key"), max_length=200, validators=SINGLE_LINE)
    name = models.CharField(
        pgettext_lazy("retention", "subject"), max_length=200, validators=SINGLE_LINE
    )
    # About a person (a leaver): the name shows only to roles that may see the people register.
    personal = models.BooleanField(_("about a person"), default=False)
    assets = models.ManyToManyField(
        "assets.Asset", blank=True, related_name="retention_subjects", verbose_name=_("records")
    )

    class Meta:
        verbose_name = _("retention subject")
        verbose_name_plural = _("retention subjects")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="retention_subject_once")
        ]

    def __str__(self) -> str:
        return self.name

    def label(self, may_see_names: bool) -> str:
        """The name, or 「退職者 No.12」 for a person to a reader who may not see names."""
        if self.personal and not may_see_names:
            return _("Leaver No.{id}").format(id=self.pk)
        return self.name


class RetentionEvent(AuditedModel, VersionedModel, TimeStampedModel):
    """A business event a retention period counts from (退職日, 契約終了日 …), entered through
    ``services.retention_event_record`` only. A correction changes the date (the trail keeps
    the former one and the reason); a withdrawn event no longer counts."""

    audit_name_fields = ("subject__name", "event_type")
    audit_exclude = ("created_at", "updated_at")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="retention_events",
        verbose_name=_("organization"),
    )
    subject = models.ForeignKey(
        RetentionSubject,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=pgettext_lazy("retention", "subject"),
    )
    event_type = models.CharField(_("kind of event"), max_length=24, choices=EventType.choices)
    date = models.DateField(_("date of the event"))
    source = models.CharField(
        _("entered through"), max_length=16, choices=EventSource.choices, default=EventSource.MANUAL
    )
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    reason = models.CharField(
        _("reason for the change"), max_length=300, blank=True, validators=SINGLE_LINE
    )

    class Meta:
        verbose_name = _("retention event")
        verbose_name_plural = _("retention events")
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "event_type"], name="retention_event_once")
        ]
        indexes = [models.Index(fields=["organisation", "event_type", "date"])]

    def __str__(self) -> str:
        return f"{self.subject} {self.get_event_type_display()}"


class RetentionBatch(AuditedModel, TimeStampedModel):
    """The items of one record class whose periods count from events of one fiscal year,
    deleted together: 「2025年度退職者の履歴書」. Dates are kept up to date by the recompute."""

    audit_exclude = (
        "created_at",
        "updated_at",
        "first_due",
        "last_due",
        "item_count",
        "held_count",
        "deleted_count",
    )

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="retention_batches",
        verbose_name=_("organization"),
    )
    asset = models.ForeignKey(
        "assets.Asset",
        on_delete=models.CASCADE,
        related_name="retention_batches",
        verbose_name=_("record"),
    )
    event_type = models.CharField(_("kind of event"), max_length=24, choices=EventType.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    first_due = models.DateField(_("first due date"), null=True, blank=True)
    last_due = models.DateField(_("last due date"), null=True, blank=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    held_count = models.PositiveIntegerField(_("on hold"), default=0)
    deleted_count = models.PositiveIntegerField(_("deleted"), default=0)

    class Meta:
        verbose_name = _("retention batch")
        verbose_name_plural = _("retention batches")
        ordering = ["first_due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "event_type", "fiscal_year"], name="retention_batch_once"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from ..retention import batch_label

        return batch_label(self)


class RetentionItem(AuditedModel, VersionedModel, TimeStampedModel):
    """One subject's records of one record class (山田さんの履歴書): when its period starts,
    the last day it is kept and the rule that set that date (the latest of the rules wins),
    with each rule's own date in ``basis``. A hold (保留) suspends deletion."""

    audit_exclude = ("created_at", "updated_at", "basis")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="retention_items",
        verbose_name=_("organization"),
    )
    batch = models.ForeignKey(
        RetentionBatch, on_delete=models.CASCADE, related_name="items", verbose_name=_("batch")
    )
    asset = models.ForeignKey(
        "assets.Asset",
        on_delete=models.CASCADE,
        related_name="retention_items",
        verbose_name=_("record"),
    )
    subject = models.ForeignKey(
        RetentionSubject,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=pgettext_lazy("retention", "subject"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    keep_until = models.DateField(_("kept until"), null=True, blank=True)
    rule = models.ForeignKey(
        RetentionRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rule that sets the date"),
    )
    permanent = models.BooleanField(_("kept permanently"), default=False)
    basis = models.JSONField(_("how the date was set"), default=list, blank=True)
    held = models.BooleanField(_("on hold"), default=False)
    hold_reason = models.CharField(
        _("reason for the hold"), max_length=300, blank=True, validators=SINGLE_LINE
    )
    hold_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hold owner"),
    )
    hold_review_on = models.DateField(_("review the hold on"), null=True, blank=True)
    deletion = models.ForeignKey(
        "assets.DeletionRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("deletion record"),
    )

    class Meta:
        verbose_name = _("retained item")
        verbose_name_plural = _("retained items")
        ordering = ["keep_until", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "subject"], name="retention_item_once")
        ]
        indexes = [models.Index(fields=["organisation", "keep_until"])]

    def __str__(self) -> str:
        return f"{self.subject} / {self.asset.name}"


class RetentionRun(models.Model):
    """The recompute of an organization's dates that runs in the background when it has many
    subjects (after a rule, a choice or the fiscal year changed): its progress for the pages,
    and a generation so that a change made while it runs is computed again."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="retention_run",
        verbose_name=_("organization"),
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices)
    generation = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("retention recompute")
        verbose_name_plural = _("retention recomputes")

    def __str__(self) -> str:
        return f"{self.organisation} {self.state} {self.done}/{self.total}"

    @property
    def active(self) -> bool:
        return self.state != self.State.DONE
