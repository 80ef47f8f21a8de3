"""The SoA's many-row services called directly (as ``manage.py import_soa`` and the bulk edit
do): every refusal names every row it concerns, says why, and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ume.core.choices import Role
from ume.core.locking import StaleEditError, VersionRequiredError
from ume.soa import services
from ume.soa.domain import snapshot_of


@pytest.fixture
def soa(world, catalogue):
    return services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)


def versions_of(soa, *refs) -> dict[str, int]:
    return dict(soa.rows.filter(control__ref__in=refs).values_list("control__ref", "version"))


def ids_of(soa, *refs) -> dict[int, int]:
    return dict(soa.rows.filter(control__ref__in=refs).values_list("pk", "version"))


def refuse(call, error=ValidationError):
    with pytest.raises(error) as refused, translation.override("en"):
        call()
    return refused.value


def test_bulk_update_needs_rows_and_values(world, soa):
    admin, before = world[Role.ADMIN], snapshot_of(soa)
    error = refuse(
        lambda: services.soa_rows_bulk_update(
            actor=admin, soa=soa, versions=ids_of(soa, "5.1"), data={}
        )
    )
    assert error.messages == ["Choose at least one row and one value to change."]
    refuse(
        lambda: services.soa_rows_bulk_update(
            actor=admin, soa=soa, versions={}, data={"notes": "一括"}
        ),
        VersionRequiredError,
    )
    assert snapshot_of(soa) == before


def test_bulk_update_names_every_stale_row_and_every_invalid_one(world, soa, other_world):
    admin, before = world[Role.ADMIN], snapshot_of(soa)
    stale = {pk: version - 1 for pk, version in ids_of(soa, "5.1", "5.2").items()}
    error = refuse(
        lambda: services.soa_rows_bulk_update(
            actor=admin, soa=soa, versions=stale, data={"notes": "一括"}
        ),
        StaleEditError,
    )
    assert error.code == "stale"
    assert error.messages == [
        "5.1, 5.2 were changed by someone else after you opened the list. "
        "Reload the page and apply your change again."
    ]
    error = refuse(
        lambda: services.soa_rows_bulk_update(
            actor=admin, soa=soa, versions=ids_of(soa, "5.1", "5.2"), data={"applicable": False}
        )
    )
    assert error.messages == [
        "5.1: Enter the justification for excluding 5.1.",
        "5.2: Enter the justification for excluding 5.2.",
    ]
    other = services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.dev)
    error = refuse(
        lambda: services.soa_rows_bulk_update(
            actor=admin,
            soa=soa,
            versions={**ids_of(soa, "5.1"), **ids_of(other, "5.1")},
            data={"notes": "一括"},
        )
    )
    assert error.messages == ["Some of the chosen rows do not belong to this SoA."]
    assert snapshot_of(soa) == before


def test_import_names_every_unknown_invalid_and_stale_row(world, soa):
    admin, before = world[Role.ADMIN], snapshot_of(soa)
    changes = {  # the unknown control first: the check goes on past it
        "9.99": {"notes": "存在しない"},
        "7.4": {"applicable": False},
        "7.5": {"applicable": False},
    }
    versions = {**versions_of(soa, "7.4", "7.5"), "9.99": 1}
    error = refuse(
        lambda: services.soa_rows_import(actor=admin, soa=soa, changes=changes, versions=versions)
    )
    assert error.messages == [
        "9.99: not a control of this SoA.",
        "7.4: Enter the justification for excluding 7.4.",
        "7.5: Enter the justification for excluding 7.5.",
    ]
    stale = {ref: version - 1 for ref, version in versions_of(soa, "5.2", "5.1").items()}
    error = refuse(
        lambda: services.soa_rows_import(
            actor=admin,
            soa=soa,
            changes={"5.2": {"notes": "取込"}, "5.1": {"notes": "取込"}},
            versions=stale,
        ),
        StaleEditError,
    )
    assert (error.code, error.params) == ("stale", {"refs": ["5.1", "5.2"]})
    assert error.messages == ["5.1, 5.2 were changed by someone else after the file was read."]
    assert snapshot_of(soa) == before


REFS = ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.9", "5.10", "5.11", "5.12"]


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_queries_per_row_of_a_many_row_change_are_bounded(
    world, soa, django_assert_max_num_queries
):
    """Each row costs its own writes (save, audit entry) and nothing more: the rows' controls
    and scopes come with them, not one query per row."""
    admin = world[Role.ADMIN]

    def bulk(refs, text):
        return queries_of(
            lambda: services.soa_rows_bulk_update(
                actor=admin, soa=soa, versions=ids_of(soa, *refs), data={"notes": text}
            )
        )

    def imported(refs, text):
        return queries_of(
            lambda: services.soa_rows_import(
                actor=admin,
                soa=soa,
                changes={ref: {"notes": text} for ref in refs},
                versions=versions_of(soa, *refs),
            )
        )

    for run in (bulk, imported):
        few, many = run(REFS[:3], f"{run.__name__} 1"), run(REFS, f"{run.__name__} 2")
        # Per row: its update and its audit entry (read the chain head, insert, move the head).
        assert (many - few) / 9 <= 4, (run.__name__, few, many)
    row = soa.rows.get(control__ref="5.1")
    # The same, and the row read with its control and scope in one query.
    with django_assert_max_num_queries(8):
        services.soa_row_update(actor=admin, row=row, data={"notes": "一件"}, version=row.version)
