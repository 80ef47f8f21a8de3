"""Member services as the people they concern meet them: accepting an invitation grants exactly
the invited role, adding a role checks the person and the role's fields, an organization keeps
an active administrator, and (de)activating touches one person in one organization only. The
refusals say what to do, in the words the pages show."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from ume.core import services
from ume.core.choices import Role
from ume.core.models import AuditEntry, Invitation, Membership, User
from ume.core.roles import clear_cache

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-42"


def invite(world, **kwargs) -> Invitation:
    values = {"email": "new.person@example.jp", "role": Role.STAFF, "accept_url_base": "http://t/"}
    return services.invitation_create(
        actor=world[Role.ADMIN], organisation=world.org, **{**values, **kwargs}
    )


def messages(exc) -> list[str]:
    return exc.value.messages


def test_accepting_grants_exactly_the_invited_role_and_closes_the_invitation(world):
    until = timezone.localdate() + dt.timedelta(days=10)
    invitation = invite(
        world, full_name="新人 花子", scope=world.hq, department=world.dept, valid_until=until
    )
    user = services.invitation_accept(actor=None, invitation=invitation, password=PASSWORD)
    assert (user.email, user.full_name) == ("new.person@example.jp", "新人 花子")
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (world.org, Role.STAFF)
    assert (membership.scope, membership.department) == (world.hq, world.dept)
    assert membership.valid_until == until and membership.is_active
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and not invitation.is_open
    # the new member made the change: the trail names them, not "system"
    entry = AuditEntry.objects.filter(model_label="core.membership", object_id=str(membership.pk))
    assert entry.get().actor == user


def test_a_name_typed_on_acceptance_wins_over_the_invitations(world):
    invitation = invite(world, full_name="新人 花子")
    user = services.invitation_accept(
        actor=None, invitation=invitation, password=PASSWORD, full_name="  山田 花子 "
    )
    assert user.full_name == "山田 花子"


def test_a_password_like_the_address_is_refused(world):
    invitation = invite(world, email="hanako.yamada@example.jp")
    with pytest.raises(ValidationError):
        services.invitation_accept(
            actor=None, invitation=invitation, password="hanako.yamada@example"
        )
    assert not User.objects.filter(email="hanako.yamada@example.jp").exists()


def test_accepting_again_reactivates_the_same_role(world):
    invitation = invite(world, scope=world.hq)
    user = services.invitation_accept(actor=None, invitation=invitation, password=PASSWORD)
    Membership.objects.filter(user=user).update(is_active=False)
    again = invite(world, scope=world.hq)
    services.invitation_accept(actor=user, invitation=again)
    assert list(Membership.objects.filter(user=user).values_list("is_active", flat=True)) == [True]


def test_refusals_of_acceptance_name_the_address(world, other_world):
    invitation = invite(world, email=other_world[Role.STAFF].email)
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.invitation_accept(actor=None, invitation=invitation)
    assert messages(exc) == [
        f"An account for {invitation.email} already exists. Log in first, then open the "
        "invitation link again."
    ]
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.invitation_accept(actor=other_world[Role.ADMIN], invitation=invitation)
    assert messages(exc) == [
        f"This invitation was sent to {invitation.email}. Log in as that user to accept it."
    ]
    services.invitation_revoke(actor=world[Role.ADMIN], invitation=invitation)
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.invitation_accept(actor=other_world[Role.STAFF], invitation=invitation)
    assert messages(exc) == [
        "This invitation has expired or was already used. Ask your administrator for a new one."
    ]
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.invitation_revoke(actor=world[Role.ADMIN], invitation=invitation)
    assert messages(exc) == ["This invitation is no longer open."]


# --- adding a role ---------------------------------------------------------------------------


def add(world, user, **kwargs):
    return services.membership_add(
        actor=world[Role.ADMIN], organisation=world.org, user=user, **kwargs
    )


def test_a_role_is_added_with_its_scope_department_and_end_date(world):
    staff = world[Role.STAFF]
    until = timezone.localdate() + dt.timedelta(days=5)
    added = add(
        world,
        staff,
        role=Role.DEPARTMENT_HEAD,
        scope=world.dev,
        department=world.dept,
        valid_until=until,
    )
    added.refresh_from_db()
    assert (added.user, added.organisation, added.role) == (staff, world.org, Role.DEPARTMENT_HEAD)
    assert (added.scope, added.department, added.valid_until) == (world.dev, world.dept, until)


def test_adding_a_role_refuses_a_non_member_a_past_end_date_and_a_repeat(world, other_world):
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        add(world, other_world[Role.STAFF], role=Role.STAFF, scope=world.hq)
    assert messages(exc) == ["Invite this person first; roles are added to members."]
    staff = world[Role.STAFF]
    with pytest.raises(ValidationError) as exc:
        add(world, staff, role=Role.STAFF, scope=world.dev, valid_until=dt.date(2000, 1, 1))
    assert set(exc.value.message_dict) == {"valid_until"}
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        add(world, staff, role=Role.STAFF, scope=world.hq)  # the role the world gave them
    assert exc.value.message_dict == {"role": ["This member already has this role for this scope."]}
    assert Membership.objects.filter(user=staff).count() == 1


def test_the_same_role_elsewhere_or_held_by_someone_else_is_no_repeat(world, other_world):
    staff, auditor = world[Role.STAFF], world[Role.EXTERNAL_AUDITOR]
    # the same person with the same role and scope in another organization
    Membership.objects.create(user=staff, organisation=other_world.org, role=Role.INTERNAL_AUDITOR)
    clear_cache(staff)
    add(world, staff, role=Role.INTERNAL_AUDITOR)
    add(world, staff, role=Role.STAFF, scope=world.dev)  # another scope
    add(world, auditor, role=Role.STAFF, scope=world.hq)  # another person
    assert Membership.objects.filter(user=staff, organisation=world.org).count() == 3


# --- keeping an administrator ----------------------------------------------------------------


def second_admin(world) -> Membership:
    return add(world, world[Role.SECRETARIAT], role=Role.ADMIN)


def test_one_of_two_administrators_may_step_down_or_be_removed(world):
    admin = Membership.objects.get(user=world[Role.ADMIN], organisation=world.org)
    other = second_admin(world)
    services.membership_update(
        actor=world[Role.ADMIN],
        membership=other,
        data={"role": Role.STAFF, "scope": world.hq},
        version=other.version,
    )
    other = second_admin(world)
    services.membership_remove(actor=world[Role.ADMIN], membership=other)
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.membership_remove(actor=world[Role.ADMIN], membership=admin)
    assert messages(exc) == ["The organization needs at least one active administrator."]


def test_only_this_organizations_unscoped_administrators_count(world, other_world):
    admin = Membership.objects.get(user=world[Role.ADMIN], organisation=world.org)
    # an administrator of another organization, and a scoped one written past the services
    Membership.objects.create(
        user=other_world[Role.ADMIN], organisation=world.org, role=Role.STAFF, scope=world.hq
    )
    Membership.objects.create(
        user=world[Role.STAFF], organisation=world.org, role=Role.ADMIN, scope=world.hq
    )
    assert Membership.objects.filter(organisation=other_world.org, role=Role.ADMIN).exists()
    with pytest.raises(ValidationError):
        services.membership_remove(actor=world[Role.ADMIN], membership=admin)


def test_changing_a_non_administrator_does_not_ask_for_an_administrator(world):
    # an organization whose only administrator was deactivated outside the services
    staff = Membership.objects.get(user=world[Role.STAFF])
    Membership.objects.filter(user=world[Role.ADMIN]).update(is_active=False)
    services.membership_update(
        actor=world[Role.ADMIN],
        membership=staff,
        data={"scope": world.dev},
        version=staff.version,
    )
    staff.refresh_from_db()
    assert staff.scope == world.dev


# --- deactivating and reactivating -----------------------------------------------------------


def test_deactivating_touches_this_person_in_this_organization_only(world, other_world):
    staff = world[Role.STAFF]
    elsewhere = Membership.objects.create(user=staff, organisation=other_world.org, role=Role.STAFF)
    assert (
        services.member_deactivate(actor=world[Role.ADMIN], organisation=world.org, user=staff) == 1
    )
    elsewhere.refresh_from_db()
    assert elsewhere.is_active
    assert Membership.objects.get(user=world[Role.EXTERNAL_AUDITOR]).is_active
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.member_deactivate(actor=world[Role.ADMIN], organisation=world.org, user=staff)
    assert messages(exc) == ["This member is already inactive."]
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.member_deactivate(
            actor=world[Role.ADMIN], organisation=world.org, user=world[Role.ADMIN]
        )
    assert messages(exc) == ["You cannot deactivate yourself."]


def test_reactivating_touches_this_person_in_this_organization_only(world, other_world):
    staff, auditor = world[Role.STAFF], world[Role.EXTERNAL_AUDITOR]
    elsewhere = Membership.objects.create(
        user=staff, organisation=other_world.org, role=Role.STAFF, is_active=False
    )
    for user in (staff, auditor):
        services.member_deactivate(actor=world[Role.ADMIN], organisation=world.org, user=user)
    assert (
        services.member_reactivate(actor=world[Role.ADMIN], organisation=world.org, user=staff) == 1
    )
    elsewhere.refresh_from_db()
    assert not elsewhere.is_active
    assert not Membership.objects.get(user=auditor).is_active
    assert Membership.objects.get(user=staff, organisation=world.org).is_active
    # an active member has nothing to reactivate
    assert (
        services.member_reactivate(actor=world[Role.ADMIN], organisation=world.org, user=staff) == 0
    )


# --- the fields of a role --------------------------------------------------------------------

NEXT_WEEK = timezone.localdate() + dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"role": "owner"}, {"role": ["Choose a role from the list."]}),
        ({"scope": "other"}, {"scope": ["Choose an ISMS scope of this organization."]}),
        ({"department": "other"}, {"department": ["Choose a department of this organization."]}),
        (
            {"role": Role.EXTERNAL_AUDITOR, "valid_until": NEXT_WEEK},
            {"scope": ["An external auditor sees one ISMS scope: choose it."]},
        ),
        (
            {"role": Role.EXTERNAL_AUDITOR, "scope": "hq"},
            {"valid_until": ["External auditor access must end on a set date."]},
        ),
        (
            {"role": Role.ADMIN, "scope": "hq"},
            {"scope": ["Administrators act for the whole organization: leave the scope empty."]},
        ),
    ],
)
def test_each_field_of_a_role_is_refused_by_name(world, other_world, fields, expected):
    places = {
        "hq": world.hq,
        "other": other_world.hq if "scope" in fields else other_world.dept,
    }
    values = {"role": Role.INTERNAL_AUDITOR, **fields}
    for key in ("scope", "department"):
        if key in values:
            values[key] = places[values[key]]
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        add(world, world[Role.STAFF], **values)
    assert exc.value.message_dict == expected


def test_an_external_auditor_with_a_scope_and_an_end_date_is_added(world):
    added = add(
        world, world[Role.STAFF], role=Role.EXTERNAL_AUDITOR, scope=world.dev, valid_until=NEXT_WEEK
    )
    assert (added.scope, added.valid_until) == (world.dev, NEXT_WEEK)


def test_only_members_are_deactivated(world, other_world):
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.member_deactivate(
            actor=world[Role.ADMIN], organisation=world.org, user=other_world[Role.STAFF]
        )
    assert exc.value.messages == ["This person is not a member of this organization."]


def test_access_may_end_today(world):
    today = timezone.localdate()
    added = add(
        world, world[Role.STAFF], role=Role.EXTERNAL_AUDITOR, scope=world.dev, valid_until=today
    )
    assert added.valid_until == today


def test_an_open_invitation_blocks_a_second_one_to_the_same_address_only(world, other_world):
    first = invite(world, email="Hanako@Example.jp")
    assert first.full_name == ""
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        invite(world, email=" hanako@example.JP ")
    assert exc.value.message_dict == {
        "email": [
            "An invitation to hanako@example.jp is still open. Revoke it before inviting again."
        ]
    }
    # another organization's open invitation is none of this one's business
    services.invitation_create(
        actor=other_world[Role.ADMIN],
        organisation=other_world.org,
        email="taro@example.jp",
        role=Role.STAFF,
        accept_url_base="http://t/",
    )
    assert invite(world, email="taro@example.jp").organisation == world.org
    # a revoked, an expired or an accepted invitation is no longer open
    services.invitation_revoke(actor=world[Role.ADMIN], invitation=first)
    again = invite(world, email="hanako@example.jp")
    Invitation.objects.filter(pk=again.pk).update(expires_at=timezone.now())
    third = invite(world, email="hanako@example.jp")
    services.invitation_accept(actor=None, invitation=third, password=PASSWORD)
    Membership.objects.filter(user__email="hanako@example.jp").update(is_active=False)
    assert invite(world, email="hanako@example.jp").is_open
    assert Invitation.objects.filter(email="hanako@example.jp").count() == 4


def test_the_invitation_mail_links_to_exactly_one_acceptance_page(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(world, accept_url_base="https://ume.example.jp/")
    link = f"https://ume.example.jp/invitations/{invitation.token}/"
    assert link in mailoutbox[0].body
    assert "https://ume.example.jp//" not in mailoutbox[0].body


def test_an_end_date_in_the_past_is_refused_with_its_reason(world):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        invite(world, valid_until=yesterday)
    assert exc.value.message_dict == {
        "valid_until": ["The end date of access must be today or later."]
    }
