// A player's seat, phone first: the event, the hand, proposing, the reveal, voting, the
// result with every reason, the role card, the timer and who the table is waiting for.
import { $, fill, fromFragment, h, say, signed, slug, store, update } from "./dom.js";
import { connect, keepNewest } from "./conn.js";
import { loadDeck, nm } from "./deck.js";
import {
  cardView, changeList, criteriaBars, eventView, phaseName, ratings, resultView, seatName,
  stageLine, Timer, tagList, tracksView, waitingText, whyDetails, coachNotes, altView,
} from "./game.js";

const tableId = $("main").dataset.table;
let seat = store.get(`seat.${tableId}`);
const given = fromFragment("token");
if (given) {
  seat = { ...(seat || {}), token: given };
  store.set(`seat.${tableId}`, seat);
}

const S = { table: null, game: null, deck: null, phaseKey: "", ui: { group: {}, votes: new Set() } };
if (seat && seat.deck) loadDeck(seat.deck).catch(() => {}); // start early, alongside the connection
const timer = new Timer($("#timer"));
let conn = null;

if (!seat || !seat.token) noSeat("This device does not have a seat at this table.");
else {
  conn = connect({
    hello: () => ({ table: tableId, token: seat.token }),
    onHello: accept,
    onView: accept,
    onRefused: (err) => {
      if (err.code === "bad_token") {
        store.drop(`seat.${tableId}`);
        noSeat(err.message);
      } else {
        $("#msg").textContent = err.message;
      }
    },
  });
}

function noSeat(text) {
  $("#game").hidden = true;
  $("#scenario").textContent = "No seat here";
  const box = $("#noseat");
  box.hidden = false;
  const code = seat && seat.code;
  fill(box, h("div", { class: "panel" }, h("p", null, text),
    h("p", null, h("a", { class: "button", href: code ? `/join/${code}?again=1` : "/join" }, "Join the table"))));
  conn?.socket.disconnect();
}

async function accept(msg) {
  if (!keepNewest(S, msg)) return;
  if (!S.deck) S.deck = await loadDeck(S.table.deck);
  render();
  if (seat.deck !== S.table.deck) store.set(`seat.${tableId}`, { ...seat, deck: S.table.deck });
}

const me = () => S.game.you.seat;
const can = (type) => S.table.status === "playing" && S.game.you.legal.includes(type);

async function act(action, button) {
  $("#msg").textContent = "";
  if (button) button.disabled = true;
  const res = await conn.call("act", { action: { ...action, round: S.game.round, phase: S.game.phase } });
  if (button) button.disabled = false;
  if (!res.ok) {
    $("#msg").textContent = res.error.message;
    return false;
  }
  $("#act-h")?.focus();
  return true;
}

function render() {
  const { table, game, deck } = S;
  const mine = table.seats[me()];
  if (!mine || mine.kind !== "human") return noSeat("The facilitator has freed this seat.");
  const box = $("#game");
  box.hidden = false;
  $("#noseat").hidden = true;
  // After the vote, the result matters more than the event: show it first.
  const first = game.phase === "result" || game.phase === "ended" || table.status === "ended" ? $("#act") : $("#event");
  if (box.firstElementChild !== first) box.insertBefore(first, box.firstElementChild);
  // The coach (solo practice) speaks right after the result; later, it waits below the hand.
  const after = first === $("#act") ? $("#act") : $("#hand");
  if (after.nextElementSibling !== $("#coach")) after.after($("#coach"));
  const key = `${game.round}:${game.phase}:${table.status}`;
  if (key !== S.phaseKey) {
    if (S.phaseKey) say(`${stageLine(game, deck)}. ${hint()}`);
    S.phaseKey = key;
    S.ui.votes = new Set();
    S.ui.group = {};
  }
  $("#scenario").textContent = game.scenario.name;
  $("#stage").textContent = table.status === "lobby" ? "Waiting for the game to start"
    : stageLine(game, deck, false);
  $("#waiting").textContent = table.status === "playing" && game.phase !== "ended"
    ? `${phaseName(game)}: ${waitingText(game, table, me())}` : waitingText(game, table, me());
  timer.set(table.status === "playing" || table.status === "paused" ? table.timer : null, game);
  const cur = game.current;
  update($("#event"), [cur.events, cur.cost_changes, cur.abilities, game.stages, table.seats], renderEvent);
  update($("#act"), [game.phase, game.round, table.status, cur, game.you.legal, game.budget_left,
    game.adopt_limit, table.seats, game.outcome], renderAct);
  update($("#hand"), [game.you.hand, game.you.legal, table.status, game.budget_left, game.phase], renderHand);
  update($("#role"), [game.seats[me()], game.you.objective, game.you.legal, table.status], renderRole);
  update($("#scores"), [game.scores, game.tracks, game.total], renderScores);
  update($("#people"), [table.seats, game.seats, cur.proposals, cur.ready, cur.voted, game.phase, table.bots_say], renderPeople);
  const coach = game.coach;
  $("#coach").hidden = !(coach && coach.length);
  if (coach && coach.length) update($("#coach"), coach[coach.length - 1], renderCoach);
}

