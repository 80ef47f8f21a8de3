"""Forms of the asset ledger. They validate input; the services do the writing."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ume.core.forms import (
    BLANK_CHOICE_LABEL,
    SafeModelChoiceField,
    SafeModelMultipleChoiceField,
    VersionedModelForm,
)
from ume.core.models import Department, Organisation, Scope, User
from ume.core.policies import can
from ume.core.validators import MAX_PK, MULTI_LINE, SINGLE_LINE
from ume.measures.selectors import measure_list

from . import endpoints
from .choices import (
    CIA_VALUES,
    DataHandling,
    DeletionMethod,
    EventType,
    NoPeriod,
    RemovalPurpose,
    RuleKind,
)
from .models import Asset, ClassificationLevel, EquipmentRemoval, LedgerSettings, RetentionRule
from .permissions import ADD_ASSET
from .selectors import classification_levels

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CIA_CHOICES = [("", _("Not valued")), *((v, str(v)) for v in CIA_VALUES)]


class AssetForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = Asset
        fields = [
            "ref",
            "name",
            "scope",
            "asset_type",
            "owner",
            "department",
            "location",
            "storage_detail",
            "media_format",
            "classification",
            "confidentiality",
            "integrity",
            "availability",
            "personal_info",
            "sensitive_personal_info",
            "my_number",
            "holder",
            "measures",
            "retention_rules",
            "status",
            "last_reviewed_on",
            "notes",
            *endpoints.FIELDS,
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "last_reviewed_on": DATE,
            "byod_approved_on": DATE,
            "byod_expires_on": DATE,
            "endpoint_confirmed_on": DATE,
            "measures": forms.SelectMultiple(attrs={"size": 6}),
            "retention_rules": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(
        self,
        *args,
        organisation: Organisation,
        actor: User | None = None,
        read_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ref"].required = False
        scopes = Scope.objects.filter(organisation=organisation).filter(
            Q(is_active=True) | Q(pk=self.instance.scope_id or 0)
        )
        if actor is not None:  # only scopes the actor may add assets to (or the current one)
            allowed = [s.pk for s in scopes if can(actor, ADD_ASSET, s)]
            scopes = scopes.filter(Q(pk__in=allowed) | Q(pk=self.instance.scope_id or 0))
        self.fields["scope"].queryset = scopes.order_by("name")
        self.fields["owner"].queryset = (
            User.objects.filter(
                memberships__organisation=organisation, memberships__is_active=True, is_active=True
            )
            .distinct()
            .order_by("full_name", "email")
        )
        self.fields["byod_approved_by"].queryset = self.fields["owner"].queryset
        self.fields["department"].queryset = Department.objects.filter(
            organisation=organisation
        ).order_by("name")
        self.fields["classification"].queryset = classification_levels(organisation)
        for name in ("confidentiality", "integrity", "availability"):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                choices=CIA_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )
        measures = self.fields["measures"]
        measures.queryset = (
            (measure_list(actor=actor, organisation=organisation) if actor else measures.queryset)
            .select_related(None)
            .prefetch_related(None)
            .only("id", "title")
        )
        measures.help_text = _(
            "The measures that protect this asset (of its ISMS scope or of the whole "
            "organization). Hold Ctrl or ⌘ to choose more than one."
        )
        rules = self.fields["retention_rules"]
        rules.queryset = RetentionRule.objects.filter(
            Q(organisation__isnull=True) | Q(organisation=organisation)
        ).order_by("kind", "law_ja", "record_ja")
        rules.widget.choices = grouped_rules(rules.queryset)
        rules.help_text = _(
            "How long this record is kept and from which event. When several rules apply, "
            "the latest date wins."
        )
        if read_only:
            for field in self.fields.values():
                field.disabled = True


def grouped_rules(rules) -> list[tuple[str, list[tuple[int, str]]]]:
    """The rules for a select, grouped by law (the organization's own rules first)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    own = str(_("Rules of this organization"))
    for rule in rules:
        groups.setdefault(own if rule.organisation_id else rule.law, []).append(
            (rule.pk, rule.label)
        )
    return sorted(groups.items(), key=lambda item: (item[0] != own, item[0]))


class ClassificationLevelForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = ClassificationLevel
        fields = ["rank", "name_ja", "name_en", "handling"]


class LedgerSettingsForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = LedgerSettings
        fields = ["importance_rule", "removal_approver"]
        widgets = {"importance_rule": forms.RadioSelect, "removal_approver": forms.RadioSelect}
        help_texts = {
            "removal_approver": _(
                "Equipment leaving the premises for repair or disposal needs a manager's "
                "approval before it leaves (A.7.13). Top management may always approve."
            )
        }


class RetentionRuleForm(VersionedModelForm):
    """An organization's own or contractual rule (the statutory ones are built in)."""

    class Meta(VersionedModelForm.Meta):
        model = RetentionRule
        fields = [
            "kind",
            "record_ja",
            "record_en",
            "law_ja",
            "article_ja",
            "years",
            "months",
            "days",
            "no_period",
            "event_type",
            "start_event_ja",
            "first_day_counts",
            "notes_ja",
            "source",
        ]
        widgets = {"notes_ja": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "record_ja": _("kind of record"),
            "law_ja": _("basis (law, contract or internal rule)"),
            "article_ja": _("article or clause"),
            "start_event_ja": _("start event"),
            "notes_ja": _("notes"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k.value, k.label) for k in (RuleKind.OWN, RuleKind.CONTRACT)
        ]
        self.fields["no_period"].choices = [("", _("It has a fixed period")), *NoPeriod.choices]
        self.fields["start_event_ja"].help_text = _(
            "The event the period counts from, in the words of the rule (e.g. 契約終了日)."
        )


class RetentionChoiceForm(forms.Form):
    """Between a rule's 本則 and its transitional period (経過措置)."""

    MAIN, TRANSITIONAL = "main", "transitional"
    period = forms.ChoiceField(
        label=_("Period this organization follows"),
        widget=forms.RadioSelect,
        choices=[(MAIN, _("Main rule")), (TRANSITIONAL, _("Transitional period"))],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- Retention events and holds ----------------------------------------------------------------


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_PK)


class RetentionEventForm(forms.Form):
    """An event typed by hand (手入力) until the register that knows it exists."""

    subject = forms.CharField(
        label=pgettext_lazy("retention", "subject"),
        max_length=200,
        validators=SINGLE_LINE,
        help_text=_(
            "Whom or what the records are about: a leaver's name, a contract (A社 業務委託契約)."
        ),
    )
    event_type = forms.ChoiceField(label=_("kind of event"), choices=EventType.choices)
    date = forms.DateField(label=_("date of the event"), widget=DATE)
    started_on = forms.DateField(
        label=_("join date or contract start"),
        widget=DATE,
        required=False,
        help_text=_("Optional: checked against the date of the event, not kept."),
    )
    assets = SafeModelMultipleChoiceField(
        label=_("records"),
        queryset=Asset.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave empty for every record whose retention rule counts from this kind of event; "
            "tick the records that concern this subject to narrow it (or to include records "
            "counting from the fiscal year)."
        ),
    )

    def __init__(self, *args, assets=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if assets is not None:
            self.fields["assets"].queryset = assets


class RetentionEventCorrectForm(forms.Form):
    date = forms.DateField(label=_("date of the event"), widget=DATE)
    reason = forms.CharField(
        label=_("reason for the change"),
        max_length=300,
        validators=SINGLE_LINE,
        help_text=_("Kept in the history with the former date (e.g. 退職日の訂正)."),
    )
    version = _version_field()


class RetentionEventWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for the withdrawal"),
        max_length=300,
        validators=SINGLE_LINE,
        help_text=_("For example: rehired, the contract was renewed."),
    )
    version = _version_field()


