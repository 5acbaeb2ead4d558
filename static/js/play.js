// A player's seat, phone first. What this player must do now always comes first, and the
// page goes back to it whenever the table moves on, whoever moved it; a sticky bar says the
// phase, the time left and what is expected. Then the hand (compact cards, one tap to open),
// the event, the role card, the scores and who is at the table.
import { $, disclose, fill, fromFragment, h, say, signed, slug, store, update } from "./dom.js";
import { roomMessage } from "./roommsg.js";
import { connect, keepNewest } from "./conn.js";
import { loadDeck, nm } from "./deck.js";
import {
  altView, closeCards, coachNotes, criteriaBars, criteriaKey, scoringLink, eventView, miniCard, outlookView, phaseName, pips, resultView,
  seatName, stageLine, Timer, tagList, trackHelp, tracksView, waitingText, whyDetails,
} from "./game.js";
import { answerReflection, reflectionView } from "./reflect.js";

const tableId = $("main").dataset.table;
let seat = store.get(`seat.${tableId}`);
const given = fromFragment("token");
if (given) {
  seat = { ...(seat || {}), token: given };
  store.set(`seat.${tableId}`, seat);
}

const S = { table: null, game: null, deck: null, phaseKey: "", turnKey: "", lost: false,
  ui: { group: {}, votes: new Set(), passAsk: false } };
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
    // The server says this device no longer holds its seat: the facilitator freed it, or
    // this player left from another tab. One message, no "reconnecting", nothing to do here.
    on: { room_message: roomMessage, seat_lost: (msg) => {
      store.drop(`seat.${tableId}`);
      noSeat(msg && msg.message ? msg.message : "This device no longer holds a seat at this table.");
    } },
  });
}

function noSeat(text) {
  S.lost = true;
  conn?.stop();
  timer.set(null);
  $("#game").hidden = true;
  $("#msg").textContent = "";
  $("#scenario").textContent = "No seat here";
  $("#phase").textContent = "";
  $("#expect").textContent = "";
  const box = $("#noseat");
  box.hidden = false;
  const code = seat && seat.code;
  fill(box, h("div", { class: "panel" }, h("h2", { id: "noseat-h", tabindex: "-1" }, "You no longer have a seat"),
    h("p", null, text),
    h("p", null, h("a", { class: "button", href: seat && seat.workshop ? `/w/${seat.workshop}`
      : code ? `/join/${code}?again=1` : "/join" }, "Join again"))));
  say(text);
  $("#noseat-h").focus();
}

async function accept(msg) {
  if (S.lost || !keepNewest(S, msg)) return;
  if (!S.deck) S.deck = await loadDeck(S.table.deck);
  if (S.lost) return;
  render();
  if (seat.deck !== S.table.deck) store.set(`seat.${tableId}`, { ...seat, deck: S.table.deck });
}

const me = () => S.game.you.seat;
const can = (type) => S.table.status === "playing" && S.game.you.legal.includes(type);
const waitingOnMe = () => S.table.status === "playing" && (S.game.current.waiting || []).includes(me());

async function act(action, button) {
  $("#msg").textContent = "";
  if (button) button.disabled = true;
  // "view": the answer brings this seat's new view, instead of a message of its own.
  const res = await conn.call("act", { action: { ...action, round: S.game.round, phase: S.game.phase }, view: true });
  if (button) button.disabled = false;
  if (!res.ok) {
    $("#msg").textContent = res.error.message;
    return false;
  }
  if (res.view) await accept(res.view);
  $("#act-h")?.focus({ preventScroll: true });
  return true;
}

