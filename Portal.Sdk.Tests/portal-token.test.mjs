// Unit tests of Portal/wwwroot/sdk/portal-token.js with Node's own test runner (node --test Portal.Sdk.Tests).
// Time is virtual (FakeClock): no test waits for real time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, StandInClient, issued, loadModule, networkDown, problem, scriptedFetch, settle, token007, until } from "./fakes.mjs";

const { createTokenProvider, PortalTokenError, PortalToken, backoffDelay, parseRetryAfter, readToken007 } = await loadModule();

const BASE = "https://portal.example.com";

function provider(clock, fetch, extra = {}) {
  const p = createTokenProvider({
    baseUrl: BASE + "/", key: "pk_live_test", service: "rtc", channel: "room-1", uid: 42,
    fetch, now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, random: () => 0.5, ...extra,
  });
  const events = [];
  for (const type of ["token", "scheduled", "renewed", "skipped", "retry", "expired", "error"]) p.on(type, (d) => events.push({ type, d }));
  return { p, events, of: (type) => events.filter((e) => e.type === type).map((e) => e.d) };
}

/** Joined: the first token fetched and the stand-in client attached, as an app does after client.join. */
async function joined(clock, fetch, extra) {
  const t = provider(clock, fetch, extra);
  const first = await t.p.getToken();
  const client = new StandInClient();
  t.p.attach(client);
  return { ...t, client, first };
}

test("getToken posts the v1 request with the key in the Authorization header and returns the token with its times", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, issued({ lifetime: 600, renewAhead: 30 }));
  const { p } = provider(clock, fetch, { role: "publisher", expireSeconds: 600 });
  const t = await p.getToken();
  assert.equal(t.token, "007token-1");
  assert.equal(t.appId, "970CA35de60c44645bbae8a215061b33");
  assert.equal(calls[0].url, `${BASE}/api/v1/tokens/rtc`);
  assert.equal(calls[0].init.method, "POST");
  assert.equal(calls[0].init.headers.Authorization, "Bearer pk_live_test");
  assert.deepEqual(JSON.parse(calls[0].init.body), { channel: "room-1", uid: 42, role: "publisher", expireSeconds: 600 });
  // No skew here: the local times are the server's (issuedAt is whole seconds; the half second is the rounding allowance).
  assert.ok(Math.abs(t.expiresAt.getTime() - (clock.time + 600_000)) <= 500);
  assert.ok(Math.abs(t.renewAfter.getTime() - (clock.time + 570_000)) <= 500);
  // A second call before renewAfter is answered from memory.
  assert.equal((await p.getToken()).token, "007token-1");
  assert.equal(calls.length, 1);
});

test("rtm and rtc+rtm services ask for the right routes and user ids", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, issued());
  await provider(clock, fetch, { service: "rtm", channel: undefined, uid: undefined, account: "alice" }).p.getToken();
  await provider(clock, fetch, { service: "rtc+rtm", uid: undefined, account: "alice" }).p.getToken();
  assert.equal(calls[0].url, `${BASE}/api/v1/tokens/rtm`);
  assert.deepEqual(JSON.parse(calls[0].init.body), { userId: "alice" });
  assert.equal(calls[1].url, `${BASE}/api/v1/tokens/rtc`);
  assert.deepEqual(JSON.parse(calls[1].init.body), { channel: "room-1", account: "alice", rtmUserId: "alice" });
});

test("token-privilege-will-expire: fetches a new token and calls client.renewToken with it", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, issued());
  const { client, of } = await joined(clock, fetch);
  await clock.advance(560_000);
  client.emit("token-privilege-will-expire");
  await settle();
  assert.deepEqual(client.renewed, ["007token-2"]);
  assert.equal(calls.length, 2);
  assert.deepEqual(of("renewed").map((r) => [r.token, r.reason]), [["007token-2", "will-expire"]]);
  // The next renewal is scheduled from the new token's renewAfter.
  assert.deepEqual(clock.pending(), [569_500]); // issuedAt is whole seconds: the server's renewAfter is 0.5 s sooner
});

