"""Behaviour that `make mutation` showed the suite exercised without checking.

Each test here kills mutants that survived every other test (scripts/mutation_report.py lists
them). They check the foundation's promises directly, as a caller sees them: the error a refused
write raises (its class, its code, a message naming the versions), and who holds a permission.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import translation

from ume.core.audit import acting_as
from ume.core.choices import Role
from ume.core.locking import (
    StaleEditError,
    VersionRequiredError,
    bump_version,
    check_version,
    require_version,
)
from ume.core.models import Membership, Scope
from ume.core.policies import _unscoped_record, can, has_role, require
from ume.core.tests.factories import make_user

# -- core/locking.py -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "version",
    [None, {}, {7: None}, {7: 3, 8: None}],
    ids=["none", "empty-dict", "dict-with-none", "dict-with-one-none"],
)
def test_an_update_without_its_version_is_refused_with_code_and_message(version):
    with translation.override("en"), pytest.raises(VersionRequiredError) as exc:
        require_version(version)
    assert exc.value.code == "version_required"
    (message,) = exc.value.messages
    assert isinstance(message, str)
    assert "version of the record you edited is missing" in message


@pytest.mark.parametrize("version", [0, 3, "3", {7: 3}, {7: 0, 8: 5}])
def test_any_given_version_passes_the_presence_check(version):
    require_version(version)


def test_a_stale_version_is_refused_with_code_and_both_versions_named():
    record = Scope(name="本社", version=7)
    with translation.override("en"), pytest.raises(StaleEditError) as exc:
        check_version(record, 5)
    assert exc.value.code == "stale"
    (message,) = exc.value.messages
    assert "(version 7; you edited version 5)" in message


def test_the_current_version_passes_as_number_or_form_text():
    record = Scope(name="本社", version=7)
    check_version(record, 7)
    check_version(record, "7")
    assert record.version == 7


def test_a_missing_version_is_refused_before_it_is_compared():
    with pytest.raises(VersionRequiredError):
        check_version(Scope(name="本社", version=7), None)


def test_bump_version_adds_one():
    record = Scope(name="本社", version=7)
    bump_version(record)
    assert record.version == 8


# -- core/policies.py ----------------------------------------------------------------------------


@pytest.fixture
def hq_secretariat(world):
    """A secretariat member whose role is limited to the 本社 scope."""
    user = make_user("secretariat-hq@example.jp")
    with acting_as(world[Role.ADMIN]):
        Membership.objects.create(
            user=user, organisation=world.org, role=Role.SECRETARIAT, scope=world.hq
        )
    return user


@pytest.mark.django_db
def test_a_role_limited_to_a_scope_reaches_that_scopes_records(world, hq_secretariat):
    in_hq = Membership.objects.get(user=world[Role.STAFF])
    assert in_hq.scope_id == world.hq.pk
    assert can(hq_secretariat, "core.view_membership", in_hq)


@pytest.mark.django_db
def test_a_role_limited_to_a_scope_does_not_reach_organisation_wide_records(world, hq_secretariat):
    organisation_wide = Membership.objects.get(user=world[Role.TOP_MANAGEMENT])
    assert organisation_wide.scope_id is None
    assert not can(hq_secretariat, "core.view_membership", organisation_wide)
    assert can(world[Role.ADMIN], "core.view_membership", organisation_wide)


@pytest.mark.django_db
def test_only_a_record_with_an_empty_scope_field_counts_as_organisation_wide(world):
    scoped = Membership.objects.get(user=world[Role.STAFF])
    unscoped = Membership.objects.get(user=world[Role.TOP_MANAGEMENT])
    assert _unscoped_record(unscoped)
    assert not _unscoped_record(scoped)
    # No scope field at all (an organisation, a plain record, no record): not "unscoped".
    assert not _unscoped_record(world.org)
    assert not _unscoped_record(PlainRecord(world.org.pk))
    assert not _unscoped_record(None)


@pytest.mark.django_db
@pytest.mark.parametrize("perm", ["core.change_scope", "measures.change_measure", "core.add_scope"])
def test_a_permission_asked_about_no_record_is_refused_not_an_error(world, perm):
    assert not can(world[Role.ADMIN], perm)
    assert not can(world[Role.ADMIN], perm, None)


@dataclass
class PlainRecord:
    """Not a model: `can` takes any record with an ``organisation_id`` (and a scope or none)."""

    organisation_id: int
    scope_id: int | None = None


@pytest.mark.django_db
def test_can_takes_a_record_that_is_not_a_model(world, other_world):
    admin = world[Role.ADMIN]
    assert can(admin, "measures.change_measure", PlainRecord(world.org.pk))
    assert can(admin, "measures.change_measure", PlainRecord(world.org.pk, world.hq.pk))
    assert not can(admin, "measures.change_measure", PlainRecord(other_world.org.pk))


@pytest.mark.django_db
def test_a_user_deactivated_during_a_request_is_refused_at_once(world):
    """Roles are cached on the user object for one request; deactivation must not wait for it."""
    admin = world[Role.ADMIN]
    assert can(admin, "core.view_dashboard", world.org)  # the roles are now cached
    admin.is_active = False
    assert not can(admin, "core.view_dashboard", world.org)


@pytest.mark.django_db
@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["no-user", "anonymous"])
def test_no_user_and_anonymous_users_hold_no_permission(world, user):
    assert not can(user, "core.view_dashboard", world.org)
    assert not can(user, "core.view_dashboard")


def test_role_predicates_are_named_after_their_roles_for_rules_debug_log():
    assert str(has_role(Role.SECRETARIAT, Role.ADMIN)) == "has_role:admin,secretariat"
    assert str(has_role(Role.ADMIN, org_wide=True)) == "has_role:admin:org"


@pytest.mark.django_db
def test_a_record_of_no_organisation_is_refused_not_an_error(world):
    assert not can(world[Role.ADMIN], "core.view_dashboard", object())


@pytest.mark.django_db
def test_require_refuses_with_a_message(world, outsider):
    with translation.override("en"), pytest.raises(PermissionDenied) as exc:
        require(outsider, "core.view_dashboard", world.org)
    assert str(exc.value) == "You do not have permission to do this."
    require(world[Role.ADMIN], "core.view_dashboard", world.org)
