"""The SoA's links now point at measures and evidence files in ``ume.measures``."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('measures', '0001_initial'),
        ('soa', '0003_text_without_control_characters'),
    ]

    operations = [
        # State only: the tables moved in measures 0001; the link tables keep their columns.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='evidencefile',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='evidencefile',
                    name='scope',
                ),
                migrations.RemoveField(
                    model_name='evidencefile',
                    name='uploaded_by',
                ),
                migrations.RemoveField(
                    model_name='soaversion',
                    name='evidence_files',
                ),
                migrations.RemoveField(
                    model_name='soarow',
                    name='evidence_files',
                ),
                migrations.RemoveIndex(
                    model_name='measure',
                    name='soa_measure_organis_01f451_idx',
                ),
                migrations.RemoveField(
                    model_name='soaversion',
                    name='measures',
                ),
                migrations.RemoveField(
                    model_name='soarow',
                    name='measures',
                ),
                migrations.AddField(
                    model_name='soaversion',
                    name='evidence_files',
                    field=models.ManyToManyField(blank=True, related_name='soa_versions', to='measures.evidencefile'),
                ),
                migrations.AddField(
                    model_name='soarow',
                    name='evidence_files',
                    field=models.ManyToManyField(blank=True, related_name='soa_rows', to='measures.evidencefile', verbose_name='evidence files'),
                ),
                migrations.RemoveField(
                    model_name='measure',
                    name='controls',
                ),
                migrations.RemoveField(
                    model_name='measure',
                    name='evidence_files',
                ),
                migrations.RemoveField(
                    model_name='measure',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='measure',
                    name='owner',
                ),
                migrations.RemoveField(
                    model_name='measure',
                    name='scope',
                ),
                migrations.AddField(
                    model_name='soaversion',
                    name='measures',
                    field=models.ManyToManyField(blank=True, related_name='soa_versions', to='measures.measure'),
                ),
                migrations.AddField(
                    model_name='soarow',
                    name='measures',
                    field=models.ManyToManyField(blank=True, related_name='soa_rows', to='measures.measure', verbose_name='measures'),
                ),
                migrations.DeleteModel(
                    name='EvidenceFile',
                ),
                migrations.DeleteModel(
                    name='Measure',
                ),
            ],
        ),
    ]
