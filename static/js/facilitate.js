// The facilitator's console: seats and who is connected, start, pause and resume, extend or
// skip a timer, move on, bots for empty seats, remove a seat, end the game, the debrief.
import { $, fromFragment, h, store, update } from "./dom.js";
import { roomMessage } from "./roommsg.js";
import { connect, keepNewest } from "./conn.js";
import { loadDeck, nm } from "./deck.js";
import { criteriaKey, eventView, phaseName, scoringLink, seatName, stageLine, Timer, waitingText, planSoFar } from "./game.js";

const tableId = $("main").dataset.table;
const S = { table: null, game: null, deck: null, confirm: null, busy: false };
const timer = new Timer($("#timer"));
let key = fromFragment("key");
if (key) store.set(`key.${tableId}`, key);
else key = store.get(`key.${tableId}`);
let conn = null;

if (!key) needKey();
else start();

function start() {
  conn = connect({
    hello: () => ({ table: tableId, key }),
    onHello: accept,
    onView: accept,
    onRefused: (err) => {
      if (err.code === "bad_key") {
        store.drop(`key.${tableId}`);
        needKey(err.message);
      } else $("#msg").textContent = err.message;
    },
    on: { room_message: roomMessage },
  });
}

function needKey(text) {
  conn?.stop();
  conn = null;
  $("#console").hidden = true;
  $("#need-key").hidden = false;
  if (text) $("#msg").textContent = text;
}

$("#key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("#key-input").value.trim();
  const m = text.match(/key=([^&\s]+)/);
  key = m ? m[1] : text;
  if (!key) return;
  store.set(`key.${tableId}`, key);
  $("#need-key").hidden = true;
  $("#msg").textContent = "";
  start();
});

async function accept(msg) {
  if (!keepNewest(S, msg)) return;
  if (!S.deck) S.deck = await loadDeck(S.table.deck);
  render();
}

async function command(name, args, button) {
  $("#msg").textContent = "";
  if (button) button.disabled = true;
  const res = await conn.call("facilitate", args ? { command: name, args } : { command: name });
  if (button) button.disabled = false;
  S.confirm = null;
  if (!res.ok) {
    $("#msg").textContent = res.error.message;
    render();
    return false;
  }
  $("#controls-h")?.focus();
  return true;
}

const STATUS = { lobby: "Seats open: not started", playing: "Playing", paused: "Paused", ended: "Game over" };

function render() {
  const { table, game, deck } = S;
  $("#console").hidden = false;
  $("#scenario").textContent = `${game.scenario.name} (${deck.name})`;
  $("#status").textContent = table.status === "lobby" || table.status === "ended" ? STATUS[table.status]
    : `${STATUS[table.status]} \u00b7 ${stageLine(game, deck)}`;
  const seated = table.seats.filter((x) => x.kind !== "empty").length;
  const bots = table.options.bots && table.options.bots !== "none";
  $("#waiting").textContent = table.status === "lobby"
    ? `${seated} of ${table.seats.length} seats taken. Start the game when everyone is in${bots ? "; empty seats get bots" : ""}.`
    : waitingText(game, table, null);
  timer.set(table.status === "ended" ? null : table.timer, game);
  update($("#controls"), [table.status, game.phase, table.timer && table.timer.phase, !!table.timer, S.confirm], renderControls);
  update($("#seats"), [table.seats, game.seats, game.current.waiting, game.phase, table.status, S.confirm], renderSeats);
  update($("#round"), [game.current, game.phase, table.status, game.history.length, table.bots_say], renderRound);
  update($("#links"), [table.code, table.status], renderLinks);
  update($("#timers"), [table.options.timers], renderTimers);
}

function btn(label, onclick, cls = "button") {
  return h("button", { type: "button", class: cls, onclick }, label);
}

function run(name, args) {
  return (e) => command(name, args, e.currentTarget);
}

