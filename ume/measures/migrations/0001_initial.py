"""Measures and evidence files move here from the SoA app with their data: the tables (and the
many-to-many tables of measures) are renamed, not copied, and the content types follow; the
SoA's own migration 0004 then points its links here. Audit entries keep the label they were
written with (``soa.measure``); the models list it in ``audit_former_labels``."""

import django.db.models.deletion
import ume.core.validators
from django.conf import settings
from django.db import migrations, models


TABLES = [  # (old, new): models first, then the many-to-many tables of measures
    ("soa_evidencefile", "measures_evidencefile"),
    ("soa_measure", "measures_measure"),
    ("soa_measure_controls", "measures_measure_controls"),
    ("soa_measure_evidence_files", "measures_measure_evidence_files"),
]
INDEX = ("soa_measure_organis_01f451_idx", "measures_me_organis_193d90_idx")
MODELS = ("measure", "evidencefile")


def _rename_index(schema_editor, apps, index) -> None:
    # On soa_measure, through the historical model both directions see (SQLite drops and
    # recreates the index, PostgreSQL renames it).
    measure = apps.get_model("soa", "Measure")
    fields = ["organisation", "updated_at"]
    schema_editor.rename_index(
        measure, models.Index(fields=fields, name=index[0]), models.Index(fields=fields, name=index[1])
    )


def _content_types(schema_editor, apps, old_label, new_label) -> None:
    # post_migrate may have made empty ones under the new label (a migrate that stopped between
    # the two apps' migrations): the moved rows keep their ids, so permissions follow them.
    types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    moved = types.filter(app_label=old_label, model__in=MODELS)
    types.filter(app_label=new_label, model__in=moved.values("model")).delete()
    moved.update(app_label=new_label)


def forwards(apps, schema_editor) -> None:
    _rename_index(schema_editor, apps, INDEX)
    for old, new in TABLES:
        schema_editor.alter_db_table(None, old, new)
    _content_types(schema_editor, apps, "soa", "measures")


def backwards(apps, schema_editor) -> None:
    for old, new in reversed(TABLES):
        schema_editor.alter_db_table(None, new, old)
    _rename_index(schema_editor, apps, INDEX[::-1])
    _content_types(schema_editor, apps, "measures", "soa")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('soa', '0003_text_without_control_characters'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('catalogue', '0001_initial'),
        ('core', '0004_api_tokens'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='EvidenceFile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('file', models.FileField(upload_to='evidence/%Y/%m/', verbose_name='file')),
                        ('name', models.CharField(max_length=255, validators=[ume.core.validators.validate_single_line], verbose_name='file name')),
                        ('description', models.CharField(blank=True, max_length=300, validators=[ume.core.validators.validate_single_line], verbose_name='description')),
                        ('size', models.PositiveBigIntegerField(verbose_name='size')),
                        ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                        ('content_type', models.CharField(blank=True, max_length=100)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence_files', to='core.organisation', verbose_name='organisation')),
                        ('scope', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='evidence_files', to='core.scope', verbose_name='ISMS scope')),
                        ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                    ],
                    options={
                        'verbose_name': 'evidence file',
                        'verbose_name_plural': 'evidence files',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Measure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                        ('title', models.CharField(max_length=200, validators=[ume.core.validators.validate_single_line], verbose_name='title')),
                        ('description', models.TextField(blank=True, validators=[ume.core.validators.validate_multi_line], verbose_name='description')),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('in_operation', 'In operation'), ('retired', 'Retired')], default='in_operation', max_length=16, verbose_name='status')),
                        ('evidence_note', models.TextField(blank=True, help_text='Where the evidence is kept, e.g. records, logs, screenshots, minutes.', validators=[ume.core.validators.validate_multi_line], verbose_name='evidence')),
                        ('controls', models.ManyToManyField(blank=True, related_name='org_measures', to='catalogue.control', verbose_name='controls')),
                        ('evidence_files', models.ManyToManyField(blank=True, related_name='measures', to='measures.evidencefile', verbose_name='evidence files')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='measures', to='core.organisation', verbose_name='organisation')),
                        ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                        ('scope', models.ForeignKey(blank=True, help_text='Leave empty when the measure applies to all scopes.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='measures', to='core.scope', verbose_name='ISMS scope')),
                    ],
                    options={
                        'verbose_name': 'measure',
                        'verbose_name_plural': 'measures',
                        'ordering': ['organisation', 'title'],
                        'indexes': [models.Index(fields=['organisation', 'updated_at'], name='measures_me_organis_193d90_idx')],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
