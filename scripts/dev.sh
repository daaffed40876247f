#!/usr/bin/env bash
# One entry point for a developer machine: install what is missing, start project-local
# PostgreSQL/PostGIS and Redis when DATABASE_URL / REDIS_URL are not given, migrate, then
# run the service or the test suite. Called by the Makefile (`make run`, `make test`, `make stop`).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR="$ROOT/var"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
APT_PACKAGES=(postgresql redis-server tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng libzbar0 chromium
  fonts-dejavu-extra fonts-liberation2 fonts-freefont-ttf fonts-urw-base35  # the fonts: synthetic labels in unseen styles
  nodejs  # checks a signed work record the way a JavaScript client would
  pgbouncer)  # the tests check that the service works through it (transaction pooling)
STARTED=()   # services this invocation started, stopped again on exit by `run` and `test`

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_install() {
  local missing=() pkg
  for pkg in "$@"; do is_installed "$pkg" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages (${missing[*]}); run as root or install them"
  say "installing ${missing[*]}"
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -q >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

ensure_system() {
  apt_install "${APT_PACKAGES[@]}"
  local bin; bin=$(pg_bin); [ -n "$bin" ] || die "no PostgreSQL server found under /usr/lib/postgresql"
  local version; version=$(basename "$(dirname "$bin")")
  apt_install "postgresql-$version-postgis-3"
}

python_cmd() {
  local candidate
  for candidate in "${PYTHON:-}" python3.11 python3; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then echo "$candidate"; return; fi
  done
  die "Python 3.11 is required (set PYTHON=/path/to/python3.11)"
}

ensure_venv() {
  local stamp="$VENV/.requirements.sha256" want
  want=$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  local python; python=$(python_cmd)
  if ! "$python" -m venv --help >/dev/null 2>&1 || ! "$python" -c 'import ensurepip' 2>/dev/null; then
    apt_install python3-venv
  fi
  say "installing Python packages into .venv"
  [ -x "$PY" ] || "$python" -m venv "$VENV"
  "$PY" -m pip install -q --disable-pip-version-check -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"
  echo "$want" > "$stamp"
}

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_is_free() { "$PY" -c 'import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0)' "$1"; }

# The data folder must be reachable by the postgres user; a checkout under a private home
# folder is not, so the cluster then lives under /var/lib/postgresql, named after the checkout.
pg_data_dir() {
  if runuser -u postgres -- test -x "$VAR" 2>/dev/null; then echo "$VAR/pg"; return; fi
  echo "/var/lib/postgresql/fieldtasks-$(echo "$ROOT" | sha256sum | cut -c1-12)"
}

pg_ctl() { runuser -u postgres -- "$(pg_bin)/pg_ctl" "$@"; }

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then return; fi
  local data; data=$(pg_data_dir)
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating a PostgreSQL cluster in $data"
    mkdir -p "$data"; chown postgres:postgres "$data"; chmod 700 "$data"
    runuser -u postgres -- "$(pg_bin)/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  local port_file="$data/fieldtasks.port" port
  if ! pg_ctl -D "$data" status >/dev/null 2>&1; then
    port=$(cat "$port_file" 2>/dev/null || true)
    if [ -z "$port" ] || ! port_is_free "$port"; then port=$(free_port); fi
    runuser -u postgres -- sh -c "echo $port > '$port_file'"
    say "starting PostgreSQL on 127.0.0.1:$port"
    pg_ctl -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off" start >/dev/null
    STARTED+=("postgres:$data")
  fi
  port=$(cat "$port_file")
  local psql=(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'fieldtasks'")" ]; then
    "${psql[@]}" -c 'CREATE DATABASE fieldtasks'
  fi
  export DATABASE_URL="postgresql+psycopg2://postgres@127.0.0.1:$port/fieldtasks"
}

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then return; fi
  local dir="$VAR/redis" port
  mkdir -p "$dir"
  port=$(cat "$dir/port" 2>/dev/null || true)
  if [ -n "$port" ] && [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
    export REDIS_URL="redis://127.0.0.1:$port/0"; return
  fi
  if [ -z "$port" ] || ! port_is_free "$port"; then port=$(free_port); fi
  echo "$port" > "$dir/port"
  say "starting Redis on 127.0.0.1:$port"
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$dir" \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" --appendonly no
  for _ in $(seq 50); do [ -s "$dir/redis.pid" ] && redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  STARTED+=("redis:$dir")
  export REDIS_URL="redis://127.0.0.1:$port/0"
}

ensure_app_env() {
  mkdir -p "$VAR"
  # Photos: STORAGE_URL (s3://bucket/prefix, with the AWS_* variables) wins; otherwise a folder under var/.
  if [ -z "${STORAGE_URL:-}" ]; then export STORAGE_DIR="${STORAGE_DIR:-$VAR/storage}"; fi
  if [ -z "${SECRET_KEY:-}" ]; then
    [ -s "$VAR/secret_key" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(48))' > "$VAR/secret_key"
    SECRET_KEY=$(cat "$VAR/secret_key"); export SECRET_KEY
  fi
}

