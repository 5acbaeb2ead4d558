// The table screen, for the projector: one screen, no scrolling, legible from the back. The
// stage, the phase and the timer; the event and the proposals (or the result); the weighted
// total with an on-track marker against the win line; the plan so far; who is at the table;
// and the join code, big in the lobby and small but always there once the game has started.
import { $, fromFragment, h, signed, store, update } from "./dom.js";
import { roomMessage } from "./roommsg.js";
import { connect, keepNewest } from "./conn.js";
import { loadDeck, nm } from "./deck.js";
import {
  criteriaBars, OUTLOOK, scoringLink, phaseName, pips, planSoFar, seatName, stageLine, Timer, tracksView, waitingText, KINDS,
} from "./game.js";

const tableId = $("main").dataset.table;
const S = { table: null, game: null, deck: null };
const timer = new Timer($("#timer"));
// The screen's own link carries a secret that lets it show the join code all game long.
let screenKey = fromFragment("screen");
if (screenKey) store.set(`screen.${tableId}`, screenKey);
else screenKey = store.get(`screen.${tableId}`);

connect({
  hello: () => (screenKey ? { table: tableId, screen: screenKey } : { table: tableId }),
  onHello: accept,
  onView: accept,
  onRefused: (err) => { $("#msg").textContent = err.message; },
  on: { room_message: roomMessage },
});

async function accept(msg) {
  if (!keepNewest(S, msg)) return;
  if (!S.deck) S.deck = await loadDeck(S.table.deck);
  render();
}

function render() {
  const { table, game, deck } = S;
  const over = table.status === "ended" || game.phase === "ended";
  const lobby = table.status === "lobby";
  $("#board").hidden = false;
  document.body.classList.toggle("lobby", lobby);
  $("#scenario").textContent = game.scenario.name;
  $("#stage").textContent = lobby ? "Take a seat: the game starts soon" : stageLine(game, deck, false);
  $("#phase").textContent = lobby ? "Waiting to start" : table.status === "paused" ? "Paused" : over ? "Game over" : phaseName(game);
  $("#waiting").textContent = waitingText(game, table, null);
  timer.set(over ? null : table.timer, game);
  $("#join").hidden = !lobby || !table.code;
  $("#joinchip").hidden = lobby || over || !table.code;
  if (lobby && table.code) update($("#join"), [table.code, game.scenario.context], renderJoin);
  if (!lobby && table.code) update($("#joinchip"), [table.code], renderChip);
  $("#criteria").hidden = lobby;
  $("#plan").hidden = lobby;
  $("#outcome").hidden = !over;
  if (over) update($("#outcome"), [game.outcome, table.status, game.total], renderOutcome);
  $("#event").hidden = lobby || over;
  $("#proposals").hidden = lobby;
  if (!lobby && !over) update($("#event"), [game.current.events, game.current.stage, game.current.stage_text, game.current.abilities, table.seats, game.phase === "proposal"], renderEvent);
  if (!lobby) update($("#proposals"), [game.current, game.phase, table.seats, over], renderProposals);
  update($("#plan"), [game.history, game.current.adopted], renderPlan);
  update($("#criteria"), [game.scores, game.tracks, game.total, game.outlook], renderCriteria);
  update($("#seats"), [table.seats, game.seats, game.current.waiting, table.status], renderSeats);
  fit();
}

// Everything must fit the projector without scrolling. The layout is sized for it; should a
// long deck text still overflow, shrink the whole screen a step at a time (never below 70%).
function fit() {
  const root = document.body;
  root.style.removeProperty("--fit");
  let scale = 1;
  const over = () => document.documentElement.scrollHeight > window.innerHeight + 1;
  while (over() && scale > 0.7) {
    scale -= 0.05;
    root.style.setProperty("--fit", scale.toFixed(2));
  }
}
window.addEventListener("resize", () => { if (S.game) fit(); });

function renderJoin() {
  const { table, game } = S;
  return [
    h("h2", { id: "join-h" }, "Join this table"),
    h("div", { class: "join-row" },
      h("img", { class: "qr", src: `/api/tables/${encodeURIComponent(tableId)}/qr.svg${screenKey ? `?screen=${encodeURIComponent(screenKey)}` : ""}`, width: "240", height: "240",
        alt: `QR code for the join link, code ${table.code}` }),
      h("div", null,
        h("p", null, "Scan the code, or go to"),
        h("p", { class: "where" }, `${location.host}/join`),
        h("p", null, "and type"),
        h("p", { class: "code-big" }, h("span", { class: "vh" }, "Join code: "), table.code))),
    h("h2", null, "The project"), h("p", { class: "context" }, game.scenario.context),
  ];
}