class RetentionHoldForm(forms.Form):
    hold_reason = forms.CharField(
        label=_("reason for the hold"),
        max_length=300,
        validators=SINGLE_LINE,
        help_text=_("For example: evidence for an incident investigation, a dispute."),
    )
    hold_owner = SafeModelChoiceField(label=_("hold owner"), queryset=User.objects.none())
    hold_review_on = forms.DateField(label=_("review the hold on"), widget=DATE)
    version = _version_field()

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hold_owner"].queryset = members(organisation)


class DeletionRecordForm(forms.Form):
    """The deletion of a batch's items past their 保存期限 (消去記録)."""

    items = forms.MultipleChoiceField(label=_("Items deleted"), widget=forms.CheckboxSelectMultiple)
    method = forms.ChoiceField(label=_("method"), choices=DeletionMethod.choices)
    deleted_on = forms.DateField(label=_("deleted on"), widget=DATE)
    witness = forms.CharField(
        label=_("witness"),
        max_length=200,
        required=False,
        validators=SINGLE_LINE,
        help_text=_("Who saw the deletion or destruction done (e.g. 総務部 桜井)."),
    )
    supplier = forms.CharField(
        label=_("supplier that held the data"),
        max_length=200,
        required=False,
        validators=SINGLE_LINE,
        help_text=_("When a contractor or cloud service held the records: its name."),
    )
    supplier_confirmation = forms.CharField(
        label=_("supplier's confirmation"),
        max_length=300,
        required=False,
        validators=SINGLE_LINE,
        help_text=_("How the supplier confirmed the deletion (its certificate number, a letter)."),
    )
    certificate = forms.FileField(
        label=_("certificate of erasure"),
        required=False,
        help_text=_(
            "The 消去証明書 or 廃棄証明書 (PDF or image). It is kept with its SHA-256 as "
            "evidence of 8.10; one certificate can close the whole batch."
        ),
    )
    notes = forms.CharField(
        label=_("notes"),
        required=False,
        max_length=2000,
        validators=MULTI_LINE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, items=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = list(items)
        self.initial.setdefault("items", [value for value, _label in items])


class AssetDisposalForm(DeletionRecordForm):
    """The disposal of an asset: how and when, with the certificate; no items to choose."""

    version = _version_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["items"]
        self.fields["certificate"].help_text = _(
            "The 消去証明書 or 廃棄証明書 of the device or the records (PDF or image), kept with "
            "its SHA-256 as evidence of 7.14 and 8.10."
        )


# --- Equipment removals (持出) -------------------------------------------------------------------


def members(organisation: Organisation):
    return (
        User.objects.filter(memberships__organisation=organisation, is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


class RemovalRequestForm(forms.ModelForm):
    """A request to take equipment off the premises; the manager approves it before it leaves."""

    asset = SafeModelChoiceField(label=_("equipment"), queryset=Asset.objects.none())

    class Meta:
        model = EquipmentRemoval
        fields = [
            "asset",
            "purpose",
            "supplier",
            "data_held",
            "data_handling",
            "out_on",
            "expected_return_on",
            "notes",
        ]
        widgets = {
            "out_on": DATE,
            "expected_return_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "supplier": _(
                "The maintenance or disposal contractor that takes it (e.g. 〇〇サービス)."
            ),
            "data_held": _("What information is on it (e.g. 顧客台帳, 経理データ); empty if none."),
            "data_handling": _(
                "Remove the storage, erase or encrypt the data before it leaves whenever you can."
            ),
            "expected_return_on": _("Not needed when it leaves to be disposed of."),
        }

    def __init__(self, *args, assets=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = assets if assets is not None else Asset.objects.none()
        self.fields["purpose"].choices = RemovalPurpose.choices
        self.fields["data_handling"].choices = [("", BLANK_CHOICE_LABEL), *DataHandling.choices]


class RemovalDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("approver's comment"),
        max_length=300,
        required=False,
        validators=SINGLE_LINE,
        help_text=_("Required when rejecting (e.g. ask for the data to be erased first)."),
    )
    version = _version_field()


class RemovalReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("returned on"), widget=DATE)
    checked_by = SafeModelChoiceField(
        label=_("checked by"),
        queryset=User.objects.none(),
        help_text=_("Who checked it on its return (its data, seals and condition)."),
    )
    closing_note = forms.CharField(
        label=_("closing note"),
        max_length=300,
        required=False,
        validators=SINGLE_LINE,
        help_text=_("For example: repaired, the storage was not replaced."),
    )
    version = _version_field()

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checked_by"].queryset = members(organisation)


class RemovalCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for the cancellation"),
        max_length=300,
        validators=SINGLE_LINE,
        help_text=_("For example: repaired on site, the request was made twice."),
    )
    version = _version_field()


# --- 棚卸し (inventory reviews) ----------------------------------------------------------------


class InventoryStartForm(forms.Form):
    scope = SafeModelChoiceField(label=_("ISMS scope"), queryset=Scope.objects.none())
    name = forms.CharField(
        label=_("name"),
        max_length=200,
        validators=SINGLE_LINE,
        help_text=_("For example: 2026年度 情報資産の棚卸し."),
    )
    due_on = forms.DateField(
        label=_("answer by"),
        widget=DATE,
        help_text=_("Each asset owner confirms or corrects their assets by this day."),
    )

    def __init__(self, *args, scopes=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = scopes if scopes is not None else Scope.objects.none()


class InventoryNotFoundForm(forms.Form):
    note = forms.CharField(
        label=_("note"),
        max_length=300,
        validators=SINGLE_LINE,
        help_text=_(
            "Where it was looked for, or what happened to it (e.g. 廃棄済みだが台帳に残っていた)."
        ),
    )
    version = _version_field()


class InventoryCloseForm(forms.Form):
    version = _version_field()