function renderControls() {
  const { table, game } = S;
  const st = table.status;
  const timed = !!table.timer && st !== "ended";
  const row = [];
  if (st === "lobby") row.push(btn("Start the game", run("start")));
  if (st === "playing") row.push(btn("Pause", run("pause"), "button secondary"));
  if (st === "paused") row.push(btn("Resume", run("resume")));
  if (st === "playing") {
    const next = { proposal: "reveal the proposals", discussion: "start the vote", vote: "count the votes",
      result: game.round >= game.rounds ? "finish the game" : "next round" }[game.phase];
    // Stamped with what the console shows, so a click cannot move on a phase just begun.
    if (next) row.push(btn(`Move on now: ${next}`, run("advance", { round: game.round, phase: game.phase }), "button secondary"));
  }
  if (timed && st !== "lobby") {
    row.push(btn("Add 1 minute", run("extend", { seconds: 60 }), "button secondary"));
    if (st === "playing") row.push(btn("Stop the timer", run("skip_timer"), "button secondary"));
  }
  const end = st === "ended" ? null : S.confirm === "end"
    ? h("div", { class: "confirm", role: "group", "aria-labelledby": "end-q" },
      h("p", { id: "end-q" }, h("strong", null, "End the game for everyone now?"), " Nobody can play on; the debrief stays."),
      btn("Yes, end the game", run("end"), "button danger"),
      btn("Keep playing", () => { S.confirm = null; render(); $("#end-ask")?.focus(); }, "button secondary"))
    : h("button", { type: "button", class: "button secondary", id: "end-ask", onclick: () => { S.confirm = "end"; render(); $("#end-q")?.parentElement.querySelector("button")?.focus(); } }, "End the game\u2026");
  return [
    h("h2", { id: "controls-h", tabindex: "-1" }, "Run the game"),
    h("div", { class: "controls" }, row),
    st === "playing" && game.phase !== "ended" ? h("p", { class: "small" },
      "Move on now ends this phase: anyone who has not acted passes, or their vote counts as no. ",
      timed ? "Stop the timer keeps the phase going with no countdown, until everyone has acted or you move on." : "") : null,
    h("div", { class: "controls" },
      st === "lobby" ? null : h("a", { class: st === "ended" ? "button" : "button secondary", href: `/debrief/${encodeURIComponent(tableId)}` }, "Open the debrief"),
      end),
  ];
}

function renderSeats() {
  const { table, game } = S;
  const cur = game.current;
  // What each seat is doing: the server says (game.current.doing).
  const doing = (s) => {
    const d = table.status === "playing" && cur.doing && cur.doing[s];
    return d ? `${d.done ? "\u2714 " : ""}${d.text}` : "";
  };
  return [
    h("h2", { id: "seats-h" }, "Seats"),
    h("ul", { class: "fseats" }, table.seats.map((s) => {
      const role = game.seats[s.seat] && game.seats[s.seat].role;
      const who = s.kind === "empty" ? "Empty" : s.name || `Seat ${s.seat + 1}`;
      const conn = s.kind === "human" ? (s.connected ? "\u25cf Connected" : "\u25cb Not connected") : s.kind === "bot" ? "Bot" : "Nobody here";
      let action;
      if (table.status === "ended") action = null;
      else if (s.kind === "empty") action = btn(`Add a bot to seat ${s.seat + 1}`, run("add_bot", { seat: s.seat }), "button secondary");
      else if (S.confirm === `remove:${s.seat}`) {
        action = h("div", { class: "confirm", role: "group", "aria-label": `Remove ${who}?` },
          h("p", null, `Remove ${who} from seat ${s.seat + 1}? Their device loses the seat.`),
          btn(`Yes, remove ${who}`, run("remove_seat", { seat: s.seat }), "button danger"),
          btn("Cancel", () => { S.confirm = null; render(); }, "button secondary"));
      } else {
        action = btn(`Remove ${who} from seat ${s.seat + 1}`, () => { S.confirm = `remove:${s.seat}`; render(); }, "button secondary");
      }
      return h("li", { class: `fseat ${s.kind}` },
        h("p", null, h("strong", { class: "name" }, `Seat ${s.seat + 1}: ${who}`), role ? ` \u00b7 ${role.name}` : ""),
        h("p", { class: "small" }, conn, doing(s.seat) ? ` \u00b7 ${doing(s.seat)}` : ""),
        action);
    })),
  ];
}

