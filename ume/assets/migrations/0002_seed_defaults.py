"""Organizations created before the ledger get its defaults (its 機密区分 and importance rule)."""

from django.db import migrations


def seed(apps, schema_editor):
    from ume.assets.defaults import seed_organisation

    Organisation = apps.get_model("core", "Organisation")
    for organisation in Organisation.objects.all():
        seed_organisation(
            organisation,
            level_model=apps.get_model("assets", "ClassificationLevel"),
            settings_model=apps.get_model("assets", "LedgerSettings"),
        )


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial"), ("core", "0007_bounded_text")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
