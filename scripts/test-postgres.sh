#!/usr/bin/env bash
# The PostgreSQL of the test command (sourced by scripts/test.sh; run it alone to try it: it starts the database it
# would use, runs `select 1` and stops it again).
#
# test_postgres_start sets PG_URL: TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/village) when a
# server there lets us in without a password; otherwise a throwaway cluster of its own: the Debian `postgresql`
# package's initdb (installed through apt when missing) in a temporary folder, owned by the `postgres` user when
# run as root (PostgreSQL refuses to run as root), trusting local connections, on a free port of 127.0.0.1, with
# fsync off. test_postgres_stop (called on exit) stops it and removes the folder.

PG_URL=""
PG_TMP=""
PG_RUN=()

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Does this URL's server let us in (to its `postgres` database, where pytest-django creates test_<name>)?
pg_answers() {
  .venv/bin/python - "$1" >/dev/null 2>&1 <<'PY'
import sys

import psycopg

with psycopg.connect(sys.argv[1], dbname="postgres", connect_timeout=5) as conn:
    conn.execute("select 1")
PY
}

pg_bindir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
  [ -n "$initdb" ] && dirname "$initdb"
}

test_postgres_stop() {
  if [ -n "$PG_TMP" ] && [ -d "$PG_TMP" ]; then
    if [ -f "$PG_TMP/data/postmaster.pid" ]; then
      ${PG_RUN[@]+"${PG_RUN[@]}"} "$(pg_bindir)/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
    echo "PostgreSQL: the throwaway cluster is stopped and removed"
  fi
  PG_TMP=""
}

test_postgres_start() {
  local wanted=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/village}
  if pg_answers "$wanted"; then
    PG_URL=$wanted
    echo "PostgreSQL: using ${PG_URL}"
    return 0
  fi
  echo "PostgreSQL: nothing lets us in at ${wanted}; starting a throwaway cluster"
  local bindir
  bindir=$(pg_bindir) || true
  if [ -z "$bindir" ]; then
    echo "PostgreSQL: installing Debian's postgresql package (for its initdb)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bindir=$(pg_bindir) || { echo "PostgreSQL: no initdb under /usr/lib/postgresql after installing" >&2; return 1; }
  fi
  PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/village-test-pg.XXXXXX")
  if [ "$(id -u)" = 0 ]; then
    local owner=postgres
    id -u postgres >/dev/null 2>&1 || owner=nobody
    chown "$owner:" "$PG_TMP"
    PG_RUN=(runuser -u "$owner" --)
  fi
  local port
  port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if ! ${PG_RUN[@]+"${PG_RUN[@]}"} "$bindir/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 -N >"$PG_TMP/initdb.log" 2>&1; then
    cat "$PG_TMP/initdb.log" >&2
    return 1
  fi
  if ! ${PG_RUN[@]+"${PG_RUN[@]}"} "$bindir/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
      -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
    cat "$PG_TMP/server.log" >&2
    return 1
  fi
  PG_URL="postgres://postgres@127.0.0.1:${port}/village"
  echo "PostgreSQL: throwaway cluster ($("$bindir/postgres" --version)) at ${PG_URL}, data in ${PG_TMP}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Run alone: start the database the test command would use, ask it `select 1`, stop it.
  set -euo pipefail
  cd "$(dirname "$0")/.."
  trap test_postgres_stop EXIT
  test_postgres_start
  .venv/bin/python - "$PG_URL" <<'PY'
import sys

import psycopg

with psycopg.connect(sys.argv[1], dbname="postgres") as conn:
    print("select 1 →", conn.execute("select 1").fetchone()[0], "·", conn.execute("show server_version").fetchone()[0])
PY
fi
