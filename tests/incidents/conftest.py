import sys

import pytest

from tests.incidents.support import build_incident_world


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Some tests here run the scheduled job (``workflow.run_all_deadlines``), which walks every registered flow —
    also the test-only flows of tests/casework when those tests are collected in the same session, before their
    own conftest has given the test-only case model its table. Give it the table here too (as
    tests/casework/conftest.py and tests/transparency/conftest.py do; whichever comes first creates it)."""
    support = sys.modules.get("tests.casework.support")
    if support is None:
        return
    from django.db import connection

    with django_db_blocker.unblock():
        if support.SampleIncident._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(support.SampleIncident)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Photos written by the tests go to a temporary folder, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def iw(db):
    """The test world with the county's catalogue, departments and triage rules (tests/incidents/support.py)."""
    return build_incident_world()
