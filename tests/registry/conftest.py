import sys

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Replacing a generated county deletes its grids, and Django's collector then asks every model that points
    at a grid — also the test-only case model of tests/casework when those tests are collected in the same
    session, before their own conftest has given it its table. Give it the table here too (as
    tests/incidents/conftest.py does; whichever comes first creates it)."""
    support = sys.modules.get("tests.casework.support")
    if support is None:
        return
    from django.db import connection

    with django_db_blocker.unblock():
        if support.SampleIncident._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(support.SampleIncident)
