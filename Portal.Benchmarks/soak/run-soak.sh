#!/usr/bin/env bash
# Soak, fault and hostile-input harness (issue 10), on loopback only and bounded in time (about 12 minutes with the
# defaults). One command:
#
#   Portal.Benchmarks/soak/run-soak.sh                                  # everything, writes soak/REPORT.md
#   SOAK_SECONDS=60 SOAK_REQUESTS=5000 Portal.Benchmarks/soak/run-soak.sh   # a quick run
#   SOAK_SEED=7 SOAK_REPLAY=1234 Portal.Benchmarks/soak/run-soak.sh     # re-send fuzz request #1234 of seed 7 and print it
#
# Builds Portal.Benchmarks (and with it Portal) in Release and starts Portal on 127.0.0.1 (free port) on SQLite in a
# fresh data directory, on a small tmpfs when the machine allows mounting one (for the disk-full phase), with the
# rotation and usage rollup jobs every minute. Then, in order:
#  1. `Portal.Benchmarks soak` (soak/SoakRun.cs): SOAK_SECONDS of token load at SOAK_RATE from 3 projects x 2 keys
#     while an admin client creates projects, rotates certificates, revokes and replaces keys and edits policies; then
#     the fault phases: kill -9 and restart, the SQLite write lock held for 10 s, the data directory's disk full for 10 s.
#  2. `Portal.Benchmarks fuzz` (soak/HostileInputFuzz.cs): SOAK_REQUESTS random and mutated requests against the
#     token API, the drop-in routes and the management API. Fails on any 5xx, hang, or 4xx without a problem `code`.
#  3. Login brute force: one account (lockout) and many accounts from one address (per-address throttling).
#  4. Portal stopped gracefully; `Portal audit verify` walks the whole audit chain.
# Writes Portal.Benchmarks/soak/REPORT.md (not in replay mode). Exit 1 when any check fails.
#
# Fuzz requests with a mangled or missing key are sent from 127.0.0.2 (they trip the per-address invalid-key block);
# the brute-force steps use 127.0.0.3-5.
# Settings (environment): SOAK_SECONDS (300), SOAK_RATE (1500 token requests/s), SOAK_CONCURRENCY (32),
# SOAK_PHASES (soak,crash,lock,disk), SOAK_REQUESTS (100000), SOAK_SEED (random, printed), SOAK_TIMEOUT (10 s per
# fuzz request), SOAK_MAX_SECONDS (900: the fuzz pass stops there and reports), SOAK_KEYS (4 fuzz keys), SOAK_REPLAY.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
requests="${SOAK_REQUESTS:-100000}"
concurrency="${SOAK_CONCURRENCY:-32}"
seed="${SOAK_SEED:-$((RANDOM * 32768 + RANDOM))}"
timeout_s="${SOAK_TIMEOUT:-10}"
max_seconds="${SOAK_MAX_SECONDS:-900}"
key_count="${SOAK_KEYS:-4}"
soak_seconds="${SOAK_SECONDS:-300}"
soak_rate="${SOAK_RATE:-1500}"
phases="${SOAK_PHASES:-soak,crash,lock,disk}"
results="$here/REPORT.md"

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'run-soak: %s\n' "$*" >&2; exit 1; }

command -v curl >/dev/null && command -v jq >/dev/null || die "needs curl and jq"

say "building Portal (Release)"
cd "$repo"
timeout 900 dotnet build Portal.Benchmarks -c Release -m:1 --nologo -v quiet -clp:ErrorsOnly >&2
bench_bin="$repo/Portal.Benchmarks/bin/Release/net10.0"
bin="$repo/Portal/bin/Release/net10.0"

. "$here/../harness.sh"
port=$(free_port) || die "no free port found"
base="http://127.0.0.1:$port"

