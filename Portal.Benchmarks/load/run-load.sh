#!/usr/bin/env bash
# HTTP load benchmark of the token API against the honest ceiling, on loopback only and bounded in time.
#
#   Portal.Benchmarks/load/run-load.sh [steady|cold|gc|all]      (default: steady)
#
# Publishes Portal and the bare-Kestrel ceiling app (Portal.Benchmarks/Ceiling: one MapPost/MapGet answering a fixed
# small JSON) in Release with the same flags as the Dockerfile (Portal/Publish.props), starts each on 127.0.0.1 (free
# ports) with a fresh temp data directory, provisions an organization, owner, project, Active certificate and secret
# API keys through the management API, and runs wrk with the same settings and the same Lua script against:
#   ceiling   POST /api/v1/tokens/rtc on the ceiling app (same headers and body as rtc; it ignores both)
#   rtc       POST /api/v1/tokens/rtc {"channel":"bench","uid":42}  (Authorization: Bearer <secret key>)
#   exchange  POST /api/v1/projects/{id}/tokens/exchange {"service":"rtc","channel":"bench"} (Authorization: Bearer <an
#             RS256 ID token of a static issuer on loopback>; JWKS cached after the first request; LOAD_ID_TOKENS subjects)
#   compat    GET  /compat/{projectId}/access_token?channel=bench&uid=42&expiredTs=3600  (X-Api-Key: <secret key>)
#
# Modes:
#   steady  warm-up (LOAD_WARMUP_SECONDS, 20 s over all three), then LOAD_ROUNDS rounds of ceiling, rtc, compat back
#           to back, LOAD_ROUND_SECONDS each. Writes RESULTS.md.
#   cold    Portal started afresh: from /readyz = 200 and the provisioning just after, LOAD_SLICES one-second slices of
#           rtc load; the ceiling app started afresh the same way. Writes RESULTS-cold.md.
#   gc      steady (shorter) once per GC setting (LOAD_GC_MODES), Portal restarted for each. Writes RESULTS-gc.md.
#   trace   Portal started afresh and profiled with dotnet-trace (sampled thread time, ~100 Hz, plus the runtime's JIT and
#           GC events): the first LOAD_TRACE_SECONDS (10) of rtc load from /readyz, then as long again after the warm-up.
#           Writes RESULTS-trace.md (where the busy threads' time went, cold and warm: hot-frames.py) and keeps the
#           traces (.nettrace, .speedscope.json for https://speedscope.app) in load/traces/.
#   all     steady, cold, gc.
#
# Settings (environment): LOAD_CONNECTIONS (64), LOAD_THREADS (2), LOAD_KEYS (16), LOAD_ROUNDS (3),
# LOAD_ROUND_SECONDS (5), LOAD_WARMUP_SECONDS (20), LOAD_SLICES (20), LOAD_PROVIDER (Sqlite, or Postgres: a private
# PostgreSQL 15 started by .ci/postgres.sh, results in RESULTS-postgres.md), LOAD_GC_MODES
# ("workstation server conserve hardlimit"; also gen0-16m, gen0-8m, and tiered, pgo-off, tiering-off for the JIT's settings), PORTAL_ENV (extra VAR=value pairs for Portal, e.g. DOTNET_TieredPGO=0),
# LOAD_PUBLISH_ARGS (extra `dotnet publish` arguments, e.g. -p:PublishReadyToRun=true, to compare builds),
# LOAD_PUBLISH_DIR (keep the published apps there and reuse them when present: for runs that vary only PORTAL_ENV),
# LOAD_KEEP_LOG (a file: Portal's log of the last run is copied there before the temp directory goes; by default only
# its `fail:`/`crit:` lines are printed, and listed in RESULTS.md, since the log itself is deleted with the run).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
mode="${1:-steady}"
connections="${LOAD_CONNECTIONS:-64}"
threads="${LOAD_THREADS:-2}"
key_count="${LOAD_KEYS:-16}"
id_token_count="${LOAD_ID_TOKENS:-200}"
rounds="${LOAD_ROUNDS:-3}"
round_seconds="${LOAD_ROUND_SECONDS:-5}"
warmup_seconds="${LOAD_WARMUP_SECONDS:-20}"
slices="${LOAD_SLICES:-20}"
provider="${LOAD_PROVIDER:-Sqlite}"
gc_modes="${LOAD_GC_MODES:-workstation server conserve hardlimit}"
read -r -a extra_env <<<"${PORTAL_ENV:-}"
read -r -a publish_args <<<"${LOAD_PUBLISH_ARGS:-}"
trace_seconds="${LOAD_TRACE_SECONDS:-10}"
case $mode in steady|cold|gc|trace|all) ;; *) echo "run-load: mode must be steady, cold, gc, trace or all" >&2; exit 2 ;; esac
case $provider in Sqlite|Postgres) ;; *) echo "run-load: LOAD_PROVIDER must be Sqlite or Postgres" >&2; exit 2 ;; esac
suffix=$([ "$provider" = Postgres ] && echo "-postgres" || echo "")

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'run-load: %s\n' "$*" >&2; exit 1; }

