// The workshop dashboard: every table at a glance, live; commands to every table or one;
// a message to the room; moving people before the start; adding co-facilitators.
import { $, fill, h, postJSON, say } from "./dom.js";
import { joinRoom, scoreList, statusText, timeLeft } from "./roomlive.js";

const main = $("main");
const workshopId = main.dataset.workshop;
const csrf = document.querySelector("meta[name=csrf-token]").content;
const W = { tables: [], people: [], received: {} };

const post = (path, body) => postJSON(`/api/workshops/${encodeURIComponent(workshopId)}${path}`, body, csrf);

const VERB = { start: "Started", pause: "Paused", resume: "Resumed", advance: "Moved on", extend: "Extended the timer at" };

async function command(name, tables) {
  const args = name === "extend" ? { seconds: 60 } : {};
  const body = { command: name, args };
  if (tables) body.tables = tables;
  // "Move on" from the phase this page shows: a second click, or a co-facilitator's at the
  // same moment, finds the table moved on already and leaves it be.
  if (name === "advance") body.seen = Object.fromEntries(W.tables.map((t) => [String(t.number), { round: t.round, phase: t.phase }]));
  const res = await post("/command", body);
  const out = $("#command-result");
  if (!res.ok) {
    out.textContent = res.error.message;
    return;
  }
  const done = res.results.filter((r) => r.ok).map((r) => r.number);
  const not = res.results.filter((r) => !r.ok).map((r) => `table ${r.number}: ${r.error.message}`);
  out.textContent = `${done.length ? `${VERB[name]} table${done.length > 1 ? "s" : ""} ${done.join(", ")}.` : "No table changed."}`
    + (not.length ? ` Not done at ${not.join("; ")}.` : "");
  refresh();
}

for (const b of document.querySelectorAll("[data-command]")) {
  b.addEventListener("click", () => command(b.dataset.command));
}

$("#message-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("#message").value.trim();
  if (!text) {
    $("#command-result").textContent = "Type a message first.";
    return $("#message").focus();
  }
  const res = await post("/message", { text });
  $("#command-result").textContent = res.ok ? `Sent to the room: \u201c${res.message.text}\u201d` : res.error.message;
  if (res.ok) $("#message").value = "";
});

$("#co-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const res = await post("/facilitators", { user_name: $("#co-name").value.trim() });
  $("#co-result").textContent = res.ok ? `${res.added} can now run this workshop.` : res.error.message;
  if (res.ok) $("#co-name").value = "";
});

function seatLine(s, now) {
  if (s.kind === "empty") return h("li", null, "empty seat");
  if (s.kind === "bot") return h("li", null, `${s.name} (bot)`);
  const away = s.here ? "" : ` \u2014 away${s.away_s != null ? ` ${Math.round(s.away_s + now)} s` : ""}`;
  return h("li", { class: s.here ? "" : "away" }, `${s.name}${away}`);
}

// Who has been away past the server's threshold (stuck_after_s, null when the table is not
// being played), counting the seconds since its summary arrived.
function awayFor(t) {
  if (t.stuck_after_s == null) return [];
  const extra = (Date.now() - (W.received[t.number] || Date.now())) / 1000;
  return t.seats.filter((s) => s.kind === "human" && !s.here && s.away_s != null && s.away_s + extra > t.stuck_after_s)
    .map((s) => s.name);
}