test("renewAfter alone: with no SDK event (tab asleep), the provider's own timer renews the client", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, issued({ lifetime: 600, renewAhead: 30 }));
  const { client, of } = await joined(clock, fetch);
  assert.deepEqual(of("scheduled").map((s) => s.inMs), [569_500]);
  await clock.advance(569_499);
  assert.deepEqual(client.renewed, []);
  await clock.advance(1);
  assert.deepEqual(client.renewed, ["007token-2"]);
  assert.equal(of("renewed")[0].reason, "scheduled");
  await clock.advance(570_000);
  assert.deepEqual(client.renewed, ["007token-2", "007token-3"]);
  assert.equal(calls.length, 3);
});

test("no double renewal: the timer renewed, then the SDK's event for the old token is skipped", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, issued());
  const { client, of } = await joined(clock, fetch);
  await clock.advance(570_000); // our timer renews
  client.emit("token-privilege-will-expire"); // the SDK, 30 s before the old token's expiry
  client.emit("token-privilege-will-expire");
  await settle();
  assert.deepEqual(client.renewed, ["007token-2"]);
  assert.equal(calls.length, 2);
  assert.equal(of("skipped").length, 2);
  // The new token's own expiry is renewed again when it comes.
  await clock.advance(560_000);
  client.emit("token-privilege-will-expire");
  await settle();
  assert.deepEqual(client.renewed, ["007token-2", "007token-3"]);
});

test("no double renewal: the event and the timer at the same moment share one request", async () => {
  const clock = new FakeClock();
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const base = issued();
  let n = 0;
  const { fetch, calls } = scriptedFetch(clock, async (...a) => { if (n++ === 1) await gate; return base(...a); });
  const { client, p } = await joined(clock, fetch);
  await clock.advance(570_000); // timer starts a renewal that hangs on the gate
  client.emit("token-privilege-will-expire"); // ...and the SDK asks meanwhile
  const direct = p.getToken(); // and the app too
  release();
  await settle();
  assert.equal(calls.length, 2);
  assert.deepEqual(client.renewed, ["007token-2"]);
  assert.equal((await direct).token, "007token-2");
});

test("token-privilege-did-expire: fetches a fresh token (retrying) and calls onDidExpire so the app rejoins", async () => {
  const clock = new FakeClock();
  const portal = issued();
  const { fetch, calls } = scriptedFetch(clock, portal, networkDown, portal);
  const rejoins = [];
  const { client, of } = await joined(clock, fetch, {
    onDidExpire: async ({ token, client: c }) => { rejoins.push(token); assert.ok(c instanceof StandInClient); },
  });
  // The client's token is dead: a new one is fetched although ours was not due yet by our clock.
  client.emit("token-privilege-did-expire");
  await clock.advance(1_000);
  assert.deepEqual(rejoins, ["007token-2"]);
  assert.deepEqual(client.renewed, []);
  assert.equal(calls.length, 3);
  assert.equal(of("expired").length, 1);
  assert.equal(of("scheduled").at(-1).token, "007token-2");
});

test("detach: nothing is scheduled and nothing listens any more", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, issued());
  const { p, client } = await joined(clock, fetch);
  assert.equal(client.listenerCount(), 2);
  p.detach();
  assert.deepEqual(clock.pending(), []);
  assert.equal(client.listenerCount(), 0);
  client.emit("token-privilege-will-expire");
  await clock.advance(3_600_000);
  assert.equal(calls.length, 1);
});

test("did-expire without onDidExpire reports rejoin_required", async () => {
  const clock = new FakeClock();
  const { fetch } = scriptedFetch(clock, issued());
  const { client, of } = await joined(clock, fetch);
  client.emit("token-privilege-did-expire");
  await settle();
  assert.equal(of("expired").length, 1);
  assert.equal(of("error")[0].code, "rejoin_required");
});

test("backoff schedule: exponential with equal jitter, capped", () => {
  const retry = { retries: 6, baseDelayMs: 500, maxDelayMs: 30_000 };
  const low = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, null, retry, () => 0));
  const high = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, null, retry, () => 1));
  assert.deepEqual(low, [250, 500, 1000, 2000, 4000, 8000, 15000, 15000]);
  assert.deepEqual(high, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
});

