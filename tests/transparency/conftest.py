import pytest

from tests.transparency.support import build_transparency_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Attachments written by the tests go to a temporary folder, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tw(db):
    """The test world with a few notices (tests/transparency/support.py)."""
    return build_transparency_world()