if ! command -v wrk >/dev/null; then
  say "installing wrk (apt)"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y wrk >/dev/null; }
fi
command -v curl >/dev/null && command -v jq >/dev/null || die "needs curl and jq"

. "$here/../harness.sh"
# dotnet-counters (cold) and dotnet-trace (trace) come from the repository's tool manifest.
(cd "$repo" && dotnet tool restore >/dev/null) || die "dotnet tool restore failed"
work="$(mktemp -d -t portal-load.XXXXXX)"
portal_pid=""
ceiling_pid=""
issuer_pid=""
cleanup() {
  local status=$?
  set +e # best effort from here: every step must run
  stop_portal
  stop_ceiling
  stop_process "$issuer_pid"
  if [ "$status" -ne 0 ] && [ -f "$work/portal.log" ]; then
    echo "--- last lines of the Portal log" >&2; tail -n 40 "$work/portal.log" >&2
  fi
  if [ -n "${LOAD_KEEP_LOG:-}" ] && [ -f "$work/portal.log" ]; then
    cp "$work/portal.log" "$LOAD_KEEP_LOG" && echo "run-load: Portal's log kept in $LOAD_KEEP_LOG" >&2
  fi
  rm -rf "$work"
  [ -n "${PORTAL_TEST_PG_DIR:-}" ] && "$repo/.ci/postgres.sh" stop "$PORTAL_TEST_PG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

stop_process() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
stop_portal() { stop_process "$portal_pid"; portal_pid=""; }
stop_ceiling() { stop_process "$ceiling_pid"; ceiling_pid=""; }

# Both apps published the way the Dockerfile publishes Portal: the flags live in Portal/Publish.props.
say "publishing Portal and the ceiling app (Release, linux-x64, framework-dependent)"
cd "$repo"
published="${LOAD_PUBLISH_DIR:-$work/publish}"
for project in Portal Portal.Benchmarks/Ceiling; do
  [ -n "${LOAD_PUBLISH_DIR:-}" ] && [ -d "$published/$(basename "$project")" ] && continue
  timeout 900 dotnet publish "$project" -c Release -r linux-x64 --self-contained false -o "$published/$(basename "$project")" \
    --nologo -v quiet -clp:ErrorsOnly "${publish_args[@]}" >&2
done
portal_bin="$published/Portal"
ceiling_bin="$published/Ceiling"

database=()
if [ "$provider" = Postgres ]; then
  say "starting PostgreSQL"
  eval "$("$repo/.ci/postgres.sh" start)"
fi

wait_ready() {
  local base=$1 pid=$2 what=$3
  for i in $(seq 600); do
    [ "$(curl -s -o "$work/readyz.json" -w '%{http_code}' --max-time 2 "$base/readyz" || true)" = 200 ] && return 0
    kill -0 "$pid" 2>/dev/null || die "$what exited during start"
    [ "$i" -eq 600 ] && die "$what not ready after 60 s: $(cat "$work/readyz.json" 2>/dev/null)"
    sleep 0.1
  done
}

# start_portal [VAR=value ...]: a fresh data directory and database each time (a cold start is a cold start).
start_portal() {
  port=$(free_port) || die "no free port found"
  base="http://127.0.0.1:$port"
  data="$work/data-$port"; mkdir -p "$data"
  admin_email="admin@bench.test"
  admin_password="bench-admin-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
  admin_token="pat_bench_$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
  database=()
  [ "$provider" = Postgres ] && database=(Portal__Database__Provider=Postgres "ConnectionStrings__Portal=$PORTAL_TEST_PG;Database=portal_load_$port")
  say "starting Portal on $base ($provider${*:+, $*})"
  local started; started=$(date +%s.%N)
  env -u ASPNETCORE_URLS "${database[@]}" "${extra_env[@]}" "$@" \
    ASPNETCORE_ENVIRONMENT=Production \
    Logging__LogLevel__Default=Warning \
    Portal__DataDirectory="$data" \
    Portal__MasterKey="$(head -c 32 /dev/urandom | base64)" \
    Portal__RequireMasterKey=true \
    Portal__HttpsRedirection=false \
    Portal__TokenExchange__AllowPrivateNetworks=true \
    Portal__Bootstrap__AdminEmail="$admin_email" \
    Portal__Bootstrap__AdminPassword="$admin_password" \
    Portal__Bootstrap__AdminApiToken="$admin_token" \
    dotnet "$portal_bin/Portal.dll" --urls "$base" --contentRoot "$portal_bin" >"$work/portal.log" 2>&1 &
  portal_pid=$!
  wait_ready "$base" "$portal_pid" Portal
  ready_seconds=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  ready_rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$portal_pid/status")
  provision
}

start_ceiling() {
  ceiling_port=$(free_port) || die "no free port found"
  ceiling_base="http://127.0.0.1:$ceiling_port"
  say "starting the ceiling app on $ceiling_base"
  env -u ASPNETCORE_URLS "${extra_env[@]}" ASPNETCORE_ENVIRONMENT=Production \
    dotnet "$ceiling_bin/Portal.Ceiling.dll" --urls "$ceiling_base" >"$work/ceiling.log" 2>&1 &
  ceiling_pid=$!
  wait_ready "$ceiling_base" "$ceiling_pid" "the ceiling app"
}

# POST/PUT JSON to the management API; fails unless the status is 2xx; prints the body.
api() {
  local method=$1 path=$2 auth=$3 body=$4 out status
  out="$work/response.json"
  status=$(curl -s -o "$out" -w '%{http_code}' --max-time 20 -X "$method" "$base$path" \
    ${auth:+-H "Authorization: Bearer $auth"} -H 'Content-Type: application/json' -d "$body")
  [[ "$status" == 2* ]] || die "$method $path answered $status: $(cat "$out")"
  cat "$out"
}

provision() {
  local org project n
  [ -n "$issuer_pid" ] || start_issuer
  org=$(api POST /api/v1/orgs "$admin_token" '{"name":"Load bench","slug":"load-bench","joinAsOwner":true}' | jq -r .id)
  project=$(api POST "/api/v1/orgs/$org/projects" "$admin_token" '{"name":"Bench","appId":"970CA35de60c44645bbae8a215061b33"}' | jq -r .id) \
    || die "the platform admin could not create a project (is the creator an Owner of the new organization?)"
  api POST "/api/v1/orgs/$org/projects/$project/certificates" "$admin_token" '{"activation":"now"}' >/dev/null
  keys=()
  for n in $(seq "$key_count"); do
    keys+=("$(api POST "/api/v1/orgs/$org/projects/$project/api-keys" "$admin_token" \
      "{\"name\":\"bench $n\",\"kind\":\"secret\",\"scopes\":[\"rtc\"],\"rateLimitPerMinute\":100000}" | jq -r .key)")
  done
  key_list=$(IFS=,; echo "${keys[*]}")
  compat_path="/compat/$project/access_token?channel=bench&uid=42&expiredTs=3600"
  # One answer of each route by hand: the load only counts statuses.
  check rtc '(.token | startswith("007")) and .channel == "bench" and .uid == 42' \
    -H "Authorization: Bearer ${keys[0]}" -H 'Content-Type: application/json' -d "$rtc_body" "$base$rtc_path"
  check compat '.token | startswith("007")' -H "X-Api-Key: ${keys[0]}" "$base$compat_path"
  # The token exchange: a provider for the static issuer, one ID token per subject (each subject is limited to
  # 10,000 exchanges a minute, so the load is spread over several, as for keys).
  api POST "/api/v1/orgs/$org/projects/$project/identity-providers" "$admin_token" "{\"name\":\"bench issuer\",\"issuer\":\"$issuer_base\",
    \"audiences\":[\"bench\"],\"keySource\":\"jwks_url\",\"jwksUrl\":\"$issuer_base/jwks.json\",\"algorithms\":[\"RS256\"],
    \"identityMapping\":\"uid_hash\",\"rateLimitPerSubjectPerMinute\":10000,
    \"rules\":[{\"services\":[\"rtc\"],\"role\":\"publisher\",\"channels\":[\"bench\"]}]}" >/dev/null
  exchange_path="/api/v1/projects/$project/tokens/exchange"
  check exchange '(.token | startswith("007")) and .channel == "bench" and .role == "publisher"' \
    -H "Authorization: Bearer ${id_tokens[0]}" -H 'Content-Type: application/json' -d "$exchange_body" "$base$exchange_path"
}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

# A static OIDC-style issuer on loopback: an RSA key, its JWKS served by python's http.server, and ID tokens signed
# with openssl for subjects bench-1..N, valid for a day.
start_issuer() {
  local port dir n now header payload
  port=$(free_port) || die "no free port found"
  issuer_base="http://127.0.0.1:$port"
  dir="$work/issuer"; mkdir -p "$dir"
  openssl genrsa -out "$work/issuer.pem" 2048 2>/dev/null
  local modulus; modulus=$(openssl rsa -in "$work/issuer.pem" -noout -modulus | cut -d= -f2 | xxd -r -p | b64url)
  printf '{"keys":[{"kty":"RSA","kid":"bench","use":"sig","alg":"RS256","n":"%s","e":"AQAB"}]}' "$modulus" >"$dir/jwks.json"
  (cd "$dir" && exec python3 -m http.server "$port" --bind 127.0.0.1 >"$work/issuer.log" 2>&1) &
  issuer_pid=$!
  for _ in $(seq 100); do curl -sf -o /dev/null "$issuer_base/jwks.json" && break; sleep 0.1; done
  now=$(date +%s)
  header=$(printf '{"alg":"RS256","kid":"bench","typ":"JWT"}' | b64url)
  id_tokens=()
  for n in $(seq "$id_token_count"); do
    payload=$(printf '{"iss":"%s","aud":"bench","sub":"bench-%d","iat":%d,"exp":%d}' "$issuer_base" "$n" "$now" $((now + 86400)) | b64url)
    id_tokens+=("$header.$payload.$(printf '%s' "$header.$payload" | openssl dgst -sha256 -sign "$work/issuer.pem" -binary | b64url)")
  done
  id_token_list=$(IFS=,; echo "${id_tokens[*]}")
}

rtc_path="/api/v1/tokens/rtc"
rtc_body='{"channel":"bench","uid":42}'
exchange_body='{"service":"rtc","channel":"bench"}'

check() {
  local name=$1 expect=$2; shift 2
  local body
  body=$(curl -s --max-time 10 --fail-with-body "$@") || die "$name check failed: $body"
  jq -e "$expect" <<<"$body" >/dev/null || die "$name check: unexpected answer $body"
}

# The console logger writes "fail: Category[EventId]" and the message on the next line: both, each distinct pair once
# with how often it came (at most 20), so a run's error lines can be read after the log is gone.
log_error_lines() {
  awk '/^(fail|crit):/ { head = $0; getline msg; sub(/^ +/, "", msg); n[head " " msg]++ }
       END { for (k in n) printf "%6d× %s\n", n[k], k }' "$work/portal.log" | sort -rn | head -n 20
}

# CPU time of a process so far (user + system, clock ticks).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)

# route NAME SECONDS [wrk options]: wrk against one target. Output on stdout.
route() {
  local name=$1 duration=$2 url; shift 2
  case $name in
    ceiling) url=$ceiling_base; BENCH_METHOD=POST BENCH_PATH=$rtc_path BENCH_BODY=$rtc_body BENCH_KEY_HEADER=Authorization BENCH_KEYS=${key_list:-none} ;;
    rtc) url=$base; BENCH_METHOD=POST BENCH_PATH=$rtc_path BENCH_BODY=$rtc_body BENCH_KEY_HEADER=Authorization BENCH_KEYS=${key_list:-none} ;;
    compat) url=$base; BENCH_METHOD=GET BENCH_PATH=$compat_path BENCH_BODY="" BENCH_KEY_HEADER=X-Api-Key BENCH_KEYS=${key_list:-none} ;;
    exchange) url=$base; BENCH_METHOD=POST BENCH_PATH=$exchange_path BENCH_BODY=$exchange_body BENCH_KEY_HEADER=Authorization BENCH_KEYS=${id_token_list:-none} ;;
  esac
  export BENCH_METHOD BENCH_PATH BENCH_BODY BENCH_KEY_HEADER BENCH_KEYS
  wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 5s "$@" -s "$here/bench.lua" "$url$BENCH_PATH"
}

