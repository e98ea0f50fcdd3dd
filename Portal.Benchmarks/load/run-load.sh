#!/usr/bin/env bash
# HTTP load benchmark of the token API, on loopback only and bounded in time (about 1.5 minutes after the build).
#
#   Portal.Benchmarks/load/run-load.sh
#
# Builds Portal in Release, starts it on 127.0.0.1 (free port) with a fresh temp data directory, provisions an
# organization, owner, project, Active certificate and secret API keys through the management API, then runs wrk
# with the same settings against, back to back:
#   ping    GET  /api/v1/ping                                  fixed small JSON: the HTTP ceiling of this server
#   rtc     POST /api/v1/tokens/rtc {"channel":"bench","uid":42}  (Authorization: Bearer <secret key>)
#   compat  GET  /compat/{projectId}/access_token?channel=bench&uid=42&expiredTs=3600  (X-Api-Key: <secret key>)
# and writes the table to Portal.Benchmarks/load/RESULTS.md. Portal is stopped and the temp directory removed on exit.
#
# Settings (environment): LOAD_SECONDS (15 per route, measured), LOAD_ROUNDS (3: the measured seconds are split into
# rounds of ping, rtc, compat), LOAD_WARMUP (5 s per route and round), LOAD_WARMUP_ROUNDS (2), LOAD_CONNECTIONS (64),
# LOAD_THREADS (2), LOAD_KEYS (16), LOAD_PROVIDER (Sqlite, or Postgres: a private PostgreSQL 15 started by
# .ci/postgres.sh on loopback, results in RESULTS-postgres.md).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
seconds="${LOAD_SECONDS:-15}"
rounds="${LOAD_ROUNDS:-3}"
round_seconds=$((seconds / rounds))
warmup="${LOAD_WARMUP:-5}"
warmup_rounds="${LOAD_WARMUP_ROUNDS:-2}"
connections="${LOAD_CONNECTIONS:-64}"
threads="${LOAD_THREADS:-2}"
key_count="${LOAD_KEYS:-16}"
provider="${LOAD_PROVIDER:-Sqlite}"
case $provider in
  Sqlite) results="$here/RESULTS.md" ;;
  Postgres) results="$here/RESULTS-postgres.md" ;;
  *) echo "run-load: LOAD_PROVIDER must be Sqlite or Postgres" >&2; exit 2 ;;
esac

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'run-load: %s\n' "$*" >&2; exit 1; }

if ! command -v wrk >/dev/null; then
  say "installing wrk (apt)"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y wrk >/dev/null; }
fi
command -v curl >/dev/null && command -v jq >/dev/null || die "needs curl and jq"

say "building Portal (Release)"
cd "$repo"
timeout 900 dotnet build Portal -c Release --nologo -v quiet -clp:ErrorsOnly >&2
bin="$repo/Portal/bin/Release/net10.0"

. "$here/../harness.sh"
port=$(free_port) || die "no free port found"
base="http://127.0.0.1:$port"

data="$(mktemp -d -t portal-load.XXXXXX)"
portal_pid=""
wrk_pid=""
cleanup() {
  local status=$?
  set +e # best effort from here: every step must run
  [ -n "$wrk_pid" ] && kill "$wrk_pid" 2>/dev/null || true
  if [ -n "$portal_pid" ] && kill -0 "$portal_pid" 2>/dev/null; then
    kill -TERM "$portal_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$portal_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$portal_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$data/portal.log" ]; then
    echo "--- last lines of the Portal log" >&2; tail -n 40 "$data/portal.log" >&2
  fi
  rm -rf "$data"
  [ -n "${PORTAL_TEST_PG_DIR:-}" ] && "$repo/.ci/postgres.sh" stop "$PORTAL_TEST_PG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

admin_email="admin@bench.test"
admin_password="bench-admin-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
admin_token="pat_bench_$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
owner_email="owner@bench.test"
owner_password="bench-owner-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"

database=()
if [ "$provider" = Postgres ]; then
  say "starting PostgreSQL"
  eval "$("$repo/.ci/postgres.sh" start)"
  database=(Portal__Database__Provider=Postgres "ConnectionStrings__Portal=$PORTAL_TEST_PG;Database=portal_load")
fi

