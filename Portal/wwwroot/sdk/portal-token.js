// Portal token provider: fetches Agora tokens from Portal and renews them before they expire.
// An ES module with no dependencies and no build step; served by Portal at /sdk/portal-token.js.
//
//   import { createTokenProvider } from "https://portal.example.com/sdk/portal-token.js";
//   const tokens = createTokenProvider({ baseUrl: "https://portal.example.com", key: "pk_live_…",
//                                        service: "rtc", channel: "room-1", uid: 42 });
//   const { token, appId } = await tokens.getToken();
//   await client.join(appId, "room-1", token, 42);
//   tokens.attach(client); // renews on token-privilege-will-expire and on its own schedule
//
// Exchange mode: no API key at all; the app's own sign-in token (Auth0, Firebase Auth, Keycloak, any OIDC provider the
// project trusts on its Sign-in tab) is exchanged for the Agora token, with the same renewal schedule. `getIdToken`
// is called for every request, so a provider SDK's own refresh (Firebase's getIdToken()) keeps the token fresh.
//
//   import { PortalToken } from "https://portal.example.com/sdk/portal-token.js";
//   const tokens = PortalToken.exchange({ baseUrl: "https://portal.example.com", project: "<project id>",
//                                         getIdToken: () => auth.currentUser.getIdToken(), service: "rtc", channel: "room-1" });
//
// Edge cases this file exists for: the SDK event and our own timer both firing for one expiry (one renewal, not
// two), a tab that slept through the event (the timer and `visibilitychange` catch up), a device clock that is off
// (times are moved onto the local clock using the server's issuedAt), and a Portal that is briefly unreachable or
// rate limiting (backoff with jitter, Retry-After honoured) versus one that refuses (no retry, the problem `code`).

/**
 * A refusal or failure, carrying Portal's RFC 9457 problem fields.
 * `code` is Portal's stable problem code (`api_key_revoked`, `origin_not_allowed`, `rate_limited`, …), or one of
 * this module's: `network_error` (no answer), `invalid_response` (an answer without a token), `invalid_options`,
 * `renew_failed` (the client's renewToken threw), `rejoin_required` (the token expired and no onDidExpire was given),
 * `id_token_unavailable` (exchange mode: getIdToken threw or gave nothing).
 */
