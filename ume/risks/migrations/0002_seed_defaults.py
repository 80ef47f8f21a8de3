"""Organizations created before risk assessment get the default risk method (revision 1)."""

from django.db import migrations


def seed(apps, schema_editor):
    from ume.risks.defaults import seed_organisation

    Organisation = apps.get_model("core", "Organisation")
    for organisation in Organisation.objects.all():
        seed_organisation(organisation, method_model=apps.get_model("risks", "RiskMethod"))


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
