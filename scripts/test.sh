#!/usr/bin/env bash
# Runs the whole test suite, the way CI does (.ci/run calls exactly this).
#
# On a fresh Debian 12 machine with the .NET 10 SDK it first installs, from Debian's packages, what the tests
# need and is missing: PostgreSQL 15 (the destination and control-plane tests start their own server from
# /usr/lib/postgresql/15/bin), nats-server (the JetStream buffer's tests), Chromium (web app tests), aiosmtpd (an SMTP server for e-mail tests)
# and systemd (systemd-analyze checks deploy/sluice.service).
# That step needs root or sudo; when everything is there it does nothing. Then it builds the solution in
# Release, runs every test project, and ends with one line: "N passed, M failed" (", K skipped" if any).
# Exit status: non-zero if any test failed or none ran.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is not installed (https://learn.microsoft.com/dotnet/core/install/linux-debian)"

# --- 1. System packages the tests use, installed only when missing -------------------------------------
missing=()
[[ -x /usr/lib/postgresql/15/bin/initdb && -x /usr/lib/postgresql/15/bin/postgres ]] || missing+=(postgresql-15)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/sbin/nats-server ]] || missing+=(nats-server)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
[[ -x /usr/bin/systemd-analyze ]] || missing+=(systemd)

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    die "missing Debian packages: ${missing[*]}; run this script as root or install sudo"
  fi
  log "installing ${missing[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. Build once, in Release --------------------------------------------------------------------------
log "building Sluice.slnx (Release)"
dotnet build Sluice.slnx -c Release -nologo -clp:ErrorsOnly

# --- 3. Run every test project, with a TRX file each ----------------------------------------------------
results=$(mktemp -d "${TMPDIR:-/tmp}/sluice-test-results.XXXXXX")
trap 'rm -rf "$results"' EXIT
log "running tests"
# The reliability suite's sizes on CI (RELIABILITY.md): 5 crash cycles instead of 20, a 60 s soak instead of 10 minutes,
# 10,000 fuzzed bodies as by default.
export RELIABILITY_CYCLES="${RELIABILITY_CYCLES:-5}" RELIABILITY_SOAK_SECONDS="${RELIABILITY_SOAK_SECONDS:-60}"
export RELIABILITY_FUZZ_BODIES="${RELIABILITY_FUZZ_BODIES:-10000}"
set +e
# A test silent for 5 minutes is a hang: it fails the run instead of using up CI's time.
dotnet test Sluice.slnx -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" \
  --blame-hang-timeout 5m --blame-hang-dump-type none --filter "FullyQualifiedName!~Sluice.Reliability.Tests"
test_status=$?
# The reliability suite runs alone afterwards: its soak and crash loop load both cores, which would make the other
# projects' tests (run in parallel with each other) slow for reasons of their own.
dotnet test test/Sluice.Reliability.Tests -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" \
  --blame-hang-timeout 5m --blame-hang-dump-type none
reliability_status=$?
((test_status == 0)) && test_status=$reliability_status
set -e

# --- 4. One summary line, computed from the TRX counters -------------------------------------------------
passed=0 failed=0 skipped=0 files=0
attribute() { sed -n "s/.* $1=\"\\([0-9]*\\)\".*/\\1/p" <<<"$2"; }
while IFS= read -r -d '' trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
  [[ -n $counters ]] || continue
  files=$((files + 1))
  passed=$((passed + $(attribute passed "$counters")))
  # Errors, timeouts and aborted runs count as failures: something did not pass.
  for name in failed error timeout aborted; do
    failed=$((failed + $(attribute "$name" "$counters")))
  done
  skipped=$((skipped + $(attribute notExecuted "$counters")))
done < <(find "$results" -name '*.trx' -print0)

if ((test_status != 0 && failed == 0)); then
  log "dotnet test exited with status $test_status although no test failed: a test host crashed or a project did not run"
fi
summary="$passed passed, $failed failed"
((skipped > 0)) && summary+=", $skipped skipped"
echo
echo "$summary"

if ((failed > 0 || passed == 0)); then
  exit 1
fi
# dotnet test also fails when a test host crashed before writing its results.
exit "$test_status"
