"""The filters of the measure list (django-filter); they narrow ``selectors.measure_list``."""

from collections.abc import Callable

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ume.core.filters import ChoiceFilter, ModelChoiceFilter
from ume.core.models import Organisation, Scope, User
from ume.core.roles import visible_scope_ids

from .choices import MeasureStatus
from .forms import control_choices, control_label
from .models import Measure

UNMAPPED = "1"


class MeasureFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    status = ChoiceFilter(label=_("status"), choices=MeasureStatus.choices)
    scope = ModelChoiceFilter(
        label=_("ISMS scope"), queryset=Scope.objects.none(), method="by_scope"
    )
    owner = ModelChoiceFilter(label=_("owner"), queryset=User.objects.none())
    control = ChoiceFilter(label=_("control"), choices=[], method="by_control")
    unmapped = ChoiceFilter(
        label=_("mapping"),
        method="by_mapping",
        choices=[(UNMAPPED, _("Not mapped to any control"))],
    )

    class Meta:
        model = Measure
        fields = ["q", "status", "scope", "owner", "control", "unmapped"]

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["control"].extra["choices"] = _control_choices()
        if organisation is not None:
            scopes = Scope.objects.filter(organisation=organisation).order_by("name")
            user = getattr(self.request, "user", None)
            visible = visible_scope_ids(user, organisation.pk) if user is not None else None
            self.filters["scope"].queryset = (
                scopes if visible is None else scopes.filter(pk__in=visible)
            )
            self.filters["owner"].queryset = (
                User.objects.filter(memberships__organisation=organisation)
                .distinct()
                .order_by("full_name", "email")
            )

    def search(self, queryset: QuerySet[Measure], name: str, value: str) -> QuerySet[Measure]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def by_scope(self, queryset: QuerySet[Measure], name: str, value: Scope) -> QuerySet[Measure]:
        # A measure without a scope applies to every scope, as in ``selectors.measure_list``.
        return queryset.filter(Q(scope=value) | Q(scope__isnull=True))

    def by_control(self, queryset: QuerySet[Measure], name: str, value: str) -> QuerySet[Measure]:
        return queryset.filter(controls__ref=value)

    def by_mapping(self, queryset: QuerySet[Measure], name: str, value: str) -> QuerySet[Measure]:
        return without_controls(queryset) if value == UNMAPPED else queryset


def _control_choices() -> Callable[[], list[tuple[str, str]]]:
    """The control choices, read once when the form first needs them (not at import, and not
    for an export that never renders the form). A plain closure: form fields deep-copy their
    choices, and a bound method would drag the filter set and its request along."""
    loaded: list[tuple[str, str]] = []

    def choices() -> list[tuple[str, str]]:
        if not loaded:
            loaded.extend((c.ref, control_label(c)) for c in control_choices())
        return loaded

    return choices


def without_controls(queryset: QuerySet[Measure]) -> QuerySet[Measure]:
    """Measures not yet mapped to any control (the list's quick filter and its count). ``NOT IN``
    over the mapping table: a third faster on SQLite than a correlated ``NOT EXISTS`` per
    measure (5 → 3 ms at 20,000 measures); the column is never null, so the two agree."""
    return queryset.exclude(pk__in=Measure.controls.through.objects.values("measure_id"))
