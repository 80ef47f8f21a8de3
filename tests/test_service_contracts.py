"""Every write service is walked, as ``test_route_permissions.py`` walks the routes: each
declares its contract where it is defined (``@service(perm=..., on=..., refs=..., versioned=...)``)
and is called here as read-only roles, an outsider and another organisation's administrator
(refused), with a missing and a stale version (refused), and with each reference pointing at
another organisation's record or at a scope the actor cannot reach (refused) — and each refusal
changes nothing. A new service without a contract, or without sample arguments here, fails."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ume.core.choices import Role
from ume.core.locking import StaleEditError, VersionRequiredError
from ume.core.models import AuditEntry, Department, Membership, Scope, User
from ume.core.services.base import REGISTRY, resolve
from ume.core.tests.factories import built_once, make_org, make_user, refetched
from ume.soa.tests.helpers import give_reasons

for config in apps.get_app_configs():  # every app's services register themselves on import
    if config.name.startswith("ume."):
        try:
            import_module(f"{config.name}.services")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.services":
                raise

SERVICES = sorted(REGISTRY)
CONTRACTED = [n for n in SERVICES if getattr(REGISTRY[n], "contract", None) is not None]
GUARDED = [n for n in CONTRACTED if REGISTRY[n].contract.perm is not None]
VERSIONED = [n for n in GUARDED if REGISTRY[n].contract.versioned]
WITH_REFS = [n for n in GUARDED if REGISTRY[n].contract.refs]


def short(name: str) -> str:
    return name.rsplit(".", 1)[1]


@dataclass
class Stage:
    """Records of two organisations that the samples refer to."""

    w: Any
    other: Any
    soa: Any
    row: Any
    row_b: Any
    row_dev: Any
    measure: Any
    measure_free: Any
    measure_dev: Any
    measure_orgwide: Any
    evidence: Any
    evidence_dev: Any
    invitation: Any
    staff_membership: Any
    token: Any
    other_measure: Any
    other_evidence: Any
    other_row: Any
    other_soa: Any
    empty_department: Any
    notification: Any = None
    webhook: Any = None
    asset: Any = None
    level: Any = None
    level_free: Any = None
    other_level: Any = None
    rule: Any = None
    rule_free: Any = None
    other_rule: Any = None
    event: Any = None
    item: Any = None
    due_batch: Any = None
    other_asset: Any = None
    equipment: Any = None
    removal: Any = None
    removal_out: Any = None
    campaign: Any = None
    check: Any = None


def _upload(name: str = "記録.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "証拠".encode())


def _build(world, admin) -> dict[str, Any]:
    from ume.core import services as core
    from ume.measures import services as measure_services
    from ume.soa import services as soa_services

    soa = soa_services.soa_get_or_create(actor=admin, scope=world.hq)
    soa_dev = soa_services.soa_get_or_create(actor=admin, scope=world.dev)
    give_reasons(soa)
    give_reasons(soa_dev)
    row = soa.rows.get(control__ref="5.7")

    def measure(title, scope):
        return measure_services.measure_create(
            actor=admin, organisation=world.org, data={"title": title, "scope": scope}
        )

    def evidence(scope, target):
        return measure_services.evidence_upload(
            actor=admin, organisation=world.org, scope=scope, uploaded=_upload(), attach_to=target
        )

    return {
        "soa": soa,
        "row": row,
        "row_b": soa.rows.get(control__ref="5.1"),
        "row_dev": soa_dev.rows.get(control__ref="5.7"),
        "measure": measure("脅威情報の収集", world.hq),
        "measure_free": measure("廃止予定の手順", world.hq),
        "measure_dev": measure("開発環境の分離", world.dev),
        "measure_orgwide": measure("全社の情報セキュリティ方針", None),
        "evidence": evidence(world.hq, row),
        "evidence_dev": evidence(world.dev, soa_dev.rows.get(control__ref="5.7")),
        "empty_department": core.department_create(
            actor=admin, organisation=world.org, data={"name": "空の部門"}
        ),
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The stage, written once for this module's tests (each test's changes are rolled back)."""
    with built_once(django_db_blocker):
        yield _stage(make_org(), make_org("他社株式会社", domain="other.example"))


