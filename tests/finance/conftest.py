import pytest

from tests.finance.support import build_finance_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Vouchers written by the tests go to a temporary folder, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fw(db):
    """The test world with categories, the default chain and post holders (tests/finance/support.py)."""
    return build_finance_world()
