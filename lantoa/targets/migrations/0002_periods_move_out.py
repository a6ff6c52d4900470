"""ReportingPeriod and PeriodReport now belong to lantoa.periods (its 0001 takes them over in
the migration state). Nothing happens in the database: the tables keep their names and the
assignments' foreign key keeps pointing at the same table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('targets', '0001_initial'),
        ('periods', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='targetassignment',
                    name='period',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='periods.reportingperiod', verbose_name='kỳ'),
                ),
                migrations.DeleteModel(name='PeriodReport'),
                migrations.DeleteModel(name='ReportingPeriod'),
            ],
        ),
    ]
