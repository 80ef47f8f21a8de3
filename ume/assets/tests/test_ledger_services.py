"""Asset ledger services: numbers given in order and never twice, 重要度 derived by the
organization's rule (and recomputed for every asset when the rule changes), references kept
inside the organization and the asset's scope, and who may edit which asset."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ume.assets import importance, services
from ume.assets.choices import AssetStatus, ImportanceRule
from ume.assets.models import Asset, ClassificationLevel, LedgerSettings
from ume.core import services as core
from ume.core.choices import Role
from ume.core.models import AuditEntry, Department, Membership
from ume.core.tests.factories import make_org, make_user
from ume.measures import services as measure_services

pytestmark = pytest.mark.django_db


def add(world, actor=None, scope=None, **data):
    return services.asset_create(
        actor=actor or world[Role.ADMIN],
        scope=scope or world.hq,
        data={"name": "顧客台帳", **data},
    )


def test_a_new_organization_starts_with_the_default_classification_scheme(world):
    levels = ClassificationLevel.objects.filter(organisation=world.org).order_by("rank")
    assert [lv.name_ja for lv in levels] == ["極秘", "秘", "社外秘", "公開"]
    assert [lv.name_en for lv in levels] == [
        "Strictly confidential",
        "Confidential",
        "Internal use only",
        "Public",
    ]
    assert all(lv.provenance.startswith("Ume独自") for lv in levels)
    rule = LedgerSettings.objects.get(organisation=world.org).importance_rule
    assert rule == ImportanceRule.HIGHEST


def test_numbers_are_given_in_order_after_the_highest_and_never_twice(world, other_world):
    assert add(world).ref == "A-00001"
    add(world, ref="A-00041")
    add(world, ref="棚-7")  # another form is left alone
    assert add(world).ref == "A-00042"
    assert add(other_world, scope=other_world.hq).ref == "A-00001"  # per organization
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        add(world, ref="A-00041")
    assert exc.value.message_dict == {
        "ref": ["The asset number A-00041 is already used. Choose another."]
    }
    assert Asset.objects.filter(organisation=world.org).count() == 4


@pytest.mark.parametrize(
    ("rule", "values", "expected"),
    [
        (ImportanceRule.HIGHEST, (1, 3, 2), 3),
        (ImportanceRule.HIGHEST, (1, 1, 1), 1),
        (ImportanceRule.SUM, (1, 1, 2), 1),
        (ImportanceRule.SUM, (2, 2, 1), 2),
        (ImportanceRule.SUM, (2, 2, 2), 2),
        (ImportanceRule.SUM, (3, 2, 2), 3),
        (ImportanceRule.SUM, (3, 3, 3), 3),
        (ImportanceRule.HIGHEST, (3, None, 1), None),
    ],
)
def test_importance_follows_the_rule(world, rule, values, expected):
    LedgerSettings.objects.filter(organisation=world.org).update(importance_rule=rule)
    c, i, a = values
    asset = add(world, confidentiality=c, integrity=i, availability=a)
    assert asset.importance == expected
    assert Asset.objects.get(pk=asset.pk).importance == expected


def test_the_database_rule_agrees_with_the_python_rule_for_every_combination(world):
    values = (None, 1, 2, 3)
    combos = list(itertools.product(values, repeat=3))
    for c, i, a in combos:
        add(world, confidentiality=c, integrity=i, availability=a)
    for rule in ImportanceRule.values:
        Asset.objects.update(importance=importance.expression(rule))
        stored = Asset.objects.values_list(
            "confidentiality", "integrity", "availability", "importance"
        )
        for c, i, a, got in stored:
            expected = None
            if None not in (c, i, a):
                expected = (
                    max(c, i, a)
                    if rule == "highest"
                    else (1 if c + i + a <= 4 else 2 if c + i + a <= 6 else 3)
                )
            assert got == expected, (rule, c, i, a)


def test_changing_the_rule_recomputes_every_asset_and_is_audited(world):
    asset = add(world, confidentiality=2, integrity=2, availability=1)
    assert asset.importance == 2
    settings = LedgerSettings.objects.get(organisation=world.org)
    services.ledger_settings_update(
        actor=world[Role.SECRETARIAT],
        organisation=world.org,
        data={"importance_rule": ImportanceRule.SUM},
        version=settings.version,
    )
    assert Asset.objects.get(pk=asset.pk).importance == 2  # 5 → 2
    other = add(world, confidentiality=1, integrity=1, availability=1)
    assert other.importance == 1
    entry = AuditEntry.objects.filter(model_label="assets.ledgersettings").order_by("seq").last()
    assert entry.changes_data["importance_rule"] == ["highest", "sum"]


def test_editing_c_i_a_updates_the_importance_in_the_same_change(world):
    asset = add(world, confidentiality=1, integrity=1, availability=1)
    updated = services.asset_update(
        actor=world[Role.ADMIN], asset=asset, data={"availability": 3}, version=asset.version
    )
    assert updated.importance == 3
    entries = AuditEntry.objects.filter(model_label="assets.asset", object_id=str(asset.pk))
    assert entries.count() == 2  # created, then one change holding both fields
    assert set(entries.order_by("seq").last().changes_data) == {
        "availability",
        "importance",
        "version",
    }


def test_references_stay_inside_the_organization_and_the_scope(world, other_world):
    theirs = ClassificationLevel.objects.filter(organisation=other_world.org).first()
    dev_measure = measure_services.measure_create(
        actor=world[Role.ADMIN],
        organisation=world.org,
        data={"title": "開発環境の分離", "scope": world.dev},
    )
    orgwide = measure_services.measure_create(
        actor=world[Role.ADMIN], organisation=world.org, data={"title": "全社方針", "scope": None}
    )
    cases = {
        "owner": other_world[Role.ADMIN],
        "department": Department.objects.get(organisation=other_world.org),
        "classification": theirs,
        "measures": [dev_measure],
    }
    for field, value in cases.items():
        with pytest.raises(ValidationError) as exc:
            add(world, **{field: value})
        assert set(exc.value.message_dict) == {field}
    assert not Asset.objects.exists()
    assert list(add(world, measures=[orgwide]).measures.all()) == [orgwide]


def test_owners_and_department_heads_edit_their_own_assets_only(world):
    head = world[Role.DEPARTMENT_HEAD]
    core.department_update(
        actor=world[Role.ADMIN],
        department=world.dept,
        data={"head": head},
        version=world.dept.version,
    )
    staff = world[Role.STAFF]
    own = add(world, owner=staff)
    other = add(world)
    services.asset_update(actor=staff, asset=own, data={"notes": "確認済み"}, version=own.version)
    with pytest.raises(PermissionDenied):
        services.asset_update(actor=staff, asset=other, data={"notes": "x"}, version=other.version)
    in_dept = add(world, department=world.dept)
    services.asset_update(actor=head, asset=in_dept, data={"notes": "部門"}, version=1)
    with pytest.raises(PermissionDenied):
        services.asset_update(actor=head, asset=other, data={"notes": "x"}, version=other.version)
    # an auditor named as owner still only reads
    auditor = world[Role.INTERNAL_AUDITOR]
    theirs = add(world, owner=auditor)
    with pytest.raises(PermissionDenied):
        services.asset_update(actor=auditor, asset=theirs, data={"notes": "x"}, version=1)


def test_the_changeable_assets_filter_agrees_with_the_policy_for_every_person(world, other_world):
    from ume.assets import selectors
    from ume.assets.permissions import CHANGE_ASSET
    from ume.core.policies import can

    head, staff = world[Role.DEPARTMENT_HEAD], world[Role.STAFF]
    core.department_update(
        actor=world[Role.ADMIN], department=world.dept, data={"head": head}, version=1
    )
    dev_keeper = make_user("dev-office@example.jp")  # the 事務局 of one scope
    Membership.objects.create(
        user=dev_keeper, organisation=world.org, role=Role.SECRETARIAT, scope=world.dev
    )
    for scope, owner, department in itertools.product(
        (world.hq, world.dev), (None, staff, head, world[Role.INTERNAL_AUDITOR]), (None, world.dept)
    ):
        add(world, scope=scope, owner=owner, department=department)
    assets = Asset.objects.filter(organisation=world.org)
    people = [*world.users.values(), dev_keeper, other_world[Role.ADMIN]]
    for person in people:
        chosen = selectors.changeable_assets(actor=person, organisation=world.org, assets=assets)
        allowed = {a.pk for a in assets if can(person, CHANGE_ASSET, a)}
        assert set(chosen.values_list("pk", flat=True)) == allowed, person.email
    mine = selectors.changeable_assets(actor=staff, organisation=world.org, assets=assets)
    assert 0 < mine.count() < assets.count()


def test_moving_an_asset_needs_the_right_to_add_assets_in_the_other_scope(world):
    user = world[Role.STAFF]
    asset = add(world, owner=user)
    with pytest.raises(PermissionDenied):
        services.asset_update(actor=user, asset=asset, data={"scope": world.dev}, version=1)
    moved = services.asset_update(
        actor=world[Role.ADMIN], asset=asset, data={"scope": world.dev}, version=1
    )
    assert moved.scope == world.dev


def test_an_asset_is_disposed_of_not_deleted(world):
    asset = add(world)
    services.asset_update(
        actor=world[Role.ADMIN], asset=asset, data={"status": AssetStatus.DISPOSED}, version=1
    )
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.DISPOSED
    assert not any(name.startswith("asset_delete") for name in services.__all__)


def test_a_level_in_use_is_not_deleted_and_names_do_not_repeat(world):
    level = ClassificationLevel.objects.get(organisation=world.org, name_ja="秘")
    add(world, classification=level)
    admin = world[Role.ADMIN]
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.classification_level_delete(actor=admin, level=level)
    assert exc.value.messages == [
        "1 assets have this classification. Give them another level first."
    ]
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.classification_level_create(
            actor=admin, organisation=world.org, data={"rank": 5, "name_ja": " 秘 "}
        )
    assert exc.value.message_dict == {
        "name_ja": ["A classification level named “秘” already exists."]
    }
    public = ClassificationLevel.objects.get(organisation=world.org, name_ja="公開")
    services.classification_level_delete(actor=admin, level=public)
    assert not ClassificationLevel.objects.filter(pk=public.pk).exists()


def test_organizations_created_before_the_ledger_get_the_defaults_once(world):
    from ume.assets.defaults import seed_organisation

    ClassificationLevel.objects.filter(organisation=world.org, name_ja="公開").delete()
    seed_organisation(world.org)  # it has levels: left as they are
    assert ClassificationLevel.objects.filter(organisation=world.org).count() == 3
    fresh = make_org("新会社株式会社", domain="new.example")
    assert ClassificationLevel.objects.filter(organisation=fresh.org).count() == 4
