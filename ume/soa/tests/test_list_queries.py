"""List pages read the columns they show: the controls joined into the SoA page and the
measure list carry no guidance (JSON decoded for every row took half the SoA page's time)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ume.core.choices import Role
from ume.measures import services as measure_services
from ume.soa import services

pytestmark = pytest.mark.django_db

GUIDANCE_COLUMNS = ('"recommendation"', '"search_ja"', '"information_examples"', '"level_titles"')


def _control_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "catalogue_control" in q["sql"]]


def test_soa_page_and_measure_list_load_no_guidance(world, catalogue, admin_client):
    admin = world[Role.ADMIN]
    soa = services.soa_get_or_create(actor=admin, scope=world.hq)
    measure_services.measure_create(
        actor=admin,
        organisation=world.org,
        data={"title": "夜間バックアップ", "controls": [soa.rows.get(control__ref="8.13").control]},
    )
    for url in (reverse("soa:detail", args=[world.hq.pk]), reverse("measures:measure_list")):
        queries = _control_queries(admin_client, url)
        assert queries, url  # the controls are there (titles, numbers) …
        for sql in queries:  # … without their guidance
            assert not any(column in sql for column in GUIDANCE_COLUMNS), (url, sql[:300])
