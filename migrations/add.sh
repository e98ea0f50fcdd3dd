#!/usr/bin/env bash
# Adds a migration named $1 for both providers: SQLite (migrations/) and PostgreSQL (migrations/Postgres/).
# Every model change needs both; test.sh fails when either project has pending model changes.
#   migrations/add.sh AddUsageReports
set -euo pipefail
name=${1:?usage: migrations/add.sh <MigrationName>}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build Portal -nologo -clp:ErrorsOnly
dotnet ef migrations add "$name" --no-build --project migrations --startup-project Portal --namespace Portal.Migrations
# The provider comes from configuration; nothing connects, so any connection string will do.
Portal__Database__Provider=Postgres ConnectionStrings__Portal=Host=localhost \
  dotnet ef migrations add "$name" --no-build --project migrations/Postgres --startup-project Portal --namespace Portal.Migrations.Postgres
