"""Measures and evidence files moved from the SoA app: their data moves with them (tables,
links, content types, both directions), and audit entries written under the former labels
(``soa.measure``), which the hash chain forbids rewriting, still belong to the records."""

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from ume.core import audit
from ume.core.audit_labels import field_label, labels_of, model_label_display
from ume.core.choices import Role
from ume.core.models import AuditEntry
from ume.core.selectors import record_history
from ume.measures import services
from ume.measures.models import EvidenceFile, Measure

SOA_0003 = ("soa", "0003_text_without_control_characters")
BEFORE = [SOA_0003, ("measures", None)]


def _old_entry(world, measure) -> AuditEntry:
    with transaction.atomic():
        return audit.append(
            organisation_id=world.org.pk,
            action="update",
            model_label="soa.measure",
            object_id=str(measure.pk),
            object_repr=measure.title,
            changes={"status": ["planned", "in_operation"]},
            actor=world[Role.ADMIN],
        )


def test_entries_under_the_former_label_stay_in_the_records_history(world, client):
    admin = world[Role.ADMIN]
    measure = services.measure_create(
        actor=admin, organisation=world.org, data={"title": "夜間バックアップ", "scope": world.hq}
    )
    old = _old_entry(world, measure)
    assert labels_of(Measure) == ["measures.measure", "soa.measure"]
    assert labels_of(EvidenceFile) == ["measures.evidencefile", "soa.evidencefile"]
    assert old in record_history(actor=admin, obj=measure)
    assert model_label_display("soa.measure") == str(Measure._meta.verbose_name)
    assert field_label("soa.measure", "status") == str(
        Measure._meta.get_field("status").verbose_name
    )
    client.force_login(admin)
    listing = client.get(reverse("core:audit_list"), {"model_label": "measures.measure"})
    shown = {e.seq for e in listing.context["table"].data}
    assert old.seq in shown
    assert shown == set(
        AuditEntry.objects.filter(
            organisation=world.org, model_label__in=["measures.measure", "soa.measure"]
        ).values_list("seq", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_tables_links_and_content_types_both_ways(world, catalogue):
    from ume.catalogue.models import Control

    first, second = Control.objects.order_by("sort_key").values_list("pk", flat=True)[:2]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state([SOA_0003]).apps
        measure_model, row_model = old.get_model("soa", "Measure"), old.get_model("soa", "SoARow")
        soa = old.get_model("soa", "StatementOfApplicability").objects.create(
            organisation_id=world.org.pk, scope_id=world.hq.pk
        )
        row = row_model.objects.create(
            soa=soa, organisation_id=world.org.pk, scope_id=world.hq.pk, control_id=first
        )
        measure = measure_model.objects.create(organisation_id=world.org.pk, title="入退室管理")
        measure.controls.add(first, second)
        row.measures.add(measure)

        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        moved = Measure.objects.get(pk=measure.pk)
        assert moved.title == "入退室管理"
        assert sorted(moved.controls.values_list("pk", flat=True)) == sorted([first, second])
        assert list(moved.soa_rows.values_list("pk", flat=True)) == [row.pk]
        tables = set(connection.introspection.table_names())
        assert {"measures_measure", "measures_evidencefile", "measures_measure_controls"} <= tables
        assert not {t for t in tables if t in ("soa_measure", "soa_evidencefile")}
        from django.contrib.contenttypes.models import ContentType

        labels = set(
            ContentType.objects.filter(model__in=["measure", "evidencefile"]).values_list(
                "app_label", flat=True
            )
        )
        assert labels == {"measures"}

        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)  # and back: the data returns to the SoA app's tables
        back = executor.loader.project_state([SOA_0003]).apps.get_model("soa", "Measure")
        assert list(back.objects.get(pk=measure.pk).controls.values_list("pk", flat=True))
    finally:
        MigrationExecutor(connection).migrate(latest)