function hint() {
  const { game, table } = S;
  if (table.status === "lobby") return "Read your cards and your role while you wait.";
  if (table.status === "paused") return "The game is paused.";
  if (table.status === "ended" || game.phase === "ended") return "See how the table did.";
  if (game.phase === "proposal") return can("propose")
    ? "Choose one card from your hand and the group it involves, then propose it. Or pass."
    : "Proposals are shown when everyone has chosen.";
  if (game.phase === "discussion") return "Talk the proposals through, then say you are ready to vote.";
  if (game.phase === "vote") return game.decision === "chair" ? "The chair picks the plan." : "Vote for the proposals you back.";
  if (game.phase === "result") return "See what the plan did, then say you are ready for the next round.";
  return "";
}

// ---- the event -------------------------------------------------------------------------------

function renderEvent() {
  const { game, deck, table } = S;
  const cur = game.current;
  const stage = deck.stage[cur.stage];
  return [
    h("h2", { id: "event-h" }, "This round"),
    stage ? h("p", { class: "prompt" }, h("strong", null, `${stage.name}: `), stage.prompt) : null,
    cur.events.map((ev) => eventView(ev)),
    cur.cost_changes.length ? h("p", { class: "small" }, h("strong", null, "Costs this round: "),
      cur.cost_changes.map((c) => `${signed(c.change)}${c.where ? ` for ${c.where}` : ""} (${c.why})`).join("; ")) : null,
    cur.abilities.map((s) => h("p", { class: "small" }, `${seatName(table, s)} used their ability: `,
      game.seats[s].role && game.seats[s].role.ability ? game.seats[s].role.ability.name : "", ".")),
  ];
}

// ---- your move -------------------------------------------------------------------------------

function renderAct() {
  const { game, table } = S;
  const title = table.status === "ended" || game.phase === "ended" ? "Game over"
    : table.status === "lobby" ? "Before the game starts"
      : table.status === "paused" ? "Paused" : `Your move: ${phaseName(game)}`;
  const head = h("h2", { id: "act-h", tabindex: "-1" }, title);
  const intro = h("p", { class: "instructions" }, hint());
  if (table.status === "ended" || game.phase === "ended") return [head, ended()];
  if (table.status !== "playing") return [head, intro];
  const body = {
    proposal: proposalPanel, discussion: discussionPanel, vote: votePanel, result: resultPanel,
  }[game.phase];
  const undo = table.mode === "solo" ? h("button", { class: "button secondary", type: "button", id: "act-undo",
    onclick: async (e) => {
      $("#msg").textContent = "";
      e.currentTarget.disabled = true;
      const res = await conn.call("undo", {});
      if (!res.ok) $("#msg").textContent = res.error.message;
      $("#act-h")?.focus();
    } }, "Undo my last choice") : null;
  return [head, intro, body ? body() : null, undo];
}

function budgetLine() {
  const { game } = S;
  const bits = [];
  if (game.budget_left != null) bits.push(`Budget left: ${game.budget_left}.`);
  bits.push(`The table can adopt up to ${game.adopt_limit} this round.`);
  return h("p", { class: "small" }, bits.join(" "));
}

