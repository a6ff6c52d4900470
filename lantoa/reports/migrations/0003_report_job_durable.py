from django.db import migrations, models


class Migration(migrations.Migration):
    """Report jobs are durable jobs (lantoa.core.jobs): ``started_at`` keeps its values as
    ``claimed_at``; ``crashes`` counts the workers that stopped while holding the job."""

    dependencies = [
        ("reports", "0002_report_job_started_at"),
    ]

    operations = [
        migrations.RenameField(model_name="reportjob", old_name="started_at", new_name="claimed_at"),
        migrations.AddField(
            model_name="reportjob",
            name="crashes",
            field=models.PositiveSmallIntegerField(db_default=0, default=0),
        ),
    ]
