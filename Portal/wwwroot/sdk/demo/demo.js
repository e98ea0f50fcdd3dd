// The demo page of /sdk/portal-token.js: joins with a stand-in client (or Agora's Web SDK when loaded) and draws
// the provider's events on a timeline. No framework: what a customer's page would write, plus the drawing.
import { createTokenProvider, PortalToken } from "/sdk/portal-token.js";

const $ = (id) => document.getElementById(id);

/** Behaves like agora-rtc-sdk-ng's client as far as tokens go: join, renewToken, leave and the two token events. */
class StandInClient {
  #handlers = new Map();
  token = null;
  on(event, fn) { (this.#handlers.get(event) ?? this.#handlers.set(event, new Set()).get(event)).add(fn); }
  off(event, fn) { this.#handlers.get(event)?.delete(fn); }
  emit(event) { for (const fn of [...(this.#handlers.get(event) ?? [])]) fn(); }
  async join(appId, channel, token, uid) { this.token = token; return uid; }
  async renewToken(token) { this.token = token; }
  async leave() { this.token = null; }
}

let provider = null, client = null, standIn = false, renewals = 0, uid = null;

const short = (token) => (token.length > 24 ? `${token.slice(0, 12)}…${token.slice(-8)}` : token);
const clock = (date) => date.toLocaleTimeString([], { hour12: false });
const inSeconds = (date) => Math.round((date.getTime() - Date.now()) / 1000);

function log(kind, text) {
  $("timeline-empty").hidden = true;
  const item = document.createElement("li");
  item.className = kind;
  item.dataset.kind = kind;
  const time = document.createElement("time");
  time.textContent = clock(new Date());
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.textContent = kind;
  const body = document.createElement("span");
  body.textContent = text;
  item.append(time, badge, body);
  $("timeline").prepend(item); // newest first
}

function showToken(t) {
  $("current-token").textContent = t.token;
  $("expires-at").dataset.at = t.expiresAt.toISOString();
  $("renew-after").dataset.at = t.renewAfter.toISOString();
  tick();
}

/** Keeps the "in N s" counters moving. */
function tick() {
  for (const id of ["expires-at", "renew-after"]) {
    const at = $(id).dataset.at;
    if (!at) continue;
    const date = new Date(at), left = inSeconds(date);
    $(id).textContent = `${clock(date)} (${left >= 0 ? `in ${left} s` : `${-left} s ago`})`;
  }
}

function describe(error) {
  return error?.code ? `${error.code}${error.status ? ` (${error.status})` : ""}: ${error.detail}` : String(error?.message ?? error);
}

function setJoined(joined) {
  $("join").disabled = joined;
  $("leave").disabled = !joined;
  $("fire-will").disabled = $("fire-did").disabled = !joined || !standIn;
  for (const el of $("settings").querySelectorAll("input, select, textarea")) el.disabled = joined;
  if (!joined) showRoute();
}

/** The exchange route has no key and no uid (the rules decide it), but needs where the ID token comes from. */
function showRoute() {
  const exchange = $("route").value === "exchange";
  $("exchange-settings").hidden = !exchange;
  $("key").required = !exchange;
  $("key").disabled = exchange;
  $("uid").disabled = exchange;
}

/**
 * getIdToken for the exchange: a pasted token, else a fresh one from the sign-in URL for every request (as a
 * provider SDK's getIdToken() would refresh it). The URL answers `{"id_token": "…"}` (or the token as plain text).
 */
function idTokenSource(url, pasted) {
  if (pasted) return async () => pasted;
  return async () => {
    const response = await fetch(url, { cache: "no-store", credentials: "omit" });
    if (!response.ok) throw new Error(`the sign-in URL answered ${response.status}`);
    const text = await response.text();
    try { return JSON.parse(text).id_token; } catch { return text.trim(); }
  };
}

async function loadAgora(src) {
  if (window.AgoraRTC) return window.AgoraRTC;
  await new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`Agora's SDK could not be loaded from ${src}.`));
    document.head.append(script);
  });
  return window.AgoraRTC;
}

function readSettings() {
  const expire = $("expire").value.trim();
  const route = $("route").value;
  if (route === "exchange") {
    const url = $("id-token-url").value.trim(), pasted = $("id-token").value.trim();
    if (!url && !pasted) throw new Error("The exchange needs an identity token URL or a pasted ID token.");
    return {
      baseUrl: $("base-url").value.trim(), route, project: $("project-id").value.trim(),
      getIdToken: idTokenSource(url, pasted), service: "rtc", channel: $("channel").value.trim(), role: "publisher",
      expireSeconds: expire ? Number(expire) : undefined,
    };
  }
  return {
    baseUrl: $("base-url").value.trim(), key: $("key").value.trim(), route,
    projectId: route === "access_token" ? $("project-id").value.trim() : undefined,
    service: "rtc", channel: $("channel").value.trim(), uid: Number($("uid").value), role: "publisher",
    expireSeconds: expire ? Number(expire) : undefined,
  };
}

async function join(event) {
  event.preventDefault();
  $("join").disabled = true; // no double submit while the first token is on its way
  let appId = null;
  try {
    const settings = readSettings();
    const create = settings.route === "exchange" ? PortalToken.exchange : createTokenProvider;
    provider = create({
      ...settings,
      // The SDK said the token is dead: leave and join again with the fresh token the provider fetched.
      onDidExpire: async ({ token }) => {
        log("rejoin", `token expired: leaving and joining again with ${short(token)}`);
        await client.leave();
        await client.join(appId, settings.channel, token, uid);
      },
    });
    provider.on("token", (t) => { log("issued", `${short(t.token)} (${t.reason}), expires ${clock(t.expiresAt)}`); showToken(t); });
    provider.on("scheduled", (s) => log("scheduled", `renewal scheduled for ${clock(s.at)} (in ${Math.round(s.inMs / 1000)} s)`));
    provider.on("renewed", (t) => { $("renewals").textContent = String(++renewals); log("renewed", `client.renewToken(${short(t.token)}) after ${t.reason}`); });
    provider.on("skipped", (s) => log("skipped", `${s.event}: ${s.reason}, no second renewal`));
    provider.on("retry", (r) => log("retry", `attempt ${r.attempt} failed (${describe(r.error)}); next try in ${(r.delayMs / 1000).toFixed(1)} s`));
    provider.on("expired", () => log("expired", "token-privilege-did-expire: the client's token expired"));
    provider.on("error", (e) => log("error", describe(e)));

    const first = await provider.getToken();
    appId = first.appId;
    // An exchange's uid is what the project's rules made of the identity token; the answer says which.
    uid = settings.route === "exchange" ? first.response.uid : settings.uid;
    standIn = !$("use-agora").checked;
    if (standIn) {
      client = new StandInClient();
    } else {
      if (!appId) throw new Error("Agora's SDK needs the App ID, which only the v1 route's answer carries: choose the v1 route.");
      const AgoraRTC = await loadAgora($("agora-src").value.trim());
      client = AgoraRTC.createClient({ mode: "rtc", codec: "vp8" });
    }
    await client.join(appId, settings.channel, first.token, uid);
    log("joined", `client.join(…, "${settings.channel}", ${short(first.token)}, ${uid})`);
    provider.attach(client); // from here on the provider renews the client's token
    $("client-kind").textContent = standIn
      ? `Stand-in client joined "${settings.channel}" as uid ${uid}: fire its token events with the buttons below.`
      : `Agora's Web SDK joined "${settings.channel}" as uid ${uid}: it fires the token events itself.`;
    setJoined(true);
  } catch (error) {
    log("error", describe(error));
    provider?.detach();
    provider = null;
    $("join").disabled = false;
  }
}

async function leave() {
  $("leave").disabled = true;
  provider?.detach();
  try { await client?.leave(); } catch (error) { log("error", describe(error)); }
  log("left", "client.leave(); renewals stopped");
  $("client-kind").textContent = "Not joined.";
  provider = client = null;
  setJoined(false);
}

function fire(name) {
  log("event", `stand-in client fired ${name}`);
  client.emit(name);
}

$("base-url").value = location.origin;
$("page-origin").textContent = location.origin;
$("use-agora").checked = Boolean(window.AgoraRTC); // a page that loaded the SDK uses it
$("settings").addEventListener("submit", join);
$("route").addEventListener("change", showRoute);
showRoute();
$("leave").addEventListener("click", leave);
$("fire-will").addEventListener("click", () => fire("token-privilege-will-expire"));
$("fire-did").addEventListener("click", () => fire("token-privilege-did-expire"));
setInterval(tick, 1000);
document.body.dataset.ready = "true";
