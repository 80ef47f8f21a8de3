"""Shared pytest fixtures: two organisations, a user in every role, logged-in clients."""

import os

import pytest
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from ume.core.choices import Role
from ume.core.tests.factories import make_org, make_user

# CI explores the same examples on every run, so a red build is reproducible; developers'
# runs keep exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_terminal_summary(terminalreporter, config):
    """pytest-randomly shuffles the tests; its seed is in the header, which `-q` hides, so it is
    repeated at the end: rerun a failing order with `--randomly-seed=N` (`-p no:randomly` turns
    shuffling off)."""
    seed = config.getoption("randomly_seed", default=None)
    if seed is not None:
        terminalreporter.write_line(
            f"Test order: --randomly-seed={seed} (reproduce with: pytest --randomly-seed={seed})"
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data is loaded once per test database, as `make run` loads it; tests roll
    back to this state."""
    from ume.catalogue.loader import load_catalogue

    with django_db_blocker.unblock():
        load_catalogue()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language, Japanese: a page requested in English by an
    earlier test leaves English active in the thread (LocaleMiddleware does not reset it), and
    the tests run in random order."""
    translation.activate("ja")
    yield
    translation.deactivate()


@pytest.fixture
def japanese():
    """Japanese for the test's own gettext calls and exports: a page requested in English by an
    earlier test leaves English active in the thread, and the tests run in random order."""
    with translation.override("ja"):
        yield


@pytest.fixture
def world(db):
    return make_org()


@pytest.fixture
def other_world(db):
    return make_org("他社株式会社", domain="other.example")


@pytest.fixture
def outsider(db):
    """Logged in, but a member of no organisation."""
    return make_user("nobody@example.jp")


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def admin_client(world, login):
    return login(world[Role.ADMIN])


@pytest.fixture
def catalogue(db):
    """The Annex A catalogue reference data (loaded once per database; reloading is a no-op)."""
    from ume.catalogue.loader import load_catalogue
    from ume.catalogue.models import Control

    if Control.objects.count() != 93:
        load_catalogue()
    return Control.objects.all()


@pytest.fixture
def retention_rules(db):
    """The built-in statutory retention rules (reloading is a no-op)."""
    from ume.assets.models import RetentionRule
    from ume.assets.reference import load_retention_rules

    load_retention_rules()
    return RetentionRule.objects.filter(organisation__isnull=True)
