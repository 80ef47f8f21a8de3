"""What a new administrator meets first: an invitation to an existing member is refused, an open
invitation's link can be copied, and development mail is printed and kept under var/."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation

from ume.core import services
from ume.core.choices import Role
from ume.core.mail import DevelopmentEmailBackend
from ume.core.models import Invitation, Membership

pytestmark = pytest.mark.django_db


def invite(world, email, role=Role.STAFF, **kwargs):
    return services.invitation_create(
        actor=world[Role.ADMIN],
        organisation=world.org,
        email=email,
        role=role,
        accept_url_base="http://testserver/",
        **kwargs,
    )


def test_an_active_member_is_not_invited_again_whatever_the_role(world, other_world):
    member = world[Role.STAFF]
    for role, scope in ((Role.STAFF, None), (Role.INTERNAL_AUDITOR, world.dev)):
        with pytest.raises(ValidationError) as refused, translation.override("ja"):
            invite(world, member.email.upper(), role=role, scope=scope)
        message = refused.value.message_dict["email"][0]
        assert message.startswith(f"{member.email.lower()} は既にこの組織のメンバーです")
    assert not Invitation.objects.exists()
    # A member of another organisation, or one whose roles here have all ended, is invited.
    assert invite(world, other_world[Role.STAFF].email).email == other_world[Role.STAFF].email
    Membership.objects.filter(user=member, organisation=world.org).update(is_active=False)
    assert invite(world, member.email).email == member.email.lower()


def test_open_invitations_offer_their_link_to_copy(world, admin_client, japanese):
    invitation = invite(world, "new.person@example.jp")
    page = admin_client.get(reverse("core:member_list")).content.decode()
    link = f"http://testserver/invitations/{invitation.token}/"
    assert f'data-copy="{link}"' in page and "リンクをコピー" in page
    assert admin_client.get(link).status_code == 200  # the link the mail carries
    services.invitation_revoke(actor=world[Role.ADMIN], invitation=invitation)
    assert invitation.token not in admin_client.get(reverse("core:member_list")).content.decode()


def test_development_mail_is_printed_and_kept_in_a_file(tmp_path):
    console = io.StringIO()
    backend = DevelopmentEmailBackend(file_path=tmp_path / "mail", console=console)
    message = EmailMessage(
        "【Ume】招待",
        "次のリンクを開いてください。\nhttp://127.0.0.1:8000/invitations/abc/",
        to=["a@b.jp"],
    )
    assert backend.send_messages([message]) == 1
    printed = console.getvalue()
    assert "To: a@b.jp" in printed and "Subject: 【Ume】招待" in printed
    assert "http://127.0.0.1:8000/invitations/abc/" in printed
    (kept,) = (tmp_path / "mail").iterdir()
    assert b"To: a@b.jp" in kept.read_bytes()


@pytest.mark.parametrize("name", ["core:member_list", "core:audit_list", "measures:measure_list"])
def test_open_filters_read_all_not_dashes(admin_client, world, japanese, name):
    page = admin_client.get(reverse(name)).content.decode()
    assert "---------" not in page
    assert re.search(r'<option value="" selected>すべて</option>', page)