@pytest.fixture
def stage(built, db) -> Stage:
    return refetched(built)


def _stage(world, other_world) -> Stage:
    from ume.core import services as core

    admin = world[Role.ADMIN]
    mine, theirs = _build(world, admin), _build(other_world, other_world[Role.ADMIN])
    stage_ = Stage(
        w=world,
        other=other_world,
        invitation=core.invitation_create(
            actor=admin,
            organisation=world.org,
            email="invitee@example.jp",
            role=Role.STAFF,
            accept_url_base="http://testserver/",
        ),
        staff_membership=Membership.objects.get(user=world[Role.STAFF], organisation=world.org),
        token=core.api_token_create(actor=world[Role.STAFF], organisation=world.org, name="連携")[
            0
        ],
        other_measure=theirs["measure_orgwide"],  # unscoped: only the organisation differs
        other_evidence=theirs["evidence"],
        other_row=theirs["row"],
        other_soa=theirs["soa"],
        notification=_notification(world),
        webhook=_webhook(world),
        asset=_asset(world),
        level=_level(world, "秘"),
        level_free=_level(world, "公開"),
        other_level=_level(other_world, "秘"),
        rule=_rule(world, "顧客との取引記録"),
        rule_free=_rule(world, "未使用の記録"),
        other_rule=_rule(other_world, "顧客との取引記録"),
        other_asset=_asset(other_world),
        **_event(world),
        **_removals(world),
        **mine,
    )
    stage_.__dict__.update(_inventory(world, stage_.asset))
    return stage_


def _event(world) -> dict[str, Any]:
    """A contract's end, with the item it gives the contracts kept under an own rule."""
    from ume.assets.models import RetentionItem
    from ume.assets.services import asset_create, retention_event_record

    admin = world[Role.ADMIN]
    contracts = asset_create(
        actor=admin,
        scope=world.hq,
        data={"name": "業務委託契約書", "retention_rules": [_rule(world, "業務委託契約書")]},
    )
    event = retention_event_record(
        actor=admin,
        organisation=world.org,
        source="manual",
        subject="A社 業務委託契約",
        event_type="contract_end",
        date=dt.date(2025, 9, 30),
        assets=[contracts],
    )
    ended = retention_event_record(  # a contract ended long ago: its contracts are due
        actor=admin,
        organisation=world.org,
        source="manual",
        subject="B社 保守契約",
        event_type="contract_end",
        date=dt.date(2015, 9, 30),
        assets=[contracts],
    )
    return {
        "event": event,
        "item": RetentionItem.objects.get(subject=event.subject),
        "due_batch": RetentionItem.objects.get(subject=ended.subject).batch,
    }


def _inventory(world, asset) -> dict[str, Any]:
    """An open 棚卸し of 本社, and an asset of 開発センター (so one can start there too)."""
    from ume.assets.services import asset_create, inventory_campaign_start

    admin = world[Role.ADMIN]
    asset_create(actor=admin, scope=world.dev, data={"name": "開発用サーバー"})
    campaign = inventory_campaign_start(
        actor=admin,
        scope=world.hq,
        data={"name": "2026年度 棚卸し", "due_on": dt.date.today() + dt.timedelta(days=30)},
    )
    return {"campaign": campaign, "check": campaign.checks.get(asset=asset)}


def _removals(world) -> dict[str, Any]:
    """A server waiting for approval to leave for repair, and a PC out (approved) with a
    supplier."""
    from ume.assets.services import asset_create, removal_approve, removal_request

    admin, today = world[Role.ADMIN], dt.date.today()

    def equipment(name):
        return asset_create(
            actor=admin, scope=world.hq, data={"name": name, "asset_type": "hardware"}
        )

    def request(name, out_on):
        data = {
            "purpose": "repair",
            "supplier": "梅サービス",
            "data_handling": "encrypted",
            "out_on": out_on,
            "expected_return_on": today + dt.timedelta(days=14),
        }
        return removal_request(actor=admin, asset=equipment(name), data=data)

    out = request("経理用PC", today)
    out = removal_approve(actor=world[Role.TOP_MANAGEMENT], removal=out, version=out.version)
    return {
        "equipment": equipment("予備のノートPC"),
        "removal": request("ファイルサーバ", today + dt.timedelta(days=1)),
        "removal_out": out,
    }


