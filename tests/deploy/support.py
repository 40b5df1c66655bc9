"""What the deployment tests read from docs/deploy.md, and how they run manage.py as a fresh process would.

The guide is the source: its environment file, the commands that generate its keys, the commands it names. A
change to the guide is tested as it is written; a setting the guide relies on that the code lacks fails here.
"""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deploy.md"
ENV_FILE_MARK = "# /etc/village/village.env"
PLACEHOLDER = re.compile(r"替换为生成的([A-Z_]+)")
KEY_COMMAND = re.compile(r"""echo "([A-Z_]+)=\$\(\.venv/bin/python -c '([^']+)'\)\"""")
# Variables that must not leak from the environment the tests run in into a "fresh" process.
OWN_PREFIXES = ("DJANGO_", "FIELD_", "GUNICORN_")
OWN_NAMES = {"DATABASE_URL", "CACHE_URL", "VAR_DIR", "AUDIT_REQUIRE_LABELS"}


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def code_blocks() -> list[str]:
    return re.findall(r"^```[\w-]*\n(.*?)^```", guide(), flags=re.S | re.M)


def generated_values() -> dict[str, str]:
    """Run the guide's key-generating commands (section 4) with this interpreter: name → value."""
    values = {}
    for name, code in KEY_COMMAND.findall(guide()):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        values[name] = result.stdout.strip()
    return values


def documented_env(var_dir: Path) -> dict[str, str]:
    """The guide's /etc/village/village.env with its placeholders filled by the guide's own generating commands
    (VAR_DIR pointed at a temporary folder: importing the settings creates VAR_DIR/static)."""
    blocks = [b for b in code_blocks() if b.startswith(ENV_FILE_MARK)]
    assert len(blocks) == 1, f"docs/deploy.md should have one block starting with {ENV_FILE_MARK!r}"
    generated = generated_values()
    env = {}
    for line in blocks[0].splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, value = line.split("=", 1)
        env[name] = PLACEHOLDER.sub(lambda m: generated[m.group(1)], value)
    env["VAR_DIR"] = str(var_dir)
    return env


def fresh_env(**values: str) -> dict[str, str]:
    """This machine's environment without the platform's own variables, plus ``values``: a process started as an
    operator would start it, on config.settings (not the test suite's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES) and k not in OWN_NAMES}
    env.update(values)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return env


def manage(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def settings_in(env: dict[str, str], names: list[str]) -> dict:
    """The values of ``names`` that config/settings.py computes from ``env`` (the module run on its own, as a fresh
    process would import it, without touching this process's settings)."""
    with mock.patch.dict(os.environ, env, clear=True):
        values = runpy.run_path(str(ROOT / "config" / "settings.py"))
    return {name: values.get(name) for name in names}
