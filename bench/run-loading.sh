#!/usr/bin/env bash
# Loading benchmark (issue 3): flat events and nested orders into DuckDB and PostgreSQL, each engine's own ceiling for the
# same flat rows, and freshness at a sustained rate through `sluice serve`. Release build; prints a summary table.
# Issue 16 adds a wide heterogeneous stream (50 event types, 2,000 distinct fields) into one `data` table (past 1,500 columns
# into _sdc_overflow) and routed to one table per type (table_from field:type).
# Sizes: EVENTS (1000000), ORDERS (100000), WIDE (50000), RATE (5000), DURATION (30 s of posting), BATCH (100). Output also saved under bench/results/.
# REPEAT (3): each engine's ceiling and flat load run this many times, alternated; the table gives the medians (and the range),
# since one run on a shared 2-core VM moves by 10-15%.
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-1000000}
ORDERS=${ORDERS:-100000}
WIDE=${WIDE:-50000}
RATE=${RATE:-5000}
DURATION=${DURATION:-30}
BATCH=${BATCH:-100}
REPEAT=${REPEAT:-3}

echo "== building (Release)" >&2
dotnet build bench/Sluice.Bench -c Release -v q -nologo >&2
dotnet build src/Sluice.Cli -c Release -v q -nologo >&2
BENCH=bench/Sluice.Bench/bin/Release/net10.0/sluice-bench
SLUICE=src/Sluice.Cli/bin/Release/net10.0/sluice

mkdir -p bench/results
OUT=bench/results/loading-$(date -u +%Y%m%dT%H%M%SZ).txt
{
  echo "# $(date -u +%FT%TZ) $(nproc) cores, $(free -m | awk '/Mem:/{print $2}') MB RAM, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "# EVENTS=$EVENTS ORDERS=$ORDERS WIDE=$WIDE RATE=$RATE DURATION=$DURATION BATCH=$BATCH REPEAT=$REPEAT"
} >"$OUT"

run() {
  echo "== sluice-bench $*" >&2
  "$BENCH" "$@" 2> >(tee -a "$OUT" >&2) | tee -a "$OUT"
}

for dest in duckdb postgres; do
  for ((i = 1; i <= REPEAT; i++)); do
    run ceiling --destination "$dest" --events "$EVENTS"
    run load-flat --destination "$dest" --events "$EVENTS"
  done
  run load-nested --destination "$dest" --orders "$ORDERS"
  run load-wide --destination "$dest" --events "$WIDE" --warmup $((WIDE / 5))
  run load-wide-routed --destination "$dest" --events "$WIDE" --warmup $((WIDE / 5))
done
run freshness --sluice "$SLUICE" --rate "$RATE" --seconds "$DURATION" --batch "$BATCH" || true
# Scale-out (issue 18): two nodes on the JetStream buffer (a three-node nats-server cluster), PostgreSQL destination.
if [[ -x /usr/sbin/nats-server ]]; then
  run freshness --sluice "$SLUICE" --rate "$RATE" --seconds "$DURATION" --batch "$BATCH" --buffer nats --nodes 2 || true
else
  echo "== nats-server is not installed (apt-get install nats-server): no scale-out freshness run" >&2
fi