function proposalPanel() {
  const { game, deck } = S;
  const mine = game.current.proposals.find((p) => p.seat === me());
  if (mine) {
    return h("p", { class: "done" }, h("span", { class: "mark" }, "\u2714 "),
      mine.passed ? "You passed this round." : `You proposed ${nm(deck.card, mine.card)} with ${nm(deck.group, mine.group)}.`);
  }
  if (!can("propose") && !can("pass")) return null;
  return [budgetLine(), h("button", { class: "button secondary", type: "button", id: "act-pass",
    onclick: (e) => act({ type: "pass" }, e.currentTarget) }, "Pass this round")];
}

function proposalItem(p, extra) {
  const { deck, table, game } = S;
  const who = p.seat === me() ? "You" : seatName(table, p.seat);
  const role = game.seats[p.seat].role;
  const idp = `pr${p.seat}`;
  if (p.passed || p.hidden) {
    return h("li", { class: "proposal passed" }, h("p", null, h("strong", null, who),
      role ? ` (${role.name})` : "", p.passed ? " passed." : " has proposed."));
  }
  const card = deck.card[p.card];
  return h("li", { class: "proposal" },
    h("h3", { id: `${idp}-h` }, `${who}: ${nm(deck.card, p.card)}`),
    h("p", { class: "small" }, role ? `${role.name} \u00b7 ` : "", `with ${nm(deck.group, p.group)}`,
      p.cost != null ? ` \u00b7 cost ${p.cost}` : ""),
    card ? [ratings(card, deck), tagList(card, deck), coachNotes(card, deck, idp), whyDetails(card, deck, idp)] : null,
    extra);
}

function discussionPanel() {
  const { game } = S;
  const cur = game.current;
  return [
    h("ul", { class: "proposals" }, cur.proposals.map((p) => proposalItem(p))),
    budgetLine(),
    can("ready") ? h("button", { class: "button", type: "button", id: "act-ready", onclick: (e) => act({ type: "ready" }, e.currentTarget) },
      "I'm ready to vote") : h("p", { class: "done" }, h("span", { class: "mark" }, "\u2714 "), "You are ready."),
  ];
}

function votePanel() {
  const { game, table, deck } = S;
  const cur = game.current;
  const chair = game.decision === "chair";
  const type = chair ? "decide" : "vote";
  const open = can(type);
  const real = cur.proposals.filter((p) => p.card);
  const need = game.decision === "consensus" ? table.seats.length : Math.floor(table.seats.length / 2) + 1;
  const rule = chair
    ? (cur.chair === me() ? "You chair this round: you choose the plan." : `${seatName(table, cur.chair)} chairs this round and chooses the plan. Make your case.`)
    : `A proposal is adopted with a yes from ${need} of ${table.seats.length} seats${game.decision === "consensus" ? " (everyone)" : ""}, most votes first.`;
  const items = cur.proposals.map((p) => {
    if (!open || !p.card) return proposalItem(p);
    const id = `vote-${p.seat}`;
    const box = h("input", { type: "checkbox", id, checked: S.ui.votes.has(p.seat),
      onchange: (e) => { if (e.target.checked) S.ui.votes.add(p.seat); else S.ui.votes.delete(p.seat); tally(); } });
    const who = p.seat === me() ? "your" : `${seatName(table, p.seat)}'s`;
    return proposalItem(p, h("div", { class: "check" }, box, h("label", { for: id },
      `${chair ? "Adopt" : "Back"} ${who} ${nm(deck.card, p.card)}`)));
  });
  const cost = h("p", { id: "vote-tally", class: "small", role: "status" });
  function tally() {
    const chosen = real.filter((p) => S.ui.votes.has(p.seat));
    const total = chosen.reduce((n, p) => n + (p.cost || 0), 0);
    cost.textContent = chosen.length
      ? `${chair ? "Adopting" : "Backing"} ${chosen.length}: cost ${total}${game.budget_left != null ? ` of ${game.budget_left} left` : ""}.`
      : `${chair ? "Adopting" : "Backing"} none yet.`;
  }
  tally();
  const submit = (btn) => act(chair ? { type, adopt: [...S.ui.votes].sort((a, b) => a - b) } : { type, approve: [...S.ui.votes].sort((a, b) => a - b) }, btn);
  return [
    h("p", null, rule), budgetLine(),
    h("ul", { class: "proposals" }, items),
    open ? [cost, h("button", { class: "button", type: "button", id: "act-vote", onclick: (e) => submit(e.currentTarget) },
      chair ? "Adopt this plan" : "Cast my vote")]
      : h("p", { class: "done" }, (cur.voted.includes(me()) ? [h("span", { class: "mark" }, "\u2714 "), "Your vote is in. Votes are shown with the result."] : "")),
  ];
}