to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.3f", v }'; }

# measure NAME SECONDS ROWS: one wrk run; appends "name requests seconds p50 p99 non2xx errors cpu_ticks" to ROWS.
measure() {
  local name=$1 duration=$2 rows=$3 out="$work/wrk.txt" pid before after requests elapsed p50 p99 non2xx errors
  pid=$([ "$name" = ceiling ] && echo "$ceiling_pid" || echo "$portal_pid")
  before=$(cpu_ticks "$pid")
  route "$name" "$duration" --latency >"$out"
  after=$(cpu_ticks "$pid")
  requests=$(awk '/requests in/ { print $1 }' "$out")
  elapsed=$(awk '/requests in/ { sub(/s,$/, "", $4); print $4 }' "$out")
  p50=$(awk '/^ +50%/ { print $2 }' "$out" | to_ms)
  p99=$(awk '/^ +99%/ { print $2 }' "$out" | to_ms)
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out"); non2xx=${non2xx:-0}
  errors=$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' "$out"); errors=${errors:-0}
  echo "$name $requests $elapsed $p50 $p99 $non2xx $errors $((after - before))" >>"$rows"
  say "$name: $(awk -v n="$requests" -v s="$elapsed" 'BEGIN { printf "%.0f", n / s }') requests/s, p50 $p50 ms, p99 $p99 ms, non-2xx $non2xx, errors $errors"
}

