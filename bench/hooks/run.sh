#!/usr/bin/env bash
# Post-load hook delivery benchmark (see bench/README.md, "Hooks"): builds the harness in Release, runs the throughput and
# lateness modes RUNS times each (default 2), prints every line and saves them in bench/results/hooks-<time>.txt.
#   bench/hooks/run.sh                         # defaults
#   RUNS=1 LOADS=20 SECONDS_=10 bench/hooks/run.sh   # a quick check
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

RUNS=${RUNS:-2}
HOOKS=${HOOKS:-10}
TABLES=${TABLES:-50}
LOADS=${LOADS:-40}
SECONDS_=${SECONDS_:-20}
RATE=${RATE:-10}
TIMEOUT=${TIMEOUT:-5}

if [[ -z ${SKIP_BUILD:-} ]]; then
  dotnet build bench/hooks/Sluice.HooksBench -c Release -nologo -clp:ErrorsOnly >&2
fi

dll=bench/hooks/Sluice.HooksBench/bin/Release/net10.0/sluice-hooks-bench.dll
mkdir -p bench/results
out="bench/results/hooks-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# bench/hooks/run.sh $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  for run in $(seq 1 "$RUNS"); do
    echo "## run $run"
    dotnet "$dll" throughput --hooks "$HOOKS" --tables "$TABLES" --loads "$LOADS" | grep -E '^(mode|dispatch|end_to_end)'
    dotnet "$dll" lateness --seconds "$SECONDS_" --rate "$RATE" --timeout "$TIMEOUT" | grep -E '^(mode|lateness)'
  done
} | tee "$out"
echo "saved $out" >&2
