"""List filters of the platform (django-filter)."""

import datetime as dt

import django_filters as filters
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction, Role
from .forms import SafeModelChoiceField
from .models import AuditEntry, Department, Scope, User
from .widgets import FastSelect

DATE = {"type": "date"}


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class ModelChoiceFilter(filters.ModelChoiceFilter):
    field_class = SafeModelChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("All"))  # not Django's "---------"
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, **kwargs)


class ChoiceFilter(filters.ChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, **kwargs)


class AuditEntryFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    action = ChoiceFilter(label=_("operation"), choices=AuditAction.choices)
    model_label = ChoiceFilter(label=_("record type"), choices=[], method="by_model")
    actor = ModelChoiceFilter(label=_("user"), queryset=User.objects.none())
    date_from = filters.DateFilter(
        label=_("from"), method="from_day", widget=filters.widgets.forms.DateInput(attrs=DATE)
    )
    date_to = filters.DateFilter(
        label=_("to"), method="to_day", widget=filters.widgets.forms.DateInput(attrs=DATE)
    )
    exports = filters.BooleanFilter(
        label=_("Show exports too"),
        method="with_exports",
        widget=filters.widgets.forms.CheckboxInput,
    )

    class Meta:
        model = AuditEntry
        fields = ["q", "action", "model_label", "actor", "date_from", "date_to", "exports"]

    def __init__(self, data=None, *args, organisation=None, **kwargs):
        # Bound even without a query, so that exports are left out of the first page too.
        super().__init__(QueryDict() if data is None else data, *args, **kwargs)
        from .audit_labels import model_choices

        self.filters["model_label"].extra["choices"] = model_choices()
        if organisation is not None:
            self.filters["actor"].queryset = User.objects.filter(
                memberships__organisation=organisation
            ).distinct()

    # Whole local (Asia/Tokyo) days as a range on `at`, so the (organisation, at) index is used
    # (a `__date` lookup computes the date of every row).
    def from_day(self, queryset, name, value):
        return queryset.filter(at__gte=local_midnight(value))

    def to_day(self, queryset, name, value):
        return queryset.filter(at__lt=local_midnight(value + dt.timedelta(days=1)))

    def with_exports(self, queryset, name, value):
        from .selectors import without_exports

        return queryset if value else without_exports(queryset)

    def by_model(self, queryset, name, value):
        """Entries about the chosen record type, written under its current or former labels."""
        from .audit_labels import labels_of, model_for

        return queryset.filter(model_label__in=labels_of(model_for(value)))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = (
            Q(object_repr__icontains=value)
            | Q(actor_label__icontains=value)
            | Q(changes__icontains=value)
        )
        if value.isdigit():
            condition |= Q(object_id=value) | Q(seq=int(value))
        return queryset.filter(condition)


class MemberFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    role = ChoiceFilter(label=_("role"), choices=Role.choices, method="by_role")
    status = ChoiceFilter(
        label=_("status"),
        method="by_status",
        choices=[("active", _("Active")), ("inactive", _("Inactive"))],
    )

    class Meta:
        model = User
        fields = ["q", "role", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(email__icontains=value) | Q(full_name__icontains=value))

    def by_role(self, queryset, name, value):
        return queryset.filter(memberships__role=value)

    def by_status(self, queryset, name, value):
        return (
            queryset.filter(active_roles__gt=0)
            if value == "active"
            else queryset.filter(active_roles=0)
        )


class ScopeFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    is_active = filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Scope
        fields = ["q", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(boundaries__icontains=value)
            | Q(sites__icontains=value)
            | Q(certificate_number__icontains=value)
        )


class DepartmentFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    scope = ModelChoiceFilter(
        label=_("ISMS scope"), field_name="scopes", queryset=Scope.objects.none()
    )

    class Meta:
        model = Department
        fields = ["q", "scope"]

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.filters["scope"].queryset = Scope.objects.filter(organisation=organisation)


class ApiTokenFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    state = ChoiceFilter(
        label=_("status"),
        method="by_state",
        choices=[("valid", _("Valid")), ("expired", _("Expired")), ("revoked", _("Revoked"))],
        empty_label=_("All"),
    )

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(user__email__icontains=value)
            | Q(user__full_name__icontains=value)
        )

    def by_state(self, queryset, name, value):
        now = timezone.now()
        if value == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if value == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