function renderChip() {
  return [h("p", { class: "chip-where" }, `Join at ${location.host}/join`),
    h("p", { class: "chip-code" }, h("span", { class: "vh" }, "Join code: "), S.table.code)];
}

function renderOutcome() {
  const { game, table } = S;
  const out = game.outcome;
  return [
    out && out.won != null ? h("p", { class: `outcome ${out.won ? "won" : "lost"}` },
      out.won ? "\u2714 The table won together." : "\u2718 The table did not win this time.")
      : h("p", { class: "outcome" }, table.status === "ended" && game.phase !== "ended" ? "The facilitator ended the game." : "The game is over."),
    h("p", { class: "detail" }, "Debrief: ", h("a", { href: `/debrief/${encodeURIComponent(tableId)}` }, `${location.host}/debrief/${tableId}`)),
  ];
}

function renderEvent() {
  const { game, deck } = S;
  const stage = game.current.stage_text || deck.stage[game.current.stage];
  const choosing = stage && game.phase === "proposal";
  return [
    h("h2", { id: "event-h", class: "vh" }, "This round"),
    // The stage's question matters while people choose; later the proposals need the room.
    choosing ? h("p", { class: "prompt detail" }, h("strong", null, `${stage.name}: `), stage.prompt) : null,
    // The same classes as on phones: principles written as lines stay lines (pre-line).
    choosing && stage.objective ? h("p", { class: "detail stage-objective" }, h("strong", null, "Objective: "), stage.objective) : null,
    choosing && stage.principles ? h("p", { class: "detail stage-principles" }, h("strong", null, "Principles: "), stage.principles) : null,
    game.current.events.map((ev) => h("article", { class: `event ${ev.kind}`, "aria-labelledby": `sev-${ev.id}` },
      h("h3", { id: `sev-${ev.id}` }, h("span", { class: "kind" }, `${KINDS[ev.kind] || ev.kind}: `), ev.name),
      h("p", { class: "detail" }, ev.text),
      ev.rules.length ? h("p", { class: "detail" }, h("strong", null, "Scores this round: "), ev.rules.join(" ")) : null)),
    game.current.abilities.map((seat) => h("p", { class: "detail" }, h("strong", null, seatName(S.table, seat)),
      ` used their ability: ${game.seats[seat].role && game.seats[seat].role.ability ? game.seats[seat].role.ability.name : ""}.`)),
  ];
}

const by = (p) => (p.by && p.by.kind !== "default" ? p.by.name : seatName(S.table, p.seat));

function renderProposals() {
  const { game, table, deck } = S;
  const cur = game.current;
  if (game.phase === "result" || (game.phase === "ended" && cur.adopted)) return resultPanel(cur);
  if (game.phase === "ended") return null;
  if (game.phase === "proposal") {
    // What each seat is doing: the server says (game.current.doing).
    const doing = (s) => (cur.doing && cur.doing[s]) || { done: false, text: "choosing" };
    const chosen = table.seats.filter((s) => doing(s.seat).done).length;
    return [
      h("h2", { id: "proposals-h" }, `Proposals: ${chosen} of ${table.seats.length} in`),
      h("p", { class: "detail" }, "Proposals are shown when everyone has chosen."),
      h("ul", { class: "who" }, table.seats.map((s) => h("li", null,
        doing(s.seat).done ? "\u2714 " : "\u2026 ", h("strong", { class: "name" }, seatName(table, s.seat)),
        doing(s.seat).done ? ` ${doing(s.seat).text}` : ` is ${doing(s.seat).text}`))),
    ];
  }
  const votes = game.phase === "vote" && game.decision !== "chair"
    ? ` \u00b7 votes in: ${cur.voted.length} of ${table.seats.length}, a proposal needs ${game.votes_needed}` : "";
  return [
    h("h2", { id: "proposals-h" }, `Proposals${votes}`),
    h("ul", { class: "scr-cards" }, cur.proposals.map((p) => {
      if (!p.card) return h("li", { class: "proposal passed" }, h("h3", { class: "name" }, by(p)), h("p", { class: "detail" }, "Passed."));
      const card = deck.card[p.card];
      return h("li", { class: "proposal" },
        h("h3", null, nm(deck.card, p.card)),
        h("p", { class: "detail" }, h("strong", { class: "name" }, by(p)), ` \u00b7 ${nm(deck.group, p.group)}`,
          p.cost != null ? ` \u00b7 cost ${p.cost}` : ""),
        card ? pips(card, deck) : null);
    })),
  ];
}

