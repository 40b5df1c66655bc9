"""Values kept in the cache under a version read from the rows they depend on (docs/ARCHITECTURE.md, "Cache")."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def kept(prefix: str, version: str | None, build, seconds: int):
    """``build()``'s value, kept under ``prefix`` and a hash of ``version`` for ``seconds``; built afresh and not kept
    when there is no version. The version must change whenever the value would."""
    if not version:
        return build()
    key = f"{prefix}:" + hashlib.sha1(version.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, seconds)
    return found
