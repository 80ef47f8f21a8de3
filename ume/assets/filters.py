"""The filters of the asset ledger (django-filter); they narrow ``selectors.asset_list``."""

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ume.core.filters import ChoiceFilter, ModelChoiceFilter
from ume.core.models import Department, Organisation, Scope, User
from ume.core.roles import visible_scope_ids

from . import endpoints
from .choices import (
    AssetStatus,
    AssetType,
    CheckResult,
    DeletionMethod,
    EventSource,
    EventType,
    Location,
    RemovalPurpose,
    RemovalStatus,
    RuleKind,
)
from .models import (
    Asset,
    ClassificationLevel,
    DeletionRecord,
    EquipmentRemoval,
    InventoryCampaign,
    InventoryCheck,
    RetentionBatch,
    RetentionEvent,
    RetentionRule,
)
from .retention import Due, RuleState, due_range

UNOWNED = "none"
PERSONAL = "personal"
SENSITIVE = "sensitive"
MY_NUMBER = "my_number"
ENDPOINTS = "all"
UNAPPROVED_BYOD = "byod"
RISKY_REMOTE = "remote"


class AssetFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    scope = ModelChoiceFilter(label=_("ISMS scope"), queryset=Scope.objects.none())
    asset_type = ChoiceFilter(label=_("asset type"), choices=AssetType.choices)
    classification = ModelChoiceFilter(
        label=_("classification"), queryset=ClassificationLevel.objects.none()
    )
    importance = ChoiceFilter(label=_("importance"), choices=[("3", "3"), ("2", "2"), ("1", "1")])
    owner = ModelChoiceFilter(label=_("asset owner"), queryset=User.objects.none())
    department = ModelChoiceFilter(label=_("department"), queryset=Department.objects.none())
    location = ChoiceFilter(label=_("storage"), choices=Location.choices)
    personal = ChoiceFilter(
        label=_("personal data"),
        method="by_personal_data",
        choices=[
            (PERSONAL, _("Personal information")),
            (SENSITIVE, _("Special care-required")),
            (MY_NUMBER, _("My Number")),
        ],
    )
    status = ChoiceFilter(label=_("status"), choices=AssetStatus.choices)
    endpoint = ChoiceFilter(
        label=_("endpoints"),
        method="by_endpoint",
        choices=[
            (ENDPOINTS, _("All endpoints")),
            (UNAPPROVED_BYOD, _("Unapproved BYOD")),
            (RISKY_REMOTE, _("Outside access not registered or not encrypted")),
        ],
    )
    unowned = ChoiceFilter(
        label=_("asset owner"), method="by_owner_missing", choices=[(UNOWNED, _("No owner"))]
    )

    class Meta:
        model = Asset
        fields = [
            "q",
            "scope",
            "asset_type",
            "classification",
            "importance",
            "owner",
            "department",
            "location",
            "personal",
            "status",
            "endpoint",
            "unowned",
        ]

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The API's filter backend passes only the request (its organisation is the token's).
        organisation = organisation or getattr(self.request, "organisation", None)
        if organisation is None:
            return
        scopes = Scope.objects.filter(organisation=organisation).order_by("name")
        user = getattr(self.request, "user", None)
        visible = visible_scope_ids(user, organisation.pk) if user is not None else None
        self.filters["scope"].queryset = (
            scopes if visible is None else scopes.filter(pk__in=visible)
        )
        self.filters["classification"].queryset = ClassificationLevel.objects.filter(
            organisation=organisation
        ).order_by("rank")
        self.filters["owner"].queryset = (
            User.objects.filter(memberships__organisation=organisation)
            .distinct()
            .order_by("full_name", "email")
        )
        self.filters["department"].queryset = Department.objects.filter(
            organisation=organisation
        ).order_by("name")

    def search(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(ref__icontains=value)
            | Q(name__icontains=value)
            | Q(storage_detail__icontains=value)
            | Q(holder__icontains=value)
        )

    def by_personal_data(self, queryset: QuerySet[Asset], name: str, value: str):
        field = {
            PERSONAL: "personal_info",
            SENSITIVE: "sensitive_personal_info",
            MY_NUMBER: "my_number",
        }[value]
        return queryset.filter(**{field: True})

    def by_endpoint(self, queryset: QuerySet[Asset], name: str, value: str):
        today = timezone.localdate()
        condition = {
            ENDPOINTS: endpoints.ENDPOINT,
            UNAPPROVED_BYOD: endpoints.unapproved_byod(today),
            RISKY_REMOTE: endpoints.risky_remote_access(),
        }[value]
        return queryset.filter(condition)

    def by_owner_missing(self, queryset: QuerySet[Asset], name: str, value: str):
        return queryset.filter(owner__isnull=True) if value == UNOWNED else queryset