export class PortalTokenError extends Error {
  /**
   * @param {string} message
   * @param {{code: string, status?: number, detail?: string, title?: string, retryAfterMs?: number|null,
   *          problem?: object|null, attempts?: number, cause?: unknown}} fields
   */
  constructor(message, fields) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = "PortalTokenError";
    /** Portal's problem code, or one of this module's (see the class comment). */
    this.code = fields.code;
    /** HTTP status; 0 when there was no answer. */
    this.status = fields.status ?? 0;
    /** The problem's human-readable detail (what to do about it). */
    this.detail = fields.detail ?? message;
    this.title = fields.title ?? "";
    /** Milliseconds the server asked us to wait (Retry-After), or null. */
    this.retryAfterMs = fields.retryAfterMs ?? null;
    /** The whole problem+json body when there was one. */
    this.problem = fields.problem ?? null;
    /** How many requests were made before giving up. */
    this.attempts = fields.attempts ?? 1;
  }

  /** Network errors, 408, 429 and 5xx are worth another try; any other refusal will not change by retrying. */
  get retryable() {
    return this.code === "network_error" || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/**
 * @typedef {object} TokenProviderOptions
 * @property {string} baseUrl Portal's address, e.g. "https://portal.example.com".
 * @property {string} key An API key of the project: a publishable key (`pk_live_…`) in browsers, sent as
 *   `Authorization: Bearer`. The page's origin must be one of the key's allowed origins.
 * @property {"v1"|"access_token"} [route="v1"] `v1` uses `POST /api/v1/tokens/rtc|rtm`; `access_token` uses the
 *   drop-in `GET /compat/{projectId}/access_token` (RTC with a numeric uid only; needs `projectId`).
 * @property {string} [projectId] The project's id, for `route: "access_token"`.
 * @property {"rtc"|"rtm"|"rtc+rtm"} [service="rtc"] `rtc+rtm` asks for one RTC token that also logs in to RTM.
 * @property {string} [channel] The RTC channel (rtc, rtc+rtm).
 * @property {number} [uid] The numeric RTC uid (give `uid` or `account`).
 * @property {string} [account] A string user account (RTC), or the RTM user id.
 * @property {string} [rtmUserId] RTM user id for `rtc+rtm` / `rtm` (defaults to `account`, else the uid as text).
 * @property {"publisher"|"subscriber"} [role] RTC role; the project's policy default when omitted.
 * @property {number} [expireSeconds] Requested lifetime; the project's policy default when omitted.
 * @property {number} [renewAheadSeconds=30] Only for `access_token`, whose answer has no renewAfter: renew this long
 *   before expiry (at most half the lifetime).
 * @property {(ctx: {token: string, expiresAt: Date, renewAfter: Date, client: object}) => (void|Promise<void>)} [onDidExpire]
 *   Called with a fresh token after the client's token expired (`token-privilege-did-expire`): leave and join again.
 * @property {{retries?: number, baseDelayMs?: number, maxDelayMs?: number}} [retry] Backoff: up to `retries` (6) more
 *   attempts, waiting about baseDelayMs·2^n (500 ms, doubling, at most maxDelayMs = 30 s) with jitter, or Retry-After.
 * @property {typeof fetch} [fetch] Replaces the global fetch (tests, custom agents).
 * @property {() => number} [now] Replaces Date.now (tests).
 * @property {() => number} [random] Replaces Math.random, the jitter source (tests).
 * @property {(fn: () => void, ms: number) => unknown} [setTimeout] Replaces the global setTimeout (tests).
 * @property {(handle: unknown) => void} [clearTimeout] Replaces the global clearTimeout (tests).
 */

/**
 * A token as the provider hands it out. Times are on the local clock (corrected for the device's clock skew).
 * @typedef {object} IssuedToken
 * @property {string} token
 * @property {Date} expiresAt
 * @property {Date} renewAfter When the provider renews it.
 * @property {Date} issuedAt
 * @property {string|null} appId The project's App ID (v1 route only).
 * @property {object} response Portal's answer as received.
 */

const WILL_EXPIRE = "token-privilege-will-expire";
const DID_EXPIRE = "token-privilege-did-expire";
const MAX_TIMER_MS = 2_147_483_647; // setTimeout's limit (~24.8 days)

/**
 * Creates a token provider.
 * Events (subscribe with `on(type, fn)`, which returns an unsubscribe function): `token` (a new token, with `reason`),
 * `scheduled` (`{at: Date, inMs}`), `renewed` (the attached client got a new token), `skipped` (an SDK event for an
 * expiry already handled), `retry` (`{attempt, delayMs, error}`), `expired` (the client's token expired),
 * `error` (a PortalTokenError from a background renewal).
 * @param {TokenProviderOptions} options
 */
export function createTokenProvider(options) {
  const o = checkOptions(options);
  const fetchFn = o.fetch ?? ((...args) => globalThis.fetch(...args));
  const now = o.now ?? (() => Date.now());
  const random = o.random ?? Math.random;
  const setTimer = o.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clearTimer = o.clearTimeout ?? ((h) => globalThis.clearTimeout(h));
  const retry = { retries: 6, baseDelayMs: 500, maxDelayMs: 30_000, ...o.retry };

  /** @type {Map<string, Set<Function>>} */
  const listeners = new Map();
  let current = null; // the newest token record
  let fetching = null; // the single in-flight fetch (with its retries)
  let client = null, unsubscribe = null;
  let applied = null; // the record the attached client holds
  let replaced = null; // the record `applied` replaced on the client: an SDK event may still be about it
  let clientFlight = null; // the single in-flight renewal of the client (fetch + renewToken)
  let timer = null;

  function emit(type, detail) {
    for (const fn of [...(listeners.get(type) ?? [])]) {
      try { fn(detail); } catch (e) { console.error("portal-token: a listener for", type, "threw", e); }
    }
  }

  /** One request, no retries. Resolves to a token record or throws a PortalTokenError. */
  async function requestOnce() {
    const { url, init } = await buildRequest(o);
    const sentAt = now();
    let response;
    try {
      response = await fetchFn(url, init);
    } catch (cause) {
      throw new PortalTokenError(`Portal could not be reached at ${o.baseUrl}: ${cause?.message ?? cause}`, { code: "network_error", cause });
    }
    const receivedAt = now();
    const body = await readJson(response);
    if (!response.ok) throw problemError(response, body, receivedAt);
    if (!body || typeof body.token !== "string" || body.token.length === 0)
      throw new PortalTokenError("Portal's answer has no token.", { code: "invalid_response", status: response.status });
    return toRecord(o, body, sentAt, receivedAt);
  }

  /** requestOnce with exponential backoff and jitter on network errors, 408, 429 and 5xx. */
  async function requestWithRetries() {
    for (let attempt = 0; ; attempt++) {
      try {
        return await requestOnce();
      } catch (error) {
        if (!(error instanceof PortalTokenError)) throw error;
        error.attempts = attempt + 1;
        if (!error.retryable || attempt >= retry.retries) throw error;
        const delayMs = backoffDelay(attempt, error.retryAfterMs, retry, random);
        emit("retry", { attempt: attempt + 1, delayMs, error });
        await new Promise((resolve) => setTimer(resolve, delayMs));
      }
    }
  }

  /** Single flight: callers during a fetch share it. */
  function fetchToken(reason) {
    if (!fetching) {
      fetching = requestWithRetries().then((record) => {
        current = record;
        emit("token", { ...view(record), reason });
        return record;
      }).finally(() => { fetching = null; });
    }
    return fetching;
  }

  /** The current token while it is before its renewAfter, else a fresh one. */
  function validRecord(reason) {
    return current && now() < current.renewAt ? Promise.resolve(current) : fetchToken(reason);
  }

  /** Fetch and hand the client the new token; single flight, so the SDK event and the timer renew once. */
  function renewClient(reason) {
    if (clientFlight) return clientFlight;
    const target = client;
    clientFlight = (async () => {
      try {
        // A token newer than the client's and not yet due (someone called getToken) is used as is.
        const record = current && current !== applied && now() < current.renewAt ? current : await fetchToken(reason);
        if (client !== target) return; // detached meanwhile
        try {
          await target.renewToken(record.token);
        } catch (cause) {
          throw new PortalTokenError(`The client refused the new token: ${cause?.message ?? cause}`, { code: "renew_failed", cause });
        }
        replaced = applied;
        applied = record;
        emit("renewed", { ...view(record), reason });
        schedule();
      } catch (error) {
        emit("error", error);
        // A transient failure while the old token still works: try again later rather than wait for expiry.
        if (client === target && error.retryable && applied && now() < applied.expiresAt)
          schedule(Math.min(retry.maxDelayMs, Math.max(1000, (applied.expiresAt - now()) / 2)));
      } finally {
        clientFlight = null;
      }
    })();
    return clientFlight;
  }

  function onWillExpire() {
    // The event carries no token: if the client's previous token is still alive and we replaced it with a later one,
    // the event is about that previous token, whose renewal is done.
    if (replaced && applied && now() < replaced.expiresAt && applied.expiresAt > replaced.expiresAt) {
      emit("skipped", { event: WILL_EXPIRE, reason: "already renewed", token: applied.token });
      return Promise.resolve();
    }
    return renewClient("will-expire");
  }

  async function onDidExpire() {
    const target = client;
    if (clientFlight) await clientFlight;
    try {
      // The client's token is dead, so never hand it back even if our clock thinks it is fine.
      const record = current && current !== applied && now() < current.renewAt ? current : await fetchToken("did-expire");
      if (client !== target) return;
      emit("expired", { ...view(record) });
      if (!o.onDidExpire) {
        throw new PortalTokenError("The token expired and the client must join again: pass onDidExpire to createTokenProvider.",
          { code: "rejoin_required" });
      }
      await o.onDidExpire({ ...view(record), client: target });
      replaced = null;
      applied = record;
      schedule();
    } catch (error) {
      emit("error", error instanceof PortalTokenError ? error
        : new PortalTokenError(`Rejoining failed: ${error?.message ?? error}`, { code: "rejoin_failed", cause: error }));
    }
  }

  /** Our own renewal for the client's token at its renewAfter, in case the SDK's event never comes (tab asleep). */
  function schedule(inMs) {
    if (timer !== null) clearTimer(timer);
    timer = null;
    if (!client || !applied) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, inMs ?? applied.renewAt - now()));
    const at = new Date(now() + delay);
    timer = setTimer(() => { timer = null; renewClient("scheduled"); }, delay);
    emit("scheduled", { at, inMs: delay, token: applied.token });
  }

  /** Background tabs run timers late: when the tab is visible again, catch up at once. */
  function onVisibility() {
    if (globalThis.document?.visibilityState === "visible" && client && applied && now() >= applied.renewAt) renewClient("resumed");
  }

  // Methods never use `this`, so `const { getToken } = provider` works.
  const provider = {
    /**
     * A valid token: the current one before its renewAfter, else a fresh one (concurrent calls share one request).
     * @returns {Promise<IssuedToken>}
     */
    async getToken() {
      return view(await validRecord("requested"));
    },

    /**
     * Keeps `client` supplied with tokens: renews on `token-privilege-will-expire` and at renewAfter, and on
     * `token-privilege-did-expire` fetches a new token and calls `onDidExpire`. Call it after joining with a token
     * from getToken(). Works with agora-rtc-sdk-ng clients (`on`/`off`) and with EventTarget-style objects.
     * @param {{renewToken(token: string): unknown}} target
     * @param {{willExpire?: string, didExpire?: string}} [events] Other event names, for SDKs that use them.
     */
    attach(target, events = {}) {
      if (!target || typeof target.renewToken !== "function")
        throw new PortalTokenError("attach() needs a client with renewToken(token).", { code: "invalid_options" });
      provider.detach();
      const will = events.willExpire ?? WILL_EXPIRE, did = events.didExpire ?? DID_EXPIRE;
      const onWill = () => { onWillExpire(); }, onDid = () => { onDidExpire(); };
      const add = target.on ? (n, f) => target.on(n, f) : (n, f) => target.addEventListener(n, f);
      const remove = target.off ? (n, f) => target.off(n, f) : (n, f) => target.removeEventListener?.(n, f);
      add(will, onWill);
      add(did, onDid);
      globalThis.document?.addEventListener?.("visibilitychange", onVisibility);
      unsubscribe = () => {
        remove(will, onWill);
        remove(did, onDid);
        globalThis.document?.removeEventListener?.("visibilitychange", onVisibility);
      };
      client = target;
      applied = current;
      replaced = null;
      schedule();
    },

    /** Stops listening to the client and cancels the scheduled renewal (call it when leaving). */
    detach() {
      unsubscribe?.();
      unsubscribe = null;
      client = null;
      applied = replaced = null;
      schedule();
    },

    /**
     * Subscribes to an event; returns a function that unsubscribes.
     * @param {"token"|"scheduled"|"renewed"|"skipped"|"retry"|"expired"|"error"} type
     * @param {(detail: any) => void} fn
     */
    on(type, fn) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type).add(fn);
      return () => provider.off(type, fn);
    },

    /** Removes a listener added with on(). */
    off(type, fn) {
      listeners.get(type)?.delete(fn);
    },

    /** The newest token without fetching, or null. @returns {IssuedToken|null} */
    get current() {
      return current ? view(current) : null;
    },
  };
  return provider;
}

