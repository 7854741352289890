#!/usr/bin/env bash
# Ingest benchmark: the real ingest endpoint against a baseline that only reads the body, in the same `sluice serve`,
# and against the durable floor: the same parse and group commit into a plain file (one write and one fsync per group).
# Usage: bench/ingest.sh            (env: ROUNDS=3 DURATION=10s CONNECTIONS=64 THREADS=2 SKIP_BUILD=1 ROLES=ingest,api)
# Prints the three rates, p50/p99 latency and the ratios real/baseline, floor/baseline and real/floor. fsync stays on
# (synchronous=FULL).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
LUA="$ROOT/bench/ingest.lua"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  dotnet build "$ROOT/src/Sluice.Cli" -c Release -v quiet -nologo >/dev/null
fi
DLL="$ROOT/src/Sluice.Cli/bin/Release/net10.0/sluice.dll"

DATA="$(mktemp -d /tmp/sluice-bench-XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
LOG="$DATA/serve.log"

# ROLES=ingest,api measures ingest alone (the loader then leaves buffer.db untouched); default: every role, as deployed.
SLUICE_Sluice__EnableBenchmarkEndpoint=true SLUICE_Logging__LogLevel__Default=Warning \
  dotnet "$DLL" serve --urls "$BASE" --data-dir "$DATA" ${ROLES:+--roles "$ROLES"} >"$LOG" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

for _ in $(seq 1 300); do
  curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { echo "sluice serve exited:" >&2; cat "$LOG" >&2; exit 1; }
  sleep 0.2
done

TOKEN="$(cat "$DATA/admin-token")"
URL="$(curl -fsS -X POST "$BASE/v4/sources" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"display_name":"Bench Events","type":"webhook.incoming-webhook"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["webhook_url"])')"

run() { # name url -> "RESULT ..." line
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$LUA" "$2" | grep '^RESULT' | sed "s/^RESULT/$1/"
}

echo "sluice ingest benchmark: $CONNECTIONS connections, $THREADS wrk threads, $DURATION x $ROUNDS rounds per endpoint, ~1 KB events"
run warmup "$BASE/bench/baseline" >/dev/null
run warmup "$BASE/bench/floor" >/dev/null
run warmup "$URL" >/dev/null
RESULTS=""
for round in $(seq 1 "$ROUNDS"); do
  b="$(run baseline "$BASE/bench/baseline")"; echo "round $round $b"
  f="$(run floor "$BASE/bench/floor")"; echo "round $round $f"
  r="$(run real "$URL")"; echo "round $round $r"
  RESULTS+="$b"$'\n'"$f"$'\n'"$r"$'\n'
done

STORED="$(sqlite3 "$DATA/buffer.db" 'SELECT coalesce(sum(records), 0) FROM record_blocks' 2>/dev/null || echo '?')"
echo "$RESULTS" | awk -v stored="$STORED" '
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
    printf "ratio real/baseline: %.2f   (target >= 0.80 with p99 <= 20 ms)\n", rate["real"] / rate["baseline"]
    printf "ratio floor/baseline: %.2f  (a plain file, one write + fsync per group)\n", rate["floor"] / rate["baseline"]
    printf "ratio real/floor: %.2f      (what the buffer costs beyond that)\n", rate["real"] / rate["floor"]
    printf "records in buffer.db: %s (includes warm-up)\n", stored
  }'