test("network errors and 5xx are retried on that schedule, then the token arrives", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, networkDown, problem(503, "unavailable", "down"), networkDown, issued());
  const { p, of } = provider(clock, fetch, { random: () => 0 });
  const pending = p.getToken();
  await clock.advance(10_000);
  assert.equal((await pending).token, "007token-1");
  assert.deepEqual(of("retry").map((r) => [r.attempt, r.delayMs, r.error.code]),
    [[1, 250, "network_error"], [2, 500, "unavailable"], [3, 1000, "network_error"]]);
  assert.deepEqual(calls.map((c) => c.at - calls[0].at), [0, 250, 750, 1750]);
});

test("429 with Retry-After waits exactly that long (seconds or an HTTP date)", async () => {
  const clock = new FakeClock();
  const later = new Date(clock.time + 12_000 + 7_500).toUTCString(); // a whole second, 7.5 s after the second 429
  const { fetch, calls } = scriptedFetch(clock,
    problem(429, "rate_limited", "Too many requests.", { "Retry-After": "12" }),
    problem(429, "rate_limited", "Too many requests.", { "Retry-After": later }),
    issued());
  const { p, of } = provider(clock, fetch);
  const pending = p.getToken();
  await clock.advance(11_999);
  assert.equal(calls.length, 1);
  await clock.advance(1);
  assert.equal(calls.length, 2);
  await clock.advance(60_000);
  assert.equal((await pending).token, "007token-1");
  assert.equal(of("retry")[0].delayMs, 12_000);
  assert.equal(of("retry")[0].error.retryAfterMs, 12_000);
  assert.equal(of("retry")[1].delayMs, 7_500);
  assert.deepEqual(calls.map((c) => c.at - calls[0].at), [0, 12_000, 19_500]);
  assert.equal(parseRetryAfter(later, Date.parse(later) - 3_000), 3_000);
  assert.equal(parseRetryAfter("soon"), null);
});

test("4xx other than 429: no retry, and the error carries Portal's problem code, status and detail", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, problem(403, "origin_not_allowed", "This key is not allowed from https://evil.example."));
  const { p } = provider(clock, fetch);
  await assert.rejects(p.getToken(), (e) => {
    assert.ok(e instanceof PortalTokenError);
    assert.equal(e.code, "origin_not_allowed");
    assert.equal(e.status, 403);
    assert.equal(e.detail, "This key is not allowed from https://evil.example.");
    assert.equal(e.retryable, false);
    assert.equal(e.attempts, 1);
    assert.match(e.message, /^origin_not_allowed: /);
    return true;
  });
  assert.equal(calls.length, 1);
});

test("giving up after the retries: the last error is surfaced with the attempt count", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, problem(500, "internal", "boom"));
  const { p } = provider(clock, fetch, { retry: { retries: 2 } });
  const pending = assert.rejects(p.getToken(), (e) => e.code === "internal" && e.status === 500 && e.attempts === 3);
  await clock.advance(60_000);
  await pending;
  assert.equal(calls.length, 3);
});

test("a background renewal that is refused is reported on 'error' and not retried", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, issued(), problem(401, "api_key_revoked", "This key was revoked."));
  const { client, of } = await joined(clock, fetch);
  await clock.advance(570_000);
  assert.equal(of("error")[0].code, "api_key_revoked");
  assert.deepEqual(client.renewed, []);
  await clock.advance(600_000);
  assert.equal(calls.length, 2);
});

test("a background renewal that fails transiently is tried again while the old token still works", async () => {
  const clock = new FakeClock();
  const portal = issued();
  const { fetch } = scriptedFetch(clock, portal, networkDown, networkDown, portal);
  const { client, of } = await joined(clock, fetch, { retry: { retries: 1, baseDelayMs: 500, maxDelayMs: 10_000 } });
  await clock.advance(570_000 + 1_000);
  assert.equal(of("error")[0].code, "network_error");
  await clock.advance(10_000);
  assert.equal(client.renewed.length, 1);
});

test("clock skew: a device clock ten minutes fast still renews 30 s before the real expiry", async () => {
  const clock = new FakeClock();
  const { fetch } = scriptedFetch(clock, issued({ lifetime: 600, renewAhead: 30, serverOffsetMs: -600_000 }));
  const { first, client } = await joined(clock, fetch);
  // The server says it expires at (server now + 600 s) = local now - 600 s + 600 s: on the local clock, now + 600 s.
  assert.ok(Math.abs(first.expiresAt.getTime() - (clock.time + 600_000)) <= 500);
  await clock.advance(569_000);
  assert.deepEqual(client.renewed, []);
  await clock.advance(1_000);
  assert.equal(client.renewed.length, 1);
});

