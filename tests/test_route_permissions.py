"""Every URL route and API route is walked: each must declare a permission (or be explicitly
public) and refuse anonymous users, outsiders, other organisations' members and read-only roles
where it should. A new route without a policy, or without sample arguments here, fails."""

from dataclasses import dataclass

import pytest
import rules
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ume.core.choices import Role
from ume.core.models import Invitation, Membership
from ume.core.tests.factories import built_once, make_org, refetched
from ume.soa.tests.helpers import give_reasons

# Routes owned by django-allauth (login, password reset, MFA) and Django's language switch:
# they authenticate by themselves; MFA pages are checked in test_accounts.py.
DELEGATED_PREFIXES = ("accounts/", "i18n/")
WRITE_PREFIXES = ("add_", "change_", "delete_", "manage_", "approve_", "upload_")


@dataclass
class Route:
    name: str
    pattern: str
    view: type
    kwargs: tuple[str, ...]
    actions: tuple[str, ...] = ()  # an API viewset route's methods

    @property
    def takes_get(self) -> bool:
        if self.actions:
            return "get" in self.actions
        return "get" in getattr(self.view, "http_method_names", ["get"])

    @property
    def perm(self) -> str | None:
        return getattr(self.view, "permission_required", None)

    @property
    def write_perm(self) -> str | None:
        return getattr(self.view, "write_permission_required", None)

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def is_write(self) -> bool:
        return bool(self.perm) and self.perm.split(".")[1].startswith(WRITE_PREFIXES)


