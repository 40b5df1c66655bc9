"""System checks of the platform's own production settings (``manage.py check --deploy``, docs/deploy.md)."""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def field_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Production needs both field keys, and the encryption key must be a Fernet key: without them every ID number
    and phone fails to save or to show, and a key that is lost or changed makes the stored ones unreadable."""
    if settings.DEBUG:
        return []  # the demo generates its pair into VAR_DIR (core.crypto)
    errors = []
    for name in ("FIELD_ENCRYPTION_KEY", "FIELD_HASH_KEY"):
        if not getattr(settings, name, ""):
            errors.append(
                checks.Error(
                    f"{name} is not set.",
                    hint="Generate the pair once (docs/deploy.md), keep it in the environment file and back it up "
                    "apart from the database: without it the stored ID numbers and phones cannot be read.",
                    id="core.E001",
                )
            )
    key = getattr(settings, "FIELD_ENCRYPTION_KEY", "")
    if key:
        try:
            valid = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            errors.append(
                checks.Error(
                    "FIELD_ENCRYPTION_KEY is not a Fernet key (32 bytes in URL-safe base64).",
                    hint="Use the key the data was encrypted with; a new one is made by "
                    "cryptography.fernet.Fernet.generate_key() (docs/deploy.md).",
                    id="core.E002",
                )
            )
    return errors
