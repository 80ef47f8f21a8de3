"""The SoA page's 93 rows, built in Python: as a template, their ~20 tags per row were most of
the page's time. The markup is the one the row tests and the browser flows read."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ume.catalogue.choices import Level
from ume.catalogue.templatetags.catalogue import level_badge
from ume.core.html import html, html_join
from ume.core.templatetags.ume import cut, icon, link_pattern

from ..choices import ImplementationStatus

register = template.Library()

SHOWN_MEASURES = 10  # per row; a control many measures implement keeps its row short


class _Page:
    """What every row shares, computed once: words, badges, labels and link patterns."""

    def __init__(self, scope, may_change: bool) -> None:
        self.may_change = may_change
        self.words = {
            "review": gettext("Needs review"),
            "changed": gettext("Changed since approval"),
            "included": gettext("Included"),
            "excluded": gettext("Excluded"),
            "below": gettext("Below the target level"),
            "none": gettext("None"),
            "edit": gettext("Edit"),
            "separator": gettext(", "),
        }
        self.badges = {level: level_badge(level) for level in Level.values}
        self.statuses = {value: str(label) for value, label in ImplementationStatus.choices}
        self.evidence_icon = icon("file-text")
        self.edit = link_pattern("soa:row_edit", scope.pk)


def _row(row, page: _Page) -> SafeString:
    words, may_change = page.words, page.may_change
    ref, pk = row.control.ref, row.pk
    tick = (
        html(
            '<td><input type="checkbox" class="form-check-input" name="rows" value="{}" '
            'aria-label="{}"><input type="hidden" name="v_{}" value="{}"></td>',
            pk,
            gettext("Tick %(ref)s") % {"ref": ref},
            pk,
            row.version,
        )
        if may_change
        else ""
    )
    badges = []
    if row.review_note:
        badges.append(
            html(
                ' <span class="badge bg-yellow-lt" title="{}" '
                'data-testid="needs-review-{}">{}</span>',
                row.review_note,
                ref,
                words["review"],
            )
        )
    if row.changed_fields:
        badges.append(
            html(
                ' <span class="badge bg-azure-lt" title="{}" data-testid="changed-{}">{}</span>',
                ", ".join(row.changed_fields),
                ref,
                words["changed"],
            )
        )
    applicable = (
        html('<span class="badge bg-green-lt">{}</span>', words["included"])
        if row.applicable
        else html('<span class="badge bg-secondary-lt">{}</span>', words["excluded"])
    )
    reasons = (
        words["separator"].join(row.reason_labels())
        if row.applicable
        else cut(row.exclusion_justification, 80)
    )
    current = mark_safe('<span class="text-secondary">—</span>')
    if row.current_level:
        variant = (
            html('<div class="small text-secondary">{}</div>', row.current_variant.label)
            if row.current_variant
            else ""
        )
        current = html("{}{}", page.badges.get(row.current_level, ""), variant)
    if row.gap:
        current = html(
            '{}<div><span class="badge bg-orange-lt">{}</span></div>', current, words["below"]
        )
    measures = list(row.measures.all())
    listed = html_join(
        "", "<div>{}</div>", ((cut(m.title, 40),) for m in measures[:SHOWN_MEASURES])
    )
    if len(measures) > SHOWN_MEASURES:  # the row's page lists them all
        listed = html(
            '{}<div class="text-secondary">{}</div>',
            listed,
            gettext("and %(n)s more") % {"n": len(measures) - SHOWN_MEASURES},
        )
    if not measures and row.applicable:
        listed = html('<span class="text-warning">{}</span>', words["none"])
    evidence = list(row.evidence_files.all())
    if evidence:
        listed = html(
            '{}<div class="text-secondary">{} {}</div>', listed, page.evidence_icon, len(evidence)
        )
    edit = (
        html(
            '<a href="{}" class="btn btn-sm btn-ghost-primary" data-testid="edit-{}">{}</a>',
            page.edit(pk),
            ref,
            words["edit"],
        )
        if may_change
        else ""
    )
    return html(
        '<tr id="row-{}" data-ref="{}" class="{}">{}'
        '<td><span class="text-secondary me-1">{}</span>'
        '<a href="{}" class="text-reset">{}</a>{}</td>'
        "<td>{}</td>"
        '<td class="small">{}</td>'
        '<td class="small text-nowrap">{}</td>'
        '<td class="text-center">{}</td>'
        '<td class="text-center">{}</td>'
        '<td class="small">{}</td>'
        '<td class="small">{}</td>'
        '<td class="text-end">{}</td></tr>',
        pk,
        ref,
        "" if row.applicable else "text-secondary",
        tick,
        ref,
        row.control.get_absolute_url(),
        row.control.l_title,
        mark_safe("".join(badges)),
        applicable,
        reasons,
        page.statuses.get(row.status, row.status),
        page.badges.get(row.target_level, ""),
        current,
        listed,
        cut(row.procedure or "—", 30),
        edit,
    )


@register.simple_tag
def soa_rows(rows, scope, may_change: bool) -> SafeString:
    """The ``<tr>`` of every row (``rows`` as the SoA view prepares them: with ``gap`` and
    ``changed_fields``), or one row saying no control matches."""
    if not rows:
        return html(
            '<tr><td colspan="10" class="text-secondary">{}</td></tr>',
            gettext("No control matches these conditions."),
        )
    page = _Page(scope, may_change)
    return mark_safe("".join(_row(row, page) for row in rows))
