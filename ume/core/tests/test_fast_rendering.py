"""The list pages' fast paths render what Django and django-tables2 would: the filter selects
(FastSelect), the table rows (the ``table_rows`` tag) and the date columns (Asia/Tokyo)."""

import datetime as dt
import re
from html.parser import HTMLParser

import django_tables2 as tables
import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from ume.core import html as ume_html
from ume.core.choices import Role
from ume.core.models import Membership
from ume.core.tables import DateTimeColumn
from ume.core.widgets import FastSelect, FastSelectsMixin

CHOICES = [
    ("", "すべて"),
    ("a", "<b>太字</b> & 記号"),
    ("地域", [("tokyo", "東京"), ("osaka", "大阪")]),
    (3, "三"),
]


def _compact(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("value", ["", "a", "osaka", 3, "none-of-them"])
def test_fast_select_renders_what_django_select_renders(value):
    attrs = {"class": "form-select", "id": "id_x", "data-x": 'q"uote', "required": True}
    django_html = forms.Select(choices=CHOICES).render("x", value, attrs=attrs)
    fast_html = FastSelect(choices=CHOICES).render("x", value, attrs=attrs)
    assert _compact(fast_html) == _compact(django_html)
    assert "<b>" not in fast_html  # labels escaped


def test_date_time_column_shows_tokyo_time():
    column = DateTimeColumn()
    assert column.render(dt.datetime(2026, 1, 1, 15, 30, tzinfo=dt.UTC)) == "2026/01/02 00:30"
    assert DateTimeColumn(format="%Y/%m/%d").render(dt.date(2026, 3, 31)) == "2026/03/31"


class _Row:
    def __init__(self, pk, name, when):
        self.pk, self.name, self.when = pk, name, when


class _Table(tables.Table):
    name = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    when = DateTimeColumn()
    extra = tables.Column(empty_values=(), orderable=False)
    linked = tables.Column(accessor="name", linkify=lambda record: f"/r/{record.pk}")
    both = tables.Column(accessor="pk")
    unknown = tables.Column(accessor="pk")

    def render_extra(self, record):
        return f"#{record.pk} <raw>"

    def render_both(self, value, record, **kwargs):
        return f"{value}:{record.name}:{kwargs['bound_column'].name}"

    def render_unknown(self, value, something_else):
        return "never called"


def _body(table_class, rows, template: str) -> str:
    """The table body ``template`` renders for ``rows``, whitespace compacted."""
    request = RequestFactory().get("/")
    table = table_class(rows)
    tables.RequestConfig(request).configure(table)
    html = Template("{% load django_tables2 %}{% render_table table '" + template + "' %}")
    body = html.render(Context({"table": table, "request": request}))
    return _compact(body.split("<tbody", 1)[1].split("</tbody>", 1)[0].split(">", 1)[1])


def test_table_rows_match_the_library_template():
    rows = [_Row(1, "<i>本社</i>", dt.datetime(2026, 5, 1, 0, 0, tzinfo=dt.UTC)), _Row(2, "", None)]
    ours = _body(_Table, rows, "django_tables2/ume.html")
    library = _body(_Table, rows, "django_tables2/bootstrap5.html")
    # the library also writes empty row attributes (<tr >): the cells must be identical
    assert re.findall(r"<td[^>]*>.*?</td>", ours) == re.findall(r"<td[^>]*>.*?</td>", library)
    assert "&lt;i&gt;本社&lt;/i&gt;" in ours and "#1 &lt;raw&gt;" in ours
    assert '<td class="text-nowrap">' in ours and "2026/05/01 09:00" in ours
    assert '<a href="/r/1">&lt;i&gt;本社&lt;/i&gt;</a>' in ours
    assert "1:&lt;i&gt;本社&lt;/i&gt;:both" in ours
    assert "never called" not in ours


class _MembershipTable(tables.Table):
    """A model's own fields: choices shown by label, a render method that only needs the
    record, a foreign key, an empty one and a role no choice names."""

    role = tables.Column()
    role_badge = tables.Column(accessor="role")
    user = tables.Column()
    scope = tables.Column()

    class Meta:
        model = Membership
        fields = ("role", "role_badge", "user", "scope")

    def render_role_badge(self, record):
        return f"[{record.role}]"


def test_table_rows_read_model_fields_as_the_library_does():
    from ume.core.models import User

    people = [User(email="a@example.com", full_name="梅田 花子"), User(email="b@example.com")]
    rows = [
        Membership(pk=1, user=people[0], role=Role.SECRETARIAT),
        Membership(pk=2, user=people[1], role="retired"),
        Membership(pk=3, user=people[1], role=""),
    ]
    ours = _body(_MembershipTable, rows, "django_tables2/ume.html")
    cells = re.findall(r"<td[^>]*>.*?</td>", ours)
    library = _body(_MembershipTable, rows, "django_tables2/bootstrap5.html")
    assert cells == re.findall(r"<td[^>]*>.*?</td>", library)
    assert cells[:4] == [
        f"<td >{Role.SECRETARIAT.label}</td>",
        "<td >[secretariat]</td>",
        f"<td >{people[0]}</td>",
        "<td >—</td>",
    ]
    assert cells[4:6] == ["<td >retired</td>", "<td >[retired]</td>"]
    assert cells[8:10] == ["<td >—</td>", "<td >—</td>"]  # no role: empty, not rendered


def test_table_rows_show_the_empty_text():
    table = _Table([], empty_text="まだありません")
    html = Template("{% load ume %}{% table_rows table %}").render(Context({"table": table}))
    assert html == '<tr><td colspan="6">まだありません</td></tr>'


def test_fast_selects_mixin_swaps_plain_selects_only():
    from ume.core.widgets import FastSelectsMixin

    class Plain(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, required=False)
        many = forms.MultipleChoiceField(choices=[("a", "A")], required=False)

    class Fast(FastSelectsMixin, Plain):
        pass

    fast, plain = Fast(initial={"pick": "osaka"}), Plain(initial={"pick": "osaka"})
    assert isinstance(fast.fields["pick"].widget, FastSelect)
    assert not isinstance(fast.fields["many"].widget, FastSelect)
    assert _compact(str(fast["pick"])) == _compact(str(plain["pick"]))


CALLS = {"n": 0}


def counting_processor(request):
    CALLS["n"] += 1
    return {}


@pytest.mark.django_db
def test_template_cells_reuse_the_page_context(admin_client, world, settings):
    """A cell rendered from a template file (the audit trail's changes, the token's revoke
    form) does not run the context processors again: they ran once for the page."""
    from django.urls import reverse

    from ume.core.choices import Role
    from ume.core.models import ApiToken

    templates = [dict(t) for t in settings.TEMPLATES]
    templates[0]["OPTIONS"] = {
        **templates[0]["OPTIONS"],
        "context_processors": [
            *templates[0]["OPTIONS"]["context_processors"],
            f"{__name__}.counting_processor",
        ],
    }
    settings.TEMPLATES = templates
    world.hq.name = "本社（東京）"
    world.hq.save()  # entries for the trail's rows
    CALLS["n"] = 0
    page = admin_client.get(reverse("core:audit_list")).content.decode()
    # once for the page, once for the table template: not once per row
    assert page.count("<tr") > 5 and CALLS["n"] <= 2
    # the revoke form in a template cell still carries the page's CSRF token
    ApiToken.objects.create(
        user=world[Role.ADMIN],
        organisation=world.org,
        name="CI",
        key_prefix="ume_x",
        key_digest="x" * 64,
        expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )
    tokens = admin_client.get(reverse("core:api_token_list")).content.decode()
    assert re.search(
        r'data-confirm="[^"]*CI[^"]*"><input type="hidden" name="csrfmiddlewaretoken" value="\w+">',
        tokens,
    )
    assert 'name="next" value="/organisation/api-tokens/"' in tokens


def test_spreadsheet_times_are_japan_time():
    from ume.core.exports.sheets import xlsx_value

    aware = dt.datetime(2026, 1, 1, 15, 30, tzinfo=dt.UTC)
    assert xlsx_value(aware) == dt.datetime(2026, 1, 2, 0, 30)


@pytest.mark.django_db
def test_table_pagination_is_labelled_in_the_users_language(admin_client, world, japanese):
    from django.urls import reverse

    from ume.core.audit import record_event
    from ume.core.choices import Role

    for _ in range(55):  # more than one page
        record_event(
            organisation_id=world.org.pk,
            name="audit_exported",
            details={"format": "csv"},
            actor=world[Role.ADMIN],
        )
    page = admin_client.get(reverse("core:audit_list"), {"exports": "on"}).content.decode()
    assert 'aria-label="表のページ"' in page and "Table navigation" not in page
    assert "前へ" in page or "次へ" in page


class _DomParser(HTMLParser):
    """Tags with their attributes (in any order) and text, as a browser reads the markup."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.items.append(("start", tag, tuple(sorted(attrs, key=lambda a: a[0]))))

    def handle_endtag(self, tag):
        self.items.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data.strip()))


def _dom(html: str) -> list[tuple]:
    parser = _DomParser()
    parser.feed(html)
    return parser.items


class _Filters(FastSelectsMixin, forms.Form):
    q = forms.CharField(label="検索 <i>", required=False, help_text="題名と説明 <b>")
    kind = forms.ChoiceField(label="種類", required=False, choices=CHOICES)
    since = forms.DateField(
        label="開始日", required=False, widget=forms.DateInput({"type": "date"})
    )
    everything = forms.BooleanField(label="書き出しも表示", required=False)
    count = forms.IntegerField(label="件数", required=False, min_value=1)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": "<script>", "kind": "osaka", "since": "2026-01-01", "everything": "on"},
        {"since": "bad", "count": "0", "everything": "on"},
    ],
)
def test_filter_fields_render_what_crispy_renders(data):
    form, other = _Filters(data), _Filters(data)  # crispy adds its classes to the widget
    form.is_valid(), other.is_valid()
    crispy = Template("{% load crispy_forms_tags %}{{ f|as_crispy_field }}")
    ours = Template("{% load ume %}{% filter_field f %}")
    for field in form:
        expected = crispy.render(Context({"f": other[field.name]}))
        assert _dom(ours.render(Context({"f": field}))) == _dom(expected), field.name
    if data and data.get("since") == "bad":
        assert "is-invalid" in Template("{% load ume %}{% filter_field f %}").render(
            Context({"f": form["since"]})
        )


_values = st.one_of(
    st.text(),
    st.integers(),
    st.none(),
    st.text().map(mark_safe),
    st.sampled_from([gettext_lazy("status"), lazy(lambda: '<owner> & "scope"', str)()]),
)


@given(
    args=st.lists(_values, min_size=1, max_size=4),
    sep=st.sampled_from(["", " ", "<br>", mark_safe("<br>")]),
)
def test_fast_format_html_matches_djangos(args, sep):
    """``ume.core.html`` escapes exactly as Django does: plain text, safe text, lazy text and
    numbers, as one call and joined."""
    fmt = "".join(f'<i title="{{}}">{i}</i>' for i in range(len(args)))
    assert ume_html.html(fmt, *args) == format_html(fmt, *args)
    assert isinstance(ume_html.html(fmt, *args), SafeString)
    rows = [tuple(args), tuple(reversed(args))]
    assert ume_html.html_join(sep, fmt, rows) == format_html_join(sep, fmt, rows)
