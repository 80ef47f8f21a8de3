#!/usr/bin/env bash
# Throwaway PostgreSQL for the test suite (used by .ci/run; handy locally too).
#
#   scripts/ci_postgres.sh [start]   start (or reuse) the server; prints DATABASE_URL on stdout
#   scripts/ci_postgres.sh stop      stop it (the data directory is kept for a quick restart)
#   scripts/ci_postgres.sh status    exit 0 if it is running and accepting connections
#   scripts/ci_postgres.sh url       print DATABASE_URL
#   scripts/ci_postgres.sh destroy   stop it and delete the data directory
#
# The server listens on 127.0.0.1:${UME_PG_PORT:-55432} only (no Unix socket), keeps its data in
# ${TMPDIR:-/tmp}/ume-pg, trusts every local connection and runs with fsync off: it is for tests,
# never for data you want to keep. The system cluster (port 5432, /var/lib/postgresql) is left alone.
# PostgreSQL itself is installed elsewhere (`make e2e-deps` apt-installs `postgresql`).
# Run it as root (the server runs as the `postgres` system user) or as an ordinary user (the server
# then runs as that user). Every message goes to stderr; only the URL goes to stdout, so
#   export DATABASE_URL="$(scripts/ci_postgres.sh)"
set -euo pipefail

PORT="${UME_PG_PORT:-55432}"
DB_NAME=ume
DB_USER=ume
DB_PASSWORD=ume
URL="postgres://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${PORT}/${DB_NAME}"
MARKER=ume-ci.conf # written into every data directory this script creates

log() { printf 'ci_postgres: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "$PORT" in
  '' | *[!0-9]*) die "UME_PG_PORT must be a number (got '$PORT')" ;;
esac
[ "$PORT" != 5432 ] || die "refusing to use port 5432 (the system cluster's); pick another UME_PG_PORT"

# --- Binaries: the newest /usr/lib/postgresql/<major>/bin ------------------------------------------
BIN=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then BIN="$d"; break; fi
done
if [ -z "$BIN" ] && command -v pg_config >/dev/null 2>&1; then
  d="$(pg_config --bindir 2>/dev/null || true)"
  if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then BIN="$d"; fi
fi
[ -n "$BIN" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (run 'make e2e-deps' as root, or apt-get install postgresql)"
MAJOR="$("$BIN/pg_ctl" --version | awk '{print $3}' | cut -d. -f1)" # "pg_ctl (PostgreSQL) 15.14 (Debian …)"

# --- Who runs the server --------------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
  PGUSER_OS=postgres
  id "$PGUSER_OS" >/dev/null 2>&1 || die "system user 'postgres' does not exist (is the postgresql package installed?)"
  as_pg() {
    # cd / first: postgres cannot read root's working directory. 9>&-: the server must not
    # inherit the lock file descriptor (it would hold the lock for as long as it runs).
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u "$PGUSER_OS" -- "$@" 9>&-)
    else
      local q; printf -v q '%q ' "$@"
      (cd / && su "$PGUSER_OS" -s /bin/sh -c "$q" 9>&-)
    fi
  }
else
  PGUSER_OS="$(id -un)"
  as_pg() { "$@" 9>&-; }
fi

# --- Where the data lives -------------------------------------------------------------------------
BASE="${TMPDIR:-/tmp}"
BASE="${BASE%/}/ume-pg"
if [ "$(id -u)" -eq 0 ] && ! as_pg test -x "$(dirname "$BASE")" 2>/dev/null; then
  # e.g. TMPDIR=/root/tmp: the postgres user cannot reach it.
  log "the postgres user cannot reach $(dirname "$BASE"); using /tmp/ume-pg instead"
  BASE=/tmp/ume-pg
fi
DATA="$BASE/data"
LOGFILE="$BASE/postgres.log"

psql_admin() { # psql as the bootstrap superuser over TCP (trust authentication)
  "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$PGUSER_OS" -d postgres "$@"
}
ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U "$PGUSER_OS" -d postgres -t 1 >/dev/null 2>&1; }
running() { [ -f "$DATA/PG_VERSION" ] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }
running_port() { sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true; }

stop_server() {
  if running; then
    log "stopping the server in $DATA"
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
  else
    log "not running ($DATA)"
  fi
}

# A previous run with another TMPDIR may still hold our port: stop it only if it is one of ours
# (its data directory carries $MARKER); anything else is reported, never touched.
free_port_from_other_ume_server() {
  ready || return 0
  local pid="" dir=""
  if command -v ss >/dev/null 2>&1; then
    pid="$(ss -Hltnp "sport = :$PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2 || true)"
  fi
  if [ -n "$pid" ]; then dir="$(readlink "/proc/$pid/cwd" 2>/dev/null || true)"; fi
  if [ -n "$dir" ] && [ "$dir" != "$DATA" ] && [ -f "$dir/$MARKER" ] && [ -f "$dir/PG_VERSION" ]; then
    local v; v="$(cat "$dir/PG_VERSION")"
    local b="/usr/lib/postgresql/$v/bin"; [ -x "$b/pg_ctl" ] || b="$BIN"
    log "port $PORT is held by an earlier Ume test server ($dir); stopping it"
    as_pg "$b/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null || die "could not stop the server in $dir"
    return 0
  fi
  die "something else already listens on 127.0.0.1:$PORT${dir:+ (data directory $dir)}; stop it or set UME_PG_PORT"
}

