"""Test data builders for the platform: an organisation with a user in every role."""

import copy
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, is_dataclass

from django.db import models, transaction
from django.utils import timezone

from ume.core import services
from ume.core.audit import acting_as
from ume.core.choices import Role
from ume.core.models import Department, Membership, Organisation, Scope, User

PASSWORD = "correct-horse-battery-9"


def make_user(email: str, **extra) -> User:
    return User.objects.create_user(
        email, PASSWORD, full_name=extra.pop("full_name", email), **extra
    )


@dataclass
class OrgWorld:
    org: Organisation
    hq: Scope
    dev: Scope
    dept: Department
    users: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, role: str) -> User:
        return self.users[role]


def make_org(name: str = "梅商事株式会社", domain: str = "example.jp") -> OrgWorld:
    """An organisation with scopes 本社/開発センター, one department and a user per role."""
    with transaction.atomic():
        return _make_org(name, domain)


def _make_org(name: str, domain: str) -> OrgWorld:
    admin = make_user(f"admin@{domain}")
    org = services.organisation_create(actor=admin, name=name, admin=admin, employee_count=40)
    hq = services.scope_create(actor=admin, organisation=org, data={"name": "本社"})
    dev = services.scope_create(actor=admin, organisation=org, data={"name": "開発センター"})
    dept = services.department_create(
        actor=admin, organisation=org, data={"name": "総務部", "scopes": [hq]}
    )
    world = OrgWorld(org=org, hq=hq, dev=dev, dept=dept, users={Role.ADMIN: admin})
    with acting_as(admin):
        for role in Role.values:
            if role == Role.ADMIN:
                continue
            user = make_user(f"{role}@{domain}")
            scoped = role in (Role.EXTERNAL_AUDITOR, Role.STAFF)
            Membership.objects.create(
                user=user,
                organisation=org,
                role=role,
                scope=hq if scoped else None,
                department=dept if role in (Role.STAFF, Role.DEPARTMENT_HEAD) else None,
                valid_until=(
                    timezone.localdate() + dt.timedelta(days=30)
                    if role == Role.EXTERNAL_AUDITOR
                    else None
                ),
            )
            world.users[role] = user
    return world


def api_client(user: User, organisation=None, *, read_only: bool = False, days: int = 90):
    """A DRF test client authenticated with a freshly issued token of ``user``."""
    from rest_framework.test import APIClient

    from ume.core import services

    if organisation is None:
        organisation = user.memberships.order_by("organisation_id").first().organisation
    _, key = services.api_token_create(
        actor=user, organisation=organisation, name="test", days=days, read_only=read_only
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def local_today():
    """Today in Japan, read when a test runs: a module-level constant goes stale when a run
    crosses midnight."""
    return timezone.localdate()


@contextmanager
def built_once(django_db_blocker) -> Iterator[None]:
    """Records written inside stay for the rest of a module-scoped fixture's life and are
    rolled back after its last test; each test runs in a savepoint within (pytest-django
    keeps the outer transaction open). Tests read them through ``refetched``."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def refetched(value):
    """``value`` with each model instance in it (also in dicts, lists, tuples and the
    attributes of dataclasses such as ``OrgWorld``) read again from the database: a test
    then starts from the rows as built, not from instances an earlier test changed."""
    if isinstance(value, models.Model):
        if value.pk is None:
            return value
        return type(value)._base_manager.get(pk=value.pk)
    if isinstance(value, dict):
        return {key: refetched(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(refetched(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        fresh = copy.copy(value)
        fresh.__dict__.update({key: refetched(item) for key, item in vars(value).items()})
        return fresh
    return value
