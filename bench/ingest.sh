#!/usr/bin/env bash
# Ingest benchmark: the real ingest endpoint against a baseline that only reads the body, in the same `sluice serve`,
# and against the durable floor: the same parse and group commit into a plain file (one write and one fsync per group).
# Usage: bench/ingest.sh            (env: ROUNDS=3 DURATION=10s CONNECTIONS=64 THREADS=2 SKIP_BUILD=1 ROLES=ingest,api)
# Prints the three rates, p50/p99 latency and the ratios real/baseline, floor/baseline and real/floor. fsync stays on
# (synchronous=FULL).
# BUFFERS="sqlite nats" adds, in the same run, a second `sluice serve` on the JetStream buffer (Buffer:Provider=nats)
# against a three-node nats-server cluster on loopback (stream replicas 3, file storage) with a PostgreSQL 15 control
# plane, both started here (initdb as user postgres); its real endpoint is measured in each round beside the others and
# the ratio nats/sqlite printed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
BUFFERS="${BUFFERS:-sqlite}"
LUA="$ROOT/bench/ingest.lua"
PGBIN=/usr/lib/postgresql/15/bin

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
case " $BUFFERS " in
  *" nats "*) NATS=1
    [[ -x /usr/sbin/nats-server ]] || { echo "BUFFERS includes nats: nats-server is not installed (apt-get install nats-server)" >&2; exit 1; }
    [[ -x $PGBIN/initdb ]] || { echo "BUFFERS includes nats: PostgreSQL 15 is not installed (apt-get install postgresql-15)" >&2; exit 1; }
    [[ $(id -u) -eq 0 ]] || { echo "BUFFERS includes nats: run as root (initdb runs as user postgres through runuser)" >&2; exit 1; } ;;
  *) NATS=0 ;;
esac

if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  dotnet build "$ROOT/src/Sluice.Cli" -c Release -v quiet -nologo >/dev/null
fi
DLL="$ROOT/src/Sluice.Cli/bin/Release/net10.0/sluice.dll"

WORK="$(mktemp -d /tmp/sluice-bench-XXXXXX)"
chmod 755 "$WORK" # PostgreSQL runs as user postgres and needs to reach its directory below
DATA="$WORK/sqlite"
PIDS=()
PG_DATA=""
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -n $PG_DATA ]] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_sluice() { # data-dir url log [ENV=value ...]: starts `sluice serve`, waits for /readyz, appends its PID
  local dir="$1" base="$2" log="$3"; shift 3
  env SLUICE_Sluice__EnableBenchmarkEndpoint=true SLUICE_Logging__LogLevel__Default=Warning "$@" \
    dotnet "$DLL" serve --urls "$base" --data-dir "$dir" ${ROLES:+--roles "$ROLES"} >"$log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 300); do
    curl -fsS "$base/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { echo "sluice serve exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.2
  done
  echo "sluice serve did not become ready in 60 s:" >&2; cat "$log" >&2; exit 1
}

create_source() { # base data-dir -> the webhook URL of a new Incoming Webhooks source
  curl -fsS -X POST "$1/v4/sources" -H "Authorization: Bearer $(cat "$2/admin-token")" -H 'Content-Type: application/json' \
    -d '{"display_name":"Bench Events","type":"webhook.incoming-webhook"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["webhook_url"])'
}

start_nats_cluster() { # three nats-server nodes with JetStream on loopback; sets NATS_URL
  local ports=() cports=() mports=() i
  for i in 0 1 2; do ports+=("$(free_port)"); cports+=("$(free_port)"); mports+=("$(free_port)"); done
  NATS_URL=""
  for i in 0 1 2; do
    local routes="" j
    for j in 0 1 2; do [[ $j != "$i" ]] && routes+="${routes:+, }nats-route://127.0.0.1:${cports[$j]}"; done
    mkdir -p "$WORK/nats/n$i"
    cat >"$WORK/nats/n$i.conf" <<CONF
server_name: n$i
listen: 127.0.0.1:${ports[$i]}
http: 127.0.0.1:${mports[$i]}
max_payload: 8MB
jetstream { store_dir: "$WORK/nats/n$i", max_memory_store: 256MB, max_file_store: 8GB }
cluster { name: bench, listen: 127.0.0.1:${cports[$i]}, routes: [$routes] }
CONF
    /usr/sbin/nats-server -c "$WORK/nats/n$i.conf" -l "$WORK/nats/n$i.log" &
    PIDS+=("$!")
    NATS_URL+="${NATS_URL:+,}nats://127.0.0.1:${ports[$i]}"
  done
  NATS_MONITOR="http://127.0.0.1:${mports[0]}"
  for i in 0 1 2; do
    for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:${mports[$i]}/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  done
}