function card(t) {
  const extra = (Date.now() - (W.received[t.number] || Date.now())) / 1000;
  const stuck = awayFor(t);
  const id = `table-${t.number}`;
  return h("article", { class: `table-card${stuck.length ? " stuck" : ""}`, id, "aria-labelledby": `${id}-h` },
    h("h3", { id: `${id}-h` }, `Table ${t.number} `, h("span", { class: "sub" }, t.code)),
    stuck.length ? h("p", { class: "flag" }, `\u26a0 Stuck? ${stuck.join(", ")} away for over a minute`) : null,
    h("p", { class: "status" }, statusText(t), " \u00b7 ", timeLeft(t.timer, W.received[t.number])),
    t.last ? h("p", null, `Last: ${t.last}`) : null,
    h("ul", { class: "seats", "aria-label": `Who is at table ${t.number}` }, t.seats.map((s) => seatLine(s, extra))),
    t.missing.length ? h("p", null, `Missing: ${t.missing.join(", ")}`) : null,
    scoreList(t),
    h("p", null, `Tracks: ${t.tracks.map((x) => `${x.name} ${x.value}`).join(", ")}`),
    h("div", { class: "table-buttons", role: "group", "aria-label": `Commands to table ${t.number}` },
      ...[["start", "Start"], ["pause", "Pause"], ["resume", "Resume"], ["advance", "Move on"], ["extend", "+1 min"]]
        .map(([c, label]) => h("button", { type: "button", class: "button secondary small", id: `${id}-${c}`,
          "aria-label": `${label} table ${t.number}`, onclick: () => command(c, [t.number]) }, label))),
    h("p", { class: "links" },
      t.console ? h("a", { href: t.console, target: "_blank", rel: "noopener" }, `Console of table ${t.number}`) : null));
}

function renderTables() {
  fill($("#tables"), ...W.tables.map(card));
  const stuck = W.tables.filter((t) => awayFor(t).length);
  const text = stuck.length ? `Stuck: table ${stuck.map((t) => t.number).join(", ")} (someone away for over a minute).` : "";
  if ($("#stuck").textContent !== text) $("#stuck").textContent = text; // an alert: only when it changes
}

function render() {
  renderTables();
  renderPeople();
}

function renderPeople() {
  // Keep what the facilitator chose in the move pickers while the list is redrawn.
  const chosen = Object.fromEntries([...document.querySelectorAll("#people select")].map((x) => [x.dataset.name, x.value]));
  const lobby = new Set(W.tables.filter((t) => t.status === "lobby").map((t) => t.number));
  if (!W.people.length) return fill($("#people"), h("p", null, "Nobody has joined yet."));
  fill($("#people"), h("ul", { class: "people" }, W.people.map((p, i) => {
    const row = h("li", null, `${p.name}, table ${p.number}`);
    if (lobby.has(p.number) && W.tables.length > 1) {
      const sel = h("select", { id: `move-${i}`, "data-name": p.name, "aria-label": `New table for ${p.name}` },
        W.tables.filter((t) => t.number !== p.number).map((t) => h("option", { value: String(t.number) }, `Table ${t.number}`)));
      if (chosen[p.name]) sel.value = chosen[p.name];
      row.append(" ", sel, " ", h("button", { type: "button", class: "button secondary small", id: `move-${i}-go`, "aria-label": `Move ${p.name}`,
        onclick: async () => {
          const res = await post("/move", { name: p.name, table: Number(sel.value) });
          $("#command-result").textContent = res.ok ? `Moved ${res.moved.name} to table ${res.moved.number}.` : res.error.message;
          refresh();
        } }, "Move"));
    }
    return row;
  })));
}

function overview(res) {
  const now = Date.now();
  W.tables = res.tables;
  W.people = res.people || [];
  for (const t of W.tables) W.received[t.number] = now;
  render();
}

async function refresh() {
  try {
    const res = await (await fetch(`/api/workshops/${encodeURIComponent(workshopId)}`)).json();
    if (res.ok) overview(res);
  } catch { /* the live room keeps the page current */ }
}

joinRoom(workshopId, {
  onOverview: overview,
  onTable: (t) => {
    const i = W.tables.findIndex((x) => x.number === t.number);
    if (i < 0) return;
    W.tables[i] = { ...W.tables[i], ...t, console: W.tables[i].console };
    W.received[t.number] = Date.now();
    renderTables();
    if (t.seats.some((x, k) => x.name !== (W.people.find((p) => p.number === t.number && p.seat === k) || {}).name && x.kind === "human")) refresh();
  },
  onMessage: (note) => say(`Sent to the room: ${note.text}`),
  onError: (err) => { $("#command-result").textContent = err.message; },
});
// Timers and "away for over a minute" move on without any table changing.
setInterval(renderTables, 1000);
