#!/usr/bin/env bash
# Install everything and run every test: lint, translations, the suite on SQLite and on PostgreSQL
# (including the browser tests in Debian's chromium). PostgreSQL: TEST_POSTGRES_URL (default
# postgres://postgres@127.0.0.1:5432/village) when it lets us in, else a throwaway cluster (scripts/test-postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
# Debug is off in the tests, as in production, which needs a secret key: a throwaway one (tests/settings.py makes
# its own for a bare pytest; this one is for the manage.py commands below).
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-test-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}
# shellcheck source=scripts/test-postgres.sh
source scripts/test-postgres.sh
trap test_postgres_stop EXIT

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
command -v msgfmt >/dev/null 2>&1 || need_apt+=(gettext)
# WeasyPrint (the mediation agreement and case file as PDF) draws with Pango
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0" || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -r requirements/test.txt

echo "== PostgreSQL"
test_postgres_start

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== translations compile"
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv

run_pytest() {
  set +e
  .venv/bin/python -m pytest "$@"
  rc=$?
  set -e
  if [ $rc -eq 5 ]; then echo "pytest ran no test"; return 1; fi
  return $rc
}

echo "== tests on SQLite"
DATABASE_URL="sqlite:///$(pwd)/var/test.sqlite3" run_pytest -q -p no:cacheprovider

echo "== tests on PostgreSQL (${PG_URL})"
DATABASE_URL="$PG_URL" run_pytest -q -p no:cacheprovider