start_postgres() { # PostgreSQL 15 on a free loopback port (fsync on, as a user's server); sets PG_CS
  PG_DATA="$WORK/pg/data"
  local port; port="$(free_port)"
  mkdir -p "$WORK/pg/socket"
  local password; password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  echo "$password" >"$WORK/pg/password"
  chown -R postgres:postgres "$WORK/pg"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$WORK/pg/password" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $WORK/pg/socket -c max_connections=200" start >/dev/null
  runuser -u postgres -- "$PGBIN/psql" -q -h "$WORK/pg/socket" -p "$port" -U postgres -c 'CREATE DATABASE sluice_control' >/dev/null
  PG_CS="Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=sluice_control"
}

run() { # name url -> "RESULT ..." line
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$LUA" "$2" | grep '^RESULT' | sed "s/^RESULT/$1/"
}

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
start_sluice "$DATA" "$BASE" "$WORK/serve-sqlite.log"
URL="$(create_source "$BASE" "$DATA")"
if ((NATS)); then
  start_nats_cluster
  start_postgres
  NATS_BASE="http://127.0.0.1:$(free_port)"
  start_sluice "$WORK/nats-node" "$NATS_BASE" "$WORK/serve-nats.log" \
    SLUICE_ControlPlane__Provider=postgres "SLUICE_ControlPlane__ConnectionString=$PG_CS" \
    SLUICE_Buffer__Provider=nats "SLUICE_Buffer__Nats__Url=$NATS_URL" SLUICE_Buffer__Nats__Replicas=3
  NATS_URL_INGEST="$(create_source "$NATS_BASE" "$WORK/nats-node")"
fi

echo "sluice ingest benchmark: $CONNECTIONS connections, $THREADS wrk threads, $DURATION x $ROUNDS rounds per endpoint, ~1 KB events, buffers: $BUFFERS${ROLES:+, roles $ROLES}"
run warmup "$BASE/bench/baseline" >/dev/null
run warmup "$BASE/bench/floor" >/dev/null
run warmup "$URL" >/dev/null
((NATS)) && run warmup "$NATS_URL_INGEST" >/dev/null
RESULTS=""
for round in $(seq 1 "$ROUNDS"); do
  b="$(run baseline "$BASE/bench/baseline")"; echo "round $round $b"
  f="$(run floor "$BASE/bench/floor")"; echo "round $round $f"
  r="$(run real "$URL")"; echo "round $round $r"
  RESULTS+="$b"$'\n'"$f"$'\n'"$r"$'\n'
  if ((NATS)); then
    n="$(run nats "$NATS_URL_INGEST")"; echo "round $round $n"
    RESULTS+="$n"$'\n'
  fi
done

if ((NATS)); then # one JetStream message per acknowledged request
  NATS_STORED="$(curl -fsS "$NATS_MONITOR/jsz?streams=true" | python3 -c 'import json,sys
d=json.load(sys.stdin); print(sum(s["state"]["messages"] for a in d.get("account_details", []) for s in a.get("stream_detail", [])))' 2>/dev/null || echo '?')"
fi
STORED="$(sqlite3 "$DATA/buffer.db" 'SELECT coalesce(sum(records), 0) FROM record_blocks' 2>/dev/null || echo '?')"
echo "$RESULTS" | awk -v stored="$STORED" -v nats="$NATS" -v natsstored="${NATS_STORED:-}" '
  function val(field,   kv) { split(field, kv, "="); return kv[2] }
  NF > 0 {
    name = $1
    req[name] += val($2); sec[name] += val($3)
    p50[name] = (val($4) > p50[name]) ? val($4) : p50[name]
    p99[name] = (val($5) > p99[name]) ? val($5) : p99[name]
    bad[name] += val($6) + val($7)
  }
  END {
    for (n in req) rate[n] = req[n] / sec[n]
    printf "baseline: %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (worst round)  errors %d\n", rate["baseline"], p50["baseline"], p99["baseline"], bad["baseline"]
    printf "floor:    %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (worst round)  errors %d\n", rate["floor"], p50["floor"], p99["floor"], bad["floor"]
    printf "real:     %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (worst round)  errors %d\n", rate["real"], p50["real"], p99["real"], bad["real"]
    if (nats) printf "nats:     %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (worst round)  errors %d\n", rate["nats"], p50["nats"], p99["nats"], bad["nats"]
    printf "ratio real/baseline: %.2f   (target >= 0.80 with p99 <= 20 ms)\n", rate["real"] / rate["baseline"]
    printf "ratio floor/baseline: %.2f  (a plain file, one write + fsync per group)\n", rate["floor"] / rate["baseline"]
    printf "ratio real/floor: %.2f      (what the buffer costs beyond that)\n", rate["real"] / rate["floor"]
    if (nats) printf "ratio nats/real: %.2f       (the JetStream buffer, 3 replicas, against the SQLite buffer)\n", rate["nats"] / rate["real"]
    if (nats) printf "ratio nats/baseline: %.2f\n", rate["nats"] / rate["baseline"]
    printf "records in buffer.db: %s (includes warm-up)\n", stored
    if (nats) printf "messages in the JetStream stream (one per request): %s (includes warm-up)\n", natsstored
  }'