def walk(patterns=None, prefix="", namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            full = prefix + str(p.pattern)
            if (
                full.startswith(DELEGATED_PREFIXES)
                or "<drf_format_suffix" in full
                or "format" in p.pattern.regex.groupindex
            ):
                continue
            callback = p.callback
            view = getattr(callback, "view_class", None) or getattr(callback, "cls", callback)
            actions = tuple(getattr(callback, "actions", None) or ())
            yield Route(
                f"{namespace}{p.name}", full, view, tuple(p.pattern.regex.groupindex), actions
            )


ROUTES = list(walk())
PROTECTED = [r for r in ROUTES if not getattr(r.view, "public", False)]


def test_routes_were_found():
    assert len(ROUTES) > 15 and any(r.is_api for r in ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.pattern)
def test_every_route_declares_an_existing_permission_or_is_public(route):
    if getattr(route.view, "public", False):
        return
    assert route.perm, f"{route.pattern} ({route.view}) declares no permission_required"
    assert rules.perm_exists(route.perm), f"{route.perm} is not a declared policy"
    if route.write_perm:
        assert rules.perm_exists(route.write_perm)


def sample_kwargs(route: Route, world) -> dict:
    """Arguments naming records of ``world`` (the organisation under test)."""
    membership = Membership.objects.filter(organisation=world.org, role=Role.STAFF).first()
    invitation = Invitation.objects.filter(organisation=world.org).first()
    samples = {
        "core:scope_detail": {"pk": world.hq.pk},
        "core:scope_edit": {"pk": world.hq.pk},
        "core:department_edit": {"pk": world.dept.pk},
        "core:department_delete": {"pk": world.dept.pk},
        "core:member_detail": {"pk": world[Role.STAFF].pk},
        "core:membership_edit": {"pk": membership.pk},
        "core:invitation_revoke": {"pk": invitation.pk},
        "core:invitation_accept": {"token": invitation.token},
        "scope-detail": {"pk": world.hq.pk},
        "department-detail": {"pk": world.dept.pk},
        "membership-detail": {"pk": membership.pk},
        "catalogue:control_detail": {"ref": "5.7"},
        "control-detail": {"ref": "5.7"},
        "soa:row_edit": {"scope_pk": world.hq.pk, "pk": world.soa_row.pk},
        "soa:row_evidence_upload": {"scope_pk": world.hq.pk, "pk": world.soa_row.pk},
        "soa:version_detail": {"scope_pk": world.hq.pk, "number": 1},
        "measures:evidence_download": {"pk": world.evidence.pk},
        "measures:measure_edit": {"pk": world.measure.pk},
        "measures:measure_delete": {"pk": world.measure.pk},
        "measures:measure_evidence_upload": {"pk": world.measure.pk},
        "soa-row-detail": {"pk": world.soa_row.pk},
        "soa-version-detail": {"pk": world.soa_row.soa.versions.get().pk},
        "risk-method-detail": {"pk": world.org.risk_methods.get().pk},
        "measure-detail": {"pk": world.measure.pk},
        "core:api_token_revoke": {"pk": world.token.pk},
        "notifications:open": {"pk": world.notification.pk},
        "notification-detail": {"pk": world.notification.pk},
        "notification-read": {"pk": world.notification.pk},
        "notifications:read": {"pk": world.notification.pk},
        "notifications:unsubscribe": {"token": "invalid"},
        "notifications:calendar_feed": {"token": "invalid"},
        "notifications:rule_edit": {"code": "core.membership_expiry"},
        "notifications:webhook_edit": {"pk": world.webhook.pk},
        "notifications:webhook_delete": {"pk": world.webhook.pk},
        "notifications:webhook_test": {"pk": world.webhook.pk},
        "assets:asset_edit": {"pk": world.asset.pk},
        "assets:asset_dispose": {"pk": world.asset.pk},
        "asset-detail": {"pk": world.asset.pk},
        "classificationlevel-detail": {"pk": world.level.pk},
        "assets:level_edit": {"pk": world.level.pk},
        "assets:level_delete": {"pk": world.level.pk},
        "assets:retention_rule_detail": {"pk": world.rule.pk},
        "retentionrule-detail": {"pk": world.rule.pk},
        "assets:retention_rule_edit": {"pk": world.rule.pk},
        "assets:retention_rule_delete": {"pk": world.rule.pk},
        "assets:retention_batch_detail": {"pk": world.item.batch_id},
        "assets:retention_hold": {"pk": world.item.pk},
        "assets:retention_hold_release": {"pk": world.item.pk},
        "assets:retention_event_edit": {"pk": world.event.pk},
        "assets:retention_event_withdraw": {"pk": world.event.pk},
        "retentionevent-detail": {"pk": world.event.pk},
        "assets:retention_deletion_create": {"pk": world.due_batch.pk},
        "assets:removal_detail": {"pk": world.removal.pk},
        "assets:removal_return": {"pk": world.removal.pk},
        "assets:removal_dispose": {"pk": world.removal.pk},
        "assets:removal_cancel": {"pk": world.removal.pk},
        "retentionbatch-detail": {"pk": world.item.batch_id},
        "deletionrecord-detail": {"pk": world.deletion.pk},
        "equipmentremoval-detail": {"pk": world.removal.pk},
        "assets:inventory_detail": {"pk": world.campaign.pk},
        "assets:inventory_confirm": {"pk": world.campaign.pk},
        "assets:inventory_close": {"pk": world.campaign.pk},
        "assets:inventory_report": {"pk": world.campaign.pk, "kind": "xlsx"},
        "assets:inventory_not_found": {"pk": world.campaign.checks.first().pk},
        "retentionitem-detail": {"pk": world.item.pk},
    }
    if route.kwargs == ("scope_pk",):
        return {"scope_pk": world.hq.pk}
    if not route.kwargs:
        return {}
    assert route.name in samples, f"add sample arguments for {route.name} in this test"
    return samples[route.name]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """Two organisations and the records every route shows, written once for this module's
    1,200 tests (each test's own changes are rolled back)."""
    with built_once(django_db_blocker):
        world = make_org()
        yield world, make_org("他社株式会社", domain="other.example"), _invite(world)


@pytest.fixture
def world(built, db):
    return refetched(built[0])


@pytest.fixture
def other_world(built, db):
    return refetched(built[1])


@pytest.fixture
def invited(built, db):
    return refetched(built[2])


def _invite(world):
    """An open invitation, and an SoA with a measure, evidence and an approved version."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ume.core import services
    from ume.measures import services as measure_services
    from ume.soa import services as soa_services

    admin = world[Role.ADMIN]
    soa = soa_services.soa_get_or_create(actor=admin, scope=world.hq)
    world.soa_row = soa.rows.get(control__ref="5.7")
    world.asset = _asset(world)
    world.level = world.asset.classification
    world.rule = _retention_rule(world)
    world.event, world.item, world.due_batch = _retention_event(world)
    world.removal = _removal(world)
    world.deletion = _deletion(world)
    world.campaign = _campaign(world)
    world.measure = measure_services.measure_create(
        actor=admin, organisation=world.org, data={"title": "脅威情報の収集", "scope": world.hq}
    )
    world.evidence = measure_services.evidence_upload(
        actor=admin,
        organisation=world.org,
        scope=world.hq,
        uploaded=SimpleUploadedFile("記録.txt", "証拠".encode()),
        attach_to=world.soa_row,
    )
    give_reasons(soa)
    soa_services.soa_approve(actor=admin, soa=soa, comment="")
    world.token, _ = services.api_token_create(actor=admin, organisation=world.org, name="連携")
    world.notification = _notification(world)
    from ume.notifications.models import Webhook

    world.webhook = Webhook.objects.create(
        organisation=world.org, name="Slack #isms", url="https://127.0.0.1:9/hook", preset="slack"
    )
    return services.invitation_create(
        actor=admin,
        organisation=world.org,
        email="new@example.jp",
        role=Role.STAFF,
        accept_url_base="http://testserver/",
    )


def _retention_rule(world):
    """A contractual retention rule of the organisation (built-in ones belong to none)."""
    from ume.assets.services import retention_rule_create

    return retention_rule_create(
        actor=world[Role.ADMIN],
        organisation=world.org,
        data={
            "kind": "contract",
            "record_ja": "委託元から預かった個人データ",
            "years": 1,
            "event_type": "contract_end",
            "start_event_ja": "委託契約の終了日",
        },
    )


def _retention_event(world):
    """A contract's end, and the item it gives the contracts kept under ``world.rule``."""
    import datetime as dt

    from ume.assets.models import RetentionItem
    from ume.assets.services import asset_create, retention_event_record

    admin = world[Role.ADMIN]
    contracts = asset_create(
        actor=admin,
        scope=world.hq,
        data={"name": "委託契約書", "retention_rules": [world.rule]},
    )
    event = retention_event_record(
        actor=admin,
        organisation=world.org,
        source="manual",
        subject="A社 業務委託契約",
        event_type="contract_end",
        date=dt.date(2025, 9, 30),
    )
    ended = retention_event_record(  # ended long ago: its contracts are due for deletion
        actor=admin,
        organisation=world.org,
        source="manual",
        subject="B社 保守契約",
        event_type="contract_end",
        date=dt.date(2015, 9, 30),
    )
    item = RetentionItem.objects.get(asset=contracts, subject=event.subject)
    return event, item, RetentionItem.objects.get(subject=ended.subject).batch


def _removal(world):
    """A PC of 本社 out for repair today, approved by top management."""
    import datetime as dt

    from ume.assets.services import asset_create, removal_approve, removal_request

    admin = world[Role.ADMIN]
    pc = asset_create(
        actor=admin, scope=world.hq, data={"name": "経理用PC", "asset_type": "hardware"}
    )
    removal = removal_request(
        actor=admin,
        asset=pc,
        data={
            "purpose": "repair",
            "supplier": "梅サービス",
            "data_handling": "encrypted",
            "out_on": dt.date.today(),
            "expected_return_on": dt.date.today() + dt.timedelta(days=7),
        },
    )
    return removal_approve(
        actor=world[Role.TOP_MANAGEMENT], removal=removal, version=removal.version
    )


def _campaign(world):
    """An open 棚卸し of 本社."""
    import datetime as dt

    from ume.assets.services import inventory_campaign_start

    return inventory_campaign_start(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "2026年度 棚卸し", "due_on": dt.date.today() + dt.timedelta(days=30)},
    )


