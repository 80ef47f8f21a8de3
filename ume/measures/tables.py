"""The measure list table (django-tables2: sorting and pagination)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ume.core.html import html, html_join
from ume.core.tables import DateTimeColumn
from ume.core.templatetags.ume import link_pattern

from .choices import MeasureStatus
from .models import Measure

STATUS_COLOURS = {
    MeasureStatus.PLANNED: "bg-yellow-lt",
    MeasureStatus.IN_OPERATION: "bg-green-lt",
    MeasureStatus.RETIRED: "bg-secondary-lt",
}


STATUS_LABELS = dict(MeasureStatus.choices)


class MeasureTable(tables.Table):
    title = tables.Column(verbose_name=_("title"))
    controls = tables.Column(empty_values=(), orderable=False, verbose_name=_("controls"))
    owner = tables.Column(verbose_name=_("owner"), order_by=("owner__full_name", "owner__email"))
    status = tables.Column(verbose_name=_("status"))
    scope = tables.Column(empty_values=(), verbose_name=_("ISMS scope"), order_by=("scope__name",))
    updated_at = DateTimeColumn(
        verbose_name=_("updated at"), attrs={"td": {"class": "text-nowrap"}}
    )

    class Meta:
        model = Measure
        fields = ("title", "controls", "owner", "status", "scope", "updated_at")
        empty_text = _(
            "There are no measures yet. Record the security measures your "
            "organization already practises, then map them to controls."
        )

    def render_title(self, record: Measure):
        if not hasattr(self, "_edit_url"):
            self._edit_url = link_pattern("measures:measure_edit")
        return html(
            '<a data-testid="measure-link" href="{}">{}</a>',
            self._edit_url(record.pk),
            record.title,
        )

    def render_controls(self, record: Measure):
        controls = record.control_list  # selectors.with_control_lists: no query per row
        if not controls:
            return html('<span class="badge bg-orange-lt">{}</span>', _("No control"))
        return html_join(
            " ",
            '<span class="badge bg-blue-lt" title="{}">{}</span>',
            ((c.tr("title"), c.ref) for c in controls),
        )

    def render_status(self, record: Measure):
        return html(
            '<span class="badge {}">{}</span>',
            STATUS_COLOURS.get(record.status, "bg-secondary-lt"),
            STATUS_LABELS.get(record.status, record.status),
        )

    def render_scope(self, record: Measure):
        if record.scope_id is None:
            return html('<span class="text-secondary">{}</span>', _("All ISMS scopes"))
        return record.scope.name
