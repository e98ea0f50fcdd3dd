#!/usr/bin/env bash
# Runs the Portal.Tokens benchmarks (BenchmarkDotNet, Release, short job) and then agora-token in
# Node on the same inputs, and prints the 007 RTC publisher build ratio. Takes a few minutes.
# Usage: Portal.Benchmarks/run-engine-bench.sh [node-seconds]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
artifacts="$here/BenchmarkDotNet.Artifacts"
node_seconds="${1:-5}"

cd "$here"
rm -rf "$artifacts/results"
dotnet run -c Release --project Portal.Benchmarks.csproj -- \
  --filter '*TokenBenchmarks*' --job short --exporters json --artifacts "$artifacts"

(cd node && { [ -d node_modules/agora-token ] || npm ci --no-audit --no-fund; })
node node/bench.js "$node_seconds" > "$artifacts/node-result.json"

node - "$artifacts" <<'JS'
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const results = path.join(dir, 'results');
const file = fs.readdirSync(results).find(f => f.includes('TokenBenchmarks') && f.endsWith('.json'));
const report = JSON.parse(fs.readFileSync(path.join(results, file), 'utf8'));
const nodeResult = JSON.parse(fs.readFileSync(path.join(dir, 'node-result.json'), 'utf8'));
console.log('\n| benchmark | mean (ns) | ops/s | allocated B/op |');
console.log('| --- | ---: | ---: | ---: |');
let csharp007 = 0;
for (const b of report.Benchmarks) {
  const ops = 1e9 / b.Statistics.Mean;
  if (b.Method === 'RtcPublisher007') csharp007 = ops;
  console.log(`| ${b.Method} | ${b.Statistics.Mean.toFixed(0)} | ${Math.round(ops)} | ${b.Memory ? b.Memory.BytesAllocatedPerOperation : '?'} |`);
}
console.log(`| agora-token ${nodeResult.version} buildTokenWithUid (Node ${nodeResult.node}) | ${(1e9 / nodeResult.opsPerSecond).toFixed(0)} | ${nodeResult.opsPerSecond} | n/a |`);
console.log(`\n007 RTC publisher build: Portal.Tokens ${Math.round(csharp007)} ops/s vs agora-token ${nodeResult.opsPerSecond} ops/s = ${(csharp007 / nodeResult.opsPerSecond).toFixed(1)}x (single thread each)`);
JS
