"""ReportingPeriod and PeriodReport move here from lantoa.targets: in the migration state only.
The tables keep their names (Meta.db_table), so an existing database changes nothing; on a new
one lantoa.targets' first migration has made them. Their content types (and so the permission
rows) follow them to the new app label."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ["reportingperiod", "periodreport"]


def _relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=new, model__in=MODELS).exists():
        return
    ContentType.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def forwards(apps, schema_editor):
    _relabel(apps, "targets", "periods")


def backwards(apps, schema_editor):
    _relabel(apps, "periods", "targets")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('targets', '0001_initial'),
        ('units', '0003_rollup_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ReportingPeriod',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=12, unique=True, verbose_name='mã kỳ')),
                        ('kind', models.CharField(choices=[('month', 'Tháng'), ('quarter', 'Quý'), ('half', '6 tháng'), ('year', 'Năm')], max_length=8, verbose_name='loại kỳ')),
                        ('start', models.DateField(verbose_name='từ ngày')),
                        ('end', models.DateField(verbose_name='đến ngày')),
                        ('deadline', models.DateField(verbose_name='hạn nộp báo cáo')),
                    ],
                    options={
                        'db_table': 'targets_reportingperiod',
                        'verbose_name': 'kỳ báo cáo',
                        'verbose_name_plural': 'kỳ báo cáo',
                        'ordering': ['-end', 'kind'],
                        'indexes': [models.Index(fields=['start', 'end'], name='period_span')],
                    },
                ),
                migrations.CreateModel(
                    name='PeriodReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('draft', 'Chưa gửi'), ('submitted', 'Đã gửi, chờ duyệt'), ('approved', 'Đã duyệt, khóa số liệu'), ('returned', 'Bị trả lại')], default='draft', max_length=10, verbose_name='trạng thái')),
                        ('note', models.TextField(blank=True, verbose_name='ghi chú của đơn vị')),
                        ('figures', models.JSONField(blank=True, default=dict, verbose_name='số liệu khi gửi')),
                        ('first_submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='gửi lần đầu lúc')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='gửi lúc')),
                        ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='duyệt lúc')),
                        ('returned_at', models.DateTimeField(blank=True, null=True, verbose_name='trả lại lúc')),
                        ('return_comment', models.TextField(blank=True, verbose_name='lý do trả lại')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người duyệt')),
                        ('returned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người trả lại')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người gửi')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='period_reports', to='units.unit', verbose_name='đơn vị')),
                        ('period', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='periods.reportingperiod', verbose_name='kỳ')),
                    ],
                    options={
                        'db_table': 'targets_periodreport',
                        'verbose_name': 'báo cáo kỳ',
                        'verbose_name_plural': 'báo cáo kỳ',
                        'ordering': ['-id'],
                        'indexes': [models.Index(fields=['period', 'status'], name='period_report_status'), models.Index(fields=['unit', 'status'], name='period_report_lock')],
                        'constraints': [models.UniqueConstraint(fields=('unit', 'period'), name='period_report_unit')],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
