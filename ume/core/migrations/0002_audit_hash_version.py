"""Record which hash payload each audit entry was chained under (issue 15, finding 4).

Existing entries were hashed without actor_label and scope_id: the column is added with 1 for
them, and they keep verifying as before. The model's default is 2 for every new entry; Django
keeps that default in Python only, so the state says 2 without a second table rebuild.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddField(
                    model_name="auditentry",
                    name="hash_version",
                    field=models.PositiveSmallIntegerField(
                        default=1, editable=False, verbose_name="hash version"
                    ),
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="auditentry",
                    name="hash_version",
                    field=models.PositiveSmallIntegerField(
                        default=2, editable=False, verbose_name="hash version"
                    ),
                ),
            ],
        ),
    ]
