import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from core.calendar import load_year
from tests.casework.support import GRID_INCIDENT, SampleIncident


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Give the test-only case model a table in the test database (once; it has no migration), and its
    content type outside any test transaction, so the cached id stays valid from test to test."""
    with django_db_blocker.unblock():
        if SampleIncident._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(SampleIncident)
        ContentType.objects.clear_cache()
        ContentType.objects.get_for_model(SampleIncident)


@pytest.fixture
def calendar_2026(db):
    """The official 2026 schedule (National Day 1–7 October, make-up Saturday 10 October …)."""
    return load_year(2026)


@pytest.fixture
def flow():
    return GRID_INCIDENT


@pytest.fixture
def new_case(world):
    """An unsaved incident in 安家村, grid A1-01, reported by its grid worker."""

    def _make(title="路灯不亮", reporter=None):
        case = SampleIncident(title=title, reporter=reporter or world.users["grid_a1"], grid=world.grid_a1)
        case.place_in(world.village_a1)
        return case

    return _make
