import pytest
from django.conf import settings

from core import crypto
from tests.factories import PASSWORD, build_world

TEST_ENCRYPTION_KEY = "q2dT0D6zF6l3x3mXr5o6iJrCq6n1bq8eN2cDq0r4Pzs="
TEST_HASH_KEY = "dGVzdC1oYXNoLWtleS1mb3ItdGhlLXRlc3Qtc3VpdGU="


@pytest.fixture(autouse=True, scope="session")
def _field_keys():
    """Fixed keys for the test suite: encryption works with DEBUG off, as in production."""
    settings.FIELD_ENCRYPTION_KEY = TEST_ENCRYPTION_KEY
    settings.FIELD_HASH_KEY = TEST_HASH_KEY
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]
    settings.AUDIT_REQUIRE_LABELS = True  # every audit action recorded by any test must have a label
    crypto.reset_key_cache()
    yield
    crypto.reset_key_cache()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rows of an earlier test may have had the same ids (SQLite)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """Log the test client in as one of the world's users."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_token(client):
    def _token(user):
        response = client.post(
            "/api/auth/token", {"username": user.username, "password": PASSWORD}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

    return _token