test("compat access_token route: GET with the key in a header; times read from the 007 token itself", async () => {
  const clock = new FakeClock();
  const issueTs = Math.floor(clock.time / 1000);
  const token = await token007(issueTs, 300);
  const { fetch, calls } = scriptedFetch(clock, () => ({ body: { token } }));
  const projectId = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
  const { p, client } = await joined(clock, fetch, { route: "access_token", projectId, expireSeconds: 300 });
  assert.equal(calls[0].url, `${BASE}/compat/${projectId}/access_token?channel=room-1&uid=42&expiredTs=300`);
  assert.equal(calls[0].init.method, "GET");
  assert.equal(calls[0].init.headers.Authorization, "Bearer pk_live_test");
  const t = await p.getToken();
  assert.equal(t.token, token);
  assert.equal(t.appId, null);
  assert.ok(Math.abs(t.expiresAt.getTime() - (clock.time + 300_000)) <= 500);
  assert.ok(Math.abs(t.renewAfter.getTime() - (clock.time + 270_000)) <= 500); // renewAheadSeconds (30) before
  await clock.advance(270_000);
  await until(() => client.renewed.length > 0); // inflating runs on libuv's thread pool, outside the fake clock
  assert.deepEqual(client.renewed, [token]);
  assert.deepEqual(await readToken007(token), { issuedAt: issueTs * 1000, lifetimeMs: 300_000 });
});

test("compat route with an unreadable token: the lifetime asked for, renewing at most half of it ahead", async () => {
  const clock = new FakeClock();
  const { fetch } = scriptedFetch(clock, () => ({ body: { token: "006opaque" } }));
  const { p } = provider(clock, fetch, { route: "access_token", projectId: "p1", expireSeconds: 40 });
  const t = await p.getToken();
  assert.equal(t.expiresAt.getTime(), clock.time + 40_000);
  assert.equal(t.renewAfter.getTime(), clock.time + 20_000);
});

test("invalid options and odd answers are clear errors", async () => {
  const clock = new FakeClock();
  const make = (o) => () => provider(clock, async () => { throw new Error("unused"); }, o);
  assert.throws(make({ baseUrl: "portal.example.com" }), (e) => e.code === "invalid_options");
  assert.throws(make({ key: "" }), /key/);
  assert.throws(make({ route: "access_token" }), /projectId/);
  assert.throws(make({ route: "access_token", projectId: "p", service: "rtm" }), /numeric uid only/);
  assert.throws(make({ uid: 1, account: "a" }), /not both/);
  const { fetch } = scriptedFetch(clock, () => ({ body: { hello: "world" } }));
  await assert.rejects(provider(clock, fetch).p.getToken(), (e) => e.code === "invalid_response" && e.status === 200);
  const html = scriptedFetch(clock, () => ({ status: 502, body: undefined }));
  const pending = assert.rejects(provider(clock, html.fetch, { retry: { retries: 0 } }).p.getToken(), (e) => e.code === "http_502");
  await pending;
});

test("events: on returns an unsubscribe function and a throwing listener does not break renewal", async () => {
  const clock = new FakeClock();
  const { fetch } = scriptedFetch(clock, issued());
  const { p } = provider(clock, fetch);
  const seen = [];
  const original = console.error;
  console.error = () => {};
  try {
    p.on("token", () => { throw new Error("listener bug"); });
    const off = p.on("token", (d) => seen.push(d.reason));
    await p.getToken();
    off();
    await clock.advance(600_000);
    await p.getToken();
  } finally {
    console.error = original;
  }
  assert.deepEqual(seen, ["requested"]);
  assert.equal(p.current.token, "007token-2");
});

test("tab asleep: its timer has not run yet, and on becoming visible the provider renews at once, once", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, issued());
  const page = new EventTarget();
  page.visibilityState = "hidden";
  globalThis.document = page;
  try {
    const { client, p } = await joined(clock, fetch);
    clock.time += 580_000; // asleep past renewAfter: the browser ran no timers meanwhile
    page.visibilityState = "visible";
    page.dispatchEvent(new Event("visibilitychange"));
    await settle();
    assert.deepEqual(client.renewed, ["007token-2"]);
    await clock.advance(0); // the stale timer was replaced, so it does not renew a second time
    assert.equal(calls.length, 2);
    p.detach();
    page.dispatchEvent(new Event("visibilitychange"));
    await settle();
    assert.equal(calls.length, 2);
  } finally {
    delete globalThis.document;
  }
});