function renderRound() {
  const { game, table, deck } = S;
  const cur = game.current;
  const lines = (table.bots_say || []).slice(-5);
  const plan = planSoFar(game);
  return [
    h("h2", { id: "round-h" }, table.status === "lobby" ? "First round" : `Round ${game.round}: ${nm(deck.stage, cur.stage)}`),
    criteriaKey(deck), scoringLink(deck),
    cur.events.map((ev) => eventView(ev, "fev")),
    game.phase !== "proposal" && cur.proposals.length ? [h("h3", null, "Proposals"),
      h("ul", null, cur.proposals.map((p) => h("li", null,
        h("strong", { class: "name" }, p.by && p.by.kind !== "default" ? p.by.name : seatName(table, p.seat)), ": ",
        p.card ? `${nm(deck.card, p.card)} with ${nm(deck.group, p.group)}${p.cost != null ? `, cost ${p.cost}` : ""}` : "passed")))] : null,
    plan.length ? [h("h3", null, "Adopted so far"), h("ol", null, plan.map((a) => h("li", null,
      `Round ${a.round}: ${nm(deck.card, a.card)} with ${nm(deck.group, a.group)}`)))] : null,
    lines.length ? [h("h3", null, "Bots say"), h("ul", { class: "small" }, lines.map((b) => h("li", null,
      h("strong", null, `${seatName(table, b.seat)}: `), b.says)))] : null,
  ];
}

function renderLinks() {
  const { table } = S;
  const open = table.status !== "ended";
  return [
    h("h2", { id: "links-h" }, "Join code and links"),
    open && table.code ? h("div", { class: "join-row" },
      h("img", { class: "qr", src: `/api/tables/${encodeURIComponent(tableId)}/qr.svg?screen=${encodeURIComponent(table.screen_key)}`, width: "160", height: "160",
        alt: `QR code for the join link, code ${table.code}` }),
      h("div", null, h("p", null, `Players go to ${location.host}/join and type`),
        h("p", { class: "code-big" }, h("span", { class: "vh" }, "Join code: "), table.code))) : null,
    h("ul", { class: "links" },
      h("li", null, h("a", { href: table.screen_path }, "Table screen (for the projector)")),
      table.code ? h("li", null, h("a", { href: `${table.join_path}` }, "Join link")) : null,
      open && table.status !== "lobby" ? h("li", null, btn("New join code", run("new_code"), "button secondary"),
        h("span", { class: "small" }, " (for a seat you freed: the old code stops working; seated players stay)")) : null,
      h("li", null, h("a", { href: `/debrief/${encodeURIComponent(tableId)}` }, "Debrief"))),
  ];
}

const timerNote = h("p", { role: "status", class: "small" });

function renderTimers() {
  const { table, deck } = S;
  const t = { ...deck.settings.timers, ...(table.options.timers || {}) };
  const input = (phase, label) => h("label", null, label,
    h("input", { type: "number", inputmode: "numeric", min: "0", max: "3600", id: `tm-${phase}`, value: String(t[phase] ?? 0) }));
  const note = timerNote;
  note.textContent = "";
  return [
    h("h2", { id: "timers-h" }, "Timer lengths"),
    h("p", { class: "small" }, "In seconds; 0 for no timer. New lengths apply from the next phase."),
    h("form", { onsubmit: async (e) => {
      e.preventDefault();
      const timers = {};
      for (const p of ["proposal", "discussion", "vote"]) timers[p] = Number($(`#tm-${p}`).value) || 0;
      if (await command("set_timers", { timers }, e.target.querySelector("button"))) note.textContent = "Saved.";
    } }, h("div", { class: "row3" }, input("proposal", "Proposal phase"), input("discussion", "Discussion phase"), input("vote", "Vote phase")),
    h("button", { type: "submit", class: "button secondary" }, "Save timer lengths"), note),
  ];
}

