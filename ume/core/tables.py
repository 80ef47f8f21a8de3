"""Tables of the platform's list pages (django-tables2: sorting and pagination)."""

import datetime as dt

import django_tables2 as tables
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .audit_display import describe
from .audit_labels import model_label_display
from .html import html, html_join
from .models import AuditEntry, Department, Scope, User
from .templatetags.ume import audit_changes, cut

# django-tables2 ships no Japanese catalogue: the words of its pagination, in Ume's.
PAGINATION_WORDS = (gettext_noop("previous"), gettext_noop("next"))


class TemplateColumn(tables.TemplateColumn):
    """A cell from a template file, rendered with the page's context (already processed: it
    holds ``csrf_token`` and the context processors' values). django-tables2 passes the request
    instead, which runs every context processor again for every cell (half of the audit
    trail's time)."""

    def render(self, record, table, value, bound_column, **kwargs):
        parent = getattr(table, "context", None) or Context()
        cell = self.get_context_data(
            record=record, table=table, value=value, bound_column=bound_column, **kwargs
        )
        with parent.update(cell):
            return get_template(self.template_name).render(parent.flatten())


class DateTimeColumn(tables.Column):
    """A date (and time, in the active time zone: Asia/Tokyo) formatted in Python; the
    library's DateTimeColumn renders a template for every cell."""

    def __init__(self, *args, format: str = "%Y/%m/%d %H:%M", **kwargs) -> None:
        self.format = format
        super().__init__(*args, **kwargs)

    def render(self, value) -> str:
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value)
        return value.strftime(self.format)


class ScopeTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("name"))
    certification_body = tables.Column(verbose_name=_("certification body"))
    certificate_number = tables.Column(verbose_name=_("certificate number"))
    certificate_expires_on = DateTimeColumn(
        verbose_name=_("certificate expiry date"), format="%Y/%m/%d"
    )
    is_active = tables.BooleanColumn(verbose_name=_("active"))

    class Meta:
        model = Scope
        fields = (
            "name",
            "certification_body",
            "certificate_number",
            "certificate_expires_on",
            "is_active",
        )
        empty_text = _("There are no ISMS scopes yet. Create the first one to start your ISMS.")


class DepartmentTable(tables.Table):
    name = tables.Column(
        linkify=("core:department_edit", {"pk": tables.A("pk")}), verbose_name=_("name")
    )
    head = tables.Column(verbose_name=_("department head"))
    scopes = tables.ManyToManyColumn(verbose_name=_("ISMS scopes"), orderable=False)
    member_count = tables.Column(verbose_name=_("members"))

    class Meta:
        model = Department
        fields = ("name", "head", "scopes", "member_count")
        empty_text = _("There are no departments yet. Add the departments inside your ISMS.")


class MemberTable(tables.Table):
    email = tables.Column(
        linkify=("core:member_detail", {"pk": tables.A("pk")}), verbose_name=_("e-mail address")
    )
    full_name = tables.Column(verbose_name=_("full name"))
    roles = tables.Column(empty_values=(), orderable=False, verbose_name=_("roles"))
    status = tables.Column(empty_values=(), orderable=False, verbose_name=_("status"))
    last_login = DateTimeColumn(verbose_name=_("last login"), format="%Y/%m/%d %H:%M")

    class Meta:
        model = User
        fields = ("email", "full_name", "roles", "status", "last_login")
        empty_text = _("No users match. Invite a user by e-mail.")

    def render_roles(self, record):
        return html_join(
            " ",
            '<span class="badge {}">{}{}</span>',
            (
                (
                    "bg-blue-lt" if m.is_active else "bg-secondary-lt text-decoration-line-through",
                    m.get_role_display(),
                    f" ({m.scope.name})" if m.scope_id else "",
                )
                for m in record.org_roles
            ),
        )

    def render_status(self, record):
        if record.active_roles:
            return html('<span class="badge bg-green-lt">{}</span>', _("Active"))
        return html('<span class="badge bg-secondary-lt">{}</span>', _("Inactive"))