work="$(mktemp -d -t portal-soak.XXXXXX)"
data="$work/data"
mkdir -p "$data"
portal_pid=""
mounted=""
stop_portal() {
  local pid
  pid=$(cat "$work/pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$?
  set +e # best effort from here: every step must run
  stop_portal
  if [ "$status" -ne 0 ] && [ -f "$work/portal.log" ]; then
    echo "--- last lines of the Portal log" >&2; tail -n 40 "$work/portal.log" >&2
  fi
  [ -n "$mounted" ] && umount "$data"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The data directory on a small file system of its own, so the disk-full phase fills it and nothing else.
disk_note="the data directory is on a 256 MiB tmpfs of its own"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=256m,mode=0700 portal-soak "$data" 2>/dev/null; then
  mounted=yes
else
  disk_note="disk-full phase not run: mounting a small file system needs root"
  phases=$(echo "$phases" | tr ',' '\n' | grep -v '^disk$' | paste -sd, -)
fi

admin_email="admin@soak.test"
admin_password="soak-admin-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
admin_token="pat_soak_$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
owner_email="owner@soak.test"
owner_password="soak-owner-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
master_key="$(head -c 32 /dev/urandom | base64)"

# Portal's settings for this run, in one file: the start script and the audit check use the same ones.
cat >"$work/portal.env" <<ENV
ASPNETCORE_ENVIRONMENT=Production
Logging__LogLevel__Default=Warning
Portal__DataDirectory='$data'
Portal__MasterKey='$master_key'
Portal__RequireMasterKey=true
Portal__HttpsRedirection=false
Portal__Jobs__RotationCron='* * * * *'
Portal__Jobs__UsageRollupCron='* * * * *'
Portal__Bootstrap__AdminEmail='$admin_email'
Portal__Bootstrap__AdminPassword='$admin_password'
Portal__Bootstrap__AdminApiToken='$admin_token'
ENV
# Starts Portal in the background, waits until it is ready and prints its PID (also used by the crash phase).
cat >"$work/start.sh" <<START
#!/usr/bin/env bash
set -euo pipefail
set -a; . "$work/portal.env"; set +a
unset ASPNETCORE_URLS
dotnet "$bin/Portal.dll" --urls "$base" --contentRoot "$bin" >>"$work/portal.log" 2>&1 &
pid=\$!
echo \$pid >"$work/pid"
for i in \$(seq 240); do
  [ "\$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/readyz" || true)" = 200 ] && { echo \$pid; exit 0; }
  kill -0 \$pid 2>/dev/null || { echo "Portal exited during start" >&2; exit 1; }
  sleep 0.25
done
echo "Portal not ready after 60 s" >&2; exit 1
START

say "starting Portal on $base (data in $data, SQLite; $disk_note)"
portal_pid=$(bash "$work/start.sh") || die "Portal did not start"

# POST/PUT JSON to the management API; fails unless the status is 2xx; prints the body.
api() {
  local method=$1 path=$2 auth=$3 body=$4 out status
  out="$work/response.json"
  status=$(curl -s -o "$out" -w '%{http_code}' --max-time 20 -X "$method" "$base$path" \
    ${auth:+-H "Authorization: Bearer $auth"} -H 'Content-Type: application/json' -d "$body")
  [[ "$status" == 2* ]] || die "$method $path answered $status: $(cat "$out")"
  cat "$out"
}

say "provisioning through the management API"
org=$(api POST /api/v1/orgs "$admin_token" '{"name":"Soak","slug":"soak"}' | jq -r .id)
invite() { # email role password
  local invitation
  invitation=$(api POST "/api/v1/orgs/$org/invitations" "$admin_token" "{\"email\":\"$1\",\"role\":\"$2\"}" | jq -r .token)
  api POST /api/v1/invitations/accept "" "{\"token\":\"$invitation\",\"password\":\"$3\"}" >/dev/null
}
invite "$owner_email" Owner "$owner_password"
owner=$(api POST /api/v1/auth/token "" "{\"email\":\"$owner_email\",\"password\":\"$owner_password\"}" | jq -r .token)
project=$(api POST "/api/v1/orgs/$org/projects" "$owner" '{"name":"Fuzz","appId":"970CA35de60c44645bbae8a215061b33"}' | jq -r .id)
api POST "/api/v1/orgs/$org/projects/$project/certificates" "$owner" '{"activation":"now"}' >/dev/null
keys=()
for n in $(seq "$key_count"); do
  keys+=("$(api POST "/api/v1/orgs/$org/projects/$project/api-keys" "$owner" \
    "{\"name\":\"fuzz $n\",\"kind\":\"secret\",\"scopes\":[\"rtc\",\"rtm\",\"chat\",\"verify\"],\"rateLimitPerMinute\":100000}" | jq -r .key)")
done
key_list=$(IFS=,; echo "${keys[*]}")

# The fuzz pass against whichever Portal runs now (the crash phase starts a new one).
fuzz() {
  dotnet "$bench_bin/Portal.Benchmarks.dll" fuzz --base "$base" --org "$org" --project "$project" --owner "$owner" \
    --keys "$key_list" --pid "$(cat "$work/pid")" --requests "$requests" --concurrency "$concurrency" --seed "$seed" \
    --timeout "$timeout_s" --max-seconds "$max_seconds" "$@"
}
if [ -n "${SOAK_REPLAY:-}" ]; then
  say "replaying request #$SOAK_REPLAY of seed $seed"
  fuzz --report /dev/null --replay "$SOAK_REPLAY"
  exit $?
fi

status=0
started_at=$(date -u '+%Y-%m-%d %H:%M')
say "soak and fault phases ($phases): $soak_seconds s at $soak_rate tokens/s, then 40 s per fault"
portal_pid=$(dotnet "$bench_bin/Portal.Benchmarks.dll" soak --base "$base" --org "$org" --owner "$owner" --pid "$portal_pid" \
  --data "$data" --restart "bash $work/start.sh" --seconds "$soak_seconds" --rate "$soak_rate" --concurrency "$concurrency" \
  --phases "$phases" --report "$work/soak.md" | tail -n 1) || status=1
[ -f "$work/soak.md" ] || { echo "the soak driver wrote no report" >&2; exit 1; }
portal_pid=$(cat "$work/pid")

say "fuzz pass: $requests requests, seed $seed, $concurrency concurrent"
fuzz --report "$work/fuzz.md" >/dev/null || status=1
kill -0 "$portal_pid" 2>/dev/null || { echo "Portal died during the fuzz pass" >&2; status=1; }

say "login brute force"
. "$here/brute-force.sh"
brute_force >"$work/brute.md" || status=1

say "stopping Portal and verifying the audit chain"
stop_portal
chain=$(set -a; . "$work/portal.env"; set +a; dotnet "$bin/Portal.dll" audit verify 2>&1) && chain_status=0 || chain_status=$?
[ "$chain_status" -eq 0 ] || status=1
log_errors=$(grep -cE '^(fail|crit):' "$work/portal.log" || true)

{
  echo "# Soak, faults and hostile input (issue 10)"
  echo
  echo "\`Portal.Benchmarks/soak/run-soak.sh\` on $started_at UTC: Portal in Release on SQLite, loopback only, 2 cores shared by"
  echo "Portal and the load generators; $disk_note. Verdict: **$([ $status -eq 0 ] && echo PASS || echo FAIL)**."
  echo
  sed 's/^## /## 1. /' "$work/soak.md"
  echo
  echo "## 2. Audit chain after everything"
  echo
  echo "\`Portal audit verify\` on the data directory after the graceful stop (exit $chain_status):"
  echo; echo '```'; echo "$chain" | tail -n 5; echo '```'
  echo
  sed 's/^# Hostile-input fuzz pass (issue 10)/## 3. Hostile-input fuzz pass/' "$work/fuzz.md"
  echo
  cat "$work/brute.md"
  echo
  echo "## Portal's log"
  echo
  echo "Error lines (\`fail:\`/\`crit:\`) over the whole run: $log_errors (the faults are expected to log: a killed"
  echo "process, a locked or full database)."
  if [ "$log_errors" -gt 0 ]; then
    echo; echo '```'; grep -E -A1 '^(fail|crit):' "$work/portal.log" | grep -vE '^--$' | cut -c1-160 | sort | uniq -c | sort -rn | head -n 20; echo '```'
  fi
} >"$results"
cat "$results"
say "$([ $status -eq 0 ] && echo PASS || echo FAIL)"
exit $status