function render() {
  const { table, game, deck } = S;
  const mine = table.seats[me()];
  if (!mine || mine.kind !== "human") return noSeat("The facilitator has freed this seat.");
  const box = $("#game");
  box.hidden = false;
  $("#noseat").hidden = true;
  const key = `${game.round}:${game.phase}:${table.status}`;
  const moved = key !== S.phaseKey;
  // A new round or phase deals with new cards and choices: start them afresh. Starting,
  // pausing or resuming the game does not, so a card opened in the lobby stays open.
  const turn = `${game.round}:${game.phase}`;
  if (turn !== S.turnKey) {
    closeCards();
    S.ui.votes = new Set();
    S.ui.group = {};
    S.ui.passAsk = false;
    S.turnKey = turn;
    S.ui.caseBack = "";
    S.ui.caseReason = "";
  }
  // What to do now comes first; while choosing a card the hand follows, else the event; after
  // a round the coach. The score panel comes next, near the top, never below everything.
  const result = game.phase === "result" || game.phase === "ended";
  const order = table.status === "lobby" ? ["act", "role", "hand", "event"]
    : result ? ["act", ...(game.reflection ? ["reflect"] : []), "coach", "scores", "event", "hand"]
      : can("propose") ? ["act", "hand", "scores", "event"] : ["act", "event", "scores", "hand"];
  const rest = ["coach", "reflect", "role", "hand", "event", "scores", "people"].filter((id) => !order.includes(id));
  const ids = [...order, ...rest];
  // Move sections only when the order changes: moving a node takes focus away from it.
  if ([...box.children].map((el) => el.id).join() !== ids.join()) {
    for (const id of ids) box.append($(`#${id}`));
  }
  const over = table.status === "ended" || game.phase === "ended";
  // The heading names the scenario (for screen readers when the stage line shows instead).
  fill($("#scenario"), table.status === "lobby" ? game.scenario.name : [
    h("span", { class: "vh" }, `${game.scenario.name}: `), over ? "Finished" : stageLine(game, deck, false)]);
  $("#phase").textContent = table.status === "lobby" ? "Waiting to start" : table.status === "paused" ? "Paused"
    : over ? "Game over" : phaseName(game);
  $("#expect").textContent = expectText();
  timer.set(table.status === "playing" || table.status === "paused" ? table.timer : null, game);
  const cur = game.current;
  update($("#event"), [cur.events, cur.cost_changes, cur.abilities, cur.stage_text, game.stages, table.seats], renderEvent);
  update($("#act"), [game.phase, game.round, table.status, cur, game.you.legal, game.you.proposal, game.you.notices,
    game.budget_left, game.adopt_limit, table.seats, game.outcome, S.ui.passAsk, mine.name, table.bots_say], renderAct);
  update($("#hand"), [game.you.hand, game.you.legal, table.status, game.budget_left, game.phase, S.ui.passAsk], renderHand);
  update($("#role"), [game.seats[me()], game.you.objective, game.you.legal, table.status], renderRole);
  update($("#scores"), [game.scores, game.tracks, game.total, game.outlook], renderScores);
  update($("#people"), [table.seats, game.seats, cur.waiting, game.phase, table.status, table.bots_say], renderPeople);
  const coach = game.coach;
  $("#coach").hidden = !(coach && coach.length);
  if (coach && coach.length) update($("#coach"), coach[coach.length - 1], renderCoach);
  $("#reflect").hidden = !game.reflection;
  if (game.reflection) update($("#reflect"), [game.reflection, R], () => reflectionView(game.reflection, sendReflection, R));
  if (moved) {
    // Whoever moved the table on, this player's next step is at the top of the screen.
    if (S.phaseKey) {
      window.scrollTo(0, 0);
      $("#act-h")?.focus({ preventScroll: true });
      say([`${phaseName(game)}.`, expectText(), ...(game.you.notices || [])].join(" "));
    }
    S.phaseKey = key;
  }
}

// The closing reflection (solo, once the game has ended): drawn by reflect.js, checked by the server.
const R = { busy: null, message: "" };
function sendReflection(question, choice) {
  Object.assign(R, { busy: question, message: "" });
  render();
  answerReflection(conn, question, choice, (reflection) => {
    R.busy = null;
    S.game = { ...S.game, reflection };
    render();
  }, (message) => {
    Object.assign(R, { busy: null, message });
    render();
  });
}

