"""The delivery log's filter (django-filter)."""

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ume.core.filters import ChoiceFilter

from .models import Delivery, DeliveryStatus


class DeliveryFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    status = ChoiceFilter(label=_("status"), choices=DeliveryStatus.choices)

    class Meta:
        model = Delivery
        fields = ["q", "status"]

    def search(self, queryset: QuerySet[Delivery], name: str, value: str) -> QuerySet[Delivery]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(recipient__email__icontains=value)
            | Q(recipient__full_name__icontains=value)
            | Q(subject__icontains=value)
            | Q(last_error__icontains=value)
        )
