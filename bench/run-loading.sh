#!/usr/bin/env bash
# Loading benchmark (issue 3): flat events and nested orders into DuckDB and PostgreSQL, each engine's own ceiling for the
# same flat rows, and freshness at a sustained rate through `sluice serve`. Release build; prints a summary table.
# Sizes: EVENTS (1000000), ORDERS (100000), RATE (5000), DURATION (30 s of posting), BATCH (100). Output also saved under bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-1000000}
ORDERS=${ORDERS:-100000}
RATE=${RATE:-5000}
DURATION=${DURATION:-30}
BATCH=${BATCH:-100}

echo "== building (Release)" >&2
dotnet build bench/Sluice.Bench -c Release -v q -nologo >&2
dotnet build src/Sluice.Cli -c Release -v q -nologo >&2
BENCH=bench/Sluice.Bench/bin/Release/net10.0/sluice-bench
SLUICE=src/Sluice.Cli/bin/Release/net10.0/sluice

mkdir -p bench/results
OUT=bench/results/loading-$(date -u +%Y%m%dT%H%M%SZ).txt
{
  echo "# $(date -u +%FT%TZ) $(nproc) cores, $(free -m | awk '/Mem:/{print $2}') MB RAM, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "# EVENTS=$EVENTS ORDERS=$ORDERS RATE=$RATE DURATION=$DURATION BATCH=$BATCH"
} >"$OUT"

run() {
  echo "== sluice-bench $*" >&2
  "$BENCH" "$@" 2> >(tee -a "$OUT" >&2) | tee -a "$OUT"
}

for dest in duckdb postgres; do
  run ceiling --destination "$dest" --events "$EVENTS"
  run load-flat --destination "$dest" --events "$EVENTS"
  run load-nested --destination "$dest" --orders "$ORDERS"
done
run freshness --sluice "$SLUICE" --rate "$RATE" --seconds "$DURATION" --batch "$BATCH" || true

echo
awk '
  /^RESULT / {
    key = ""; delete v
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    k = v["mode"] "/" v["destination"]
    for (f in v) r[k, f] = v[f]
  }
  function pass(ok) { return ok ? "PASS" : "MISS" }
  END {
    printf "%-22s %14s %14s %8s %9s %8s  %s\n", "run", "rows/s", "ceiling rows/s", "ratio", "peak RSS", "loadavg", "target"
    for (d = 1; d <= 2; d++) {
      dest = (d == 1) ? "duckdb" : "postgres"
      f = r["load-flat/" dest, "rows_per_s"]; c = r["ceiling/" dest, "rows_per_s"]
      ratio = (c > 0) ? f / c : 0
      printf "%-22s %14.0f %14.0f %8.2f %6d MB %8s  >= 0.50x ceiling, RSS < 512 MB: %s\n", "flat " dest, f, c, ratio, r["load-flat/" dest, "peak_rss_mb"], r["load-flat/" dest, "loadavg"], pass(ratio >= 0.5 && r["load-flat/" dest, "peak_rss_mb"] < 512)
    }
    for (d = 1; d <= 2; d++) {
      dest = (d == 1) ? "duckdb" : "postgres"
      n = r["load-nested/" dest, "records_per_s"]
      t = (dest == "duckdb") ? ">= 20,000 root records/s, RSS < 512 MB: " pass(n >= 20000 && r["load-nested/" dest, "peak_rss_mb"] < 512) : "(no target) RSS < 512 MB: " pass(r["load-nested/" dest, "peak_rss_mb"] < 512)
      printf "%-22s %14.0f %14s %8s %6d MB %8s  %s\n", "nested " dest " (roots)", n, "-", "-", r["load-nested/" dest, "peak_rss_mb"], r["load-nested/" dest, "loadavg"], t
    }
    p50 = r["freshness/duckdb", "p50_s"]; p99 = r["freshness/duckdb", "p99_s"]
    printf "%-22s p50 %.2f s, p99 %.2f s at %.0f events/s accepted (target %s), server peak RSS %d MB: p50 <= 3 s, p99 <= 10 s, RSS < 512 MB: %s\n", "freshness duckdb", p50, p99, r["freshness/duckdb", "achieved_rate"], r["freshness/duckdb", "target_rate"], r["freshness/duckdb", "peak_rss_mb"], pass(p50 != "" && p50 <= 3 && p99 <= 10 && r["freshness/duckdb", "peak_rss_mb"] < 512 && r["freshness/duckdb", "missing_batches"] == 0)
  }
' "$OUT" | tee -a "$OUT"
echo "saved: $OUT" >&2