def _rule(world, record):
    """An own retention rule with a transitional period (so a period can be chosen)."""
    from ume.assets.services import retention_rule_create

    return retention_rule_create(
        actor=world[Role.ADMIN],
        organisation=world.org,
        data={
            "record_ja": record,
            "years": 5,
            "transitional_years": 3,
            "transitional_provision_ja": "社内規程 附則第2条",
            "event_type": "contract_end",
            "start_event_ja": "契約終了日",
        },
    )


def _level(world, name):
    from ume.assets.models import ClassificationLevel

    return ClassificationLevel.objects.get(organisation=world.org, name_ja=name)


def _asset(world):
    from ume.assets.services import asset_create

    return asset_create(actor=world[Role.ADMIN], scope=world.hq, data={"name": "顧客台帳"})


def _webhook(world):
    from ume.notifications.models import Webhook

    return Webhook.objects.create(
        organisation=world.org, name="Slack #isms", url="https://127.0.0.1:9/hook", preset="slack"
    )


def _notification(world):
    import datetime as dt

    from django.utils import timezone

    from ume.notifications import kinds
    from ume.notifications.builtin import MEMBERSHIP_EXPIRY
    from ume.notifications.services import notify

    return notify(
        kind=kinds.get(MEMBERSHIP_EXPIRY),
        organisation=world.org,
        record=Membership.objects.get(organisation=world.org, role=Role.EXTERNAL_AUDITOR),
        recipients=[world[Role.ADMIN]],
        due=timezone.localdate() + dt.timedelta(days=7),
        stage=-7,
    )[0]


