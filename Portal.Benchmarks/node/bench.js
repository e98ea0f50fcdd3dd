// Times agora-token's RtcTokenBuilder.buildTokenWithUid (007, publisher) on the same inputs as
// Portal.Benchmarks' RtcPublisher007 benchmark. Prints one JSON line: {"opsPerSecond": ...}.
'use strict';
const { RtcTokenBuilder, RtcRole } = require('agora-token');

const appId = '970CA35de60c44645bbae8a215061b33';
const certificate = '5CFd2fd1755d40ecb72977518be15d3b';
const channel = '7d72365eb983485397e3e3f9d460bdda';
const uid = 2882341273;
const seconds = Number(process.argv[2] || 5);

function build() {
  return RtcTokenBuilder.buildTokenWithUid(appId, certificate, channel, uid, RtcRole.PUBLISHER, 600, 600);
}

// Warm up the JIT, then run timed batches until the budget is spent.
for (let i = 0; i < 20000; i++) build();
let ops = 0;
let sink = 0;
const start = process.hrtime.bigint();
const budget = BigInt(Math.round(seconds * 1e9));
let elapsed = 0n;
while (elapsed < budget) {
  for (let i = 0; i < 1000; i++) sink += build().length;
  ops += 1000;
  elapsed = process.hrtime.bigint() - start;
}
const opsPerSecond = ops / (Number(elapsed) / 1e9);
console.log(JSON.stringify({ library: 'agora-token', version: require('agora-token/package.json').version,
  node: process.version, ops, seconds: Number(elapsed) / 1e9, opsPerSecond: Math.round(opsPerSecond),
  tokenLength: sink / ops }));
