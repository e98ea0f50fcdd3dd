#!/usr/bin/env bash
# The one test command: installs what the tests need (Chromium, docker-compose for the compose check, Node.js for the
# JavaScript SDK's tests, curl and jq for the docs' examples, PostgreSQL), builds in Release, checks that the EF model has no unmigrated changes (SQLite
# and PostgreSQL migrations), validates docker-compose.yml (default and scale-out profile), starts a private
# PostgreSQL on a free loopback port, runs every test on SQLite, then the integration suite again on PostgreSQL, then
# the JavaScript SDK's tests, and prints a plain summary line: `tests: N passed, N failed, N skipped`.
set -euo pipefail
cd "$(dirname "$0")"
T0=$(date +%s)
step() {
  local name=$1 rc=0 s; shift; s=$(date +%s)
  "$@" || rc=$?
  echo "### $name $(( $(date +%s) - s ))s (exit $rc)" >&2
  return $rc
}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DEBIAN_FRONTEND=noninteractive

# 1. OS packages the tests use (root on CI and dev machines; skipped when present).
pkgs=()
command -v chromium >/dev/null || pkgs+=(chromium)
command -v docker-compose >/dev/null || pkgs+=(docker-compose)
command -v node >/dev/null || pkgs+=(nodejs)
command -v curl >/dev/null || pkgs+=(curl) # the docs' examples run as written (DocsExamplesTests)
command -v jq >/dev/null || pkgs+=(jq)
if [ ${#pkgs[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  step apt-update $SUDO apt-get update -qq
  step apt-install $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

# 2. Build and static checks.
step tool-restore dotnet tool restore >/dev/null
step restore dotnet restore Portal.sln >/dev/null
step build dotnet build Portal.sln --no-restore -c Release -nologo -clp:ErrorsOnly
# The build already enforces the .editorconfig's rules (EnforceCodeStyleInBuild); this checks the layout too.
step format dotnet format Portal.sln --verify-no-changes --no-restore -v q
step ef-check dotnet ef migrations has-pending-model-changes --project migrations --startup-project Portal --no-build --configuration Release
# The PostgreSQL model: the provider comes from configuration; nothing connects, so any connection string will do.
step ef-check-postgres env Portal__Database__Provider=Postgres ConnectionStrings__Portal="Host=localhost" \
  dotnet ef migrations has-pending-model-changes --project migrations/Postgres --startup-project Portal --no-build --configuration Release
# The compose file reads portal.env (kept out of git); validate it against the example when there is none.
compose_check() {
  local created=0 rc=0
  [ -f portal.env ] || { cp portal.env.example portal.env; created=1; }
  docker-compose -f docker-compose.yml config -q || rc=$?
  docker-compose -f docker-compose.yml --profile scale-out config -q || rc=$?
  [ $created -eq 0 ] || rm -f portal.env
  return $rc
}
step compose-check compose_check

# 3. PostgreSQL for the tests: a private cluster in /tmp on a free port, stopped on exit.
pg_env=$(.ci/postgres.sh start) # a failed start stops the run here (inside eval "$(...)" it would not)
eval "$pg_env"
trap '.ci/postgres.sh stop "${PORTAL_TEST_PG_DIR:-}"' EXIT

# 4. Tests, results as TRX for the summary line. First every project on SQLite (including the browser tests and
# the PostgreSQL-only tests: two replicas, migrate-data), then the integration suite again with every app on
# PostgreSQL (browser tests left out to keep the run short; they exercise the same services), then the JavaScript
# SDK's tests (node --test, TAP).
rm -rf TestResults
set +e
step test dotnet test Portal.sln --no-build -c Release --logger "trx" --results-directory TestResults/sqlite "$@"
rc=$?
step test-postgres env PORTAL_TEST_PROVIDER=Postgres dotnet test Portal.Tests --no-build -c Release --logger "trx" \
  --results-directory TestResults/postgres --filter "Category!=E2E&Provider!=Postgres" "$@"
rc_pg=$?
[ $rc -ne 0 ] || rc=$rc_pg
mkdir -p TestResults
step test-js node --test --test-reporter=tap --test-reporter-destination=TestResults/sdk-js.tap Portal.Sdk.Tests/
js=$?
[ $rc -ne 0 ] || rc=$js
set -e
python3 - <<'PY'
import glob, re
p = f = s = 0
for t in glob.glob('TestResults/**/*.trx', recursive=True):
    c = re.search(r'<Counters [^>]*>', open(t, encoding='utf-8').read()).group(0)
    g = lambda k: int(re.search(k + r'="(\d+)"', c).group(1))
    p += g('passed'); f += g('failed'); s += g('total') - g('executed')
# node's TAP summary: "# pass N", "# fail N", "# cancelled N" (counted as failed), "# skipped N", "# todo N".
for t in glob.glob('TestResults/*.tap'):
    text = open(t, encoding='utf-8').read()
    g = lambda k: sum(int(n) for n in re.findall(r'^# ' + k + r' (\d+)$', text, re.M))
    p += g('pass'); f += g('fail') + g('cancelled'); s += g('skipped') + g('todo')
    if not re.search(r'^# tests \d+$', text, re.M): f += 1  # the run died before its summary
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
echo "### total $(( $(date +%s) - T0 ))s" >&2
exit $rc