init_cluster() {
  log "initialising a PostgreSQL $MAJOR cluster in $DATA"
  rm -rf "$DATA"
  mkdir -p "$DATA"
  chown "$PGUSER_OS" "$BASE" "$DATA"
  chmod 700 "$DATA"
  local locale
  for locale in C.UTF-8 C; do
    if as_pg "$BIN/initdb" -D "$DATA" -U "$PGUSER_OS" --auth=trust -E UTF8 --locale="$locale" \
      >"$LOGFILE" 2>&1; then
      printf "\n# Ume test server settings\ninclude_if_exists = '%s'\n" "$MARKER" >>"$DATA/postgresql.conf"
      return 0
    fi
    log "initdb with --locale=$locale failed; see below"
    tail -n 5 "$LOGFILE" >&2 || true
    rm -rf "$DATA"; mkdir -p "$DATA"; chown "$PGUSER_OS" "$DATA"; chmod 700 "$DATA"
  done
  die "initdb failed"
}

write_conf() { # rewritten on each start so a changed UME_PG_PORT takes effect
  cat >"$DATA/$MARKER" <<EOF
# Written by scripts/ci_postgres.sh: a throwaway server for tests. Not crash-safe by design.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
shared_buffers = 128MB
log_min_messages = warning
log_min_duration_statement = -1
EOF
  chown "$PGUSER_OS" "$DATA/$MARKER"
}

start_server() {
  mkdir -p "$BASE"
  chown "$PGUSER_OS" "$BASE"
  chmod 755 "$BASE"
  touch "$LOGFILE"
  chown "$PGUSER_OS" "$LOGFILE" # pg_ctl -l appends to it as the server's user

  # Reuse a data directory only if it is complete and from the same major version.
  if [ -f "$DATA/PG_VERSION" ] && [ -f "$DATA/$MARKER" ] && [ "$(cat "$DATA/PG_VERSION")" = "$MAJOR" ]; then
    chown -R "$PGUSER_OS" "$DATA"
  else
    if [ -f "$DATA/postmaster.pid" ]; then
      # A server from another major version may be running on it: stop it with its own pg_ctl.
      local v b; v="$(cat "$DATA/PG_VERSION" 2>/dev/null || true)"; b="/usr/lib/postgresql/$v/bin"
      if [ -n "$v" ] && [ -x "$b/pg_ctl" ]; then as_pg "$b/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true; fi
    fi
    init_cluster
  fi

  if running; then
    if [ "$(running_port)" = "$PORT" ] && ready; then
      log "reusing the server already running in $DATA on port $PORT"
    else
      log "a server is running in $DATA on port $(running_port), not $PORT (or not answering): restarting it"
      as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
    fi
  fi

  if ! running; then
    free_port_from_other_ume_server
    write_conf
    rm -f "$DATA/postmaster.pid" # stale (the server is not running); pg_ctl would cope, but be sure
    log "starting PostgreSQL $MAJOR on 127.0.0.1:$PORT (log: $LOGFILE)"
    if ! as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 start >/dev/null; then
      tail -n 20 "$LOGFILE" >&2 || true
      die "the server did not start"
    fi
  fi

  local i
  for i in $(seq 1 60); do
    if ready; then break; fi
    [ "$i" -lt 60 ] || { tail -n 20 "$LOGFILE" >&2 || true; die "pg_isready still fails after 30 s"; }
    sleep 0.5
  done

  # Role and database (idempotent). CREATEDB: the test runner creates test_ume (test_ume_gw0, ...).
  psql_admin <<SQL
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$DB_USER', '$DB_PASSWORD')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') \gexec
ALTER ROLE "$DB_USER" LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', '$DB_NAME', '$DB_USER', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
SQL
  log "ready: $URL"
  printf '%s\n' "$URL"
}

# Serialise concurrent invocations (e.g. two shells starting the server at once).
mkdir -p "$(dirname "$BASE")"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BASE.lock"
  flock -w 120 9 || die "another ci_postgres.sh holds $BASE.lock"
fi

case "${1:-start}" in
  start) start_server ;;
  stop) stop_server ;;
  status)
    if running && ready; then log "running in $DATA on port $(running_port)"; exit 0; fi
    log "not running"; exit 3 ;;
  url) printf '%s\n' "$URL" ;;
  destroy) stop_server; rm -rf "$BASE"; log "removed $BASE" ;;
  -h | --help | help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$1' (use start, stop, status, url or destroy)" ;;
esac
