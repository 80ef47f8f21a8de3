"""API tokens stored as digests, per organisation, expiring (issue: tokens were kept in clear
text by rest_framework.authtoken, valid everywhere and forever: that table is dropped, so old
tokens stop working and users issue new ones); the database cache for rate limits."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.core.management import call_command
from django.db import migrations, models

import ume.core.validators


def create_cache_table(apps, schema_editor):
    # Login, password-reset and MFA rate limits live in the cache, which must be shared by
    # every worker process (settings.CACHES: Django's database cache unless Redis is set).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_text_without_control_characters"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
        migrations.AddField(
            model_name="organisation",
            name="api_token_max_days",
            field=models.PositiveSmallIntegerField(
                default=365,
                help_text="API tokens expire after at most this many days (1 to 730).",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(730),
                ],
                verbose_name="longest API token validity (days)",
            ),
        ),
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, validators=[ume.core.validators.validate_single_line], verbose_name="name")),
                ("key_prefix", models.CharField(editable=False, max_length=12, verbose_name="key starts with")),
                ("key_digest", models.CharField(editable=False, max_length=64, unique=True)),
                ("read_only", models.BooleanField(default=False, help_text="The token can read but not change records.", verbose_name="read-only")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="issued at")),
                ("expires_at", models.DateTimeField(verbose_name="expires at")),
                ("last_used_at", models.DateTimeField(blank=True, null=True, verbose_name="last used")),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked at")),
                ("organisation", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens", to="core.organisation", verbose_name="organisation")),
                ("revoked_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="revoked by")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens", to=settings.AUTH_USER_MODEL, verbose_name="user")),
            ],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
                "ordering": ["-created_at"],
                "indexes": [models.Index(fields=["organisation", "user"], name="core_apitok_organis_1be7d9_idx")],
            },
        ),
    ]