# steady ROWS ROUNDS: warm-up, then rounds of ceiling, rtc, compat back to back.
steady() {
  local rows=$1 n=$2 name round
  say "warm-up ${warmup_seconds}s over ceiling, rtc, compat, exchange"
  for name in ceiling rtc compat exchange; do route "$name" $(( (warmup_seconds + 3) / 4 )) >/dev/null; done
  : >"$rows"
  for round in $(seq "$n"); do
    for name in ceiling rtc compat exchange; do measure "$name" "$round_seconds" "$rows"; done
  done
}

# Per target of ROWS: requests/s over all rounds, median p50, worst p99, non-2xx, errors, CPU per request (µs), and the
# range of the per-round ratios to the ceiling.
summarize() {
  awk -v hz="$ticks_per_second" '
    { n[$1] += $2; t[$1] += $3; p50[$1, ++k[$1]] = $4; if ($5 > p99[$1]) p99[$1] = $5; bad[$1] += $6; err[$1] += $7; cpu[$1] += $8
      rps[$1, k[$1]] = $2 / $3 }
    END {
      for (r in n) {
        m = k[r]; for (i = 1; i <= m; i++) v[i] = p50[r, i]
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
        med = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
        lo = 1e9; hi = 0
        for (i = 1; i <= m; i++) { q = rps[r, i] / rps["ceiling", i]; if (q < lo) lo = q; if (q > hi) hi = q }
        printf "%s %.0f %.2f %.2f %d %d %.0f %.0f %.0f\n", r, n[r] / t[r], med, p99[r], bad[r], err[r], cpu[r] * 1e6 / hz / n[r], 100 * lo, 100 * hi
      }
    }' "$1"
}

