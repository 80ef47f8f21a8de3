"""Set-up commands used by `make run`: migrations complete, reference data and demo idempotent."""

import io

import pytest
from django.core.management import call_command

from ume.core import audit
from ume.core.choices import Role
from ume.core.models import Membership, Organisation, Scope


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_builds_a_realistic_organisation_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    org = Organisation.objects.get(name="梅商事株式会社")
    assert Organisation.objects.count() == 1 and org.employee_count == 40
    assert set(Scope.objects.filter(organisation=org).values_list("name", flat=True)) == {
        "本社",
        "開発センター",
    }
    roles = set(Membership.objects.filter(organisation=org).values_list("role", flat=True))
    assert roles == set(Role.values)
    soa = org.soas.get(scope__name="本社")  # the SoA app's demo hook
    assert soa.versions.count() == 1 and org.measures.count() == 5
    assert not soa.rows.get(control__ref="8.30").applicable
    assert soa.rows.get(control__ref="5.7").current_variant.key == "ume2"
    reasons = dict(soa.rows.filter(applicable=True).values_list("control__ref", "reasons"))
    assert len(reasons) == 92 and all(reasons.values())  # approved with every reason given
    assert reasons["5.34"] == ["risk", "legal"] and reasons["5.19"] == ["risk", "contract"]
    removals = {r.status: r for r in org.equipment_removals.all()}  # the assets app's hook
    assert set(removals) == {"returned", "approved", "disposed", "requested"}
    assert removals["approved"].overdue and removals["disposed"].asset.status == "disposed"
    campaign = org.inventory_campaigns.get()
    results = set(campaign.checks.values_list("result", flat=True))
    assert results == {"confirmed", "corrected", "pending"}
    password = (tmp_path / "demo-credentials.txt").read_text()
    assert out.getvalue().count(f"admin@ume-demo.example  password: {password}") == 2
    assert audit.verify_chain(org.pk).ok


@pytest.mark.django_db
def test_load_reference_runs(capsys):
    call_command("load_reference")
    assert "Reference data" in capsys.readouterr().out