RECORD_NAME_SHOWN = 80  # characters of a record's name in the list; the export has it whole


class AuditEntryTable(tables.Table):
    seq = tables.Column(verbose_name="#")
    at = DateTimeColumn(
        verbose_name=_("date and time"),
        format="%Y/%m/%d %H:%M:%S",
        attrs={"td": {"class": "text-nowrap"}},
    )
    actor_label = tables.Column(verbose_name=_("user"))
    action = tables.Column(verbose_name=_("operation"))
    model_label = tables.Column(verbose_name=_("record type"))
    object_repr = tables.Column(verbose_name=_("record"))
    changes = tables.Column(
        empty_values=(), accessor="pk", verbose_name=_("changes"), orderable=False
    )

    class Meta:
        model = AuditEntry
        fields = ("seq", "at", "actor_label", "action", "model_label", "object_repr", "changes")
        order_by = ("-seq",)
        empty_text = _("No audit trail entries match these conditions.")

    def before_render(self, request):
        # Related records named in the changes are looked up once for the whole page.
        describe(row.record for row in self.page.object_list)

    def render_changes(self, record):
        return audit_changes(record)

    def render_model_label(self, value):
        return model_label_display(value)

    def render_object_repr(self, record):
        name = getattr(record, "display_repr", record.object_repr)
        if len(name) <= RECORD_NAME_SHOWN:
            return name
        return html('<span title="{}">{}</span>', name, cut(name, RECORD_NAME_SHOWN))

    def render_action(self, record):
        colour = {"create": "green", "update": "blue", "delete": "red"}.get(record.action, "purple")
        label = getattr(record, "display_event", "") or record.get_action_display()
        return html('<span class="badge bg-{}-lt">{}</span>', colour, label)


def token_status(token, suspended: set[int]) -> tuple[str, str]:
    """(colour, label) of an API token's state."""
    if token.revoked_at:
        return "secondary", _("Revoked")
    if token.is_expired:
        return "secondary", _("Expired")
    if token.user_id in suspended:
        return "orange", _("Suspended: MFA not set up")
    return "green", _("Valid")


class ApiTokenTable(tables.Table):
    """API tokens of the organisation, for administrators' access reviews (JIS Q 27002 5.18)."""

    user = tables.Column(accessor="user__email", verbose_name=_("user"))
    name = tables.Column(verbose_name=_("name"), attrs={"td": {"class": "text-nowrap"}})
    key_prefix = tables.Column(verbose_name=_("key starts with"), orderable=False)
    read_only = tables.BooleanColumn(verbose_name=_("read-only"))
    created_at = DateTimeColumn(verbose_name=_("issued at"), format="%Y/%m/%d %H:%M")
    expires_at = DateTimeColumn(verbose_name=_("expires at"), format="%Y/%m/%d %H:%M")
    last_used_at = DateTimeColumn(verbose_name=_("last used"), format="%Y/%m/%d %H:%M")
    status = tables.Column(empty_values=(), orderable=False, verbose_name=_("status"))
    actions = TemplateColumn(
        template_name="core/partials/api_token_revoke.html", verbose_name="", orderable=False
    )

    class Meta:
        fields = (
            "user",
            "name",
            "key_prefix",
            "read_only",
            "created_at",
            "expires_at",
            "last_used_at",
            "status",
            "actions",
        )
        order_by = ("-created_at",)
        empty_text = _("No API tokens match. Members issue their own on 'Login and security'.")

    def __init__(self, *args, suspended: set[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.suspended = suspended or set()

    def render_user(self, record):
        return html(
            '{}<div class="small text-secondary">{}</div>',
            record.user.full_name or record.user.email,
            record.user.email,
        )

    def render_key_prefix(self, value):
        return html("<code>{}…</code>", value)

    def render_status(self, record):
        colour, label = token_status(record, self.suspended)
        return html('<span class="badge bg-{}-lt">{}</span>', colour, label)