def _fresh(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


# Arguments (besides ``actor``) with which an administrator of ``s.w`` may call each service.
SAMPLES: dict[str, Callable[[Stage], dict[str, Any]]] = {
    "invitation_create": lambda s: {
        "organisation": s.w.org,
        "email": "new@example.jp",
        "role": Role.STAFF,
        "scope": s.w.hq,
        "department": s.w.dept,
        "accept_url_base": "http://testserver/",
    },
    "invitation_revoke": lambda s: {"invitation": s.invitation},
    "notification_mark_read": lambda s: {"notification": s.notification},
    "notifications_mark_all_read": lambda s: {"organisation": s.w.org},
    "calendar_feed_issue": lambda s: {"organisation": s.w.org},
    "webhook_create": lambda s: {
        "organisation": s.w.org,
        "data": {"name": "Teams", "url": "https://127.0.0.1:9/teams", "preset": "teams"},
    },
    "webhook_update": lambda s: {
        "webhook": s.webhook,
        "data": {"name": "Slack #security", "kinds": ["core.membership_expiry"]},
        "version": _fresh(s.webhook).version,
    },
    "webhook_delete": lambda s: {"webhook": s.webhook},
    "kind_setting_update": lambda s: {
        "organisation": s.w.org,
        "kind": "core.membership_expiry",
        "data": {"lead_days": [10], "mandatory": True},
        "version": 1,
    },
    "calendar_feed_revoke": lambda s: {"organisation": s.w.org},
    "preference_update": lambda s: {
        "organisation": s.w.org,
        "data": {"email": "off", "muted_kinds": ["core.membership_expiry"]},
        "version": 1,
    },
    "membership_add": lambda s: {
        "organisation": s.w.org,
        "user": s.w[Role.STAFF],
        "role": Role.INTERNAL_AUDITOR,
        "scope": s.w.hq,
        "department": s.w.dept,
    },
    "membership_update": lambda s: {
        "membership": s.staff_membership,
        "data": {"scope": s.w.dev, "department": s.w.dept},
        "version": _fresh(s.staff_membership).version,
    },
    "membership_remove": lambda s: {"membership": s.staff_membership},
    "member_deactivate": lambda s: {"organisation": s.w.org, "user": s.w[Role.STAFF]},
    "member_reactivate": lambda s: {"organisation": s.w.org, "user": s.w[Role.STAFF]},
    "organisation_update": lambda s: {
        "organisation": s.w.org,
        "data": {"name_en": "Ume Shoji"},
        "version": _fresh(s.w.org).version,
    },
    "scope_create": lambda s: {"organisation": s.w.org, "data": {"name": "福岡支社"}},
    "scope_update": lambda s: {
        "scope": s.w.dev,
        "data": {"sites": "福岡"},
        "version": _fresh(s.w.dev).version,
    },
    "department_create": lambda s: {
        "organisation": s.w.org,
        "data": {"name": "品質保証部", "scopes": [s.w.hq], "head": s.w[Role.DEPARTMENT_HEAD]},
    },
    "department_update": lambda s: {
        "department": s.w.dept,
        "data": {"scopes": [s.w.hq, s.w.dev], "head": s.w[Role.DEPARTMENT_HEAD]},
        "version": _fresh(s.w.dept).version,
    },
    "department_delete": lambda s: {"department": s.empty_department},
    "api_token_create": lambda s: {"organisation": s.w.org, "name": "棚卸し"},
    "api_token_revoke": lambda s: {"token": s.token},
    "soa_get_or_create": lambda s: {"scope": Scope.objects.create(organisation=s.w.org, name="新")},
    "soa_row_update": lambda s: {
        "row": s.row,
        "data": {"notes": "確認済み", "measures": [s.measure]},
        "version": _fresh(s.row).version,
    },
    "soa_rows_bulk_update": lambda s: {
        "soa": s.soa,
        "versions": {s.row_b.pk: _fresh(s.row_b).version},
        "data": {"notes": "一括"},
    },
    "soa_rows_import": lambda s: {
        "soa": s.soa,
        "changes": {"5.1": {"notes": "取込"}},
        "versions": {"5.1": _fresh(s.row_b).version},
    },
    "soa_approve": lambda s: {"soa": s.soa, "comment": ""},
    "evidence_upload": lambda s: {
        "organisation": s.w.org,
        "scope": s.w.hq,
        "uploaded": _upload(),
        "attach_to": s.row,
    },
    "evidence_attach": lambda s: {"target": s.row_b, "evidence": s.evidence},
    "evidence_detach": lambda s: {"target": s.row, "evidence": s.evidence},
    "measure_create": lambda s: {
        "organisation": s.w.org,
        "data": {"title": "入退室管理", "scope": s.w.hq, "owner": s.w[Role.DEPARTMENT_HEAD]},
    },
    "measure_update": lambda s: {
        "measure": s.measure,
        "data": {"scope": s.w.hq, "owner": s.w[Role.DEPARTMENT_HEAD]},
        "version": _fresh(s.measure).version,
    },
    "measure_delete": lambda s: {"measure": s.measure_free},
    "asset_create": lambda s: {
        "scope": s.w.hq,
        "data": {
            "name": "従業員名簿",
            "owner": s.w[Role.DEPARTMENT_HEAD],
            "department": s.w.dept,
            "classification": s.level,
            "measures": [s.measure],
            "retention_rules": [s.rule],
        },
    },
    "asset_update": lambda s: {
        "asset": s.asset,
        "data": {
            "scope": s.w.hq,
            "owner": s.w[Role.DEPARTMENT_HEAD],
            "department": s.w.dept,
            "classification": s.level,
            "measures": [s.measure],
            "retention_rules": [s.rule],
        },
        "version": _fresh(s.asset).version,
    },
    "assets_import": lambda s: {
        "scope": s.w.hq,
        "creates": [{"name": "取込資産", "owner": s.w[Role.DEPARTMENT_HEAD].pk}],
        "updates": {s.asset.ref: {"notes": "取込"}},
        "versions": {s.asset.ref: _fresh(s.asset).version},
    },
    "endpoint_list_keep_as_evidence": lambda s: {"scope": s.w.hq},
    "ledger_settings_update": lambda s: {
        "organisation": s.w.org,
        "data": {"importance_rule": "sum"},
        "version": _fresh(s.w.org.ledger_settings).version,
    },
    "risk_method_revise": lambda s: {
        "organisation": s.w.org,
        "data": {"acceptance_max": 3, "note": "受容基準の見直し"},
        "version": s.w.org.risk_methods.order_by("-version").first().version,
    },
    "classification_level_create": lambda s: {
        "organisation": s.w.org,
        "data": {"rank": 5, "name_ja": "関係者外秘"},
    },
    "classification_level_update": lambda s: {
        "level": s.level,
        "data": {"handling": "施錠保管"},
        "version": _fresh(s.level).version,
    },
    "classification_level_delete": lambda s: {"level": s.level_free},
    "retention_rule_create": lambda s: {
        "organisation": s.w.org,
        "data": {
            "kind": "contract",
            "record_ja": "委託元の個人データ",
            "years": 1,
            "event_type": "contract_end",
            "start_event_ja": "委託契約の終了日",
        },
    },
    "retention_rule_update": lambda s: {
        "rule": s.rule,
        "data": {"notes_ja": "契約書第12条"},
        "version": _fresh(s.rule).version,
    },
    "retention_rule_delete": lambda s: {"rule": s.rule_free},
    "retention_period_choose": lambda s: {
        "organisation": s.w.org,
        "rule": s.rule,
        "use_transitional": True,
        "version": 1,
    },
    "retention_event_record": lambda s: {
        "organisation": s.w.org,
        "source": "manual",
        "subject": "山田 太郎",
        "event_type": "leaving",
        "date": dt.date(2025, 10, 15),
        "assets": [s.asset],
    },
    "retention_event_update": lambda s: {
        "event": s.event,
        "data": {"date": dt.date(2025, 10, 31), "reason": "契約延長"},
        "version": _fresh(s.event).version,
    },
    "retention_event_withdraw": lambda s: {
        "event": s.event,
        "reason": "契約更新",
        "version": _fresh(s.event).version,
    },
    "retention_hold_set": lambda s: {
        "item": s.item,
        "data": {
            "hold_reason": "係争中",
            "hold_owner": s.w[Role.SECRETARIAT],
            "hold_review_on": dt.date(2027, 1, 31),
        },
        "version": _fresh(s.item).version,
    },
    "asset_dispose": lambda s: {
        "asset": s.asset,
        "data": {"method": "physical", "deleted_on": dt.date.today()},
        "version": _fresh(s.asset).version,
    },
    "deletion_record_create": lambda s: {
        "batch": s.due_batch,
        "data": {"method": "shredding", "deleted_on": dt.date.today()},
    },
    "retention_events_import": lambda s: {
        "organisation": s.w.org,
        "rows": [{"subject": "佐藤 花子", "event_type": "leaving", "date": "2025-10-15"}],
    },
    "removal_request": lambda s: {
        "asset": s.equipment,
        "data": {
            "purpose": "disposal",
            "supplier": "梅リサイクル",
            "data_held": "経理データ",
            "data_handling": "erased",
            "out_on": dt.date.today(),
        },
    },
    "removal_approve": lambda s: {
        "removal": s.removal,
        "note": "暗号化を確認",
        "version": _fresh(s.removal).version,
    },
    "removal_reject": lambda s: {
        "removal": s.removal,
        "note": "記憶装置を外してから",
        "version": _fresh(s.removal).version,
    },
    "removal_cancel": lambda s: {
        "removal": s.removal,
        "reason": "現地で修理",
        "version": _fresh(s.removal).version,
    },
    "removal_return": lambda s: {
        "removal": s.removal_out,
        "data": {
            "returned_on": dt.date.today(),
            "checked_by": s.w[Role.SECRETARIAT],
        },
        "version": _fresh(s.removal_out).version,
    },
    "removal_dispose": lambda s: {
        "removal": s.removal_out,
        "data": {"method": "physical", "deleted_on": dt.date.today()},
        "version": _fresh(s.removal_out).version,
    },
    "removal_records_keep_as_evidence": lambda s: {"scope": s.w.hq},
    "inventory_campaign_start": lambda s: {
        "scope": s.w.dev,
        "data": {"name": "開発センター 棚卸し", "due_on": dt.date.today()},
    },
    "inventory_checks_confirm": lambda s: {
        "asset": s.asset,
        "versions": {s.check.pk: _fresh(s.check).version},
    },
    "inventory_check_record": lambda s: {
        "check": s.check,
        "result": "not_found",
        "note": "所在不明",
        "version": _fresh(s.check).version,
    },
    "inventory_campaign_close": lambda s: {
        "campaign": s.campaign,
        "version": _fresh(s.campaign).version,
    },
    "retention_hold_release": lambda s: {"item": s.item, "version": _fresh(s.item).version},
    "export_record": lambda s: {
        "organisation": s.w.org,
        "name": "soa_exported",
        "obj": s.soa,
        "details": {"format": "xlsx"},
    },
}

# Services without a permission say why in their contract; they are walked by their own tests.
PUBLIC_TESTED_ELSEWHERE = {
    "invitation_accept": "ume/core/tests/test_services.py (open, expired, used invitations)",
    "organisation_create": "ume/core/tests/test_commands.py (seed_demo) and the factories",
}


# Services an administrator may not call: who may (approvals are a manager's decision).
ACTORS = {"removal_approve": Role.TOP_MANAGEMENT, "removal_reject": Role.TOP_MANAGEMENT}


def allowed(name: str, s: Stage):
    """The member of ``s.w`` who may call service ``name`` with its samples."""
    return s.w[ACTORS.get(short(name), Role.ADMIN)]


def call(name: str, actor, kwargs: dict[str, Any]):
    return REGISTRY[name](actor=actor, **kwargs)


def trail_length() -> int:
    return AuditEntry.objects.count()


def assert_refused(name: str, actor, kwargs, errors=(PermissionDenied, ValidationError)):
    before = trail_length()
    with pytest.raises(errors):
        call(name, actor, kwargs)
    assert trail_length() == before, f"{name} wrote to the audit trail although refused"


def test_services_were_found():
    assert len(SERVICES) >= 25 and VERSIONED and WITH_REFS


@pytest.mark.parametrize("name", SERVICES, ids=short)
def test_every_service_declares_a_contract_and_has_samples(name):
    contract = REGISTRY[name].contract
    assert contract is not None, f"{name}: declare @service(perm=..., on=..., ...)"
    if contract.perm is None:
        assert contract.public, f"{name}: say why it has no permission (public=...)"
        assert short(name) in PUBLIC_TESTED_ELSEWHERE
    else:
        assert short(name) in SAMPLES, f"add sample arguments for {short(name)} in this test"


@pytest.mark.parametrize("name", GUARDED, ids=short)
def test_an_administrator_may_call_it_with_the_samples(name, stage):
    """The samples are valid, so every refusal below is the contract's doing."""
    call(name, allowed(name, stage), SAMPLES[short(name)](stage))


@pytest.mark.parametrize("name", GUARDED, ids=short)
def test_outsiders_and_other_organisations_are_refused(name, stage):
    kwargs = SAMPLES[short(name)](stage)
    assert_refused(name, make_user("outsider@example.net"), kwargs)
    assert_refused(name, stage.other[Role.ADMIN], kwargs)


@pytest.mark.parametrize("name", GUARDED, ids=short)
def test_read_only_roles_are_refused(name, stage):
    kwargs = SAMPLES[short(name)](stage)
    if REGISTRY[name].contract.members_may:
        # Every member acts for themselves (an API token, an export they may take), never on
        # another user's records.
        if "token" in kwargs or "notification" in kwargs:  # the administrator's own
            assert_refused(name, stage.w[Role.EXTERNAL_AUDITOR], kwargs)
        else:
            call(name, stage.w[Role.EXTERNAL_AUDITOR], kwargs)
        return
    for role in (Role.EXTERNAL_AUDITOR, Role.STAFF):
        assert_refused(name, stage.w[role], kwargs, PermissionDenied)
    if short(name) in ACTORS:  # the administrator may not either
        assert_refused(name, stage.w[Role.ADMIN], kwargs, PermissionDenied)


@pytest.mark.parametrize("name", VERSIONED, ids=short)
def test_updates_without_a_version_or_with_a_stale_one_are_refused(name, stage):
    key = REGISTRY[name].contract.versioned
    admin = allowed(name, stage)
    kwargs = SAMPLES[short(name)](stage)
    current = kwargs[key]
    if isinstance(current, dict):
        missing = {pk: None for pk in current}
        stale = {pk: v - 1 for pk, v in current.items()}
    else:
        missing, stale = None, current - 1
    assert_refused(name, admin, {**kwargs, key: missing}, VersionRequiredError)
    without = {k: v for k, v in kwargs.items() if k != key}
    assert_refused(name, admin, without, VersionRequiredError)
    assert_refused(name, admin, {**kwargs, key: stale}, StaleEditError)


def foreign(value, s: Stage):
    """The other organisation's counterpart of a record."""
    if isinstance(value, list):
        return [foreign(v, s) for v in value]
    counterparts = {
        Scope: s.other.hq,
        Department: s.other.dept,
        User: s.other[Role.ADMIN],
    }
    for model, other in counterparts.items():
        if isinstance(value, model):
            return other
    from ume.assets.models import Asset, ClassificationLevel, RetentionRule
    from ume.measures.models import EvidenceFile, Measure
    from ume.soa.models import SoARow, StatementOfApplicability

    return {
        ClassificationLevel: s.other_level,
        RetentionRule: s.other_rule,
        Asset: s.other_asset,
        Measure: s.other_measure,
        EvidenceFile: s.other_evidence,
        SoARow: s.other_row,
        StatementOfApplicability: s.other_soa,
    }[type(value)]


def replaced(kwargs: dict[str, Any], path: str, value) -> dict[str, Any]:
    name, *rest = path.split(".")
    if not rest:
        return {**kwargs, name: value}
    return {**kwargs, name: {**kwargs[name], rest[0]: value}}


REF_CASES = [(n, ref) for n in WITH_REFS for ref in REGISTRY[n].contract.refs]


@pytest.mark.parametrize(("name", "ref"), REF_CASES, ids=lambda v: short(v) if "." in v else v)
def test_references_to_another_organisations_records_are_refused(name, ref, stage):
    kwargs = SAMPLES[short(name)](stage)
    value = resolve(kwargs, ref)
    assert value not in (None, []), f"the sample of {short(name)} must set {ref}"
    assert_refused(name, allowed(name, stage), replaced(kwargs, ref, foreign(value, stage)))


def in_development_scope(value, s: Stage):
    """The development-scope counterpart of a record of 本社, or None for unscoped types."""
    if isinstance(value, list):
        values = [in_development_scope(v, s) for v in value]
        return None if None in values else values
    if isinstance(value, Scope):
        return s.w.dev
    from ume.measures.models import EvidenceFile, Measure
    from ume.soa.models import SoARow

    return {Measure: s.measure_dev, EvidenceFile: s.evidence_dev, SoARow: s.row_dev}.get(
        type(value)
    )


SCOPED_CASES = [
    (n, ref)
    for n, ref in REF_CASES
    # Every ISMS module's references (core's are organisation settings, managed organisation-wide,
    # as are the ledger's classification levels and retention rules).
    if not n.startswith("ume.core.")
    and not ref.endswith(
        (
            "owner",
            "head",
            "user",
            "department",
            "classification",
            "rule",
            "retention_rules",
            "assets",  # retention events are recorded organization-wide
            "checked_by",  # a member of the organization
        )
    )
]


@pytest.fixture
def head_office_manager(stage):
    """A secretariat member and department head whose roles are limited to 本社."""
    user = make_user("hq-manager@example.jp")
    for role in (Role.SECRETARIAT, Role.DEPARTMENT_HEAD):
        Membership.objects.create(user=user, organisation=stage.w.org, role=role, scope=stage.w.hq)
    return user


@pytest.mark.parametrize(("name", "ref"), SCOPED_CASES, ids=lambda v: short(v) if "." in v else v)
def test_a_role_limited_to_one_scope_cannot_reach_into_another(
    name, ref, stage, head_office_manager
):
    call(name, head_office_manager, SAMPLES[short(name)](stage))  # allowed in 本社
    kwargs = SAMPLES[short(name)](stage)
    other_scope = in_development_scope(resolve(kwargs, ref), stage)
    assert other_scope is not None
    assert_refused(name, head_office_manager, replaced(kwargs, ref, other_scope))


def test_bulk_edits_refuse_rows_of_another_soa(stage):
    """Row ids are references too: a row of another scope's (or organisation's) SoA is
    refused and the whole edit changes nothing."""
    name = "ume.soa.services.soa.soa_rows_bulk_update"
    for stranger in (stage.row_dev, stage.other_row):
        versions = {stage.row_b.pk: _fresh(stage.row_b).version, stranger.pk: stranger.version}
        kwargs = {"soa": stage.soa, "versions": versions, "data": {"notes": "一括"}}
        assert_refused(name, stage.w[Role.ADMIN], kwargs, ValidationError)


def _all_subclasses(cls) -> set[type]:
    return {sub for c in cls.__subclasses__() for sub in (c, *_all_subclasses(c))}


def test_every_edit_form_requires_the_version_it_was_based_on(stage):
    """A form that edits a record carries its version; without it, nothing is saved."""
    from django.forms.models import model_to_dict

    from ume.assets.forms import (
        AssetForm,
        ClassificationLevelForm,
        LedgerSettingsForm,
        RetentionRuleForm,
    )
    from ume.core.forms import DepartmentForm, MembershipForm, OrganisationForm, ScopeForm
    from ume.core.forms import VersionedModelForm as Base
    from ume.measures.forms import MeasureForm
    from ume.measures.models import Measure
    from ume.notifications.delivery import preference_of
    from ume.notifications.forms import KindSettingForm, PreferenceForm, WebhookForm
    from ume.notifications.services import kind_setting_update, preference_update
    from ume.soa.forms import SoARowForm

    org = stage.w.org
    admin = stage.w[Role.ADMIN]
    preference = preference_update(actor=admin, organisation=org, data={}, version=1)
    rule = kind_setting_update(
        actor=admin, organisation=org, kind="core.membership_expiry", data={}, version=1
    )
    edits = {
        OrganisationForm: (org, {}),
        ScopeForm: (stage.w.hq, {}),
        DepartmentForm: (stage.w.dept, {"organisation": org}),
        MembershipForm: (stage.staff_membership, {"organisation": org}),
        SoARowForm: (stage.row, {"measures": Measure.objects.filter(organisation=org)}),
        MeasureForm: (stage.measure, {"organisation": org}),
        PreferenceForm: (preference, {}),
        KindSettingForm: (rule, {}),
        WebhookForm: (stage.webhook, {}),
        AssetForm: (stage.asset, {"organisation": org}),
        ClassificationLevelForm: (stage.level, {}),
        LedgerSettingsForm: (org.ledger_settings, {}),
        RetentionRuleForm: (stage.rule, {}),
    }
    assert set(edits) == _all_subclasses(Base), "add the new edit form here"
    for form_class, (record, extra) in edits.items():
        data = {k: v for k, v in model_to_dict(record).items() if v is not None}
        data = {
            k: [getattr(x, "pk", x) for x in v] if isinstance(v, list) else v
            for k, v in data.items()
        }
        form = form_class(data=data, instance=record, **extra)
        assert not form.is_valid() and "version" in form.errors, form_class.__name__
        form = form_class(data={**data, "version": record.version}, instance=record, **extra)
        assert "version" not in form.errors, form_class.__name__
    assert ScopeForm(data={"name": "新しい適用範囲"}).is_valid()  # a new record has no version
    # Settings not saved yet show the defaults as version 1, and a save must still carry it.
    unsaved = preference_of(stage.w[Role.STAFF], org)
    assert not PreferenceForm(data={"email": "off"}, instance=unsaved).is_valid()
