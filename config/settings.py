"""Django settings for the village governance platform (乡村治理数字平台).

Configuration comes from the environment. Without DJANGO_DEBUG=1 this is production: it refuses to start
without DJANGO_SECRET_KEY, and the settings of docs/deploy.md pass ``manage.py check --deploy``. The demo
(scripts/demo.sh) sets DJANGO_DEBUG=1 and runs on SQLite; the test suite's settings are tests/settings.py.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Debug (tracebacks on error pages, the development key below, field keys generated into VAR_DIR) only when asked
# for: scripts/demo.sh sets DJANGO_DEBUG=1. Anything else is production, which must bring its own secret key.
DEBUG = _env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "未设置 DJANGO_SECRET_KEY：生产环境必须在环境变量中给出一个随机密钥（见 docs/deploy.md）；"
            "演示或开发请设置 DJANGO_DEBUG=1。 DJANGO_SECRET_KEY is not set: production needs a long random key "
            "in the environment (docs/deploy.md); for the demo or development set DJANGO_DEBUG=1."
        )
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its templates and static files: /api/docs serves Swagger UI from here, never from a CDN
    "axes",
    "core",
    "regions",
    "accounts",
    "registry",
    "points",
    "casework",
    "incidents",
    "transparency",
    "finance",
    "meetings",
    "deliberation",
    "powers",
    "mediation",
    "doorstep",
    "committees",
    "honours",
    "customs",
    "mutualaid",
    "inspections",
    "targets",
    "visits",
    "dashboards",
    "messaging",
    "huey.contrib.djhuey",  # the job runner: `manage.py run_huey` runs the queued and scheduled jobs (<app>/tasks.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.ControlCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.AuditContextMiddleware",
    "core.middleware.DomainExceptionMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.pwa.OfflineFormMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "core.maps.map_settings",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

# The cache: each process's memory by default (the demo, the tests); a shared Redis when CACHE_URL is given
# (redis://host:6379/1), as a deployment with several server processes should have, so that a page kept rendered
# (the public notice boards, the points standings) is rendered once for all of them.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
        if os.environ.get("CACHE_URL")
        # a place's dashboard keeps 72 figures (24 indicators × value, places, trend): locmem's default of 300
        # entries would drop a county's figures after four townships (bench/README.md, "Dashboards")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 30000}}
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures (django-axes): 5 failures lock the username for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_VERBOSE = False
# Lock by account (the requirement is an account lockout); W006 warns that IP is not part of it.
# security.W021 (HSTS preload): joining the browsers' preload list is the domain owner's decision, not the
# application's; SECURE_HSTS_PRELOAD stays off.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W021"]

LANGUAGE_CODE = "zh-hans"
# Chinese first: whatever language a phone asks for, the interface is Simplified Chinese (the only catalogue).
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Photos are reduced on the phone before upload (static/js/photo.js): the longer side at most this many pixels.
PHOTO_MAX_SIDE = int(os.environ.get("PHOTO_MAX_SIDE", "1600"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Field encryption (ID numbers, phones). In production both come from the environment; for the
# demo and development a key is generated once into VAR_DIR (see core.crypto).
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
FIELD_HASH_KEY = os.environ.get("FIELD_HASH_KEY", "")

# -- jobs (docs/decisions/0012-jobs-huey.md) ---------------------------------------------------------------------
# Huey runs what must not wait in a request (messages to send) and what runs on its own schedule (deadlines,
# publication, reminders; <app>/tasks.py). Its queue is a SQLite file in VAR_DIR by default, so the demo needs no
# other server; JOBS_URL=redis://host:6379/2 puts it in Redis for a county at scale.
JOBS_URL = os.environ.get("JOBS_URL", "")


def _huey():
    from huey import RedisHuey, SqliteHuey

    if JOBS_URL.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("village", url=JOBS_URL, utc=True)
    return SqliteHuey("village", filename=str(VAR_DIR / "jobs.sqlite3"), utc=True)


HUEY = _huey()
# a message to more people than this (a notice told to a whole township) is written by the jobs process, not in the
# request that sends it; it pauses NOTIFY_PACE times the time each chunk of 100 took, leaving the pages the machine
NOTIFY_INLINE_MAX = int(os.environ.get("NOTIFY_INLINE_MAX", "500"))
NOTIFY_PACE = float(os.environ.get("NOTIFY_PACE", "6.0"))

# -- messages beyond the page (messaging app) ----------------------------------------------------------------------
# The SMS gateway: "console" (the default: written to the log, nothing leaves the machine), "aliyun" or "tencent"
# (their official SDKs), "loopback" (an HTTP endpoint on this machine, SMS_LOOPBACK_URL: the tests' gateway).
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "console")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")  # the approved signature, e.g. 某某县乡村治理
SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")  # Aliyun AccessKey ID / Tencent SecretId
SMS_ACCESS_KEY_SECRET = os.environ.get("SMS_ACCESS_KEY_SECRET", "")  # Aliyun AccessKey secret / Tencent SecretKey
SMS_APP_ID = os.environ.get("SMS_APP_ID", "")  # Tencent SmsSdkAppId
SMS_REGION = os.environ.get("SMS_REGION", "ap-guangzhou")  # Tencent region
SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "dysmsapi.aliyuncs.com")  # Aliyun endpoint
# the gateway's approved template for each message kind, as JSON: {"points.entry_decided": "SMS_123456", ...}
SMS_TEMPLATES = json.loads(os.environ.get("SMS_TEMPLATES", "{}") or "{}")
SMS_LOOPBACK_URL = os.environ.get("SMS_LOOPBACK_URL", "")
SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", "4"))
# sign-in and password-reset codes by SMS (accounts.phone)
SMS_CODE_TTL_SECONDS = int(os.environ.get("SMS_CODE_TTL_SECONDS", "300"))  # a code's life
SMS_CODE_RESEND_SECONDS = int(os.environ.get("SMS_CODE_RESEND_SECONDS", "60"))  # between two codes to one number
SMS_CODE_PER_NUMBER_PER_DAY = int(os.environ.get("SMS_CODE_PER_NUMBER_PER_DAY", "10"))
SMS_CODE_PER_ADDRESS_PER_HOUR = int(os.environ.get("SMS_CODE_PER_ADDRESS_PER_HOUR", "20"))  # asked from one address
SMS_CODE_MAX_TRIES = int(os.environ.get("SMS_CODE_MAX_TRIES", "5"))  # wrong codes before a code dies
SMS_RETRY_SECONDS = int(os.environ.get("SMS_RETRY_SECONDS", "60"))  # the first retry; doubled each time after

API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))

# Refuse to record an audit action that has no readable label (core.audit.record). The test suite sets it, so
# every event type recorded anywhere is named; off in production, where a missing label must never stop a write.
AUDIT_REQUIRE_LABELS = _env_bool("AUDIT_REQUIRE_LABELS", False)

REGISTRY_PAGE_SIZE = 20

# The most rows of one staff-account import file (accounts.importing): each new account's password is hashed with
# Argon2, 0.16 s (idle) to 0.37 s (busy) on the 2-core development machine, so 200 accounts take 30 to 75 s, within
# gunicorn's 120 s timeout (config/gunicorn.conf.py). A larger county splits its staff into several files (e.g. one
# per township); raise it only together with the timeout.
ACCOUNTS_IMPORT_MAX_ROWS = int(os.environ.get("ACCOUNTS_IMPORT_MAX_ROWS", "200"))

# Map tiles (static/core/map.js): an XYZ tile URL such as https://tiles.example.cn/{z}/{x}/{y}.png and the
# attribution its provider requires. Empty by default: maps then draw only the platform's own shapes (grid
# boundaries, case markers) on a plain background, so no page loads anything from a third party.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# Behind the HTTPS reverse proxy of docs/deploy.md (nginx ends TLS and always sets X-Forwarded-Proto), set
# DJANGO_HTTPS=1: a request that reached nginx over HTTPS is then seen as secure, so the CSRF check accepts the
# login form's Origin https://<host>; plain HTTP is redirected to HTTPS (except /healthz, for local probes); the
# session and CSRF cookies are sent over HTTPS only; browsers are told to keep to HTTPS (HSTS). Only set it
# when gunicorn is reachable through the proxy alone, since the header is then believed.
HTTPS = _env_bool("DJANGO_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# Origins other than the request's own scheme://host that may post forms, comma separated, e.g. when users reach
# the proxy on another name or port than the Host it passes on: https://zhili.example.gov.cn:8443
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "axes": {"handlers": ["console"], "level": "WARNING"},
        # the console SMS gateway writes each SMS here (the demo's sign-in codes are read from the terminal)
        "messaging.sms": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "huey": {"handlers": ["console"], "level": "WARNING"},
    },
}
