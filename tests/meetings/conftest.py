import pytest

from tests.meetings.support import build_meetings_world


@pytest.fixture
def mw(db):
    """The test world with rosters and adults for meetings (tests/meetings/support.py)."""
    return build_meetings_world()
