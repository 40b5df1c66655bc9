"""Database-level guard: the points ledger rejects UPDATE (and DELETE on PostgreSQL) whatever the path."""

from django.db import migrations

from core.db import append_only


class Migration(migrations.Migration):
    dependencies = [("points", "0002_party_and_credit")]
    operations = [append_only("points_ledgerentry")]
