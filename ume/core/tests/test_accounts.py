"""Login, MFA (TOTP + recovery codes), the organisation's MFA requirement, login history and
password reset — through the real allauth views."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time
from django.urls import reverse

from ume.core.choices import MfaRequirement, Role
from ume.core.models import AuditEntry, LoginEvent, Organisation
from ume.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def password_login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def totp_code(secret: str) -> str:
    return f"{hotp_value(secret, next(yield_hotp_counters_from_time())):06d}"


def activate_totp(client) -> str:
    """Set up an authenticator app; allauth first asks for the password again."""
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302 and "reauthenticate" in page["Location"]:
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content[:500]
    return secret


def test_password_login_lands_on_the_japanese_dashboard(client, world):
    response = password_login(client, world[Role.ADMIN].email)
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    page = client.get(response["Location"])
    assert "ダッシュボード".encode() in page.content and "梅商事株式会社".encode() in page.content


def test_wrong_password_is_refused_with_a_translated_message(client, world):
    response = password_login(client, world[Role.ADMIN].email, "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(succeeded=False, user=world[Role.ADMIN]).count() == 1


def test_totp_setup_then_login_requires_the_code(client, world, django_capture_on_commit_callbacks):
    admin = world[Role.ADMIN]
    password_login(client, admin.email)
    with django_capture_on_commit_callbacks(execute=True):
        secret = activate_totp(client)
    types = set(Authenticator.objects.filter(user=admin).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert AuditEntry.objects.filter(
        organisation=world.org, action="event", changes__contains="mfa_added"
    ).exists()
    client.post(reverse("account_logout"))
    response = password_login(client, admin.email)
    assert response.status_code == 302 and "authenticate" in response["Location"]
    assert client.get(reverse("core:dashboard")).status_code == 302  # not logged in yet
    bad = client.post(response["Location"], {"code": "000000"})
    assert bad.status_code == 200 and "_auth_user_id" not in client.session
    good = client.post(response["Location"], {"code": totp_code(secret)})
    assert good.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_recovery_code_logs_in_once(client, world):
    admin = world[Role.ADMIN]
    password_login(client, admin.email)
    activate_totp(client)
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    unused = RecoveryCodes(
        Authenticator.objects.get(user=admin, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(unused) == 10  # allauth's default count; the page must show every one
    assert all(code in codes for code in unused)
    client.post(reverse("account_logout"))
    step = password_login(client, admin.email)["Location"]
    assert client.post(step, {"code": unused[0]}).status_code == 302
    client.post(reverse("account_logout"))
    step = password_login(client, admin.email)["Location"]
    assert client.post(step, {"code": unused[0]}).status_code == 200  # used up


@pytest.mark.parametrize(
    ("requirement", "role", "forced"),
    [
        (MfaRequirement.EVERYONE, Role.STAFF, True),
        (MfaRequirement.ADMINS, Role.ADMIN, True),
        (MfaRequirement.ADMINS, Role.STAFF, False),
        (MfaRequirement.NONE, Role.ADMIN, False),
    ],
)
def test_organisation_mfa_requirement(client, world, requirement, role, forced):
    Organisation.objects.filter(pk=world.org.pk).update(require_mfa=requirement)
    password_login(client, world[role].email)
    response = client.get(reverse("core:dashboard"))
    if forced:
        assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
        activate_totp(client)
        assert client.get(reverse("core:dashboard")).status_code == 200
    else:
        assert response.status_code == 200


def test_previous_login_and_failed_attempts_are_shown(client, world):
    staff = world[Role.STAFF]
    password_login(client, staff.email)
    client.post(reverse("account_logout"))
    password_login(client, staff.email, "wrong")
    password_login(client, staff.email, "wrong-again")
    password_login(client, staff.email)
    page = client.get(reverse("core:dashboard")).content.decode()
    notice = page[page.index('data-testid="login-notice"') :][:800]
    assert "前回のログイン：" in notice  # the page is Japanese: no language cookie
    assert "それ以降のログイン失敗：2回" in notice
    security = client.get(reverse("core:account_security")).content.decode()
    assert security.count("badge bg-red-lt") == 2


def test_password_reset_by_email(client, world, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": world[Role.STAFF].email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mailoutbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "brand-new-passphrase-7", "password2": "brand-new-passphrase-7"},
    )
    assert done.status_code == 302
    client.logout()
    assert (
        password_login(client, world[Role.STAFF].email, "brand-new-passphrase-7").status_code == 302
    )


def test_open_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code in (200, 302)
    assert b'name="password2"' not in response.content
