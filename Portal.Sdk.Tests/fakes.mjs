// Test doubles for portal-token.js: a clock with timers that only move when a test says so, a scripted fetch
// that answers like Portal, and a stand-in for agora-rtc-sdk-ng's client.
import { pathToFileURL } from "node:url";
import { readFile } from "node:fs/promises";

const modulePath = new URL("../Portal/wwwroot/sdk/portal-token.js", import.meta.url);

/** The module under test. Older Node versions treat a .js file without package.json as CommonJS: load it as a data URL then. */
export async function loadModule() {
  try {
    return await import(pathToFileURL(modulePath.pathname).href);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const source = await readFile(modulePath, "utf8");
    return import("data:text/javascript;base64," + Buffer.from(source).toString("base64"));
  }
}

/** Virtual time. advance() runs due timers in order and lets promise chains settle between them. */
export class FakeClock {
  // Half past a second: Portal's issuedAt is whole seconds, so the provider's skew estimate comes out exactly 0.
  constructor(start = Date.parse("2026-11-28T10:00:00.500Z")) {
    this.time = start;
    this.timers = new Map();
    this.nextId = 1;
    this.now = () => this.time;
    this.setTimeout = (fn, ms) => {
      const id = this.nextId++;
      this.timers.set(id, { at: this.time + Math.max(0, ms), fn, ms });
      return id;
    };
    this.clearTimeout = (id) => { this.timers.delete(id); };
  }

  /** Pending timers' delays, soonest first. */
  pending() {
    return [...this.timers.values()].sort((a, b) => a.at - b.at).map((t) => t.at - this.time);
  }

  async advance(ms) {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

/** Lets chains of awaits run (fetch → json → record → renewToken → schedule). */
export async function settle() {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A fetch that answers each call with the next scripted reply: a function of (url, init, clock) returning
 * {status, body, headers} or throwing (a network error). Calls are recorded.
 */
export function scriptedFetch(clock, ...replies) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init, at: clock.time });
    const reply = replies.length > 1 ? replies.shift() : replies[0];
    if (!reply) throw new Error("no reply scripted");
    const { status = 200, body, headers = {} } = await reply(url, init, clock);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status, headers: { "Content-Type": status < 400 ? "application/json" : "application/problem+json", ...headers },
    });
  };
  return { fetch, calls };
}

/** Portal's v1 answer: the token name says which call issued it; times from the server clock (which may differ). */
export function issued({ lifetime = 600, renewAhead = 30, serverOffsetMs = 0 } = {}) {
  let n = 0;
  return (url, init, clock) => {
    const issuedAt = Math.floor((clock.time + serverOffsetMs) / 1000) * 1000;
    const iso = (ms) => new Date(ms).toISOString();
    n++;
    return {
      body: {
        token: `007token-${n}`, format: "007", appId: "970CA35de60c44645bbae8a215061b33",
        issuedAt: iso(issuedAt), expiresAt: iso(issuedAt + lifetime * 1000), renewAfter: iso(issuedAt + (lifetime - renewAhead) * 1000),
        expireSeconds: lifetime, clamped: false, service: "rtc",
      },
    };
  };
}

export const problem = (status, code, detail, headers = {}) => () => ({
  status, headers, body: { type: "about:blank", title: "Refused", status, detail, code },
});

export const networkDown = () => { throw new TypeError("Failed to fetch"); };

/** agora-rtc-sdk-ng's client as far as the provider uses it: on/off, renewToken, and events to fire. */
export class StandInClient {
  constructor() {
    this.handlers = new Map();
    this.renewed = [];
  }
  on(event, fn) { (this.handlers.get(event) ?? this.handlers.set(event, new Set()).get(event)).add(fn); }
  off(event, fn) { this.handlers.get(event)?.delete(fn); }
  emit(event) { for (const fn of this.handlers.get(event) ?? []) fn(); }
  async renewToken(token) { this.renewed.push(token); }
  listenerCount() { return [...this.handlers.values()].reduce((n, s) => n + s.size, 0); }
}

/** A real 007 token layout (signature, app id, issueTs, expire, salt, no services), zlib-compressed as Agora's. */
export async function token007(issueTs, expire) {
  const str = (s) => { const b = Buffer.from(s); const len = Buffer.alloc(2); len.writeUInt16LE(b.length); return Buffer.concat([len, b]); };
  const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
  const signing = Buffer.concat([str("x".repeat(32)), str("970CA35de60c44645bbae8a215061b33"), u32(issueTs), u32(expire), u32(7), Buffer.alloc(2)]);
  const stream = new Blob([signing]).stream().pipeThrough(new CompressionStream("deflate"));
  const compressed = Buffer.from(await new Response(stream).arrayBuffer());
  return "007" + compressed.toString("base64");
}

/** For work outside the fake clock (zlib on the thread pool): polls for up to a second of real time. */
export async function until(predicate, ms = 1000) {
  for (const end = Date.now() + ms; !predicate() && Date.now() < end;) await new Promise((resolve) => setTimeout(resolve, 5));
}
