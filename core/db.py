"""Database-level guards shared by the append-only tables (audit trail, points ledger, village ledger).

``append_only(table)`` is a migration operation installing a trigger that refuses UPDATE (and DELETE on
PostgreSQL) whatever the path. SQLite's test flush deletes rows, so there only UPDATE is blocked at the
database; DELETE is refused by the models and querysets, and no admin or API offers it.
"""

from django.db import migrations


def _sql(vendor: str, table: str, forward: bool) -> str:
    name = f"{table}_append_only"
    if vendor == "postgresql":
        if forward:
            return (
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql; "
                f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}();"
            )
        return f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();"
    if vendor == "sqlite":
        if forward:
            return (
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            )
        return f"DROP TRIGGER IF EXISTS {name};"
    return ""


def append_only(table: str) -> migrations.RunPython:
    def forward(apps, schema_editor):
        sql = _sql(schema_editor.connection.vendor, table, True)
        if sql:
            schema_editor.execute(sql)

    def backward(apps, schema_editor):
        sql = _sql(schema_editor.connection.vendor, table, False)
        if sql:
            schema_editor.execute(sql)

    return migrations.RunPython(forward, backward)


def refresh_statistics(models) -> None:
    """Planner statistics (and, on PostgreSQL, the visibility map) for tables just bulk-loaded by a generator.

    Without them PostgreSQL plans the first queries as for an empty table; autovacuum may be off or late. VACUUM
    cannot run inside a transaction (a test's), so there it is ANALYZE only."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            else:
                cursor.execute(f"ANALYZE {table}")
