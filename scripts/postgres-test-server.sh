#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests of the SQL connector (tests/test_sql_connector.py).
#
#   scripts/postgres-test-server.sh start DIR [PORT]   create a cluster in DIR (empty or missing) and
#                                                      start it on 127.0.0.1:PORT (default: a free port)
#   scripts/postgres-test-server.sh stop DIR           stop it (immediate; the data is throwaway)
#
# `start` prints shell assignments for the superuser: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE,
# and PGBIN (the folder of psql and the server binaries).
# The server listens on loopback only (and on a Unix socket inside DIR), password authentication
# (scram-sha-256) for TCP; durability is switched off (fsync, full-page writes) to start in about a
# second. Uses the binaries of Debian's `postgresql` package (/usr/lib/postgresql/<major>/bin) or
# initdb/pg_ctl on PATH. initdb refuses to run as root: as root the cluster belongs to the
# `postgres` user the Debian package creates, and DIR must be reachable by it (e.g. under /tmp).
set -euo pipefail

usage() { echo "usage: $0 start DIR [PORT] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd="$1"; dir="$2"; port="${3:-}"

bindir=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then bindir="$candidate"; break; fi
done
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then bindir="$(dirname "$(command -v initdb)")"; fi
if [ -z "$bindir" ]; then
  echo "error: PostgreSQL server binaries not found; install them: apt-get install postgresql" >&2
  exit 3
fi

as_owner() {  # run a PostgreSQL binary as the cluster owner (never as root)
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
      echo "error: running as root but there is no 'postgres' user to own the cluster" >&2; exit 3
    fi
    mkdir -p "$dir"
    if [ -z "$port" ]; then
      port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    fi
    password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      chmod 700 "$dir"
      if ! runuser -u postgres -- test -w "$dir"; then
        echo "error: user postgres cannot write $dir (a parent folder is private); use a folder under /tmp" >&2
        exit 3
      fi
    fi
    pwfile="$dir/.pwfile"
    as_owner sh -c "umask 077; printf '%s\n' '$password' > '$pwfile'"
    as_owner "$bindir/initdb" -D "$dir/data" -U pf_admin --pwfile="$pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2; exit 4; }
    rm -f "$pwfile"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB -c max_connections=30 -c timezone=UTC" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 4; }
    echo "PGHOST=127.0.0.1"
    echo "PGPORT=$port"
    echo "PGUSER=pf_admin"
    echo "PGPASSWORD=$password"
    echo "PGDATABASE=postgres"
    echo "PGBIN=$bindir"
    ;;
  stop)
    [ -d "$dir/data" ] || exit 0
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  *) usage ;;
esac
