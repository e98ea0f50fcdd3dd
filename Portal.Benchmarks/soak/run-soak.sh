#!/usr/bin/env bash
# Soak / fault / hostile-input harness (issue 10), on loopback only and bounded in time. So far: the hostile-input
# fuzz pass.
#
#   Portal.Benchmarks/soak/run-soak.sh                      # 100,000 requests (a few minutes on 2 cores)
#   SOAK_REQUESTS=5000 Portal.Benchmarks/soak/run-soak.sh   # quick run
#   SOAK_SEED=7 SOAK_REPLAY=1234 Portal.Benchmarks/soak/run-soak.sh   # re-send request #1234 of seed 7 and print it
#
# Builds Portal.Benchmarks (and with it Portal) in Release, starts Portal on 127.0.0.1 (free port) with a fresh temp
# SQLite data directory and a bootstrap admin token, provisions an organization, owner, project, Active certificate
# and secret API keys (all scopes) through the management API, then runs `Portal.Benchmarks fuzz`
# (soak/HostileInputFuzz.cs): random and mutated JSON bodies, headers and query strings against /api/v1/tokens/*,
# /compat/{projectId}/* and /api/v1/orgs/{org}/*, concurrently. Fails (exit 1) on any 5xx, any request without an
# answer within SOAK_TIMEOUT seconds, any 4xx that is not application/problem+json with a `code`, or Portal dying.
# Writes Portal.Benchmarks/soak/REPORT.md (not in replay mode). Portal is stopped and the temp directory removed on exit.
#
# Requests with a mangled or missing key are sent from 127.0.0.2 (they trip the per-address invalid-key block).
# Settings (environment): SOAK_REQUESTS (100000), SOAK_CONCURRENCY (32), SOAK_SEED (random, printed), SOAK_TIMEOUT
# (10 s per request), SOAK_MAX_SECONDS (900: the whole fuzz pass stops there and reports), SOAK_KEYS (4), SOAK_REPLAY.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
requests="${SOAK_REQUESTS:-100000}"
concurrency="${SOAK_CONCURRENCY:-32}"
seed="${SOAK_SEED:-$((RANDOM * 32768 + RANDOM))}"
timeout_s="${SOAK_TIMEOUT:-10}"
max_seconds="${SOAK_MAX_SECONDS:-900}"
key_count="${SOAK_KEYS:-4}"
results="$here/REPORT.md"

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'run-soak: %s\n' "$*" >&2; exit 1; }

command -v curl >/dev/null && command -v jq >/dev/null || die "needs curl and jq"

say "building Portal (Release)"
cd "$repo"
timeout 900 dotnet build Portal.Benchmarks -c Release -m:1 --nologo -v quiet -clp:ErrorsOnly >&2
bench_bin="$repo/Portal.Benchmarks/bin/Release/net10.0"
bin="$repo/Portal/bin/Release/net10.0"

# A free loopback port: a random one that nothing listens on.
port=""
for _ in $(seq 50); do
  candidate=$((20000 + RANDOM % 40000))
  if ! ss -ltnH "sport = :$candidate" | grep -q .; then port=$candidate; break; fi
done
[ -n "$port" ] || die "no free port found"
base="http://127.0.0.1:$port"

data="$(mktemp -d -t portal-soak.XXXXXX)"
portal_pid=""
cleanup() {
  local status=$?
  set +e # best effort from here: every step must run
  if [ -n "$portal_pid" ] && kill -0 "$portal_pid" 2>/dev/null; then
    kill -TERM "$portal_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$portal_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$portal_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$data/portal.log" ]; then
    echo "--- last lines of the Portal log" >&2; tail -n 40 "$data/portal.log" >&2
  fi
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

admin_email="admin@soak.test"
admin_password="soak-admin-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
admin_token="pat_soak_$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
owner_email="owner@soak.test"
owner_password="soak-owner-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"