say "starting Portal on $base (data in $data, $provider)"
env -u ASPNETCORE_URLS "${database[@]}" \
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
org=$(api POST /api/v1/orgs "$admin_token" '{"name":"Load bench","slug":"load-bench"}' | jq -r .id)
invitation=$(api POST "/api/v1/orgs/$org/invitations" "$admin_token" "{\"email\":\"$owner_email\",\"role\":\"Owner\"}" | jq -r .token)
api POST /api/v1/invitations/accept "" "{\"token\":\"$invitation\",\"password\":\"$owner_password\"}" >/dev/null
owner=$(api POST /api/v1/auth/token "" "{\"email\":\"$owner_email\",\"password\":\"$owner_password\"}" | jq -r .token)
project=$(api POST "/api/v1/orgs/$org/projects" "$owner" '{"name":"Bench","appId":"970CA35de60c44645bbae8a215061b33"}' | jq -r .id)
api POST "/api/v1/orgs/$org/projects/$project/certificates" "$owner" '{"activation":"now"}' >/dev/null
keys=()
for n in $(seq "$key_count"); do
  keys+=("$(api POST "/api/v1/orgs/$org/projects/$project/api-keys" "$owner" \
    "{\"name\":\"bench $n\",\"kind\":\"secret\",\"scopes\":[\"rtc\"],\"rateLimitPerMinute\":100000}" | jq -r .key)")
done
key_list=$(IFS=,; echo "${keys[*]}")

rtc_path="/api/v1/tokens/rtc"
rtc_body='{"channel":"bench","uid":42}'
compat_path="/compat/$project/access_token?channel=bench&uid=42&expiredTs=3600"

# One request of each by hand first: the load below only counts statuses, so check the answers themselves here.
check() {
  local name=$1 expect=$2; shift 2
  local body
  body=$(curl -s --max-time 10 --fail-with-body "$@") || die "$name check failed: $body"
  jq -e "$expect" <<<"$body" >/dev/null || die "$name check: unexpected answer $body"
}
check ping '.status == "ok"' "$base/api/v1/ping"
check rtc '(.token | startswith("007")) and .channel == "bench" and .uid == 42' \
  -H "Authorization: Bearer ${keys[0]}" -H 'Content-Type: application/json' -d "$rtc_body" "$base$rtc_path"
check compat '.token | startswith("007")' -H "X-Api-Key: ${keys[0]}" "$base$compat_path"

# Portal's CPU time so far (user + system, in clock ticks): divided by the requests of a run it gives the server's
# cost per request, a figure that moves less than requests/s when other work shares the cores.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$portal_pid/stat"; }
ticks_per_second=$(getconf CLK_TCK)

# wrk against one route: route NAME SECONDS [extra wrk options]. Output on stdout.
route() {
  local name=$1 duration=$2; shift 2
  case $name in
    ping) BENCH_METHOD=GET BENCH_PATH=/api/v1/ping BENCH_BODY="" BENCH_KEY_HEADER="" BENCH_KEYS="" ;;
    rtc) BENCH_METHOD=POST BENCH_PATH=$rtc_path BENCH_BODY=$rtc_body BENCH_KEY_HEADER=Authorization BENCH_KEYS=$key_list ;;
    compat) BENCH_METHOD=GET BENCH_PATH=$compat_path BENCH_BODY="" BENCH_KEY_HEADER=X-Api-Key BENCH_KEYS=$key_list ;;
  esac
  export BENCH_METHOD BENCH_PATH BENCH_BODY BENCH_KEY_HEADER BENCH_KEYS
  wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 5s "$@" -s "$here/bench.lua" "$base$BENCH_PATH"
}

# Warm-up: every route in turn, for a few rounds, so that the JIT's tiered compilation has optimized the whole path
# before anything is measured (on a busy 2-core machine that takes tens of seconds; profiles showed the JIT still
# busy on a route measured after only its own 5 s warm-up).
for round in $(seq "$warmup_rounds"); do
  for name in ping rtc compat; do
    say "warm-up $round/$warmup_rounds: $name ${warmup}s"
    route "$name" "$warmup" >/dev/null
  done
done

# Measured: rounds of ping, rtc, compat back to back, so that a change in what else runs on the machine hits every
# route alike instead of one. Each run appends "name requests seconds p50 p99 non2xx errors cpu_ticks" to rows.
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.3f", v }'; }
measure() {
  local name=$1 out="$data/wrk.txt" before after requests elapsed p50 p99 non2xx errors
  before=$(cpu_ticks)
  route "$name" "$round_seconds" --latency >"$out"
  after=$(cpu_ticks)
  requests=$(awk '/requests in/ { print $1 }' "$out")
  elapsed=$(awk '/requests in/ { sub(/s,$/, "", $4); print $4 }' "$out")
  p50=$(awk '/^ +50%/ { print $2 }' "$out" | to_ms)
  p99=$(awk '/^ +99%/ { print $2 }' "$out" | to_ms)
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out"); non2xx=${non2xx:-0}
  errors=$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' "$out"); errors=${errors:-0}
  echo "$name $requests $elapsed $p50 $p99 $non2xx $errors $((after - before))" >>"$data/rows"
  say "round $round/$rounds $name: $(awk -v n="$requests" -v s="$elapsed" 'BEGIN { printf "%.0f", n / s }') requests/s, p50 $p50 ms, p99 $p99 ms, non-2xx $non2xx, errors $errors"
}
: >"$data/rows"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$rounds"); do
  for name in ping rtc compat; do measure "$name"; done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$portal_pid/status")
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$portal_pid/status")
log_errors=$(grep -cE '^(fail|crit):' "$data/portal.log" || true)

