"""The SoA page's 93 rows, built in Python: as a template, their ~20 tags per row were most of
the page's time. The markup is the one the row tests and the browser flows read."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from ume.catalogue.templatetags.catalogue import level_badge
from ume.core.templatetags.ume import icon

register = template.Library()


def _row(row, *, scope, may_change: bool, words: dict[str, str], evidence_icon: str) -> SafeString:
    ref, pk = row.control.ref, row.pk
    tick = (
        format_html(
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
            format_html(
                ' <span class="badge bg-yellow-lt" title="{}" '
                'data-testid="needs-review-{}">{}</span>',
                row.review_note,
                ref,
                words["review"],
            )
        )
    if row.changed_fields:
        badges.append(
            format_html(
                ' <span class="badge bg-azure-lt" title="{}" data-testid="changed-{}">{}</span>',
                ", ".join(row.changed_fields),
                ref,
                words["changed"],
            )
        )
    applicable = (
        format_html('<span class="badge bg-green-lt">{}</span>', words["included"])
        if row.applicable
        else format_html('<span class="badge bg-secondary-lt">{}</span>', words["excluded"])
    )
    reasons = (
        words["separator"].join(row.reason_labels())
        if row.applicable
        else Truncator(row.exclusion_justification).chars(80)
    )
    current = mark_safe('<span class="text-secondary">—</span>')
    if row.current_level:
        variant = (
            format_html('<div class="small text-secondary">{}</div>', row.current_variant.label)
            if row.current_variant
            else ""
        )
        current = format_html("{}{}", level_badge(row.current_level), variant)
    if row.gap:
        current = format_html(
            '{}<div><span class="badge bg-orange-lt">{}</span></div>', current, words["below"]
        )
    measures = list(row.measures.all())
    listed = format_html_join(
        "", "<div>{}</div>", ((Truncator(m.title).chars(40),) for m in measures)
    )
    if not measures and row.applicable:
        listed = format_html('<span class="text-warning">{}</span>', words["none"])
    evidence = list(row.evidence_files.all())
    if evidence:
        listed = format_html(
            '{}<div class="text-secondary">{} {}</div>', listed, evidence_icon, len(evidence)
        )
    edit = (
        format_html(
            '<a href="{}" class="btn btn-sm btn-ghost-primary" data-testid="edit-{}">{}</a>',
            reverse("soa:row_edit", args=[scope.pk, pk]),
            ref,
            words["edit"],
        )
        if may_change
        else ""
    )
    return format_html(
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
        row.get_status_display(),
        level_badge(row.target_level),
        current,
        listed,
        Truncator(row.procedure or "—").chars(30),
        edit,
    )


@register.simple_tag
def soa_rows(rows, scope, may_change: bool) -> SafeString:
    """The ``<tr>`` of every row (``rows`` as the SoA view prepares them: with ``gap`` and
    ``changed_fields``), or one row saying no control matches."""
    if not rows:
        return format_html(
            '<tr><td colspan="10" class="text-secondary">{}</td></tr>',
            gettext("No control matches these conditions."),
        )
    words = {
        "review": gettext("Needs review"),
        "changed": gettext("Changed since approval"),
        "included": gettext("Included"),
        "excluded": gettext("Excluded"),
        "below": gettext("Below the target level"),
        "none": gettext("None"),
        "edit": gettext("Edit"),
        "separator": gettext(", "),
    }
    evidence_icon = icon("file-text")
    return mark_safe(
        "".join(
            _row(row, scope=scope, may_change=may_change, words=words, evidence_icon=evidence_icon)
            for row in rows
        )
    )