function resultPanel() {
  const { game, table, deck } = S;
  const cur = game.current;
  const last = game.round >= game.rounds;
  return [
    resultView(cur, game, table, deck),
    can("ready") ? h("button", { class: "button", type: "button", id: "act-next", onclick: (e) => act({ type: "ready" }, e.currentTarget) },
      last ? "Ready to finish" : "Ready for the next round") : h("p", { class: "done" }, h("span", { class: "mark" }, "\u2714 "), "You are ready."),
  ];
}

function ended() {
  const { game, table, deck } = S;
  const out = game.outcome;
  const cur = game.current;
  return [
    out && out.won != null ? h("p", { class: `outcome ${out.won ? "won" : "lost"}` },
      out.won ? "\u2714 The table won together." : "\u2718 The table did not win this time.")
      : h("p", { class: "outcome" }, table.status === "ended" && game.phase !== "ended" ? "The facilitator ended the game." : "The game is over."),
    out && out.win_condition ? h("p", { class: "small" }, `To win: ${out.win_condition}`) : null,
    h("p", null, h("a", { class: "button", href: `/debrief/${encodeURIComponent(tableId)}` }, "See the debrief")),
    cur.adopted ? [h("h3", null, `The last round: ${nm(deck.stage, cur.stage)}`), resultView(cur, game, table, deck)] : null,
  ];
}

// ---- the hand --------------------------------------------------------------------------------

function renderHand() {
  const { game, deck } = S;
  const hand = game.you.hand;
  const proposing = can("propose");
  return [
    h("h2", { id: "hand-h" }, `Your hand (${hand.length} ${hand.length === 1 ? "card" : "cards"})`),
    proposing ? null : h("p", { class: "small" }, S.table.status === "lobby"
      ? "Read your cards while you wait. You choose one when the game starts." : "Your cards, for reference."),
    h("ul", { class: "hand" }, hand.map((entry, i) => h("li", null,
      cardView(entry.card, deck, { costs: proposing ? false : entry.costs, idp: `h${i}-${slug(entry.card)}`,
        extra: proposing ? proposeControls(entry, i) : null })))),
  ];
}

function proposeControls(entry, i) {
  const { deck, game } = S;
  const card = deck.card[entry.card];
  const name = card ? card.name : entry.card;
  const groups = Object.keys(entry.costs);
  const fsId = `h${i}-grp`;
  const note = h("p", { class: "error", id: `${fsId}-err`, role: "alert" });
  return h("div", { class: "propose" },
    h("fieldset", null,
      h("legend", null, "Involve which group?"),
      groups.map((g) => {
        const id = `${fsId}-${slug(g)}`;
        const cost = entry.costs[g];
        const over = game.budget_left != null && cost > game.budget_left;
        return h("div", { class: "radio" },
          h("input", { type: "radio", name: fsId, id, value: g, checked: S.ui.group[i] === g,
            onchange: () => { S.ui.group[i] = g; note.textContent = ""; } }),
          h("label", { for: id }, `${nm(deck.group, g)}, cost ${cost}`, over ? " (more than the budget left)" : ""));
      })),
    note,
    h("button", { class: "button", type: "button", id: `h${i}-go`, onclick: (e) => {
      const g = S.ui.group[i];
      if (!g) {
        note.textContent = `Choose which group ${name} involves first.`;
        document.getElementById(`${fsId}-${slug(groups[0])}`)?.focus();
        return;
      }
      act({ type: "propose", card: entry.card, group: g }, e.currentTarget);
    } }, `Propose ${name}`));
}

// ---- role, scores, people, coach ---------------------------------------------------------------