table() {
  local summary=$1 ceiling_rps rtc_rps name rps p50 p99 non2xx errors cpu_us lo hi label ratio
  ceiling_rps=$(awk '$1 == "ceiling" { print $2 }' <<<"$summary")
  rtc_rps=$(awk '$1 == "rtc" { print $2 }' <<<"$summary")
  echo "| target | requests/s | vs ceiling (rounds) | p50 | p99 | non-2xx | socket errors | server CPU per request |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for name in ceiling rtc compat exchange; do
    awk -v r="$name" '$1 == r { found = 1 } END { exit !found }' <<<"$summary" || continue
    read -r _ rps p50 p99 non2xx errors cpu_us lo hi < <(awk -v r="$name" '$1 == r' <<<"$summary")
    case $name in
      ceiling) label="bare Kestrel, fixed JSON (the ceiling)"; ratio="100%" ;;
      rtc) label="\`POST /api/v1/tokens/rtc\`"; ratio="$(awk -v a="$rps" -v b="$ceiling_rps" 'BEGIN { printf "%.2f×", a / b }') ($lo–$hi%)" ;;
      compat) label="\`GET /compat/{projectId}/access_token\`"; ratio="$(awk -v a="$rps" -v b="$ceiling_rps" 'BEGIN { printf "%.2f×", a / b }') ($lo–$hi%)" ;;
      exchange) label="\`POST /api/v1/projects/{id}/tokens/exchange\` (JWKS cached; $(awk -v a="$rps" -v b="$rtc_rps" 'BEGIN { printf "%.2f×", a / b }') the rtc route, target ≥ 0.5×)"
        ratio="$(awk -v a="$rps" -v b="$ceiling_rps" 'BEGIN { printf "%.2f×", a / b }') ($lo–$hi%)" ;;
    esac
    printf '| %s | %s | %s | %s ms | %s ms | %s | %s | %s µs |\n' "$label" "$rps" "$ratio" "$p50" "$p99" "$non2xx" "$errors" "$cpu_us"
  done
}

