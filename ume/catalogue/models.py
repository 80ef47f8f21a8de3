"""Catalogue reference data. Loaded by ``manage.py load_reference`` from ``reference/``; never
edited in the UI (organisations record their own choices in the SoA and measures)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import Attribute, Level, ProposalOutcome, Theme


class Localised:
    """``obj.tr("title")`` is ``title_ja`` or ``title_en`` for the active language."""

    def tr(self, field: str) -> str:
        lang = "en" if (get_language() or "ja").startswith("en") else "ja"
        return getattr(self, f"{field}_{lang}") or getattr(self, f"{field}_ja")

    def __getattr__(self, name: str):
        # Templates cannot pass arguments: ``{{ control.l_title }}`` is ``tr("title")``.
        if name.startswith("l_"):
            return self.tr(name[2:])
        raise AttributeError(name)


def pick(pair: dict | None) -> str:
    """The active language's text of a ``{"ja": …, "en": …}`` pair from the data files."""
    if not pair:
        return ""
    lang = "en" if (get_language() or "ja").startswith("en") else "ja"
    return pair.get(lang) or pair.get("ja", "")


class AttributeValue(Localised, models.Model):
    attribute = models.CharField(_("attribute"), max_length=32, choices=Attribute.choices)
    value = models.CharField(_("value"), max_length=64)
    label_ja = models.CharField(max_length=64)
    label_en = models.CharField(max_length=64)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        ordering = ["attribute", "order"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "value"], name="attribute_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_attribute_display()}: {self.tr('label')}"


class Control(Localised, models.Model):
    """One Annex A control with Ume's guidance (seed 000 template)."""

    # What __str__ reads: the audit trail names related records from these columns only.
    audit_name_fields = ("ref", "title_ja", "title_en")

    ref = models.CharField(_("control"), max_length=8, unique=True)
    theme = models.CharField(_("theme"), max_length=16, choices=Theme.choices)
    sort_key = models.PositiveIntegerField(db_index=True)
    title_ja = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    aliases_ja = models.JSONField(default=list, blank=True)
    # Everyday words for the control's subject (reference/keywords.yaml, Ume's own): searched
    # and ranked like the title.
    keywords_ja = models.JSONField(default=list, blank=True)
    keywords_en = models.JSONField(default=list, blank=True)
    new_in_2022 = models.BooleanField(_("new in 2022"), default=False)
    maps_from_2013 = models.JSONField(default=list, blank=True)
    attribute_values = models.ManyToManyField(AttributeValue, related_name="controls")
    # Provenance of summary, goal and main_actors; every list item and variant carries its own.
    provenance = models.JSONField(default=dict)
    summary_ja = models.TextField()
    summary_en = models.TextField()
    goal_ja = models.TextField()
    goal_en = models.TextField()
    main_actors_ja = models.TextField()
    main_actors_en = models.TextField()
    measures = models.JSONField(default=list)
    information_examples = models.JSONField(default=list)
    notes = models.JSONField(default=list, blank=True)
    level_titles = models.JSONField(default=dict)
    recommendation = models.JSONField(default=dict)
    procedure_name_ja = models.CharField(max_length=200)
    procedure_name_en = models.CharField(max_length=200)
    procedure_requirement_ja = models.TextField()
    procedure_requirement_en = models.TextField()
    procedure_provenance = models.JSONField(default=dict)
    search_ja = models.TextField(editable=False, default="")
    search_en = models.TextField(editable=False, default="")
    terms = models.JSONField(editable=False, default=list)
    content_hash = models.CharField(max_length=64, editable=False, default="")

    class Meta:
        verbose_name = _("control")
        verbose_name_plural = _("controls")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.ref} {self.tr('title')}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("catalogue:control_detail", args=[self.ref])


class LevelVariant(Localised, models.Model):
    """One 実装概要（事例） of a level, e.g. 5.7 梅1 / 梅2."""

    # What __str__ reads: the audit trail names related records from these columns only.
    audit_name_fields = ("control__ref", "level", "key")

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="variants")
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    key = models.CharField(max_length=16)
    text_ja = models.TextField()
    text_en = models.TextField()
    provenance = models.JSONField(default=dict)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("implementation example")
        verbose_name_plural = _("implementation examples")
        ordering = ["control__sort_key", "order"]
        constraints = [
            models.UniqueConstraint(fields=["control", "key"], name="variant_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.control.ref} {self.label}"

    @property
    def label(self) -> str:
        """梅1, 竹, Plum 2 … as the seed numbers them."""
        number = "".join(ch for ch in self.key if ch.isdigit())
        siblings = getattr(self, "_sibling_count", 2)
        base = {"ume": _("Plum"), "take": _("Bamboo"), "matsu": _("Pine")}[self.level]
        return f"{base}{number}" if siblings > 1 else str(base)


class Control2013(models.Model):
    """An ISO/IEC 27001:2013 Annex A control id and where it went in 2022 (27002 Annex B)."""

    ref = models.CharField(max_length=12, unique=True)
    sort_key = models.PositiveIntegerField()
    targets = models.ManyToManyField(Control, related_name="sources_2013")

    class Meta:
        verbose_name = _("2013 control")
        verbose_name_plural = _("2013 controls")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return self.ref


class Proposal(Localised, models.Model):
    """A Japan ISMS User Group proposal to the ISO/IEC 27002 guidance (seeds 001, 003)."""

    ref = models.CharField(max_length=8, unique=True)
    number = models.PositiveSmallIntegerField()
    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="proposals")
    control_2013 = models.CharField(max_length=12)
    measure_ja = models.TextField()
    measure_en = models.TextField()
    outcome_domestic = models.CharField(max_length=16, choices=ProposalOutcome.choices)
    outcome_international = models.CharField(max_length=16, choices=ProposalOutcome.choices)
    # What the seeds leave open or how the adopted text differs from the proposal.
    note_ja = models.TextField(blank=True, default="")
    note_en = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("27002 proposal")
        verbose_name_plural = _("27002 proposals")
        ordering = ["number", "ref"]

    def __str__(self) -> str:
        return f"#{self.number} {self.control_2013} → {self.control.ref}"


__all__ = ["AttributeValue", "Control", "Control2013", "Level", "LevelVariant", "Proposal", "pick"]
