"""Login rate limits behind the documented reverse proxy (issue 15, finding 2): the client's
own address counts, not the proxy's, so failed logins for unknown accounts from one client do
not lock out everyone; the per-account limit stays; the counters live in the database cache
that every worker shares."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from ume.core.choices import Role
from ume.core.models import LoginEvent
from ume.core.tests.factories import PASSWORD
from ume.settings import base as base_settings

pytestmark = pytest.mark.django_db

# Ume's limits (the test settings switch rate limits off for every other test).
LIMITS = {"ACCOUNT_RATE_LIMITS": base_settings.ACCOUNT_RATE_LIMITS}
ATTACKER, OFFICE = "203.0.113.9", "198.51.100.7"


def attempt(client, email, password, client_ip):
    # Every request reaches Ume from nginx on 127.0.0.1; nginx appends the client's address.
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=client_ip,
    )


def locked_out(response) -> bool:
    """allauth answers a limited login with its form and this error (or 429 for the page)."""
    form = response.context["form"] if response.status_code == 200 else None
    errors = " ".join(form.non_field_errors()) if form is not None else ""
    return response.status_code == 429 or "Too many failed login attempts" in errors


def guess_unknown_accounts(client, times=15) -> None:
    for n in range(times):
        attempt(client, f"nobody{n}@example.jp", "wrong-password", ATTACKER)


@override_settings(**LIMITS, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_guessing_unknown_accounts_does_not_lock_out_a_real_user(client, world):
    guess_unknown_accounts(client)
    client.cookies["django_language"] = "en"
    blocked = attempt(client, "nobody@example.jp", "wrong-password", ATTACKER)
    assert locked_out(blocked)  # the guessing client itself is slowed down
    response = attempt(client, world[Role.STAFF].email, PASSWORD, OFFICE)
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    assert LoginEvent.objects.get(user=world[Role.STAFF], succeeded=True).ip_address == OFFICE


@override_settings(**LIMITS, ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_without_the_proxy_setting_every_client_shares_the_proxys_budget(client, world):
    """Why the setting matters: the same traffic then locks out the real user."""
    guess_unknown_accounts(client)
    client.cookies["django_language"] = "en"
    response = attempt(client, world[Role.STAFF].email, PASSWORD, OFFICE)
    assert locked_out(response)


@override_settings(**LIMITS, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_the_per_account_limit_holds_across_client_addresses(client, world):
    email = world[Role.STAFF].email
    for n in range(5):
        attempt(client, email, "wrong-password", f"192.0.2.{n + 1}")
    client.cookies["django_language"] = "en"
    response = attempt(client, email, PASSWORD, OFFICE)
    assert locked_out(response)  # for 5 minutes


@override_settings(**LIMITS, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_the_counters_are_kept_in_the_shared_database_cache(client, world):
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    guess_unknown_accounts(client, times=3)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {settings.CACHES['default']['LOCATION']}")
        assert cursor.fetchone()[0] > 0