header() {
  local cpu; cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  echo "\`Portal.Benchmarks/load/run-load.sh $1\` on $(date -u '+%Y-%m-%d %H:%M') UTC, commit \`$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- Portal Portal.Tokens Portal.Data Portal.Benchmarks/Ceiling || echo '+changes')\`."
  echo "Both apps published in Release (\`dotnet publish -r linux-x64 --self-contained false\`${LOAD_PUBLISH_ARGS:+ $LOAD_PUBLISH_ARGS}, flags from"
  echo "\`Portal/Publish.props\` as in the Dockerfile; \`ASPNETCORE_ENVIRONMENT=Production\`${PORTAL_ENV:+, $PORTAL_ENV}); Portal on"
  echo "$([ "$provider" = Postgres ] && echo "PostgreSQL 15 on loopback" || echo "SQLite in a temp directory"), logging at Warning."
  echo "wrk $(wrk -v 2>&1 | awk 'NR==1 { print $2 }') ($threads threads, $connections connections, keep-alive) on 127.0.0.1, the same Lua script and request"
  echo "for every target, over $key_count secret keys. Machine: $(nproc) cores ($cpu); **wrk runs on the same cores**, so the ratio"
  echo "to the ceiling is what carries over."
}

run_steady() {
  start_ceiling
  start_portal
  local rows="$work/steady.rows" summary
  steady "$rows" "$rounds"
  local hwm_kb rss_kb log_errors
  hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$portal_pid/status")
  rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$portal_pid/status")
  log_errors=$(grep -cE '^(fail|crit):' "$work/portal.log" || true)
  local error_lines=""
  if [ "$log_errors" -gt 0 ]; then
    error_lines=$(log_error_lines)
    say "Portal logged $log_errors error lines:"; printf '%s\n' "$error_lines" >&2
  fi
  summary=$(summarize "$rows")
  {
    echo "# Token API load: steady state against the ceiling"
    echo
    header steady
    echo "Warm-up ${warmup_seconds} s over the three targets, then $rounds rounds of ceiling, rtc, compat back to back, ${round_seconds} s each."
    echo
    table "$summary"
    echo
    echo "Portal's peak RSS (VmHWM, whole run including start and provisioning): **$((hwm_kb / 1024)) MB** (ready: $((ready_rss_kb / 1024)) MB"
    echo "after ${ready_seconds} s, end: $((rss_kb / 1024)) MB). Error lines in Portal's log: $log_errors."
    if [ -n "$error_lines" ]; then
      echo
      echo '```text'
      printf '%s\n' "$error_lines"
      echo '```'
    fi
  } >"$here/RESULTS$suffix.md"
  cat "$here/RESULTS$suffix.md"
  stop_portal
  stop_ceiling
}

# slices NAME ROWS: LOAD_SLICES one-second runs back to back; appends "i requests/s" to ROWS.
slices() {
  local name=$1 rows=$2 i out="$work/slice.txt"
  : >"$rows"
  for i in $(seq "$slices"); do
    route "$name" 1 >"$out"
    awk -v i="$i" '/Requests\/sec:/ { printf "%d %.0f\n", i, $2 }' "$out" >>"$rows"
  done
}