say "starting Portal on $base (data in $data, SQLite)"
env -u ASPNETCORE_URLS \
  ASPNETCORE_ENVIRONMENT=Production \
  Logging__LogLevel__Default=Warning \
  Portal__DataDirectory="$data" \
  Portal__MasterKey="$(head -c 32 /dev/urandom | base64)" \
  Portal__RequireMasterKey=true \
  Portal__HttpsRedirection=false \
  Portal__Bootstrap__AdminEmail="$admin_email" \
  Portal__Bootstrap__AdminPassword="$admin_password" \
  Portal__Bootstrap__AdminApiToken="$admin_token" \
  dotnet "$bin/Portal.dll" --urls "$base" --contentRoot "$bin" >"$data/portal.log" 2>&1 &
portal_pid=$!

for i in $(seq 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/readyz" || true)" = 200 ] && break
  kill -0 "$portal_pid" 2>/dev/null || die "Portal exited during start"
  [ "$i" -eq 120 ] && die "Portal not ready after 60 s"
  sleep 0.5
done

ready_rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$portal_pid/status")

# POST/PUT JSON to the management API; fails unless the status is 2xx; prints the body.
api() {
  local method=$1 path=$2 auth=$3 body=$4 out status
  out="$data/response.json"
  status=$(curl -s -o "$out" -w '%{http_code}' --max-time 20 -X "$method" "$base$path" \
    ${auth:+-H "Authorization: Bearer $auth"} -H 'Content-Type: application/json' -d "$body")
  [[ "$status" == 2* ]] || die "$method $path answered $status: $(cat "$out")"
  cat "$out"
}

say "provisioning through the management API"
org=$(api POST /api/v1/orgs "$admin_token" '{"name":"Soak","slug":"soak"}' | jq -r .id)
invitation=$(api POST "/api/v1/orgs/$org/invitations" "$admin_token" "{\"email\":\"$owner_email\",\"role\":\"Owner\"}" | jq -r .token)
api POST /api/v1/invitations/accept "" "{\"token\":\"$invitation\",\"password\":\"$owner_password\"}" >/dev/null
owner=$(api POST /api/v1/auth/token "" "{\"email\":\"$owner_email\",\"password\":\"$owner_password\"}" | jq -r .token)
project=$(api POST "/api/v1/orgs/$org/projects" "$owner" '{"name":"Bench","appId":"970CA35de60c44645bbae8a215061b33"}' | jq -r .id)
api POST "/api/v1/orgs/$org/projects/$project/certificates" "$owner" '{"activation":"now"}' >/dev/null
keys=()
for n in $(seq "$key_count"); do
  keys+=("$(api POST "/api/v1/orgs/$org/projects/$project/api-keys" "$owner" \
    "{\"name\":\"fuzz $n\",\"kind\":\"secret\",\"scopes\":[\"rtc\",\"rtm\",\"chat\",\"verify\"],\"rateLimitPerMinute\":100000}" | jq -r .key)")
done
key_list=$(IFS=,; echo "${keys[*]}")

# Log lines at error level are counted after the pass: an exception Portal turned into a 4xx still deserves a look.
fuzz=(dotnet "$bench_bin/Portal.Benchmarks.dll" fuzz --base "$base" --org "$org" --project "$project" --owner "$owner"
  --keys "$key_list" --pid "$portal_pid" --requests "$requests" --concurrency "$concurrency" --seed "$seed"
  --timeout "$timeout_s" --max-seconds "$max_seconds")
if [ -n "${SOAK_REPLAY:-}" ]; then
  say "replaying request #$SOAK_REPLAY of seed $seed"
  "${fuzz[@]}" --report /dev/null --replay "$SOAK_REPLAY"
  exit $?
fi
say "fuzz pass: $requests requests, seed $seed, $concurrency concurrent"
status=0
"${fuzz[@]}" --report "$results" >/dev/null || status=$?
kill -0 "$portal_pid" 2>/dev/null || { echo "Portal died during the fuzz pass" >&2; status=1; }
log_errors=$(grep -cE '^(fail|crit):' "$data/portal.log" || true)
{
  echo
  echo "Error lines (\`fail:\`/\`crit:\`) in Portal's log during the run: $log_errors."
  if [ "$log_errors" -gt 0 ]; then
    echo; echo '```'; grep -E -A3 '^(fail|crit):' "$data/portal.log" | head -n 40 | cut -c1-200; echo '```'
  fi
} >>"$results"
cat "$results"
say "seed $seed: $([ $status -eq 0 ] && echo PASS || echo FAIL)"
exit $status
