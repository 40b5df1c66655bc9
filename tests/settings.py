"""Settings of the test suite (pyproject.toml names this module): the platform's own, with a throwaway secret key.

Debug is off in the suite, as in production, and production refuses to start without DJANGO_SECRET_KEY
(config/settings.py), so a random key is put in the environment first unless one is given. Being in the
environment, it also reaches the ``manage.py`` subprocesses some tests start.
"""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", "test-" + secrets.token_urlsafe(48))

from config.settings import *  # noqa: E402, F403