/** The delay before retry number attempt+1: Retry-After when the server sent one, else exponential with jitter. */
/**
 * Exchange mode: `createTokenProvider` with `route: "exchange"`: `{ baseUrl, project, getIdToken, service, channel, role }`.
 * @param {object} options
 */
export function exchange(options) {
  return createTokenProvider({ ...options, route: "exchange" });
}

/** The module's entry points under one name: `PortalToken.exchange({ project, getIdToken })`, `PortalToken.create(...)`. */
export const PortalToken = Object.freeze({ create: (options) => createTokenProvider(options), exchange });

export function backoffDelay(attempt, retryAfterMs, retry, random = Math.random) {
  if (retryAfterMs != null) return retryAfterMs;
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2)); // "equal jitter": spread clients, never retry at once
}

function checkOptions(options) {
  const fail = (message) => { throw new PortalTokenError(message, { code: "invalid_options" }); };
  const o = { route: "v1", service: "rtc", renewAheadSeconds: 30, ...options };
  if (typeof o.baseUrl !== "string" || !/^https?:\/\//.test(o.baseUrl)) fail("baseUrl must be Portal's http(s) address.");
  o.baseUrl = o.baseUrl.replace(/\/+$/, "");
  if (o.route === "exchange") {
    if (typeof o.project !== "string" || o.project.length === 0) fail("project (the project's id) is required for an exchange.");
    if (typeof o.getIdToken !== "function") fail("getIdToken (a function returning the identity provider's token) is required for an exchange.");
    if (!["rtc", "rtm", "chat"].includes(o.service)) fail('An exchange\'s service is "rtc", "rtm" or "chat".');
    if (o.uid != null || o.account != null || o.rtmUserId != null) fail("An exchange takes its identity from the identity token: leave out uid, account and rtmUserId.");
    if (o.service === "rtc" && (typeof o.channel !== "string" || o.channel.length === 0)) fail("channel is required for RTC tokens.");
    return o;
  }
  if (typeof o.key !== "string" || o.key.length === 0) fail("key (an API key of the project) is required.");
  if (!["rtc", "rtm", "rtc+rtm"].includes(o.service)) fail('service must be "rtc", "rtm" or "rtc+rtm".');
  if (!["v1", "access_token"].includes(o.route)) fail('route must be "v1" or "access_token".');
  if (o.service !== "rtm" && (typeof o.channel !== "string" || o.channel.length === 0)) fail("channel is required for RTC tokens.");
  if (o.uid != null && o.account != null) fail("Give uid or account, not both.");
  if (o.service === "rtm" && o.account == null && o.uid == null && o.rtmUserId == null) fail("rtm needs account, rtmUserId or uid.");
  if (o.route === "access_token") {
    if (!o.projectId) fail('route "access_token" needs projectId.');
    if (o.service !== "rtc" || o.account != null) fail('route "access_token" issues RTC tokens for a numeric uid only; use route "v1".');
  }
  return o;
}

async function buildRequest(o) {
  if (o.route === "exchange") {
    let idToken;
    try {
      idToken = await o.getIdToken();
    } catch (cause) {
      throw new PortalTokenError(`getIdToken failed: ${cause?.message ?? cause}`, { code: "id_token_unavailable", cause });
    }
    if (typeof idToken !== "string" || idToken.length === 0)
      throw new PortalTokenError("getIdToken returned no token: sign the user in first.", { code: "id_token_unavailable" });
    const body = { service: o.service, channel: o.service === "rtc" ? o.channel : undefined, role: o.role, expireSeconds: o.expireSeconds };
    return {
      url: `${o.baseUrl}/api/v1/tokens/exchange`,
      init: {
        method: "POST",
        headers: { Authorization: `Bearer ${idToken}`, "X-Portal-Project": o.project, Accept: "application/json", "Content-Type": "application/json" },
        body: JSON.stringify(body),
      },
    };
  }
  const headers = { Authorization: `Bearer ${o.key}`, Accept: "application/json" };
  if (o.route === "access_token") {
    const query = new URLSearchParams({ channel: o.channel, uid: String(o.uid ?? 0) });
    if (o.expireSeconds != null) query.set("expiredTs", String(o.expireSeconds));
    return { url: `${o.baseUrl}/compat/${encodeURIComponent(o.projectId)}/access_token?${query}`, init: { method: "GET", headers } };
  }
  const rtmUser = o.rtmUserId ?? o.account ?? (o.uid != null ? String(o.uid) : undefined);
  const body = o.service === "rtm"
    ? { userId: rtmUser, expireSeconds: o.expireSeconds }
    : { channel: o.channel, uid: o.uid, account: o.account, role: o.role, expireSeconds: o.expireSeconds,
        rtmUserId: o.service === "rtc+rtm" ? rtmUser : undefined };
  headers["Content-Type"] = "application/json";
  const path = o.service === "rtm" ? "rtm" : "rtc";
  return { url: `${o.baseUrl}/api/v1/tokens/${path}`, init: { method: "POST", headers, body: JSON.stringify(body) } };
}

async function readJson(response) {
  try { return await response.json(); } catch { return null; }
}

function problemError(response, body, nowMs) {
  const problem = body && typeof body === "object" ? body : null;
  const code = typeof problem?.code === "string" ? problem.code : `http_${response.status}`;
  const detail = problem?.detail ?? problem?.title ?? `Portal answered ${response.status}.`;
  return new PortalTokenError(`${code}: ${detail}`, {
    code, status: response.status, detail, title: problem?.title, problem, retryAfterMs: parseRetryAfter(response.headers?.get?.("Retry-After"), nowMs),
  });
}

/** Retry-After is delta-seconds or an HTTP date. */
export function parseRetryAfter(value, nowMs = Date.now()) {
  if (value == null || value === "") return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * Moves the server's times onto the local clock. Portal's issuedAt is whole seconds, so the server's time at the
 * request's midpoint is about issuedAt + 0.5 s; the difference to the local midpoint is the device's clock skew.
 */
async function toRecord(o, body, sentAt, receivedAt) {
  let serverIssued, serverExpires, serverRenew;
  if (body.expiresAt && body.renewAfter && body.issuedAt) {
    serverIssued = Date.parse(body.issuedAt);
    serverExpires = Date.parse(body.expiresAt);
    serverRenew = Date.parse(body.renewAfter);
  } else {
    // The drop-in answer is just {token}: read the lifetime from the token itself, else assume the requested one.
    const inside = await readToken007(body.token);
    const lifetimeMs = inside ? inside.lifetimeMs : (o.expireSeconds ?? 3600) * 1000;
    serverIssued = inside ? inside.issuedAt : null;
    const issued = serverIssued ?? sentAt;
    serverExpires = issued + lifetimeMs;
    serverRenew = serverExpires - Math.min(o.renewAheadSeconds * 1000, lifetimeMs / 2);
  }
  const skew = serverIssued == null ? 0 : serverIssued + 500 - (sentAt + receivedAt) / 2;
  const issuedAt = serverIssued == null ? sentAt : serverIssued - skew;
  const lifetime = serverExpires - (serverIssued ?? sentAt);
  return {
    token: body.token,
    appId: body.appId ?? null,
    issuedAt,
    expiresAt: serverExpires - skew,
    // Never sooner than a second after issue, so a misjudged skew cannot make the renewals loop.
    renewAt: Math.max(serverRenew - skew, issuedAt + Math.min(1000, lifetime / 2)),
    skewMs: skew,
    response: body,
  };
}

/** issueTs and expire from a 007 token: "007" + base64(zlib(signature, appId, issueTs, expire, …)). Null if unreadable. */
export async function readToken007(token) {
  if (typeof token !== "string" || !token.startsWith("007") || typeof DecompressionStream !== "function") return null;
  try {
    const binary = atob(token.slice(3));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    const data = new DataView(await new Response(stream).arrayBuffer());
    let at = 0;
    at += 2 + data.getUint16(at, true); // signature
    at += 2 + data.getUint16(at, true); // app id
    const issueTs = data.getUint32(at, true), expire = data.getUint32(at + 4, true);
    return { issuedAt: issueTs * 1000, lifetimeMs: expire * 1000 };
  } catch {
    return null;
  }
}

/** @returns {IssuedToken} */
function view(record) {
  return {
    token: record.token, expiresAt: new Date(record.expiresAt), renewAfter: new Date(record.renewAt),
    issuedAt: new Date(record.issuedAt), appId: record.appId, response: record.response,
  };
}