# Per route: requests/s over all its rounds, the median of the rounds' p50, the worst round's p99, sums of
# non-2xx and socket errors, CPU per request; and the range of the per-round token/ping ratios.
summary=$(awk -v hz="$ticks_per_second" '
  { n[$1] += $2; t[$1] += $3; p50[$1, ++k[$1]] = $4; if ($5 > p99[$1]) p99[$1] = $5; bad[$1] += $6; err[$1] += $7; cpu[$1] += $8
    rps[$1, k[$1]] = $2 / $3 }
  END {
    for (r in n) {
      m = k[r]; for (i = 1; i <= m; i++) v[i] = p50[r, i]
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
      med = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
      lo = 1e9; hi = 0
      for (i = 1; i <= m; i++) { q = rps[r, i] / rps["ping", i]; if (q < lo) lo = q; if (q > hi) hi = q }
      printf "%s %.0f %.2f %.2f %d %d %.0f %.0f %.0f\n", r, n[r] / t[r], med, p99[r], bad[r], err[r], cpu[r] * 1e6 / hz / n[r], 100 * lo, 100 * hi
    }
  }' "$data/rows")
ping_rps=$(awk '$1 == "ping" { print $2 }' <<<"$summary")
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
  echo "# Token API load benchmark"
  echo
  echo "\`Portal.Benchmarks/load/run-load.sh\` on $(date -u '+%Y-%m-%d %H:%M') UTC, commit \`$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- Portal Portal.Tokens Portal.Data || echo '+changes')\`."
  echo "Portal in Release (\`ASPNETCORE_ENVIRONMENT=Production\`, logging at Warning, $([ "$provider" = Postgres ] && echo "PostgreSQL 15 on loopback, Hangfire on it too" || echo "SQLite in a temp directory")) and"
  echo "wrk $(wrk -v 2>&1 | awk 'NR==1 { print $2 }') ($threads threads, $connections connections, keep-alive) on 127.0.0.1. Warm-up: $warmup_rounds rounds of ${warmup} s"
  echo "on every route; then $rounds rounds of ping, rtc, compat back to back, $round_seconds s each ($((rounds * round_seconds)) s per route)."
  echo "Machine: $(nproc) cores ($cpu), 1-minute load average $load_before before and $load_after after the"
  echo "measured runs. **wrk runs on the same 2 cores as Portal** (and so does anything else running), so the"
  echo "figures are the server's share of a shared machine; the ratio to ping is what carries over."
  echo
  echo "| route | requests/s | vs ping (rounds) | p50 | p99 | non-2xx | socket errors | Portal CPU per request |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for name in ping rtc compat; do
    read -r _ rps p50 p99 non2xx errors cpu_us lo hi < <(awk -v r="$name" '$1 == r' <<<"$summary")
    case $name in
      ping) label="\`GET /api/v1/ping\` (fixed JSON: the ceiling)"; ratio="100%" ;;
      rtc) label="\`POST /api/v1/tokens/rtc\`" ;;&
      compat) label="\`GET /compat/{projectId}/access_token\`" ;;&
      rtc|compat) ratio="$(awk -v a="$rps" -v b="$ping_rps" 'BEGIN { printf "%.0f%%", 100 * a / b }') ($lo–$hi%)" ;;
    esac
    printf '| %s | %s | %s | %s ms | %s ms | %s | %s | %s µs |\n' "$label" "$rps" "$ratio" "$p50" "$p99" "$non2xx" "$errors" "$cpu_us"
  done
  echo
  echo "Peak RSS of the Portal process (VmHWM, whole run including start and provisioning): **$((hwm_kb / 1024)) MB**"
  echo "(when ready: $((ready_rss_kb / 1024)) MB, at the end: $((rss_kb / 1024)) MB). Error lines in Portal's log: $log_errors."
  echo
  echo "requests/s is over all rounds of a route; *vs ping* is that against ping's, with the range of the"
  echo "per-round ratios in brackets; p50 is the median of the rounds' p50s and p99 the worst round's p99. *Portal CPU"
  echo "per request* is the server process's user + system CPU time during a route's runs divided by its requests:"
  echo "it moves less than requests/s with other load, but is still inflated when the cores are oversubscribed."
  echo "Token requests are spread over $key_count secret keys of one project because the API caps a key at 100,000"
  echo "requests per minute; the first answer of each route is checked (a 007 token for channel \`bench\`, uid 42)"
  echo "before the load, which counts statuses only."
} >"$results"
echo >&2
cat "$results"