def _deletion(world):
    """The disposal of an old USB memory stick."""
    import datetime as dt

    from ume.assets.services import asset_create, asset_dispose

    admin = world[Role.ADMIN]
    usb = asset_create(
        actor=admin, scope=world.hq, data={"name": "USBメモリ", "asset_type": "hardware"}
    )
    return asset_dispose(
        actor=admin,
        asset=usb,
        data={"method": "physical", "deleted_on": dt.date.today()},
        version=usb.version,
    )


def _asset(world):
    """An asset of 本社 owned by the department head, classified 秘."""
    from ume.assets.models import ClassificationLevel
    from ume.assets.services import asset_create

    level = ClassificationLevel.objects.get(organisation=world.org, name_ja="秘")
    return asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "顧客台帳", "owner": world[Role.DEPARTMENT_HEAD], "classification": level},
    )


def _notification(world):
    """A reminder for the administrator: the external auditor's access ends in a week."""
    import datetime as dt

    from django.utils import timezone

    from ume.notifications import kinds
    from ume.notifications.builtin import MEMBERSHIP_EXPIRY
    from ume.notifications.services import notify

    auditor = Membership.objects.get(organisation=world.org, role=Role.EXTERNAL_AUDITOR)
    return notify(
        kind=kinds.get(MEMBERSHIP_EXPIRY),
        organisation=world.org,
        record=auditor,
        recipients=[world[Role.ADMIN]],
        due=timezone.localdate() + dt.timedelta(days=7),
        stage=-7,
    )[0]


