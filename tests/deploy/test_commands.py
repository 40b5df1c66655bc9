"""The production path of docs/deploy.md (issue 17, item 24): gunicorn comes with the platform, every command the
guide names exists, the first county and its administrator are made by a command through the services (audited),
and the field keys can be checked after a restore."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
from core import crypto
from core.models import AuditEvent
from core.roles import Role
from regions import services as region_services
from regions.models import Region, RegionLevel
from tests.deploy.support import ROOT, documented_env, fresh_env, guide

ADMIN_PASSWORD = "Xian-Guanli@2026"


def named_commands() -> set[str]:
    """Every manage.py command the guide runs: through village-manage, or in a systemd unit's ExecStart."""
    text = guide()
    return set(re.findall(r"village-manage (\w+)", text)) | set(re.findall(r"manage\.py (\w+)", text))


def test_every_command_the_guide_names_exists():
    named = named_commands()
    # the guide's production path, at least: checks, tables, translations, static files, calendar, first county,
    # the scheduled jobs and the restore check
    assert {
        "check",
        "migrate",
        "compilemessages",
        "collectstatic",
        "load_calendar",
        "create_county",
        "run_deadlines",
        "publish_points",
        "clearsessions",
        "verify_field_keys",
        "run_huey",
    } <= named
    missing = sorted(named - set(get_commands()))
    assert not missing, f"docs/deploy.md names commands that do not exist: {missing}"


def test_gunicorn_is_installed_with_the_platform_not_only_for_tests():
    base = (ROOT / "requirements" / "base.txt").read_text().splitlines()
    assert any(re.match(r"gunicorn\b", line) for line in base)
    assert "-r base.txt" in (ROOT / "requirements" / "test.txt").read_text()


def test_the_guides_gunicorn_unit_loads_the_application(tmp_path):
    """The ExecStart of village.service, with the guide's environment file: gunicorn finds its configuration and
    imports the application (--check-config loads it and exits)."""
    line = next(ln for ln in guide().splitlines() if ln.startswith("ExecStart=") and "gunicorn" in ln)
    args = line.removeprefix("ExecStart=").split()
    assert args[0] == "/srv/village/app/.venv/bin/gunicorn"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [str(gunicorn), "--check-config", *args[1:]],
        cwd=ROOT,
        env=fresh_env(**documented_env(tmp_path)),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# -- create_county ------------------------------------------------------------------------------------------------


def create_county(monkeypatch, password: str = ADMIN_PASSWORD, **options) -> str:
    """Run the command as a script would: the password on standard input (not a terminal)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    values = {
        "code": "510423",
        "name": "新安县",
        "admin_username": "xianguanli",
        "admin_name": "张三",
        "admin_phone": "13800000017",
    }
    values.update(options)
    call_command("create_county", stdout=out, **values)
    return out.getvalue()


@pytest.mark.django_db
def test_create_county_makes_the_county_and_its_administrator_through_the_services(monkeypatch, client):
    output = create_county(monkeypatch)
    county = Region.objects.get(code="510423")
    assert county.level == RegionLevel.COUNTY and county.name == "新安县" and county.county_id == county.pk
    admin = User.objects.get(username="xianguanli")
    assert admin.display_name == "张三" and admin.phone == "13800000017" and admin.check_password(ADMIN_PASSWORD)
    assert RoleAssignment.objects.filter(user=admin, role=Role.COUNTY_ADMIN, region=county).exists()
    assert "/login/" in output and "xianguanli" in output
    # recorded in the audit trail, by the system, naming who ran the command
    events = AuditEvent.objects.filter(county_id=county.pk)
    assert {"regions.region.create", "accounts.role.assign"} <= set(events.values_list("action", flat=True))
    assert AuditEvent.objects.filter(action="accounts.user.create", target_id=str(admin.pk)).exists()
    assert "create_county" in events.get(action="regions.region.create").note
    # every app's defaults were installed with the county (core.plugins.CountySetup), e.g. village finance's
    from finance.models import Category

    assert Category.objects.filter(county=county).exists()
    # the administrator signs in and sets the county up on the pages: a township, then an account
    response = client.post("/login/", {"username": "13800000017", "password": ADMIN_PASSWORD})
    assert response.status_code == 302
    township = region_services.region_create(actor=admin, parent=county, name="城关镇", code="510423001")
    assert township.county_id == county.pk
    assert client.get("/accounts/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "options", "message"),
    [
        ("12345678", {}, "密码"),  # the platform's password rules (here: all digits, too common)
        (ADMIN_PASSWORD, {"code": "51042"}, "--code"),
        (ADMIN_PASSWORD, {"name": "  "}, "--name"),
        (ADMIN_PASSWORD, {"admin_phone": "1380000"}, "--admin-phone"),
        ("", {}, _("Give the administrator's password (on the terminal or on standard input).")),
    ],
)
def test_create_county_refuses_bad_input_and_writes_nothing(monkeypatch, password, options, message):
    with pytest.raises(CommandError) as refused:
        create_county(monkeypatch, password=password, **options)
    assert message in str(refused.value)
    assert not Region.objects.exists() and not User.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_create_county_refuses_a_taken_username_and_keeps_no_half_made_county(monkeypatch):
    create_county(monkeypatch)
    with pytest.raises(CommandError) as refused:
        create_county(monkeypatch, code="510424", name="另一县", admin_phone="")
    assert "--admin-username" in str(refused.value)
    assert not Region.objects.filter(code="510424").exists()  # one transaction: no county without its admin
    with pytest.raises(CommandError) as refused:
        create_county(monkeypatch, admin_username="another", admin_phone="")
    assert "510423" in str(refused.value)


# -- verify_field_keys --------------------------------------------------------------------------------------------


@pytest.fixture
def other_keys():
    """Run a block with other field keys, as after restoring a database with the wrong environment file."""

    def _use(**keys):
        crypto.reset_key_cache()
        return override_settings(**keys)

    yield _use
    crypto.reset_key_cache()


@pytest.mark.django_db
def test_verify_field_keys_passes_with_the_keys_the_data_was_written_with(world):
    out = io.StringIO()
    call_command("verify_field_keys", stdout=out)
    assert "registry.Person.id_number" in out.getvalue()  # it did look at the stored ID numbers (and raised nothing)


@pytest.mark.django_db
def test_verify_field_keys_names_the_wrong_key(world, other_keys):
    from cryptography.fernet import Fernet

    with other_keys(FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode()), pytest.raises(CommandError) as wrong:
        call_command("verify_field_keys", stdout=io.StringIO())
    assert "FIELD_ENCRYPTION_KEY" in str(wrong.value)
    other_hash_key = "b3RoZXItaGFzaC1rZXktb2YtYW5vdGhlci1pbnN0YWxs"
    with other_keys(FIELD_HASH_KEY=other_hash_key), pytest.raises(CommandError) as wrong:
        call_command("verify_field_keys", stdout=io.StringIO())
    assert "FIELD_HASH_KEY" in str(wrong.value)
