#!/usr/bin/env bash
# The production stack on this machine: gunicorn + Celery worker + Celery beat, production settings,
# the local PostgreSQL and Redis. Ctrl-C stops everything.
#
#   deploy/prod-local.sh           migrate, collect static files, load the demo, serve until Ctrl-C
#   deploy/prod-local.sh --smoke   start everything, check /healthz, a static file and a task
#                                  round trip through the worker, then stop (exit 0 when all pass)
#
# Environment (all optional):
#   PROD_LOCAL_DB       database name on 127.0.0.1:5432 (default kejiju_prod_local)
#   PROD_LOCAL_REDIS    broker URL (default redis://127.0.0.1:6379/1)
#   PROD_LOCAL_PORT     gunicorn port (default 8001; `make run` uses 8000)
#   PROD_LOCAL_VAR      state directory: secret key, static files, media, logs (default var/prod-local)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SMOKE=0
[[ "${1:-}" == "--smoke" ]] && SMOKE=1

DB_NAME=${PROD_LOCAL_DB:-kejiju_prod_local}
BROKER=${PROD_LOCAL_REDIS:-redis://127.0.0.1:6379/1}
PORT=${PROD_LOCAL_PORT:-8001}
STATE=${PROD_LOCAL_VAR:-$ROOT/var/prod-local}
BIN=$ROOT/.venv/bin
URL=http://127.0.0.1:$PORT

say() { printf '[prod-local] %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }

pg_isready -h 127.0.0.1 -p 5432 -q || fail "PostgreSQL is not running on 127.0.0.1:5432 (.ci/run starts it)"
redis-cli -u "$BROKER" ping >/dev/null 2>&1 || fail "Redis is not answering at $BROKER"
mkdir -p "$STATE/log"

if [[ ! -s "$STATE/secret_key" ]]; then
  (umask 077; "$BIN/python" -c "import secrets; print(secrets.token_urlsafe(50))" >"$STATE/secret_key")
fi
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1; then
  say "creating database $DB_NAME"
  createdb -h 127.0.0.1 -U postgres "$DB_NAME"
fi

# Production settings, as deploy/kejiju.env.example sets them, except what needs TLS:
# plain http on 127.0.0.1 has no HTTPS redirect, no HSTS and no Secure cookies.
export DJANGO_SETTINGS_MODULE=kejiju.settings_production
export DJANGO_SECRET_KEY
DJANGO_SECRET_KEY=$(cat "$STATE/secret_key")
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_SECURE_HSTS_SECONDS=0
export DJANGO_SECURE_COOKIES=0
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB_NAME
export CELERY_BROKER_URL=$BROKER
export KEJIJU_VAR_DIR=$STATE
export MEDIA_ROOT=$STATE/media
export DJANGO_LOG_LEVEL=${DJANGO_LOG_LEVEL:-INFO}
unset DJANGO_DEBUG

say "migrating $DB_NAME"
"$BIN/python" manage.py migrate --noinput -v0
say "collecting static files into $STATE/staticfiles"
"$BIN/python" manage.py collectstatic --noinput --clear -v0
if [[ $SMOKE == 0 ]]; then
  "$BIN/python" manage.py load_demo --quiet-logins
fi

PIDS=()
stop_all() {
  trap - INT TERM EXIT
  if ((${#PIDS[@]})); then
    say "stopping gunicorn, worker and beat"
    kill -TERM "${PIDS[@]}" 2>/dev/null || true
    for _ in $(seq 1 40); do
      alive=0
      for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      ((alive)) || break
      sleep 0.25
    done
    kill -KILL "${PIDS[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
  fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

"$BIN/gunicorn" kejiju.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --timeout 60 \
  --no-control-socket \
  --access-logfile "$STATE/log/gunicorn-access.log" --error-logfile "$STATE/log/gunicorn.log" &
PIDS+=($!)
"$BIN/celery" -A kejiju worker --loglevel=INFO --concurrency=2 --without-gossip --without-mingle \
  >"$STATE/log/worker.log" 2>&1 &
PIDS+=($!)
"$BIN/celery" -A kejiju beat --loglevel=INFO --schedule="$STATE/celerybeat-schedule" \
  >"$STATE/log/beat.log" 2>&1 &
PIDS+=($!)

say "waiting for $URL/healthz"
health=""
for _ in $(seq 1 120); do
  health=$(curl -fsS "$URL/healthz" 2>/dev/null || true)
  [[ "$health" == *'"status": "ok"'* ]] && break
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || fail "a process exited early; see $STATE/log/"; done
  sleep 0.5
done
[[ "$health" == *'"status": "ok"'* ]] || fail "/healthz did not report ok: ${health:-no answer}"
say "healthz: $health"

if [[ $SMOKE == 1 ]]; then
  [[ "$health" == *'"database": "ok"'* && "$health" == *'"broker": "ok"'* ]] || fail "healthz: $health"
  [[ "$health" == *'"database_engine": "postgresql"'* ]] || fail "not on PostgreSQL: $health"

  login=$(curl -fsS "$URL/accounts/login/") || fail "the login page did not load"
  [[ "$login" == *"用户登录"* ]] || fail "the login page is not the Chinese portal"
  css=$(grep -o '/static/css/kejiju\.[0-9a-f]*\.css' <<<"$login" | head -1)
  [[ -n "$css" ]] || fail "the login page does not link the hashed stylesheet"
  headers=$(curl -fsS -D - -o "$STATE/smoke.css" "$URL$css") || fail "$css is not served"
  grep -qi '^cache-control: .*max-age=315360000' <<<"$headers" || fail "$css is not served by WhiteNoise as immutable"
  grep -q 'kj-header' "$STATE/smoke.css" || fail "$css came back without the stylesheet"
  say "static: $css served by WhiteNoise"

  token="smoke-$$-$RANDOM"
  "$BIN/python" manage.py shell -v0 -c \
    "from kejiju.queue import submit; from kejiju.tasks import heartbeat; submit(heartbeat, '$token')"
  for _ in $(seq 1 60); do
    grep -q "$token" "$STATE/worker-heartbeat.json" 2>/dev/null && break
    sleep 0.5
  done
  grep -q "$token" "$STATE/worker-heartbeat.json" 2>/dev/null || fail "the worker did not run the heartbeat task"
  say "worker: heartbeat task done"
  kill -0 "${PIDS[2]}" 2>/dev/null || fail "celery beat is not running"
  say "beat: running"
  say "SMOKE OK"
  exit 0
fi

cat <<EOF

  门户（生产配置）: $URL/
  后台管理:         $URL/admin/
  健康检查:         $URL/healthz
  演示账号:         $STATE/demo-logins.json
  日志:             $STATE/log/

  gunicorn + Celery worker + Celery beat 正在运行，按 Ctrl-C 全部停止。
EOF
wait -n "${PIDS[@]}" || true
say "a process stopped; see $STATE/log/"
