"""Scope and department services on update: a new name may not repeat another one of the same
organization (its own name in other letters is no clash, another organization's is none of its
business), certificate dates are checked against the values kept, and a department with members
is not deleted. Refusals are checked word for word."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ume.core import services
from ume.core.choices import Role
from ume.core.models import Department, Scope

pytestmark = pytest.mark.django_db


def rename_scope(world, scope: Scope, name: str) -> Scope:
    return services.scope_update(
        actor=world[Role.ADMIN], scope=scope, data={"name": name}, version=scope.version
    )


def test_a_scope_name_may_not_repeat_another_scope_of_the_organization(world, other_world):
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        rename_scope(world, world.dev, " 本社 ")
    assert exc.value.message_dict == {
        "name": ["An ISMS scope named “本社” already exists. Choose another name."]
    }
    renamed = rename_scope(world, world.hq, "本社")  # its own name
    assert renamed.name == "本社"
    other = Scope.objects.get(organisation=other_world.org, name="開発センター")
    assert rename_scope(other_world, other, "本社 東京").name == "本社 東京"
    assert rename_scope(world, world.dev, "本社 東京").name == "本社 東京"  # another organization's


def test_certificate_dates_are_checked_against_the_dates_kept(world):
    scope = services.scope_update(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"certified_on": dt.date(2025, 4, 1)},
        version=world.hq.version,
    )
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.scope_update(
            actor=world[Role.ADMIN],
            scope=scope,
            data={"certificate_expires_on": dt.date(2025, 3, 31)},
            version=scope.version,
        )
    assert exc.value.message_dict == {
        "certificate_expires_on": ["The expiry date must be after the certification date."]
    }
    kept = services.scope_update(
        actor=world[Role.ADMIN],
        scope=scope,
        data={"certificate_expires_on": dt.date(2028, 3, 31)},
        version=scope.version,
    )
    assert (kept.certified_on, kept.certificate_expires_on) == (
        dt.date(2025, 4, 1),
        dt.date(2028, 3, 31),
    )


def test_a_department_name_may_not_repeat_another_department_of_the_organization(
    world, other_world
):
    admin = world[Role.ADMIN]
    sales = services.department_create(actor=admin, organisation=world.org, data={"name": "営業部"})
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.department_update(
            actor=admin, department=sales, data={"name": "総務部"}, version=sales.version
        )
    assert exc.value.message_dict == {"name": ["A department named “総務部” already exists."]}
    own = services.department_update(
        actor=admin, department=world.dept, data={"name": "総務部"}, version=world.dept.version
    )
    assert own.name == "総務部"
    theirs = Department.objects.get(organisation=other_world.org)
    services.department_update(
        actor=other_world[Role.ADMIN],
        department=theirs,
        data={"name": "営業部"},
        version=theirs.version,
    )
    assert Department.objects.filter(name="営業部").count() == 2


def test_a_department_with_members_is_not_deleted(world):
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.department_delete(actor=world[Role.ADMIN], department=world.dept)
    assert exc.value.messages == [
        "Members still belong to this department. Move them to another department first."
    ]
    assert Department.objects.filter(pk=world.dept.pk).exists()


@pytest.mark.parametrize("name", ["本社\n別館", "本社\x00"])
def test_a_name_on_more_than_one_line_or_with_control_characters_is_refused(world, name):
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as exc:
        rename_scope(world, world.dev, name)
    assert list(exc.value.message_dict) == ["name"]
    # refused before the name is looked up: PostgreSQL refuses NUL in a query parameter
    lookups = [q["sql"] for q in queries if "LIKE" in q["sql"] or "UPPER" in q["sql"]]
    assert not [sql for sql in lookups if "core_scope" in sql]
    with pytest.raises(ValidationError) as exc:
        services.department_create(
            actor=world[Role.ADMIN], organisation=world.org, data={"name": name}
        )
    assert list(exc.value.message_dict) == ["name"]
    assert Scope.objects.get(pk=world.dev.pk).name == "開発センター"


def test_a_certificate_may_not_expire_on_the_day_it_was_granted(world):
    day = dt.date(2025, 4, 1)
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.scope_update(
            actor=world[Role.ADMIN],
            scope=world.hq,
            data={"certified_on": day, "certificate_expires_on": day},
            version=world.hq.version,
        )
    assert set(exc.value.message_dict) == {"certificate_expires_on"}
    world.hq.refresh_from_db()
    assert world.hq.certificate_expires_on is None


def test_a_department_covers_only_scopes_and_has_a_head_of_its_own_organization(world, other_world):
    theirs = Scope.objects.get(organisation=other_world.org, name="開発センター")
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.department_create(
            actor=world[Role.ADMIN],
            organisation=world.org,
            data={"name": "営業部", "scopes": [world.hq, theirs]},
        )
    assert exc.value.message_dict == {"scopes": ["Choose ISMS scopes of this organization."]}
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.department_update(
            actor=world[Role.ADMIN],
            department=world.dept,
            data={"head": other_world[Role.ADMIN]},
            version=world.dept.version,
        )
    assert exc.value.message_dict == {
        "head": ["The department head must be a member of this organization."]
    }
    assert not Department.objects.filter(name="営業部").exists()
    world.dept.refresh_from_db()
    assert world.dept.head_id != other_world[Role.ADMIN].pk
