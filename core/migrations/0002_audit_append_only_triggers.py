"""Database-level guard: the audit trail rejects UPDATE (and DELETE on PostgreSQL) whatever the path."""

from django.db import migrations

from core.db import append_only


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [append_only("core_auditevent")]
