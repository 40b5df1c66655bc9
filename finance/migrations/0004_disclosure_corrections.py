"""A month's disclosures are numbered (one per village and month at a time; a new one only after a draft was
discarded, or as a correction naming the one it corrects). Existing rows of the same month are numbered in the order
they were generated before the unique constraint is added."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def number_existing(apps, schema_editor):
    MonthlyDisclosure = apps.get_model("finance", "MonthlyDisclosure")
    seen: dict = {}
    for row in MonthlyDisclosure.objects.order_by("village_id", "year", "month", "generated_at", "id"):
        key = (row.village_id, row.year, row.month)
        if key in seen:
            seen[key] += 1
            MonthlyDisclosure.objects.filter(pk=row.pk).update(sequence=seen[key])
        else:
            seen[key] = 0


class Migration(migrations.Migration):

    dependencies = [
        ('finance', '0003_county_defaults'),
        ('regions', '0001_initial'),
        ('transparency', '0002_notice_corrections'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='monthlydisclosure',
            name='corrects',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='correction', to='finance.monthlydisclosure', verbose_name='corrects'),
        ),
        migrations.AddField(
            model_name='monthlydisclosure',
            name='reason',
            field=models.CharField(blank=True, max_length=300, verbose_name='reason for the correction'),
        ),
        migrations.AddField(
            model_name='monthlydisclosure',
            name='sequence',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='sequence'),
        ),
        migrations.AddField(
            model_name='monthlydisclosure',
            name='statement',
            field=models.JSONField(blank=True, default=dict, verbose_name='statement'),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='monthlydisclosure',
            constraint=models.UniqueConstraint(fields=('village', 'year', 'month', 'sequence'), name='finance_disclosure_once'),
        ),
    ]
