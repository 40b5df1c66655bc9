#!/usr/bin/env bash
# Install everything and start the platform with demo data on SQLite at http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -r requirements/base.txt
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo
.venv/bin/python manage.py load_calendar
echo
ADDR=${DEMO_ADDR:-127.0.0.1:8000}
echo "乡村治理数字平台: http://$ADDR  (API docs: http://$ADDR/api/docs)"
exec .venv/bin/python manage.py runserver "$ADDR"
