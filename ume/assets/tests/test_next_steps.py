"""The dashboard asks those who keep a scope's ledger to register, own and value its assets,
and an owner to review assets not checked for a year; nobody else is asked."""

import datetime as dt

import pytest
from django.utils import translation

from ume.assets import services
from ume.assets.next_steps import asset_steps
from ume.core.choices import Role
from ume.core.tests.factories import local_today

pytestmark = pytest.mark.django_db


def labels(world, role, scopes=None) -> list[tuple[str, str]]:
    with translation.override("en"):
        steps = asset_steps(world[role], world.org, scopes or [world.hq, world.dev], local_today())
    return [(s.label, s.scope) for s in steps]


def test_an_empty_ledger_asks_its_keepers_to_register_assets(world):
    assert labels(world, Role.SECRETARIAT) == [
        ("Register the information assets of this scope.", "本社"),
        ("Register the information assets of this scope.", "開発センター"),
    ]
    assert labels(world, Role.STAFF) == []  # staff do not keep the ledger


def test_unowned_and_unvalued_assets_are_counted_per_scope(world):
    admin = world[Role.ADMIN]
    for data in (
        {"name": "a"},
        {"name": "b", "owner": admin},
        {"name": "c", "owner": admin, "confidentiality": 1, "integrity": 1, "availability": 1},
        {"name": "d", "status": "disposed"},  # disposed of: asks nothing
    ):
        services.asset_create(actor=admin, scope=world.hq, data=data)
    assert labels(world, Role.SECRETARIAT, [world.hq]) == [
        ("Give 1 asset an owner.", "本社"),
        ("Value 2 assets on confidentiality, integrity and availability.", "本社"),
    ]


def test_owners_are_asked_to_review_assets_not_checked_for_a_year(world):
    owner = world[Role.DEPARTMENT_HEAD]
    admin = world[Role.ADMIN]
    for reviewed in (
        None,
        local_today() - dt.timedelta(days=366),
        local_today() - dt.timedelta(days=30),
    ):
        services.asset_create(
            actor=admin,
            scope=world.hq,
            data={"name": "x", "owner": owner, "last_reviewed_on": reviewed},
        )
    steps = labels(world, Role.DEPARTMENT_HEAD, [world.hq])
    assert ("Review 2 of your assets not checked for a year.", "") in steps
