import pytest

from tests.deliberation.support import build_deliberation_world


@pytest.fixture
def dw(db):
    """The test world for deliberation (tests/deliberation/support.py)."""
    return build_deliberation_world()