// The sticky bar's last line: what this player is expected to do now, or whom the table waits for.
function expectText() {
  const { game, table } = S;
  if (table.status === "lobby") return "Waiting for the facilitator to start the game.";
  if (table.status === "paused") return "Paused: wait for the facilitator to resume.";
  if (table.status === "ended" || game.phase === "ended") return "See how the table did.";
  if (waitingOnMe()) {
    return {
      proposal: "Your turn: propose a card, or pass.",
      discussion: "Your turn: discuss, then say you're ready.",
      vote: game.decision === "chair" ? "Your turn: choose the plan." : "Your turn: vote.",
      result: "Your turn: read it, then say you're ready.",
    }[game.phase] || "";
  }
  return `Done. ${waitingText(game, table, me())}`;
}

function hint() {
  const { game, table } = S;
  if (table.status === "lobby") return "Read your role and your cards while you wait.";
  if (table.status === "paused") return "The facilitator has paused the game.";
  if (table.status === "ended" || game.phase === "ended") return "See how the table did.";
  const waiting = waitingText(game, table, me());
  if (game.phase === "proposal") {
    if (can("propose")) return "Open a card below to read it, choose the group it involves and propose it. Or pass.";
    // The server offers only what the budget can pay for: with nothing, passing is the move.
    if (can("pass")) return "Nothing in your hand fits the budget left this round, so pass.";
    return `Proposals are shown when everyone has chosen. ${waiting}`;
  }
  if (game.phase === "discussion") return can("ready")
    ? "Talk the proposals through, then say you are ready to vote."
    : `You are ready to vote. ${waiting}`;
  if (game.phase === "vote") {
    if (game.decision === "chair") return can("decide") ? "You chair this round: choose the plan." : `The chair picks the plan. ${waiting}`;
    return can("vote") ? "Back the proposals you support, then cast your vote." : waiting;
  }
  if (game.phase === "result") return can("ready")
    ? "See what the plan did, then say you are ready for the next round."
    : `Ready for what comes next. ${waiting}`;
  return "";
}

// ---- the event -------------------------------------------------------------------------------

