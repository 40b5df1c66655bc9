"""The README as a county's IT staff read it first (issue 17, item 25): two commands, the login page, how long each
takes, and every setting the platform reads from the environment."""

from __future__ import annotations

import re

from tests.deploy.support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start() -> str:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return section


def test_the_quick_start_is_two_commands_that_say_how_long_they_take():
    block = re.search(r"```bash\n(.*?)```", quick_start(), flags=re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip()]
    assert [c.split()[0] for c in commands] == ["./scripts/demo.sh", "./scripts/test.sh"]
    assert all(re.search(r"\d+ min", c) for c in commands)  # each says how long it takes


def test_the_quick_start_names_the_login_page():
    assert "http://127.0.0.1:8000/login/" in quick_start()


def test_every_environment_variable_of_the_settings_is_documented():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r"""(?:environ\.get|environ\[|_env_bool)\(?\s*["']([A-Z_]+)["']""", settings_source))
    assert {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_HTTPS", "DJANGO_CSRF_TRUSTED_ORIGINS"} <= read
    table = README.split("## Configuration (environment)", 1)[1].split("\n## ", 1)[0]
    missing = sorted(name for name in read if f"`{name}`" not in table)
    assert not missing, f"README's configuration table lacks {missing}"