run_cold() {
  local portal_rows="$work/cold-portal.rows" ceiling_rows="$work/cold-ceiling.rows" steady_rows="$work/cold-steady.rows"
  start_ceiling
  slices ceiling "$ceiling_rows"
  start_portal # provisioning included: the load starts the moment the keys exist
  # The runtime's own counters over the same seconds (JIT time, methods compiled, CPU, thread-pool queue).
  (cd "$repo" && exec dotnet tool run dotnet-counters -- collect -p "$portal_pid" --counters System.Runtime --refresh-interval 1 \
    --format csv -o "$work/cold-counters.csv" --duration "00:00:00:$(printf '%02d' $((slices + 3)))") >/dev/null 2>&1 &
  local counters=$!
  slices rtc "$portal_rows"
  wait "$counters" 2>/dev/null || true # it stops by itself (a signal to it would reach this script too)
  local hwm_kb; hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$portal_pid/status")
  steady "$steady_rows" 1
  local summary steady_rtc steady_ceiling
  summary=$(summarize "$steady_rows")
  steady_rtc=$(awk '$1 == "rtc" { print $2 }' <<<"$summary")
  steady_ceiling=$(awk '$1 == "ceiling" { print $2 }' <<<"$summary")
  {
    echo "# Token API load: cold start"
    echo
    header cold
    echo "Each app started afresh; from \`/readyz\` = 200 (Portal: ${ready_seconds} s after the process started, then the"
    echo "provisioning of the organization, project, certificate and $key_count keys) ${slices} one-second slices of load. Then a"
    echo "steady round (after the usual warm-up) gives the figure each slice is held against."
    echo
    echo "| slice | bare Kestrel requests/s | vs its steady | \`POST /api/v1/tokens/rtc\` requests/s | vs its steady |"
    echo "| ---: | ---: | ---: | ---: | ---: |"
    join "$ceiling_rows" "$portal_rows" | awk -v c="$steady_ceiling" -v r="$steady_rtc" '{ printf "| %d | %d | %.2f | %d | %.2f |\n", $1, $2, $2 / c, $3, $3 / r }'
    echo
    awk -v c="$steady_ceiling" 'NR <= 5 { s += $2 } END { printf "First 5 s, bare Kestrel: %.2f× its steady %d requests/s.\n", s / 5 / c, c }' "$ceiling_rows"
    awk -v r="$steady_rtc" 'NR <= 5 { s += $2 } END { printf "First 5 s, token route: **%.2f×** its steady %d requests/s", s / 5 / r, r }' "$portal_rows"
    awk -v r="$steady_rtc" '{ if (min == "" || $2 < min) min = $2 } END { printf "; slowest slice %.2f×.\n", min / r }' "$portal_rows"
    echo "Portal's peak RSS over the cold run: $((hwm_kb / 1024)) MB."
    if [ -s "$work/cold-counters.csv" ]; then
      echo
      echo "What the runtime did in those seconds (\`dotnet-counters\`, System.Runtime, one row a second from the first slice):"
      echo
      python3 "$here/cold-counters.py" "$work/cold-counters.csv" "$slices"
    fi
  } >"$here/RESULTS-cold$suffix.md"
  cat "$here/RESULTS-cold$suffix.md"
  stop_portal
  stop_ceiling
}