// The result in the room's terms: what was adopted and what it added to the total, what was
// not and why. Every reason is on the phones and in the debrief.
function resultPanel(cur) {
  const { deck } = S;
  const points = (card) => Math.round(cur.changes.filter((c) => card === undefined ? true : c.card === card)
    .reduce((n, c) => n + (c.points || 0), 0) * 100) / 100;
  const adopted = cur.adopted || [];
  const refused = cur.refused || [];
  const total = points(undefined);
  return [
    h("h2", { id: "proposals-h" }, `This round: ${signed(total)} point${Math.abs(total) === 1 ? "" : "s"}`),
    adopted.length ? h("ul", { class: "res" }, adopted.map((a) => h("li", null,
      h("span", { class: "mark" }, "\u2714 "), h("strong", null, nm(deck.card, a.card)),
      h("span", { class: "detail" }, ` with ${nm(deck.group, a.group)}, cost ${a.cost}: `),
      h("strong", null, `${signed(points(a.card))} points`))))
      : h("p", null, "Nothing was adopted."),
    refused.length ? h("ul", { class: "res refused" }, refused.map((r) => {
      const p = cur.proposals.find((x) => x.seat === r.seat);
      return h("li", { class: "detail" }, h("span", { class: "mark" }, "\u2718 Not adopted: "),
        h("strong", null, p && p.card ? nm(deck.card, p.card) : seatName(S.table, r.seat)), `: ${r.why}`);
    })) : null,
    (cur.later_events || []).map((ev) => h("article", { class: `event ${ev.kind}`, "aria-labelledby": `sl-${ev.id}` },
      h("h3", { id: `sl-${ev.id}` }, h("span", { class: "kind" }, "Drawn after the scoring: "), ev.name),
      h("p", { class: "detail" }, ev.text),
      ev.effects.length ? h("p", { class: "detail" }, h("strong", null, "Now: "), ev.effects.join("; ")) : null,
      ev.rules.length ? h("p", { class: "detail" }, h("strong", null, "Scores this round: "), ev.rules.join(" ")) : null)),
  ];
}

function renderPlan() {
  const { game, deck } = S;
  const plan = planSoFar(game);
  const shown = plan.slice(-4);
  return [
    h("h2", { id: "plan-h" }, "The plan so far"),
    plan.length ? h("ol", { class: "plan", start: String(plan.length - shown.length + 1) }, shown.map((a) => h("li", null,
      h("strong", null, nm(deck.card, a.card)), h("span", { class: "muted" }, ` \u00b7 R${a.round}, ${nm(deck.group, a.group)}`))))
      : h("p", { class: "detail" }, "Nothing adopted yet."),
    plan.length > shown.length ? h("p", { class: "detail muted" }, `and ${plan.length - shown.length} earlier`) : null,
  ];
}

function renderCriteria() {
  const { game, deck } = S;
  const o = game.outlook;
  return [
    h("h2", { id: "criteria-h", class: "vh" }, "The score"),
    h("div", { class: "total-row" },
      h("p", { class: "total" }, "Weighted total ", h("strong", null, String(game.total))),
      o ? h("p", { class: `outlook-mark ${o.status}` }, OUTLOOK[o.status] || o.status) : null),
    o && o.projected && (o.status === "on_track" || o.status === "at_risk") ? h("p", { class: "detail" },
      `At this pace: ${Math.round(o.projected.total)} points, ${deck.tracks.filter((t) => t.id !== game.budget_track)
        .map((t) => `${t.name} ${o.projected.tracks[t.id]}`).join(", ")}.`) : null,
    o && o.win ? h("p", { class: "detail win-line" }, h("strong", null, "Win line: "), o.win) : null,
    h("div", { class: "bars" }, criteriaBars(game, deck), tracksView(game, deck)),
    scoringLink(deck, "detail"),
  ];
}

function renderSeats() {
  const { table, game } = S;
  const waiting = new Set(table.status === "playing" ? game.current.waiting || [] : []);
  return [
    h("h2", { id: "seats-h", class: "vh" }, "At the table"),
    h("ul", { class: "seats" }, table.seats.map((s) => {
      const role = game.seats[s.seat] && game.seats[s.seat].role;
      const state = s.kind === "empty" ? "open seat" : waiting.has(s.seat) ? "\u2026 to act"
        : s.kind === "bot" ? "bot" : s.connected ? "\u25cf online" : "\u25cb offline";
      return h("li", null,
        h("strong", { class: "name one-line" }, s.kind === "empty" ? `Seat ${s.seat + 1}` : s.name || `Seat ${s.seat + 1}`),
        h("span", { class: "detail one-line" }, [state, role && s.kind !== "empty" ? role.name : ""].filter(Boolean).join(" \u00b7 ")));
    })),
  ];
}