stop_started() {
  local item kind path
  for item in "${STARTED[@]:-}"; do
    [ -n "$item" ] || continue
    kind=${item%%:*}; path=${item#*:}
    case $kind in
      postgres) pg_ctl -D "$path" -m fast stop >/dev/null 2>&1 || true ;;
      redis) [ -f "$path/redis.pid" ] && kill "$(cat "$path/redis.pid")" 2>/dev/null || true ;;
    esac
  done
  STARTED=()
}

setup() {
  ensure_system
  ensure_venv
  mkdir -p "$VAR"
  ensure_postgres
  ensure_redis
  ensure_app_env
}

migrate() { say "migrating the database"; (cd "$ROOT" && "$PY" -m alembic upgrade head); }

PIDS=()      # the API server and the worker, in `run`

shutdown() {
  trap - INT TERM EXIT
  [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  stop_started
}

wait_until_serving() {
  local url=$1
  for _ in $(seq 100); do
    "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  die "the API did not answer at $url"
}

# The worker, started again whenever it stops (killed, out of memory...), as systemd does in production: one
# crashed worker must not stop the API, PostgreSQL and Redis with it.
supervise_worker() {
  local pid="" status
  trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait; exit 0' INT TERM
  while true; do
    "$PY" worker.py &
    pid=$!
    echo "$pid" > "$VAR/worker.pid"
    wait "$pid" && status=0 || status=$?
    say "the worker stopped (exit status $status); starting it again in 2 s"
    sleep 2
  done
}

cmd_run() {
  setup
  trap shutdown INT TERM EXIT
  migrate
  "$PY" -m fieldtasks.demo
  local port="${PORT:-8000}"
  port_is_free "$port" || port=$(free_port)
  cd "$ROOT"
  # make run serves plain HTTP on 127.0.0.1: the console's cookie cannot be HTTPS-only there.
  export CONSOLE_COOKIE_SECURE="${CONSOLE_COOKIE_SECURE:-false}"
  "$VENV/bin/gunicorn" --bind "127.0.0.1:$port" --workers "${WEB_CONCURRENCY:-2}" --threads "${WEB_THREADS:-8}" --pid "$VAR/gunicorn.pid" wsgi:app &
  PIDS+=($!)
  supervise_worker &
  PIDS+=($!)
  echo "$!" > "$VAR/supervisor.pid"
  wait_until_serving "http://127.0.0.1:$port/healthz"
  say "a phone plays the demo worker through the whole flow"
  "$PY" -m fieldtasks_dev.demo_phone "http://127.0.0.1:$port" || say "the demo phone did not finish (see above)"
  say "fieldtasks is running: API http://127.0.0.1:$port/  docs http://127.0.0.1:$port/docs  (Ctrl-C or \`make stop\` stops it)"
  wait -n "${PIDS[@]}" || true
}

cmd_test() {
  setup
  trap shutdown INT TERM EXIT
  cd "$ROOT"
  say "lint (ruff)"
  "$VENV/bin/ruff" check --quiet . && "$VENV/bin/ruff" format --check --quiet .
  say "tests (pytest)"
  "$PY" -m pytest "$@"
}

cmd_bench() {
  setup
  apt_install wrk
  trap shutdown INT TERM EXIT
  cd "$ROOT"
  "$PY" -m bench.nearby "$@"
}

cmd_stop() {
  local pidfile
  for pidfile in "$VAR/gunicorn.pid" "$VAR/supervisor.pid" "$VAR/worker.pid" "$VAR/redis/redis.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null && say "stopped $(basename "$pidfile" .pid)"
    rm -f "$pidfile"
  done
  local data; data=$(pg_data_dir)
  if [ -f "$data/PG_VERSION" ] && pg_ctl -D "$data" status >/dev/null 2>&1; then
    pg_ctl -D "$data" -m fast stop >/dev/null && say "stopped PostgreSQL"
  fi
}

# `env` prints the variables the other commands use, for running tools by hand: eval "$(scripts/dev.sh env)"
cmd_env() {
  setup
  local storage=STORAGE_DIR; [ -n "${STORAGE_URL:-}" ] && storage=STORAGE_URL
  printf 'export DATABASE_URL=%q REDIS_URL=%q %s=%q SECRET_KEY=%q\n' \
    "$DATABASE_URL" "$REDIS_URL" "$storage" "${!storage}" "$SECRET_KEY"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  stop) shift; cmd_stop ;;
  bench) shift; cmd_bench "$@" ;;
  setup) shift; setup ;;
  env) shift; cmd_env ;;
  *) die "usage: scripts/dev.sh run|test|bench|stop|setup|env" ;;
esac