def get(client, route, url):
    return client.post(url) if not route.takes_get else client.get(url)


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.pattern)
def test_anonymous_is_refused(route, world, invited, client):
    response = get(client, route, reverse(route.name, kwargs=sample_kwargs(route, world)))
    if route.is_api:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.pattern)
def test_user_without_organisation_is_refused(route, world, invited, outsider, login):
    client = login(outsider)
    response = get(client, route, reverse(route.name, kwargs=sample_kwargs(route, world)))
    assert response.status_code in (403, 404)


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.pattern)
def test_other_organisations_admin_cannot_reach_or_see_this_organisation(
    route, world, invited, other_world, login
):
    client = login(other_world[Role.ADMIN])
    url = reverse(route.name, kwargs=sample_kwargs(route, world))
    response = get(client, route, url)
    if route.kwargs and not getattr(route.view, "reference_data", False):
        assert response.status_code in (403, 404), url
    else:
        assert response.status_code in (200, 302, 405)
        assert world.org.name.encode() not in response.content
        assert world[Role.ADMIN].email.encode() not in response.content


READ_ONLY_ROLES = (Role.EXTERNAL_AUDITOR, Role.STAFF, Role.INTERNAL_AUDITOR)


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.pattern)
def test_read_only_roles_change_nothing_by_any_method(route, role, world, invited, login):
    """Every method on every route, as roles that may not write platform or SoA records:
    write routes refuse (403), and no answer of any route writes to the audit trail, which
    every change of a record and every security event reaches."""
    from ume.core.models import AuditEntry

    client = login(world[role])
    url = reverse(route.name, kwargs=sample_kwargs(route, world))
    before = AuditEntry.objects.count()
    if route.is_write:
        assert get(client, route, url).status_code == 403
        assert client.post(url, {}).status_code == 403
    if route.is_api:
        # A route whose writes touch only the caller's own state (marking their notifications
        # read) answers them; the audit trail below still shows no record changed.
        own = (200,) if getattr(route.view, "own_state_only", False) else ()
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url, {}, content_type="application/json")
            assert response.status_code in (403, 404, 405, *own), (method, response.status_code)
    else:  # 200: a form shown again with its errors; 404: a record the role may not see
        assert client.post(url, {}).status_code in (200, 302, 403, 404, 405)
    assert AuditEntry.objects.count() == before, f"{role} changed something through {url}"


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.pattern)
def test_administrator_can_open_every_route(route, world, invited, admin_client):
    url = reverse(route.name, kwargs=sample_kwargs(route, world))
    if route.takes_get:
        # A route that opens another page (a notification opens its record) answers 302.
        expected = 302 if getattr(route.view, "redirects", False) else 200
        assert admin_client.get(url).status_code == expected, url


API_ROUTES = [r for r in PROTECTED if r.is_api]
API_METHODS = ("get", "post", "put", "patch", "delete")


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.pattern)
def test_api_refuses_sessions_and_tokens_of_users_without_required_mfa(
    route, world, invited, login
):
    """The API holds users to the pages' MFA rule: an administrator whose organisation
    requires MFA and who has not set it up gets nothing, by cookie or by a token issued
    before the rule was switched on (issue 15, finding 1)."""
    from rest_framework.test import APIClient

    from ume.core import services
    from ume.core.choices import MfaRequirement
    from ume.core.models import Organisation

    admin = world[Role.ADMIN]
    _, key = services.api_token_create(actor=admin, organisation=world.org, name="連携")
    Organisation.objects.filter(pk=world.org.pk).update(require_mfa=MfaRequirement.EVERYONE)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = reverse(route.name, kwargs=sample_kwargs(route, world))
    for client in (login(admin), token):
        for method in API_METHODS:
            response = getattr(client, method)(url, {}, content_type="application/json")
            assert response.status_code in (401, 403), (method, url, response.status_code)


def test_readers_do_not_create_an_soa_by_posting_to_its_page(world, catalogue, login):
    """The SoA page is a read route whose POST creates the SoA: only SoA editors may."""
    from ume.soa.models import StatementOfApplicability

    url = reverse("soa:detail", args=[world.dev.pk])
    for role in READ_ONLY_ROLES:
        assert login(world[role]).post(url).status_code in (403, 404), role
    assert not StatementOfApplicability.objects.filter(scope=world.dev).exists()
    assert login(world[Role.SECRETARIAT]).post(url).status_code == 302
    assert StatementOfApplicability.objects.filter(scope=world.dev).exists()