run_gc() {
  local setting rows summary hwm_kb lines=()
  start_ceiling
  for setting in $gc_modes; do
    local gc_env=()
    case $setting in
      workstation) gc_env=(DOTNET_gcServer=0) ;;
      server) gc_env=(DOTNET_gcServer=1) ;;
      conserve) gc_env=(DOTNET_gcServer=0 DOTNET_GCConserveMemory=7) ;;
      hardlimit) gc_env=(DOTNET_gcServer=0 DOTNET_GCHeapHardLimit=0x8000000) ;; # 128 MiB of managed heap
      gen0-16m) gc_env=(DOTNET_gcServer=0 DOTNET_GCgen0size=0x1000000) ;; # a 16 MiB allocation budget between gen0 GCs
      gen0-8m) gc_env=(DOTNET_gcServer=0 DOTNET_GCgen0size=0x800000) ;;
      # Not GC, but measured the same way: the JIT's tiering (with LOAD_PUBLISH_ARGS=-p:PublishReadyToRun=false to compare builds).
      tiered) gc_env=(DOTNET_TieredCompilation=1 DOTNET_TieredPGO=1) ;;
      pgo-off) gc_env=(DOTNET_TieredCompilation=1 DOTNET_TieredPGO=0) ;;
      tiering-off) gc_env=(DOTNET_TieredCompilation=0) ;;
      *) die "unknown GC setting $setting" ;;
    esac
    start_portal "${gc_env[@]}"
    rows="$work/gc-$setting.rows"
    steady "$rows" 2
    hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$portal_pid/status")
    summary=$(summarize "$rows")
    lines+=("$(awk -v s="$setting" -v e="${gc_env[*]}" -v hwm="$hwm_kb" -v ready="$ready_rss_kb" '
      $1 == "rtc" { rtc = $2; p99 = $4; cpu = $7 } $1 == "ceiling" { c = $2 } $1 == "compat" { compat = $2 }
      END { printf "| %s (`%s`) | %d | %.2f× | %d | %.2f ms | %d µs | %d MB | %d MB |", s, e, rtc, rtc / c, compat, p99, cpu, ready / 1024, hwm / 1024 }' <<<"$summary")")
    stop_portal
  done
  {
    echo "# Token API load: garbage collector settings side by side"
    echo
    header gc
    echo "Portal restarted for each setting; each run: warm-up ${warmup_seconds} s, then 2 rounds of ceiling, rtc, compat, ${round_seconds} s each."
    echo
    echo "| GC | rtc requests/s | vs ceiling | compat requests/s | rtc p99 | CPU per rtc request | RSS ready | peak RSS |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${lines[@]}"
  } >"$here/RESULTS-gc$suffix.md"
  cat "$here/RESULTS-gc$suffix.md"
  stop_ceiling
}

# trace_load NAME: dotnet-trace on Portal during trace_seconds of rtc load; the trace starts before the load does.
trace_load() {
  local name=$1 out="$here/traces/$1"
  rm -f "$out".*
  (cd "$repo" && exec dotnet tool run dotnet-trace -- collect -p "$portal_pid" --profile dotnet-common,dotnet-sampled-thread-time --format Speedscope \
    --duration "00:00:00:$(printf '%02d' $((trace_seconds + 1)))" -o "$out.nettrace") >"$work/trace-$name.log" 2>&1 &
  local tracer=$!
  for _ in $(seq 100); do grep -q "Recording trace\|Process" "$work/trace-$name.log" 2>/dev/null && break; sleep 0.1; done
  route rtc "$trace_seconds" >"$work/wrk-$name.txt"
  wait "$tracer" || die "dotnet-trace failed: $(cat "$work/trace-$name.log")"
  say "$name: $(awk '/Requests\/sec:/ { print $2 }' "$work/wrk-$name.txt") requests/s while traced"
}

run_trace() {
  mkdir -p "$here/traces"
  start_portal
  trace_load cold
  say "warm-up ${warmup_seconds}s"
  route rtc "$warmup_seconds" >/dev/null
  trace_load warm
  {
    echo "# Token API load: where the time goes, cold and warm"
    echo
    header trace
    echo "dotnet-trace (profiles dotnet-common, dotnet-sampled-thread-time) on Portal during ${trace_seconds} s of \`POST /api/v1/tokens/rtc\`"
    echo "load: **cold** from the moment \`/readyz\` answered and the keys were provisioned, **warm** after a ${warmup_seconds} s warm-up."
    echo "Threads that were waiting are left out; shares are of the busy threads' sampled time."
    for name in cold warm; do
      echo
      echo "## $name ($(awk '/Requests\/sec:/ { print $2 }' "$work/wrk-$name.txt") requests/s while traced)"
      echo
      python3 "$here/hot-frames.py" "$here/traces/$name.speedscope.json" 15
    done
  } >"$here/RESULTS-trace$suffix.md"
  cat "$here/RESULTS-trace$suffix.md"
  stop_portal
}

case $mode in
  trace) run_trace ;;
  steady) run_steady ;;
  cold) run_cold ;;
  gc) run_gc ;;
  all) run_steady; run_cold; run_gc ;;
esac
