// The operator console page served at GET /console: sign in as an admin, then the cluster's
// view arrives live over the WebSocket /v1/admin/console/ws (one frame a second) and the
// buttons call the admin API (drain, undrain, move a shard). Everything shown is set with
// textContent, never as HTML: node logs can hold anything.

#include "http_edge/console_page.hpp"

namespace lakoo::edge {

const char* console_page_html() {
  return R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LAKOO operator console</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }
  h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
  table { border-collapse: collapse; } th, td { padding: .25rem .6rem; border-bottom: 1px solid #ddd; text-align: left; }
  .live { color: #0a7d32; } .down { color: #b3261e; }
  #error { color: #b3261e; min-height: 1.2em; }
  pre { background: #f5f5f7; padding: .5rem; max-height: 20rem; overflow: auto; white-space: pre-wrap; }
  form { display: flex; gap: .5rem; align-items: center; }
</style>
</head>
<body>
<h1>LAKOO operator console</h1>
<form id="login">
  <input id="email" type="email" placeholder="admin email" autocomplete="username" required>
  <input id="password" type="password" placeholder="password" autocomplete="current-password" required>
  <button id="signin" type="submit">Sign in</button>
</form>
<div id="error" role="alert"></div>
<section id="app" hidden>
  <p><span id="summary"></span> &middot; <span id="feed">connecting&hellip;</span> &middot; <span id="notice"></span></p>
  <table id="members">
    <thead><tr><th>Node</th><th>Address</th><th>State</th><th>Live</th><th>Incarnation</th>
      <th>Shards</th><th>Actors</th><th>In flight</th><th>Mailbox (router / deepest)</th>
      <th>Sagas</th><th></th></tr></thead>
    <tbody></tbody>
  </table>
  <h2>Entities per kind</h2><div id="entities"></div>
  <h2>Shard placement</h2><div id="shards"></div>
  <form id="move">
    <label>Shard <input id="move-shard" type="number" min="0" required></label>
    <label>to <select id="move-node"></select></label>
    <button id="move-button" type="submit">Move shard</button>
  </form>
  <h2>Recent warnings and errors</h2><pre id="errors"></pre>
</section>
<script>
"use strict";
let token = null, socket = null, last = null;
const $ = (id) => document.getElementById(id);
const say = (id, text) => { $(id).textContent = text; };

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers["Authorization"] = "Bearer " + token;
  const r = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  let json = null;
  try { json = await r.json(); } catch (e) { /* no body */ }
  return { status: r.status, body: json };
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

function pairs(obj) {
  return Object.entries(obj || {}).map(([k, v]) => k + "=" + v).join(", ") || "none";
}

function render(c) {
  last = c;
  say("summary", "seen from " + c.node + ": " + (c.settled ? "settled" : "shards moving") + ", "
      + c.shards + " shards, " + c.sagas_in_flight + " sagas in flight");
  const body = $("members").tBodies[0];
  body.textContent = "";
  const entities = $("entities"), errors = [];
  entities.textContent = "";
  const select = $("move-node"), chosen = select.value;
  select.textContent = "";
  for (const m of c.members) {
    const row = document.createElement("tr");
    row.dataset.node = m.id;
    cell(row, m.id);
    cell(row, m.address);
    cell(row, m.state, "state");
    cell(row, m.live ? "yes" : "no", m.live ? "live" : "down");
    cell(row, String(m.incarnation));
    cell(row, String(m.shards), "shards");
    cell(row, m.reachable ? String(m.actors) : "unreachable");
    cell(row, m.reachable ? String(m.in_flight) : "-");
    cell(row, m.reachable ? m.mailbox.router + " / " + m.mailbox.deepest : "-");
    cell(row, m.reachable ? pairs(m.sagas) : "-");
    const actions = cell(row, "");
    const button = document.createElement("button");
    const draining = m.state === "draining";
    button.textContent = draining ? "Undrain" : "Drain";
    button.className = draining ? "undrain" : "drain";
    button.addEventListener("click", () => command(m.id, draining ? "undrain" : "drain"));
    actions.appendChild(button);
    body.appendChild(row);
    const line = document.createElement("div");
    line.textContent = m.id + ": " + (m.reachable ? pairs(m.actors_by_kind) : "unreachable");
    entities.appendChild(line);
    for (const e of m.recent_errors || []) errors.push(e);
    const option = document.createElement("option");
    option.value = option.textContent = m.id;
    select.appendChild(option);
  }
  if (chosen) select.value = chosen;
  const byNode = {};
  for (const p of c.placement) (byNode[p.node || "(none)"] ||= []).push(p.shard);
  const shards = $("shards");
  shards.textContent = "";
  for (const [node, list] of Object.entries(byNode)) {
    const line = document.createElement("div");
    line.textContent = node + ": " + list.length + " shards (" + list.join(" ") + ")";
    shards.appendChild(line);
  }
  say("errors", errors.slice(-50).join("\n") || "none");
}

async function command(node, action) {
  const r = await api("POST", "/v1/admin/nodes/" + encodeURIComponent(node) + "/" + action);
  say("notice", r.status === 202 ? action + " " + node + ": accepted"
      : action + " " + node + " failed: " + (r.body && r.body.error ? r.body.error.message : r.status));
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  socket = new WebSocket(scheme + location.host + "/v1/admin/console/ws?token="
                         + encodeURIComponent(token));
  socket.onopen = () => say("feed", "live");
  socket.onmessage = (m) => {
    const frame = JSON.parse(m.data);
    if (frame.type === "console") render(frame.console);
  };
  socket.onclose = () => {
    say("feed", "reconnecting\u2026");
    if (token) setTimeout(connect, 1000);
  };
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  say("error", "");
  const r = await api("POST", "/v1/auth/login", { email: $("email").value, password: $("password").value });
  if (r.status !== 200) { say("error", "Sign-in failed: wrong email or password."); return; }
  token = r.body.access_token;
  const c = await api("GET", "/v1/admin/console");
  if (c.status !== 200) {
    say("error", c.status === 403 ? "This account is not an administrator." : "The console is unavailable.");
    token = null;
    return;
  }
  $("login").hidden = true;
  $("app").hidden = false;
  render(c.body);
  connect();
});

$("move").addEventListener("submit", async (e) => {
  e.preventDefault();
  const shard = $("move-shard").value, node = $("move-node").value;
  const r = await api("POST", "/v1/admin/shards/" + encodeURIComponent(shard) + "/move", { node });
  say("notice", r.status === 202 ? "move shard " + shard + " to " + node + ": accepted"
      : "move failed: " + (r.body && r.body.error ? r.body.error.message : r.status));
});
</script>
</body>
</html>
)HTML";
}

} // namespace lakoo::edge
