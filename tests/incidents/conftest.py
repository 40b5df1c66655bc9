import pytest

from tests.incidents.support import build_incident_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Photos written by the tests go to a temporary folder, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def iw(db):
    """The test world with the county's catalogue, departments and triage rules (tests/incidents/support.py)."""
    return build_incident_world()