function renderRole() {
  const { game, table } = S;
  const mine = game.seats[me()];
  const role = mine.role;
  const ab = role && role.ability;
  return [
    h("h2", { id: "role-h" }, role ? `Your role: ${role.name}` : "Your role"),
    role ? h("p", null, role.description) : h("p", null, "This seat has no role card."),
    ab ? h("div", { class: "ability" },
      h("h3", null, `Ability: ${ab.name}`), h("p", null, ab.text),
      h("p", { class: "small" }, mine.ability_used ? "\u2714 Used." : `Once a game${ab.phase ? `, in the ${ab.phase} phase` : ""}.`),
      can("ability") ? h("button", { class: "button secondary", type: "button", id: "act-ability",
        onclick: (e) => act({ type: "ability" }, e.currentTarget) }, `Use ${ab.name}`) : null) : null,
    game.you.objective ? h("div", { class: "objective" },
      h("h3", null, "Your secret objective"), h("p", null, game.you.objective),
      h("p", { class: "small" }, "Only you can see this. It is revealed in the debrief.")) : null,
  ];
}

function renderScores() {
  const { game, deck } = S;
  return [
    h("h2", { id: "scores-h" }, "How the plan scores"),
    h("p", { class: "small" }, "Criteria so far, against the scenario's targets. \u00d72 counts double."),
    criteriaBars(game, deck),
    h("p", null, `Weighted total: ${game.total}`),
    h("h3", null, "Tracks"),
    tracksView(game, deck),
    deck.settings.win ? h("p", { class: "small" }, h("strong", null, "To win together: "), deck.settings.win) : null,
  ];
}

function renderPeople() {
  const { game, table } = S;
  const cur = game.current;
  const doing = (s) => {
    if (table.status !== "playing") return "";
    if (game.phase === "proposal") return cur.proposals.some((p) => p.seat === s) ? "has chosen" : "choosing";
    if (game.phase === "discussion" || game.phase === "result") return cur.ready.includes(s) ? "ready" : "not ready yet";
    if (game.phase === "vote") return cur.voted.includes(s) ? "voted" : "deciding";
    return "";
  };
  const lines = (table.bots_say || []).filter((b) => b.round === game.round).slice(-4);
  return [
    h("h2", { id: "people-h" }, "At the table"),
    h("ul", { class: "seats" }, table.seats.map((s) => {
      const role = game.seats[s.seat].role;
      const state = doing(s.seat);
      return h("li", null,
        h("strong", null, s.kind === "empty" ? `Seat ${s.seat + 1} (empty)` : s.name || `Seat ${s.seat + 1}`),
        s.seat === me() ? " (you)" : "", role ? ` \u00b7 ${role.name}` : "",
        s.kind === "bot" ? " \u00b7 bot" : s.kind === "human" ? (s.connected ? " \u00b7 \u25cf online" : " \u00b7 \u25cb offline") : "",
        state ? ` \u00b7 ${state}` : "");
    })),
    lines.length ? [h("h3", null, "Bots say"), h("ul", { class: "small" },
      lines.map((b) => h("li", null, h("strong", null, `${seatName(table, b.seat)}: `), b.says)))] : null,
  ];
}

function renderCoach() {
  const { game, deck } = S;
  const c = game.coach[game.coach.length - 1];
  const alt = c.alternative;
  return [
    h("h2", { id: "coach-h" }, `Coach: round ${c.round}, ${c.stage_name || nm(deck.stage, c.stage)}`),
    (c.lines || []).map((l) => h("p", null, l)),
    (c.adopted || []).length ? h("ul", null, c.adopted.map((a) => h("li", null, a.summary,
      a.reasons && a.reasons.length ? h("ul", { class: "small" }, a.reasons.map((r) => h("li", null, r))) : null))) : null,
    (c.round_effects || []).length ? h("ul", { class: "small" }, c.round_effects.map((r) => h("li", null, r))) : null,
    (c.notes || []).map((n) => h("p", { class: "coach-note" }, h("strong", null, `${n.tag}: `), n.text)),
    alt ? altView(alt, deck, { level: "h3", who: (seat) => seatName(S.table, seat) }) : null,
  ];
}


