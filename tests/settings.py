"""Settings of the test suite (pyproject.toml names this module): the platform's own, with a throwaway secret key.

Debug is off in the suite, as in production, and production refuses to start without DJANGO_SECRET_KEY
(config/settings.py), so a random key is put in the environment first unless one is given. Being in the
environment, it also reaches the ``manage.py`` subprocesses some tests start.
"""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", "test-" + secrets.token_urlsafe(48))

from huey import MemoryHuey  # noqa: E402

from config.settings import *  # noqa: E402, F403

# jobs run at once, in the process, on a memory queue (huey's immediate mode); a job given a later time waits in
# that queue's schedule, where a test reads it
HUEY = MemoryHuey("village-tests", immediate=True, utc=True)
