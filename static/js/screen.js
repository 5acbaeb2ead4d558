// The table screen, for the projector: stage, event, proposals as they are revealed, the plan
// so far, the criteria and tracks, the timer, and the join code while seats are open.
import { $, fromFragment, h, store, update } from "./dom.js";
import { connect, keepNewest } from "./conn.js";
import { loadDeck, nm } from "./deck.js";
import {
  criteriaBars, eventView, phaseName, planSoFar, ratings, resultView, seatName, stageLine, Timer,
  tracksView, waitingText,
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
  $("#scenario").textContent = game.scenario.name;
  $("#stage").textContent = lobby ? "Take a seat: the game starts soon" : stageLine(game, deck, false);
  $("#phase").textContent = lobby ? "Waiting to start" : table.status === "paused" ? "Paused" : over ? "Game over" : phaseName(game);
  $("#waiting").textContent = waitingText(game, table, null);
  timer.set(over ? null : table.timer, game);
  const open = !over && table.code && (lobby || table.seats.some((s) => s.kind === "empty"));
  $("#join").hidden = !open;
  $("#join").classList.toggle("big", lobby);
  $("#criteria").hidden = lobby;
  $("#plan").hidden = lobby;
  if (open) update($("#join"), [table.code, lobby, game.scenario.context], renderJoin);
  $("#outcome").hidden = !over;
  if (over) update($("#outcome"), [game.outcome, table.status], renderOutcome);
  $("#event").hidden = lobby;
  $("#proposals").hidden = lobby || over;
  if (!lobby) update($("#event"), [game.current.events, game.current.stage, game.current.abilities, table.seats], renderEvent);
  if (!lobby && !over) update($("#proposals"), [game.current, game.phase, table.seats], renderProposals);
  update($("#plan"), [game.history, game.current.adopted], renderPlan);
  update($("#criteria"), [game.scores, game.tracks, game.total], renderCriteria);
  update($("#seats"), [table.seats, game.seats], renderSeats);
}

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
    table.status === "lobby" ? [h("h2", null, "The project"), h("p", { class: "context" }, game.scenario.context)] : null,
  ];
}

function renderOutcome() {
  const { game, table } = S;
  const out = game.outcome;
  return [
    out && out.won != null ? h("p", { class: `outcome ${out.won ? "won" : "lost"}` },
      out.won ? "\u2714 The table won together." : "\u2718 The table did not win this time.")
      : h("p", { class: "outcome" }, table.status === "ended" && game.phase !== "ended" ? "The facilitator ended the game." : "The game is over."),
    out && out.win_condition ? h("p", null, `To win: ${out.win_condition}`) : null,
    h("p", null, "Debrief: ", h("a", { href: `/debrief/${encodeURIComponent(tableId)}` }, `${location.host}/debrief/${tableId}`)),
  ];
}

function renderEvent() {
  const { game, deck } = S;
  const stage = deck.stage[game.current.stage];
  return [
    h("h2", { id: "event-h" }, stage ? stage.name : "This round"),
    stage ? h("p", { class: "prompt" }, stage.prompt) : null,
    game.current.events.map((ev) => eventView(ev, "sev")),
    game.current.abilities.map((seat) => h("p", null, h("strong", null, seatName(S.table, seat)),
      ` used their ability: ${game.seats[seat].role && game.seats[seat].role.ability ? game.seats[seat].role.ability.name : ""}.`)),
  ];
}

function renderProposals() {
  const { game, table, deck } = S;
  const cur = game.current;
  if (game.phase === "result") {
    return [h("h2", { id: "proposals-h" }, "This round's result"), resultView(cur, game, table, deck)];
  }
  if (game.phase === "proposal") {
    const done = new Set(cur.proposals.map((p) => p.seat));
    return [
      h("h2", { id: "proposals-h" }, `Proposals: ${done.size} of ${table.seats.length} in`),
      h("p", null, "Proposals are shown when everyone has chosen."),
      h("ul", { class: "who" }, table.seats.map((s) => h("li", null,
        done.has(s.seat) ? "\u2714 " : "\u2026 ", h("strong", null, seatName(table, s.seat)),
        done.has(s.seat) ? " has chosen" : " is choosing"))),
    ];
  }
  const votes = game.phase === "vote" && game.decision !== "chair"
    ? h("p", null, `Votes in: ${cur.voted.length} of ${table.seats.length}`) : null;
  return [
    h("h2", { id: "proposals-h" }, "Proposals"),
    votes,
    h("ul", { class: "scr-cards" }, cur.proposals.map((p) => {
      if (!p.card) return h("li", { class: "proposal passed" }, h("h3", null, seatName(table, p.seat)), h("p", null, "Passed."));
      const card = deck.card[p.card];
      return h("li", { class: "proposal" },
        h("h3", null, nm(deck.card, p.card)),
        h("p", { class: "small" }, `${seatName(table, p.seat)} \u00b7 with ${nm(deck.group, p.group)}`,
          p.cost != null ? ` \u00b7 cost ${p.cost}` : ""),
        card ? ratings(card, deck) : null);
    })),
  ];
}

function renderPlan() {
  const { game, deck } = S;
  const plan = planSoFar(game);
  return [
    h("h2", { id: "plan-h" }, "The plan so far"),
    plan.length ? h("ol", { class: "plan" }, plan.map((a) => h("li", null,
      h("span", { class: "muted" }, `Round ${a.round}, ${nm(deck.stage, a.stage)}: `),
      h("strong", null, nm(deck.card, a.card)), ` with ${nm(deck.group, a.group)}`)))
      : h("p", null, "Nothing adopted yet."),
  ];
}

function renderCriteria() {
  const { game, deck } = S;
  return [
    h("h2", { id: "criteria-h" }, "The five criteria"),
    h("p", { class: "small" }, "Score so far; the black mark is the scenario's target. \u00d72 counts double."),
    criteriaBars(game, deck),
    h("p", null, h("strong", null, `Weighted total: ${game.total}`)),
    h("h2", null, "Tracks"),
    tracksView(game, deck),
    deck.settings.win ? h("p", { class: "small" }, h("strong", null, "To win together: "), deck.settings.win) : null,
  ];
}

function renderSeats() {
  const { table, game } = S;
  return [
    h("h2", { id: "seats-h" }, "At the table"),
    h("ul", { class: "seats" }, table.seats.map((s) => {
      const role = game.seats[s.seat] && game.seats[s.seat].role;
      return h("li", null,
        h("strong", null, s.kind === "empty" ? `Seat ${s.seat + 1}: open` : s.name || `Seat ${s.seat + 1}`),
        role && s.kind !== "empty" ? ` \u00b7 ${role.name}` : "",
        s.kind === "bot" ? " \u00b7 bot" : s.kind === "human" ? (s.connected ? " \u00b7 \u25cf online" : " \u00b7 \u25cb offline") : "");
    })),
  ];
}