test("an EventTarget-style client with its own event names (as RTM's) is renewed too", async () => {
  const clock = new FakeClock();
  const { fetch } = scriptedFetch(clock, issued());
  const { p } = provider(clock, fetch, { service: "rtm", channel: undefined, uid: undefined, account: "alice" });
  await p.getToken();
  const rtm = new EventTarget();
  rtm.renewed = [];
  rtm.renewToken = async (token) => { rtm.renewed.push(token); };
  p.attach(rtm, { willExpire: "tokenPrivilegeWillExpire" });
  rtm.dispatchEvent(new Event("tokenPrivilegeWillExpire"));
  await settle();
  assert.deepEqual(rtm.renewed, ["007token-2"]);
  p.detach();
  rtm.dispatchEvent(new Event("tokenPrivilegeWillExpire"));
  await settle();
  assert.deepEqual(rtm.renewed, ["007token-2"]);
});

// Exchange mode: the app's own identity token in, no API key.

function exchanger(clock, fetch, extra = {}) {
  let n = 0;
  const p = PortalToken.exchange({
    baseUrl: BASE, project: "7d9f0d2e-0000-4000-8000-000000000001", getIdToken: async () => `idtoken-${++n}`,
    service: "rtc", channel: "room-1", fetch, now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, random: () => 0.5, ...extra,
  });
  return p;
}

test("exchange posts to /api/v1/tokens/exchange with the identity token and X-Portal-Project, and no identity in the body", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, issued({ lifetime: 600, renewAhead: 30 }));
  const p = exchanger(clock, fetch, { role: "publisher" });
  const t = await p.getToken();
  assert.equal(t.token, "007token-1");
  assert.equal(calls[0].url, `${BASE}/api/v1/tokens/exchange`);
  assert.equal(calls[0].init.headers.Authorization, "Bearer idtoken-1");
  assert.equal(calls[0].init.headers["X-Portal-Project"], "7d9f0d2e-0000-4000-8000-000000000001");
  assert.deepEqual(JSON.parse(calls[0].init.body), { service: "rtc", channel: "room-1", role: "publisher" });
});

test("exchange renews on the same schedule, asking getIdToken again for every request", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, issued({ lifetime: 600, renewAhead: 30 }));
  const p = exchanger(clock, fetch);
  const scheduled = [];
  p.on("scheduled", (s) => scheduled.push(s.inMs));
  await p.getToken();
  const client = new StandInClient();
  p.attach(client);
  assert.deepEqual(scheduled, [569_500]);
  await clock.advance(569_500);
  assert.deepEqual(client.renewed, ["007token-2"]);
  assert.equal(calls[1].init.headers.Authorization, "Bearer idtoken-2");
});

test("exchange: a refusal carries Portal's code and is not retried; a getIdToken failure is id_token_unavailable", async () => {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(clock, problem(401, "id_token_expired", "The identity token has expired"));
  await assert.rejects(exchanger(clock, fetch).getToken(), (e) => e instanceof PortalTokenError && e.code === "id_token_expired");
  assert.equal(calls.length, 1);
  const failing = exchanger(clock, fetch, { getIdToken: async () => { throw new Error("signed out"); } });
  await assert.rejects(failing.getToken(), (e) => e.code === "id_token_unavailable");
  assert.equal(calls.length, 1);
});

test("exchange options: project and getIdToken are required, and an identity in the options is refused", () => {
  const base = { baseUrl: BASE, project: "p", getIdToken: async () => "t", channel: "c" };
  assert.throws(() => PortalToken.exchange({ ...base, project: undefined }), (e) => e.code === "invalid_options");
  assert.throws(() => PortalToken.exchange({ ...base, getIdToken: "t" }), (e) => e.code === "invalid_options");
  assert.throws(() => PortalToken.exchange({ ...base, uid: 42 }), (e) => e.code === "invalid_options");
  assert.throws(() => PortalToken.exchange({ ...base, service: "rtc+rtm" }), (e) => e.code === "invalid_options");
});