echo
awk '
  /^RESULT / {
    delete v
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    k = v["mode"] "/" v["destination"]
    n[k]++
    for (f in v) { r[k, f] = v[f]; all[k, f, n[k]] = v[f] }
  }
  function pass(ok) { return ok ? "PASS" : "MISS" }
  # Median and range of field f over the runs of k, as "median" with lo/hi in globals.
  function median(k, f,    m, i, j, t, a) {
    m = n[k]
    for (i = 1; i <= m; i++) a[i] = all[k, f, i] + 0
    for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    lo = a[1]; hi = a[m]
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    printf "%-22s %14s %14s %8s %9s %8s  %s\n", "run", "rows/s", "ceiling rows/s", "ratio", "peak RSS", "loadavg", "target"
    for (d = 1; d <= 2; d++) {
      dest = (d == 1) ? "duckdb" : "postgres"
      f = median("load-flat/" dest, "rows_per_s"); flo = lo; fhi = hi
      c = median("ceiling/" dest, "rows_per_s"); clo = lo; chi = hi
      rss = median("load-flat/" dest, "peak_rss_mb"); rhi = hi
      ratio = (c > 0) ? f / c : 0
      printf "%-22s %14.0f %14.0f %8.2f %6d MB %8s  >= 0.60x ceiling, RSS < 512 MB: %s\n", "flat " dest, f, c, ratio, rhi, r["load-flat/" dest, "loadavg"], pass(ratio >= 0.6 && rhi < 512)
      if (n["load-flat/" dest] > 1)
        printf "%-22s %14s %14s %8s   medians of %d alternated runs; flat %.0f-%.0f, ceiling %.0f-%.0f rows/s\n", "", "", "", "", n["load-flat/" dest], flo, fhi, clo, chi
    }
    for (d = 1; d <= 2; d++) {
      dest = (d == 1) ? "duckdb" : "postgres"
      nr = r["load-nested/" dest, "records_per_s"]
      t = (dest == "duckdb") ? ">= 40,000 root records/s, RSS < 512 MB: " pass(nr >= 40000 && r["load-nested/" dest, "peak_rss_mb"] < 512) : "(no target) RSS < 512 MB: " pass(r["load-nested/" dest, "peak_rss_mb"] < 512)
      printf "%-22s %14.0f %14s %8s %6d MB %8s  %s\n", "nested " dest " (roots)", nr, "-", "-", r["load-nested/" dest, "peak_rss_mb"], r["load-nested/" dest, "loadavg"], t
    }
    for (d = 1; d <= 2; d++) {
      dest = (d == 1) ? "duckdb" : "postgres"
      for (w = 1; w <= 2; w++) {
        m = (w == 1) ? "load-wide" : "load-wide-routed"
        printf "%-22s %14.0f %14s %8s %6d MB %8s  (no target) %s tables, nothing rejected\n", ((w == 1) ? "wide " : "wide routed ") dest, r[m "/" dest, "rows_per_s"], "-", "-", r[m "/" dest, "peak_rss_mb"], r[m "/" dest, "loadavg"], ((w == 1) ? "one data table + _sdc_overflow," : "50")
      }
    }
    p50 = r["freshness/duckdb", "p50_s"]; p99 = r["freshness/duckdb", "p99_s"]
    printf "%-22s p50 %.2f s, p99 %.2f s at %.0f events/s accepted (target %s), server peak RSS %d MB: p50 <= 3 s, p99 <= 10 s, RSS < 512 MB: %s\n", "freshness duckdb", p50, p99, r["freshness/duckdb", "achieved_rate"], r["freshness/duckdb", "target_rate"], r["freshness/duckdb", "peak_rss_mb"], pass(p50 != "" && p50 <= 3 && p99 <= 10 && r["freshness/duckdb", "peak_rss_mb"] < 512 && r["freshness/duckdb", "missing_batches"] == 0)
    if (r["freshness/postgres", "p50_s"] != "") {
      p50 = r["freshness/postgres", "p50_s"]; p99 = r["freshness/postgres", "p99_s"]
      printf "%-22s p50 %.2f s, p99 %.2f s at %.0f events/s accepted (target %s) across %d nodes on NATS, peak RSS %d MB per node: p50 <= 3 s, p99 <= 10 s: %s\n", "freshness scale-out pg", p50, p99, r["freshness/postgres", "achieved_rate"], r["freshness/postgres", "target_rate"], r["freshness/postgres", "nodes"], r["freshness/postgres", "peak_rss_mb"], pass(p50 <= 3 && p99 <= 10 && r["freshness/postgres", "missing_batches"] == 0)
    }
  }
' "$OUT" | tee -a "$OUT"
echo "saved: $OUT" >&2
