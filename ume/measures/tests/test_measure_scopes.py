"""A role limited to one ISMS scope stays inside it (issue 15, finding 5): the permission is
checked on the target scope of a create and of every move, in the service, so the API, the
pages and commands agree; organisation-wide measures and evidence need organisation-wide
roles. References to another organisation's records read like ids that do not exist."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from ume.core.choices import Role
from ume.core.models import Membership
from ume.core.tests.factories import api_client, make_user
from ume.measures import services
from ume.measures.models import EvidenceFile, Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq_head(world):
    """A department head whose role is limited to 本社."""
    user = make_user("hq-head@example.jp")
    Membership.objects.create(
        user=user, organisation=world.org, role=Role.DEPARTMENT_HEAD, scope=world.hq
    )
    return user


def test_a_scoped_head_creates_measures_in_its_scope_only(world, hq_head):
    ok = services.measure_create(
        actor=hq_head, organisation=world.org, data={"title": "入退室管理", "scope": world.hq}
    )
    assert ok.scope == world.hq
    for scope in (world.dev, None):
        with pytest.raises(PermissionDenied):
            services.measure_create(
                actor=hq_head, organisation=world.org, data={"title": "越境", "scope": scope}
            )
    assert not Measure.objects.filter(title="越境").exists()


def test_a_scoped_head_cannot_move_a_measure_out_of_its_scope(world, hq_head):
    measure = services.measure_create(
        actor=hq_head, organisation=world.org, data={"title": "入退室管理", "scope": world.hq}
    )
    for scope in (world.dev, None):
        with pytest.raises(PermissionDenied):
            services.measure_update(
                actor=hq_head, measure=measure, data={"scope": scope}, version=measure.version
            )
    measure.refresh_from_db()
    assert measure.scope == world.hq
    same = services.measure_update(
        actor=hq_head, measure=measure, data={"title": "入退室の管理"}, version=measure.version
    )
    assert same.title == "入退室の管理"


def test_organisation_wide_measures_need_an_organisation_wide_role(world, hq_head):
    measure = services.measure_create(
        actor=world[Role.ADMIN], organisation=world.org, data={"title": "全社方針"}
    )
    with pytest.raises(PermissionDenied):
        services.measure_update(
            actor=hq_head, measure=measure, data={"title": "x"}, version=measure.version
        )
    with pytest.raises(PermissionDenied):
        services.measure_delete(actor=hq_head, measure=measure)
    # An organisation-wide department head may.
    services.measure_update(
        actor=world[Role.DEPARTMENT_HEAD],
        measure=measure,
        data={"title": "全社の方針"},
        version=measure.version,
    )


def test_the_api_refuses_the_same_moves(world, hq_head):
    client = api_client(hq_head, world.org)
    created = client.post(
        "/api/v1/measures/", {"title": "越境", "scope": world.dev.pk}, format="json"
    )
    assert created.status_code == 403
    unscoped = client.post("/api/v1/measures/", {"title": "越境"}, format="json")
    assert unscoped.status_code == 403
    mine = client.post("/api/v1/measures/", {"title": "鍵", "scope": world.hq.pk}, format="json")
    assert mine.status_code == 201, mine.content
    moved = client.patch(
        f"/api/v1/measures/{mine.json()['id']}/",
        {"scope": world.dev.pk, "version": 1},
        format="json",
    )
    assert moved.status_code == 403
    assert Measure.objects.get(pk=mine.json()["id"]).scope == world.hq


def test_organisation_wide_evidence_needs_an_organisation_wide_role(world, hq_head):
    with pytest.raises(PermissionDenied):
        services.evidence_upload(
            actor=hq_head,
            organisation=world.org,
            scope=None,
            uploaded=SimpleUploadedFile("規程.txt", "本文".encode()),
        )
    assert not EvidenceFile.objects.exists()


def test_another_organisations_ids_read_like_missing_ids(world, other_world):
    """The answer for a foreign id equals the answer for an id that does not exist."""
    client = api_client(world[Role.ADMIN], world.org)
    foreign_scope, missing = other_world.hq.pk, 10**9
    answers = []
    for pk in (foreign_scope, missing):
        response = client.post("/api/v1/measures/", {"title": "x", "scope": pk}, format="json")
        assert response.status_code == 400
        answers.append(response.json()["scope"][0].replace(str(pk), "<id>"))
    assert answers[0] == answers[1]
    owner_answers = []
    for pk in (other_world[Role.ADMIN].pk, missing):
        response = client.post("/api/v1/measures/", {"title": "x", "owner": pk}, format="json")
        owner_answers.append(response.json()["owner"][0].replace(str(pk), "<id>"))
    assert owner_answers[0] == owner_answers[1]
    huge = client.post("/api/v1/measures/", {"title": "x", "scope": 2**70}, format="json")
    assert huge.status_code == 400
    assert not Measure.objects.filter(title="x").exists()
