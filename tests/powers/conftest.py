import pytest

from tests.powers.support import build_powers_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Documents written by the tests go to a temporary folder, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pw(db):
    """The test world with the default list installed (tests/powers/support.py)."""
    return build_powers_world()


@pytest.fixture(autouse=True)
def _without_meetings(request, monkeypatch):
    """By default the meeting that decides is recorded by hand (reference, date, counts), as when the meetings app
    is not installed; tests asking for the ``with_meetings`` fixture use the meetings app's adopted motions."""
    if "with_meetings" in request.fixturenames:
        return
    monkeypatch.setattr("powers.rules.meetings_selector", lambda: None)


@pytest.fixture
def with_meetings():
    """The meetings app's adopted motions decide (see _without_meetings)."""
    return True