function renderEvent() {
  const { game, deck, table } = S;
  const cur = game.current;
  const stage = cur.stage_text || deck.stage[cur.stage];
  return [
    h("h2", { id: "event-h" }, "This round"),
    stage ? h("p", { class: "prompt" }, h("strong", null, `${stage.name}: `), stage.prompt) : null,
    stage && stage.objective ? h("p", { class: "small stage-objective" }, h("strong", null, "Objective: "), stage.objective) : null,
    stage && stage.principles ? h("p", { class: "small stage-principles" }, h("strong", null, "Principles: "), stage.principles) : null,
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
  const over = table.status === "ended" || game.phase === "ended";
  const title = over ? "Game over"
    : table.status === "lobby" ? "Before the game starts"
      : table.status === "paused" ? "Paused" : `Your move: ${phaseName(game)}`;
  const head = h("h2", { id: "act-h", tabindex: "-1" }, title);
  const notices = (game.you.notices || []).map((n) => h("p", { class: "note" }, n));
  const intro = h("p", { class: "instructions" }, hint());
  if (over) return [head, notices, ended()];
  if (table.status === "lobby") {
    const mine = table.seats[me()];
    return [head, h("p", { class: "done" }, h("span", { class: "mark" }, "\u2714 "),
      "You're in as ", h("strong", { class: "name" }, mine.name), ` (seat ${me() + 1} of ${table.seats.length}).`), intro];
  }
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
  return [head, notices, intro, body ? body() : null, undo];
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
  const mine = game.you.proposal;
  if (mine) {
    if (!mine.by_you) return null; // the notice above says who chose for this seat
    return h("p", { class: "done" }, h("span", { class: "mark" }, "\u2714 "),
      mine.passed ? "You passed this round." : `You proposed ${nm(deck.card, mine.card)} with ${nm(deck.group, mine.group)}.`);
  }
  if (!can("propose") && !can("pass")) return null;
  return [budgetLine(), can("propose") ? null : passControl()];
}

// Passing cannot be undone: ask once more, with the way back first.
function passControl() {
  if (!S.ui.passAsk) {
    return h("button", { class: "button secondary", type: "button", id: "act-pass",
      onclick: () => { S.ui.passAsk = true; render(); $("#pass-yes")?.focus(); } }, "Pass this round\u2026");
  }
  return h("div", { class: "confirm", role: "group", "aria-labelledby": "pass-q" },
    h("p", { id: "pass-q" }, h("strong", null, "Pass this round?"), " You will not propose a card; you can still talk and vote."),
    h("button", { class: "button", type: "button", id: "pass-yes", onclick: (e) => act({ type: "pass" }, e.currentTarget) }, "Yes, pass"),
    h("button", { class: "button secondary", type: "button", id: "pass-no",
      onclick: () => { S.ui.passAsk = false; render(); $("#act-pass")?.focus(); } }, "Keep my choice open"));
}

function proposer(p) {
  const { table } = S;
  if (p.seat === me() && (!p.by || !S.game.you.proposal || S.game.you.proposal.by_you)) return "You";
  return p.by && p.by.kind !== "default" ? p.by.name : seatName(table, p.seat);
}

function proposalItem(p, extra, compact = false) {
  const { deck, game } = S;
  const who = proposer(p);
  const role = game.seats[p.seat].role;
  const idp = `pr${p.seat}`;
  if (p.passed || p.hidden) {
    const filled = p.by && p.by.kind === "default"
      ? ` (${p.by.why === "timer" ? "time ran out" : "the facilitator moved on"})` : "";
    return h("li", { class: "proposal passed" }, h("p", null, h("strong", { class: "name" }, who),
      role ? ` (${role.name})` : "", p.passed ? ` passed${filled}.` : " has proposed."));
  }
  const card = deck.card[p.card];
  return h("li", { class: "proposal" },
    h("h3", { id: `${idp}-h` }, h("span", { class: "name" }, who), `: ${nm(deck.card, p.card)}`),
    h("p", { class: "small" }, role ? `${role.name} \u00b7 ` : "", `with ${nm(deck.group, p.group)}`,
      p.cost != null ? ` \u00b7 cost ${p.cost}` : "",
      p.over_budget ? ` \u00b7 \u2718 more than the ${game.budget_left} left: it cannot be adopted` : ""),
    card ? [pips(card, deck), compact ? null : [tagList(card, deck), coachNotes(card, deck, idp), whyDetails(card, deck, idp)]] : null,
    extra);
}

// What the bots said this round in one phase ("ready" in the discussion, "vote" after it).
function botLines(type, title) {
  const { table, game } = S;
  const lines = (table.bots_say || []).filter((b) => b.round === game.round && b.type === type);
  if (!lines.length) return null;
  return [h("h3", null, title), h("ul", { class: "bot-lines" }, lines.map((b) =>
    h("li", null, h("strong", { class: "name" }, `${seatName(table, b.seat)}: `), b.says)))];
}

// Ready, optionally backing one proposal with the criterion or track it serves; bots weigh
// the case when they vote. What a case may name comes from the server (you.case_reasons).
function caseControls() {
  const { game, deck } = S;
  const real = game.current.proposals.filter((p) => p.card);
  const why = game.you.case_reasons || [];
  if (!real.length || !why.length) return null;
  const who = (p) => (proposer(p) === "You" ? "your" : `${proposer(p)}'s`);
  return h("fieldset", { class: "case" },
    h("legend", null, "Make the case (optional)"),
    h("p", { class: "small" }, "Back one proposal with the criterion or track it serves. The bots weigh your case when they vote."),
    h("label", { for: "case-back" }, "Back"),
    // Choices survive a re-render (a bot speaking redraws this panel).
    h("select", { id: "case-back", onchange: (e) => { S.ui.caseBack = e.target.value; } },
      h("option", { value: "" }, "No case: just ready"),
      real.map((p) => h("option", { value: String(p.seat), selected: S.ui.caseBack === String(p.seat) },
        `${who(p)} ${nm(deck.card, p.card)}`))),
    h("label", { for: "case-reason" }, "because it serves"),
    h("select", { id: "case-reason", onchange: (e) => { S.ui.caseReason = e.target.value; } },
      why.map((r) => h("option", { value: r, selected: S.ui.caseReason === r },
        deck.criterion[r] ? deck.criterion[r].name : nm(deck.track, r)))));
}

function discussionPanel() {
  const { game } = S;
  const cur = game.current;
  const ready = (e) => {
    const back = $("#case-back")?.value;
    act(back ? { type: "ready", back: Number(back), reason: $("#case-reason").value } : { type: "ready" }, e.currentTarget);
  };
  return [
    can("ready") ? [caseControls(), h("button", { class: "button", type: "button", id: "act-ready", onclick: ready },
      "I'm ready to vote")] : h("p", { class: "done" }, h("span", { class: "mark" }, "\u2714 "), "You are ready."),
    botLines("ready", "What the bots say"),
    h("ul", { class: "proposals" }, cur.proposals.map((p) => proposalItem(p))),
    budgetLine(),
  ];
}

function votePanel() {
  const { game, table, deck } = S;
  const cur = game.current;
  const chair = game.decision === "chair";
  const type = chair ? "decide" : "vote";
  const open = can(type);
  const real = cur.proposals.filter((p) => p.card);
  const need = game.votes_needed;
  const rule = chair
    ? (cur.chair === me() ? "You chair this round: you choose the plan." : `${seatName(table, cur.chair)} chairs this round and chooses the plan. Make your case.`)
    : `A proposal is adopted with a yes from ${need} of ${table.seats.length} seats${need === table.seats.length ? " (everyone)" : ""}, most votes first.`;
  const items = cur.proposals.map((p) => {
    if (!open || !p.card) return proposalItem(p);
    const id = `vote-${p.seat}`;
    const box = h("input", { type: "checkbox", id, checked: S.ui.votes.has(p.seat),
      onchange: (e) => { if (e.target.checked) S.ui.votes.add(p.seat); else S.ui.votes.delete(p.seat); tally(); } });
    const who = proposer(p) === "You" ? "your" : `${proposer(p)}'s`;
    return proposalItem(p, h("div", { class: "check" }, box, h("label", { for: id },
      `${chair ? "Adopt" : "Back"} ${who} ${nm(deck.card, p.card)}`)), true);
  });
  const cost = h("p", { id: "vote-tally", class: "small", role: "status" });
  function tally() {
    const chosen = real.filter((p) => S.ui.votes.has(p.seat));
    const total = chosen.reduce((n, p) => n + (p.cost || 0), 0);
    cost.textContent = chosen.length
      ? `${chair ? "Adopting" : "Backing"} ${chosen.length}: cost ${total}${game.budget_left != null ? ` of ${game.budget_left} left` : ""}.`
      : `${chair ? "Adopting" : "Backing"} none yet: casting now counts as a no to every proposal.`;
  }
  tally();
  const submit = (btn) => act(chair ? { type, adopt: [...S.ui.votes].sort((a, b) => a - b) } : { type, approve: [...S.ui.votes].sort((a, b) => a - b) }, btn);
  return [
    h("p", { class: "small" }, rule, " ", budgetLine().textContent),
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
    can("ready") ? h("button", { class: "button", type: "button", id: "act-next", onclick: (e) => act({ type: "ready" }, e.currentTarget) },
      last ? "Ready to finish" : "Ready for the next round") : h("p", { class: "done" }, h("span", { class: "mark" }, "\u2714 "), "You are ready."),
    resultView(cur, game, table, deck),
    botLines("vote", "How the bots voted"),
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
    h("p", null, `Weighted total: ${game.total}.`),
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
    proposing ? h("p", { class: "small" }, "Tap a card to read it and propose it.")
      : h("p", { class: "small" }, S.table.status === "lobby"
        ? "Read your cards while you wait. You choose one when the game starts." : "Your cards, for reference. Tap one to read it."),
    h("ul", { class: "hand" }, hand.map((entry, i) => {
      const idp = `h${i}-${slug(entry.card)}`;
      const card = deck.card[entry.card];
      return h("li", null, miniCard(entry.card, deck, { costs: entry.costs, idp,
        body: [card ? [h("p", { class: "desc" }, card.description), tagList(card, deck)] : null,
          proposing ? proposeControls(entry, i) : null,
          card ? [coachNotes(card, deck, idp), whyDetails(card, deck, idp)] : null] }));
    })),
    proposing && can("pass") ? passControl() : null,
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
        // The server says which groups the budget cannot pay for; proposing one is refused.
        const over = (entry.over_budget || []).includes(g);
        return h("div", { class: "radio" },
          h("input", { type: "radio", name: fsId, id, value: g, checked: S.ui.group[i] === g,
            onchange: () => { S.ui.group[i] = g; note.textContent = ""; } }),
          h("label", { for: id }, `${nm(deck.group, g)}, cost ${cost}`,
            over ? ` (\u2718 more than the ${game.budget_left} left)` : ""));
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
    h("p", { class: "total" }, h("strong", null, `Weighted total: ${game.total}`)),
    outlookView(game, deck),
    h("p", { class: "small" }, "Each criterion's points, against the scenario's targets. \u00d72 counts double in the total. Tap a criterion for what it means."),
    criteriaBars(game, deck),
    scoringLink(deck),
    h("h3", null, "Tracks"),
    h("p", { class: "small" }, "Tracks are not part of the total, but the win needs them."),
    tracksView(game, deck),
    trackHelp(deck, "ph"),
  ];
}

function renderPeople() {
  const { game, table } = S;
  // What each seat is doing: the server says (game.current.doing).
  const doing = (s) => {
    const d = table.status === "playing" && game.current.doing && game.current.doing[s];
    return d ? d.text : "";
  };
  const lines = (table.bots_say || []).filter((b) => b.round === game.round).slice(-4);
  return [
    h("h2", { id: "people-h" }, "At the table"),
    h("ul", { class: "seats" }, table.seats.map((s) => {
      const role = game.seats[s.seat].role;
      const state = doing(s.seat);
      return h("li", null,
        h("strong", { class: "name" }, s.kind === "empty" ? `Seat ${s.seat + 1} (empty)` : s.name || `Seat ${s.seat + 1}`),
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
  const t = c.teach || {};
  const planList = (plan) => h("ul", { class: "coach-plan" }, plan.map((p) => h("li", null,
    h("strong", null, p.name), ` with ${p.group_name.toLowerCase()} (${p.whose} card, cost ${p.cost}): ${signed(p.points)} points`)));
  const idp = `coach${c.round}`;
  // Sentences first; every number is in points of the weighted total. The full ledger,
  // every point with its reason, is one tap further.
  return [
    h("h2", { id: "coach-h" }, `Coach: round ${c.round}, ${c.stage_name || nm(deck.stage, c.stage)}`),
    (t.said || c.lines || []).map((l) => h("p", { class: "coach-said" }, l)),
    t.yours ? [h("h3", null, "Your proposal"), h("p", { id: `${idp}-yours` }, t.yours.text)] : null,
    t.visible || t.visible_text ? [h("h3", null, "A better plan from cards you could see"),
      t.visible ? [h("p", null, t.visible.text), planList(t.visible.plan)] : h("p", null, t.visible_text)] : null,
    t.hidden ? h("div", { class: "coach-hidden", role: "note", "aria-labelledby": `${idp}-hidden-h` },
      h("h3", { id: `${idp}-hidden-h` }, "A teammate's hidden card (you could not see it)"),
      h("p", null, t.hidden.text), planList(t.hidden.plan)) : null,
    (c.notes || []).map((n) => h("p", { class: "coach-note" }, h("strong", null, `${n.tag}: `), n.text)),
    criteriaKey(deck),
    scoringLink(deck),
    disclose(`${idp}-ledger`, "The full ledger: every point and its reason", "ledger",
      (c.adopted || []).length ? h("ul", null, c.adopted.map((a) => h("li", null, a.summary,
        a.reasons && a.reasons.length ? h("ul", { class: "small" }, a.reasons.map((r) => h("li", null, r))) : null))) : null,
      (c.round_effects || []).length ? h("ul", { class: "small" }, c.round_effects.map((r) => h("li", null, r))) : null,
      alt ? altView(alt, deck, { level: "h3", who: (seat) => seatName(S.table, seat) }) : null),
  ];
}
