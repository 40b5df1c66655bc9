"""Redemption inherits SubjectRow like Claim and LedgerEntry: it gains subject_kind, person, organization,
party_branch and grid (its scheme, subject_key, subject_label and household columns were already there).

Existing rows are filled from the ledger entry that spent their points (written in the same transaction as the
redemption, with the subject's columns as they were then); a row without one (none are expected) takes its kind
from the subject key's prefix and the grid of its household as it is now.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

KINDS = {"h:": "household", "p:": "person", "o:": "organization", "b:": "party_branch"}


def fill_subject_columns(apps, schema_editor):
    Redemption = apps.get_model("points", "Redemption")
    LedgerEntry = apps.get_model("points", "LedgerEntry")
    Household = apps.get_model("registry", "Household")
    spent = LedgerEntry.objects.filter(redemption=OuterRef("pk"), kind="redemption").order_by("id")
    with_entry = Redemption.objects.filter(
        pk__in=LedgerEntry.objects.filter(redemption__isnull=False, kind="redemption").values("redemption_id")
    )
    with_entry.update(
        **{
            column: Subquery(spent.values(column)[:1])
            for column in ("subject_kind", "person_id", "organization_id", "party_branch_id", "grid_id")
        }
    )
    without_entry = Redemption.objects.exclude(pk__in=with_entry.values("pk"))
    for prefix, kind in KINDS.items():
        without_entry.filter(subject_key__startswith=prefix).update(subject_kind=kind)
    for redemption in without_entry.exclude(subject_kind="household").only("pk", "subject_key", "subject_kind"):
        column = {"person": "person_id", "organization": "organization_id", "party_branch": "party_branch_id"}[
            redemption.subject_kind
        ]
        Redemption.objects.filter(pk=redemption.pk).update(**{column: int(redemption.subject_key[2:])})
    without_entry.filter(household__isnull=False).update(
        grid_id=Subquery(Household.objects.filter(pk=OuterRef("household_id")).values("grid_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0005_ledger_scheme_id_index"),
        ("regions", "0001_initial"),
        ("registry", "0003_person_name_trgm"),
    ]

    operations = [
        migrations.AddField(
            model_name="redemption",
            name="grid",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.grid",
            ),
        ),
        migrations.AddField(
            model_name="redemption",
            name="organization",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.organization",
            ),
        ),
        migrations.AddField(
            model_name="redemption",
            name="party_branch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.partybranch",
            ),
        ),
        migrations.AddField(
            model_name="redemption",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.person",
            ),
        ),
        migrations.AddField(
            model_name="redemption",
            name="subject_kind",
            field=models.CharField(
                choices=[
                    ("household", "Household"),
                    ("person", "Person"),
                    ("organization", "Organization"),
                    ("party_branch", "Party branch"),
                ],
                default="household",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="redemption",
            name="scheme",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="points.scheme",
                verbose_name="scheme",
            ),
        ),
        migrations.AlterField(
            model_name="redemption",
            name="subject_label",
            field=models.CharField(max_length=100, verbose_name="subject"),
        ),
        migrations.RunPython(fill_subject_columns, migrations.RunPython.noop),
    ]
