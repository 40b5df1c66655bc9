"""Production settings (issue 17, item 11): debug only when asked for, no start without a secret key, and
``manage.py check --deploy`` clean with the settings docs/deploy.md tells the county to use."""

from __future__ import annotations

import re

from tests.deploy.support import ROOT, documented_env, fresh_env, manage, settings_in

SECRET = "x" * 10 + "-a-secret-key-long-enough-for-the-checks-0123456789"


def test_debug_is_off_unless_asked_for(tmp_path):
    base = fresh_env(DJANGO_SECRET_KEY=SECRET, VAR_DIR=str(tmp_path))
    assert settings_in(base, ["DEBUG"]) == {"DEBUG": False}
    assert settings_in({**base, "DJANGO_DEBUG": "0"}, ["DEBUG"]) == {"DEBUG": False}
    assert settings_in({**base, "DJANGO_DEBUG": "1"}, ["DEBUG"]) == {"DEBUG": True}


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", env=fresh_env(VAR_DIR=str(tmp_path)))
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "DJANGO_SECRET_KEY" in last_line and "docs/deploy.md" in last_line and "DJANGO_DEBUG=1" in last_line
    # What the demo does: debug asked for, no key needed (the development key is used).
    assert settings_in(fresh_env(VAR_DIR=str(tmp_path), DJANGO_DEBUG="1"), ["SECRET_KEY"])["SECRET_KEY"]


def test_check_deploy_is_clean_with_the_documented_settings(tmp_path):
    env = documented_env(tmp_path)
    assert env["DJANGO_DEBUG"] == "0" and len(env["DJANGO_SECRET_KEY"]) >= 50
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=fresh_env(**env))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_what_a_production_environment_lacks(tmp_path):
    """The same check fails, naming the setting, without HTTPS or with a field key missing or malformed."""
    env = documented_env(tmp_path)
    del env["DJANGO_HTTPS"], env["FIELD_HASH_KEY"]
    env["FIELD_ENCRYPTION_KEY"] = "not-a-fernet-key"
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=fresh_env(**env))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for code in ("security.W004", "security.W008", "security.W012", "security.W016", "core.E001", "core.E002"):
        assert code in output, output
    assert "FIELD_HASH_KEY is not set" in output


def test_the_demo_asks_for_debug():
    """scripts/demo.sh runs in debug mode (its runserver serves the static files, the field keys are generated):
    it must ask for it before its first manage.py command, now that debug is off by default."""
    script = (ROOT / "scripts" / "demo.sh").read_text()
    first_manage = script.index("manage.py")
    ask = re.search(r"^export DJANGO_DEBUG=1$", script, flags=re.M)
    assert ask is not None and ask.start() < first_manage


def test_the_test_suite_runs_with_debug_off_and_a_throwaway_key():
    from django.conf import settings

    assert settings.DEBUG is False
    assert settings.SECRET_KEY and settings.SECRET_KEY != "dev-only-insecure-key-change-me-in-production"