class RetentionRuleFilter(filters.FilterSet):
    """Narrows ``selectors.retention_rule_list`` (annotated with the organization's choice)."""

    q = filters.CharFilter(label=_("Search"), method="search")
    kind = ChoiceFilter(label=_("kind of rule"), choices=RuleKind.choices)
    event_type = ChoiceFilter(label=_("kind of start event"), choices=EventType.choices)
    state = ChoiceFilter(label=_("state"), method="by_state", choices=RuleState.choices)
    used = ChoiceFilter(
        label=_("assets"),
        method="by_use",
        choices=[("yes", _("Followed by assets")), ("no", _("Not used yet"))],
    )

    class Meta:
        model = RetentionRule
        fields = ["q", "kind", "event_type", "state", "used"]

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(record_ja__icontains=value)
            | Q(record_en__icontains=value)
            | Q(law_ja__icontains=value)
            | Q(law_en__icontains=value)
            | Q(article_ja__icontains=value)
            | Q(start_event_ja__icontains=value)
        )

    def by_state(self, queryset, name: str, value: str):
        fixed = Q(no_period="") & (Q(years__gt=0) | Q(months__gt=0) | Q(days__gt=0))
        transitional = Q(transitional_years__isnull=False)
        condition = {
            RuleState.NO_PERIOD: ~fixed,
            RuleState.FIXED: fixed & ~transitional,
            RuleState.NEEDS_CHOICE: fixed & transitional & Q(use_transitional__isnull=True),
            RuleState.MAIN: fixed & transitional & Q(use_transitional=False),
            RuleState.TRANSITIONAL: fixed & transitional & Q(use_transitional=True),
        }[value]
        return queryset.filter(condition)

    def by_use(self, queryset, name: str, value: str):
        return (
            queryset.filter(asset_count__gt=0) if value == "yes" else queryset.filter(asset_count=0)
        )


class RetentionEventFilter(filters.FilterSet):
    """Narrows ``selectors.retention_event_list``; names are searched only by those who see
    them (``may_see_names``)."""

    q = filters.CharFilter(label=_("Search"), method="search")
    event_type = ChoiceFilter(label=_("kind of event"), choices=EventType.choices)
    source = ChoiceFilter(label=_("entered through"), choices=EventSource.choices)
    state = ChoiceFilter(
        label=_("state"),
        method="by_state",
        choices=[("active", _("Counts")), ("withdrawn", _("Withdrawn"))],
    )

    class Meta:
        model = RetentionEvent
        fields = ["q", "event_type", "source", "state"]

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs) -> None:
        from .selectors import may_see_names

        super().__init__(*args, **kwargs)
        organisation = organisation or getattr(self.request, "organisation", None)
        user = getattr(self.request, "user", None)
        self.may_see_names = bool(organisation and user and may_see_names(user, organisation))

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        found = queryset.filter(subject__name__icontains=value)
        return found if self.may_see_names else found.filter(subject__personal=False)

    def by_state(self, queryset, name: str, value: str):
        return queryset.filter(withdrawn=value == "withdrawn")


