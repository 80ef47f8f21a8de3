"""Platform services: validation, optimistic locking, invitations, roles and deactivation."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from ume.core import services
from ume.core.choices import Role
from ume.core.locking import StaleEditError
from ume.core.models import AuditEntry, Invitation, Membership, Scope, User
from ume.core.policies import can
from ume.core.roles import clear_cache

pytestmark = pytest.mark.django_db


def test_duplicate_scope_name_is_refused_case_insensitively(world):
    with pytest.raises(ValidationError) as exc:
        services.scope_create(
            actor=world[Role.ADMIN], organisation=world.org, data={"name": " 本社 "}
        )
    assert "name" in exc.value.message_dict
    assert Scope.objects.filter(organisation=world.org).count() == 2


def test_certificate_expiry_must_follow_certification(world):
    with pytest.raises(ValidationError) as exc:
        services.scope_update(
            actor=world[Role.ADMIN],
            scope=world.hq,
            version=1,
            data={
                "certified_on": dt.date(2025, 4, 1),
                "certificate_expires_on": dt.date(2025, 3, 31),
            },
        )
    assert "certificate_expires_on" in exc.value.message_dict
    assert Scope.objects.get(pk=world.hq.pk).certified_on is None


def test_stale_edit_is_refused_and_changes_nothing(world):
    admin = world[Role.ADMIN]
    services.scope_update(actor=admin, scope=world.hq, data={"sites": "東京"}, version=1)
    entries = AuditEntry.objects.count()
    with pytest.raises(StaleEditError):
        services.scope_update(actor=admin, scope=world.hq, data={"sites": "大阪"}, version=1)
    scope = Scope.objects.get(pk=world.hq.pk)
    assert (scope.sites, scope.version) == ("東京", 2)
    assert AuditEntry.objects.count() == entries


def test_scope_limited_secretariat_cannot_create_scopes(world):
    secretariat = world[Role.SECRETARIAT]
    Membership.objects.filter(user=secretariat).update(scope=world.hq)
    clear_cache(secretariat)
    with pytest.raises(PermissionDenied):
        services.scope_create(actor=secretariat, organisation=world.org, data={"name": "支社"})
    assert can(secretariat, "core.change_scope", world.hq)
    assert not can(secretariat, "core.change_scope", world.dev)


def test_other_organisation_cannot_use_services_on_this_one(world, other_world):
    with pytest.raises(PermissionDenied):
        services.scope_update(
            actor=other_world[Role.ADMIN],
            scope=world.hq,
            version=world.hq.version,
            data={"name": "乗っ取り"},
        )
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=other_world[Role.ADMIN],
            organisation=world.org,
            email="x@example.jp",
            role=Role.STAFF,
            accept_url_base="http://t/",
        )


def test_department_rejects_scopes_of_another_organisation(world, other_world):
    with pytest.raises(ValidationError):
        services.department_create(
            actor=world[Role.ADMIN],
            organisation=world.org,
            data={"name": "営業部", "scopes": [other_world.hq]},
        )


def test_department_with_members_cannot_be_deleted(world):
    with pytest.raises(ValidationError):
        services.department_delete(actor=world[Role.ADMIN], department=world.dept)


def invite(world, **kwargs):
    defaults = {
        "email": "new.person@example.jp",
        "role": Role.STAFF,
        "accept_url_base": "http://testserver/",
    }
    return services.invitation_create(
        actor=world[Role.ADMIN], organisation=world.org, **{**defaults, **kwargs}
    )


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "山田@", "x" * 300 + "@e.jp"])
def test_invalid_invitation_emails_are_refused(world, email):
    with pytest.raises(ValidationError) as exc:
        invite(world, email=email)
    assert "email" in exc.value.message_dict
    assert not Invitation.objects.exists()


def test_invitation_is_emailed_after_commit_and_accepted_once(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(world, full_name="新人 花子")
    assert len(mailoutbox) == 1 and invitation.token in mailoutbox[0].body
    assert mailoutbox[0].to == ["new.person@example.jp"]
    user = services.invitation_accept(
        actor=None, invitation=invitation, password="a-long-passphrase-42"
    )
    assert user.full_name == "新人 花子" and user.check_password("a-long-passphrase-42")
    assert Membership.objects.filter(user=user, organisation=world.org, role=Role.STAFF).exists()
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=None, invitation=invitation, password="x" * 20)


def test_weak_password_on_acceptance_changes_nothing(world):
    invitation = invite(world)
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=None, invitation=invitation, password="123")
    assert not User.objects.filter(email="new.person@example.jp").exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_existing_account_must_log_in_to_accept(world, other_world):
    invitation = invite(world, email=other_world[Role.STAFF].email)
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=None, invitation=invitation)
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=other_world[Role.ADMIN], invitation=invitation)
    user = services.invitation_accept(actor=other_world[Role.STAFF], invitation=invitation)
    assert Membership.objects.filter(user=user, organisation=world.org).exists()


def test_expired_or_revoked_invitations_cannot_be_used(world):
    invitation = invite(world)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    invitation.refresh_from_db()
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=None, invitation=invitation, password="long-pass-123")
    second = invite(world, email="second@example.jp")
    services.invitation_revoke(actor=world[Role.ADMIN], invitation=second)
    second.refresh_from_db()
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=None, invitation=second, password="long-pass-123")


def test_open_invitation_and_existing_role_are_not_duplicated(world):
    invite(world)
    with pytest.raises(ValidationError):
        invite(world)
    with pytest.raises(ValidationError):
        invite(world, email=world[Role.STAFF].email, scope=world.hq)


def test_external_auditor_needs_scope_and_end_date(world):
    with pytest.raises(ValidationError) as exc:
        invite(world, role=Role.EXTERNAL_AUDITOR)
    assert {"scope", "valid_until"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        invite(
            world,
            role=Role.EXTERNAL_AUDITOR,
            scope=world.hq,
            valid_until=timezone.localdate() - dt.timedelta(days=1),
        )


def test_expired_external_auditor_loses_access(world):
    auditor = world[Role.EXTERNAL_AUDITOR]
    assert can(auditor, "core.view_scope", world.hq)
    assert not can(auditor, "core.view_scope", world.dev)
    Membership.objects.filter(user=auditor).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    clear_cache(auditor)
    assert not can(auditor, "core.view_scope", world.hq)
    assert not can(auditor, "core.view_dashboard", world.org)


def test_deactivation_keeps_history_and_removes_access(world):
    admin, staff = world[Role.ADMIN], world[Role.STAFF]
    assert services.member_deactivate(actor=admin, organisation=world.org, user=staff) == 1
    clear_cache(staff)
    assert not can(staff, "core.view_dashboard", world.org)
    assert User.objects.filter(pk=staff.pk).exists()
    assert AuditEntry.objects.filter(
        model_label="core.membership", action="update", changes__contains='"is_active"'
    ).exists()
    services.member_reactivate(actor=admin, organisation=world.org, user=staff)
    clear_cache(staff)
    assert can(staff, "core.view_dashboard", world.org)


def test_last_administrator_cannot_be_removed_or_demoted(world):
    admin = world[Role.ADMIN]
    own = Membership.objects.get(user=admin, organisation=world.org, role=Role.ADMIN)
    with pytest.raises(ValidationError):
        services.member_deactivate(actor=admin, organisation=world.org, user=admin)
    with pytest.raises(ValidationError):
        services.membership_remove(actor=admin, membership=own)
    with pytest.raises(ValidationError):
        services.membership_update(
            actor=admin, membership=own, data={"role": Role.STAFF}, version=own.version
        )
    assert Membership.objects.get(pk=own.pk).role == Role.ADMIN


def test_roles_are_added_updated_and_removed(world):
    admin, staff = world[Role.ADMIN], world[Role.STAFF]
    added = services.membership_add(
        actor=admin, organisation=world.org, user=staff, role=Role.INTERNAL_AUDITOR
    )
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=admin, organisation=world.org, user=staff, role=Role.INTERNAL_AUDITOR
        )
    updated = services.membership_update(
        actor=admin, membership=added, data={"scope": world.dev}, version=added.version
    )
    assert updated.scope == world.dev and updated.version == 2
    services.membership_remove(actor=admin, membership=updated)
    assert not Membership.objects.filter(pk=added.pk).exists()


def test_administrator_role_cannot_be_limited_to_a_scope(world):
    with pytest.raises(ValidationError):
        invite(world, role=Role.ADMIN, scope=world.hq)


def test_an_export_is_recorded_with_its_record_details_and_actor(world, other_world):
    admin = world[Role.ADMIN]
    entry = services.export_record(
        actor=admin, organisation=world.org, name="soa_export", obj=world.hq, details={"f": "pdf"}
    )
    assert (entry.actor, entry.action, entry.model_label) == (admin, "event", "core.scope")
    assert (entry.object_id, entry.object_repr) == (str(world.hq.pk), str(world.hq))
    assert json.loads(entry.changes) == {"event": "soa_export", "f": "pdf"}
    # A record without an organisation (a user account) may be named in any organisation.
    shared = services.export_record(actor=admin, organisation=world.org, name="x", obj=admin)
    assert (shared.model_label, shared.object_id) == ("core.user", str(admin.pk))
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.export_record(
            actor=admin, organisation=world.org, name="soa_export", obj=other_world.hq
        )
    assert refused.value.messages == ["The record belongs to another organization."]


def test_an_object_of_no_organisation_is_denied_not_an_error(world):
    """Default deny: a permission checked against something that belongs to no organisation
    (no ``organisation_id``) is refused, whatever the user's roles."""
    from ume.core.permissions import CHANGE_SCOPE
    from ume.core.policies import target_of

    class Stray:
        scope_id = None

    assert target_of(Stray()) == (None, None)
    assert can(world[Role.ADMIN], CHANGE_SCOPE, Stray()) is False
