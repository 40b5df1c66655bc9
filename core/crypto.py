"""Encryption at rest and keyed digests for personal identifiers (身份证号、手机号).

Values are encrypted with Fernet (AES-128-CBC + HMAC, from ``cryptography``). Exact-match search
uses an HMAC-SHA256 digest under a second key, so the database never holds a plain identifier and
an attacker with the database alone cannot test guesses against the digest.

Staff find people by the last digits (手机尾号, the tail of an ID number): ``tail_digest`` is the same keyed
HMAC over the tail, prefixed with what it is the tail of ("phone4", "id4", "id6"), so a tail's digest never equals
another kind's or a full value's, and without the key the 10,000 possible tails cannot be tried.

Keys come from ``FIELD_ENCRYPTION_KEY`` / ``FIELD_HASH_KEY`` (environment). When they are not set
and DEBUG is on (the demo), a key pair is generated once into ``VAR_DIR/field-keys.json``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=1)
def _keys() -> tuple[bytes, bytes]:
    enc = settings.FIELD_ENCRYPTION_KEY
    dig = settings.FIELD_HASH_KEY
    if not enc or not dig:
        if not settings.DEBUG:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY and FIELD_HASH_KEY must be set in production.")
        path = settings.VAR_DIR / "field-keys.json"
        if path.exists():
            data = json.loads(path.read_text())
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = {
                "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
                "FIELD_HASH_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            }
            path.write_text(json.dumps(data))
            path.chmod(0o600)
        enc = enc or data["FIELD_ENCRYPTION_KEY"]
        dig = dig or data["FIELD_HASH_KEY"]
    return enc.encode(), dig.encode()


@lru_cache(maxsize=1)
def _fernet() -> Fernet:
    return Fernet(_keys()[0])


def reset_key_cache() -> None:
    """Forget cached keys (tests that change settings call this)."""
    _keys.cache_clear()
    _fernet.cache_clear()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # pragma: no cover - a wrong key is an operator error
        raise ImproperlyConfigured("Cannot decrypt a stored value: wrong FIELD_ENCRYPTION_KEY?") from exc


def digest(value: str) -> str:
    """Keyed digest for exact-match lookups; empty for an empty value."""
    if not value:
        return ""
    return hmac.new(_keys()[1], value.strip().upper().encode(), hashlib.sha256).hexdigest()


TAIL_KINDS = {"phone4": 4, "id4": 4, "id6": 6}


def tail_digest(kind: str, value: str) -> str:
    """Keyed digest of the last digits of an identifier (``kind`` "phone4", "id4" or "id6" from TAIL_KINDS), for
    search by 手机尾号 or the tail of an ID number; empty when the value is shorter than the tail. ``value`` may be
    the whole identifier or just the tail."""
    size = TAIL_KINDS[kind]
    value = (value or "").strip().upper()
    if len(value) < size:
        return ""
    return hmac.new(_keys()[1], f"{kind}:{value[-size:]}".encode(), hashlib.sha256).hexdigest()