class RetentionBatchFilter(filters.FilterSet):
    """The due list: narrows ``selectors.retention_batch_list``."""

    q = filters.CharFilter(label=_("Search"), method="search")
    due = ChoiceFilter(label=_("due"), method="by_due", choices=Due.choices)
    held = ChoiceFilter(
        label=_("hold"), method="by_hold", choices=[("yes", _("With items on hold"))]
    )
    owner = ModelChoiceFilter(
        label=_("asset owner"), field_name="asset__owner", queryset=User.objects.none()
    )
    event_type = ChoiceFilter(label=_("kind of event"), choices=EventType.choices)
    fiscal_year = filters.NumberFilter(label=_("fiscal year"))

    class Meta:
        model = RetentionBatch
        fields = ["q", "due", "held", "owner", "event_type", "fiscal_year"]

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organisation = organisation or getattr(self.request, "organisation", None)
        if organisation is not None:
            self.filters["owner"].queryset = (
                User.objects.filter(memberships__organisation=organisation)
                .distinct()
                .order_by("full_name", "email")
            )

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(asset__name__icontains=value) | Q(asset__ref__icontains=value))

    def by_due(self, queryset, name: str, value: str):
        return queryset.filter(due_range(value, timezone.localdate()))

    def by_hold(self, queryset, name: str, value: str):
        return queryset.filter(held_count__gt=0)


DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeletionRecordFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    method = ChoiceFilter(label=_("method"), choices=DeletionMethod.choices)
    deleted_from = filters.DateFilter(
        label=_("deleted from"), field_name="deleted_on", lookup_expr="gte"
    )
    deleted_to = filters.DateFilter(
        label=_("deleted to"), field_name="deleted_on", lookup_expr="lte"
    )
    certificate = ChoiceFilter(
        label=_("certificate of erasure"),
        method="by_certificate",
        choices=[("yes", _("With a certificate")), ("no", _("Without a certificate"))],
    )

    class Meta:
        model = DeletionRecord
        fields = ["q", "method", "deleted_from", "deleted_to", "certificate"]

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(batch_label__icontains=value)
            | Q(asset__name__icontains=value)
            | Q(asset__ref__icontains=value)
            | Q(supplier__icontains=value)
            | Q(witness__icontains=value)
        )

    def by_certificate(self, queryset, name: str, value: str):
        return queryset.filter(certificate__isnull=value != "yes")


OVERDUE = "overdue"


class RemovalFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    status = ChoiceFilter(label=_("status"), choices=RemovalStatus.choices)
    purpose = ChoiceFilter(label=_("purpose"), choices=RemovalPurpose.choices)
    overdue = ChoiceFilter(
        label=_("return"),
        method="by_overdue",
        choices=[(OVERDUE, _("Overdue returns"))],
    )
    out_from = filters.DateFilter(label=_("out from"), field_name="out_on", lookup_expr="gte")
    out_to = filters.DateFilter(label=_("out to"), field_name="out_on", lookup_expr="lte")

    class Meta:
        model = EquipmentRemoval
        fields = ["q", "status", "purpose", "overdue", "out_from", "out_to"]

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(asset__name__icontains=value)
            | Q(asset__ref__icontains=value)
            | Q(supplier__icontains=value)
            | Q(data_held__icontains=value)
        )

    def by_overdue(self, queryset, name: str, value: str):
        return queryset.filter(EquipmentRemoval.overdue_q(timezone.localdate()))


class InventoryCheckFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    result = ChoiceFilter(label=_("result"), choices=CheckResult.choices)
    department = ModelChoiceFilter(label=_("department"), queryset=Department.objects.none())

    class Meta:
        model = InventoryCheck
        fields = ["q", "result", "department"]

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.filters["department"].queryset = Department.objects.filter(
                organisation=organisation
            ).order_by("name")

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(asset__name__icontains=value)
            | Q(asset__ref__icontains=value)
            | Q(owner__full_name__icontains=value)
            | Q(note__icontains=value)
        )


class InventoryCampaignFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    state = ChoiceFilter(
        label=_("status"),
        method="by_state",
        choices=[
            ("open", pgettext_lazy("inventory", "Open")),
            ("closed", pgettext_lazy("inventory", "Closed")),
        ],
    )

    class Meta:
        model = InventoryCampaign
        fields = ["q", "state"]

    def by_state(self, queryset, name: str, value: str):
        return queryset.filter(closed_at__isnull=value == "open")
