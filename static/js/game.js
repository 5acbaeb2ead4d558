// Pieces every game page shares: cards, events, score changes, criteria and tracks, the
// timer, and who the table is waiting for.
import { clock, disclose, h, list, signed, slug } from "./dom.js";
import { nm } from "./deck.js";

export const PHASES = {
  proposal: "Proposals", discussion: "Discussion", vote: "Vote", result: "Results", ended: "Game over",
};
export const KINDS = { requirement: "On the agenda", challenge: "Challenge", change: "Change" };

export function phaseName(game) {
  if (game.phase === "vote" && game.decision === "chair") return "The chair decides";
  return PHASES[game.phase] || game.phase;
}

export function stageLine(game, deck, phase = true) {
  if (game.phase === "ended") return `Game over after ${game.rounds} rounds`;
  return `Round ${game.round} of ${game.rounds} \u00b7 ${nm(deck.stage, game.current.stage)}${phase ? ` \u00b7 ${phaseName(game)}` : ""}`;
}

export const seatName = (table, seat) => {
  const row = table.seats[seat];
  return row && row.name ? row.name : `Seat ${seat + 1}`;
};

// Seats the table is waiting for in this phase: the server says (game.current.waiting).
export function waitingFor(game, table) {
  if (table.status !== "playing") return [];
  return game.current.waiting || [];
}

export function waitingText(game, table, me) {
  if (table.status === "lobby") return "Waiting for the facilitator to start the game.";
  if (table.status === "paused") return "The facilitator has paused the game.";
  if (table.status === "ended" || game.phase === "ended") return "The game is over.";
  const seats = waitingFor(game, table);
  if (!seats.length) return "Moving on\u2026";
  const names = seats.map((s) => (s === me ? "you" : seatName(table, s)));
  return `Waiting for ${list(names)}.`;
}

// ---- the criteria, one tap away --------------------------------------------------------------

// Wherever a rating, score or target shows a criterion, its name is a button that opens one
// shared dialog with the deck's definition (and its question and example, if the deck has
// them). A modal dialog: focus goes in, Escape closes it, focus comes back to the button.
// By the reference the deck was loaded with: a studio deck's id alone names no revision.
export const scoringHref = (deck) => `/decks/${encodeURIComponent(deck.ref || deck.id)}/scoring`;

export function scoringLink(deck, cls = "small") {
  return h("p", { class: `${cls} scoring-link` }, h("a", { href: scoringHref(deck), target: "_blank", rel: "noopener" },
    "How scoring works", h("span", { class: "vh" }, " (opens in a new tab)")));
}

let critDialog = null;
export function showCriterion(deck, id, from) {
  const c = deck.criterion[id];
  if (!c) return;
  if (!critDialog) {
    critDialog = h("dialog", { id: "criterion-dialog", class: "crit-dialog", "aria-labelledby": "criterion-dialog-h" });
    critDialog.addEventListener("close", () => critDialog.opener?.focus({ preventScroll: true }));
    // A tap on the backdrop (outside the box) closes it too.
    critDialog.addEventListener("click", (e) => { if (e.target === critDialog) critDialog.close(); });
    document.body.append(critDialog);
  }
  critDialog.opener = from || null;
  critDialog.replaceChildren(
    h("h2", { id: "criterion-dialog-h" }, c.name),
    h("p", { class: "crit-def" }, c.description || "This deck does not define it."),
    c.question ? h("p", null, h("strong", null, "Ask: "), c.question) : null,
    c.example ? h("p", null, h("strong", null, "For example: "), c.example) : null,
    scoringLink(deck),
    h("button", { type: "button", class: "button", id: "criterion-dialog-close", onclick: () => critDialog.close() }, "Close"));
  if (!critDialog.open) critDialog.showModal();
  critDialog.querySelector("#criterion-dialog-close").focus();
}

// A criterion's name as the button that opens its definition. `label` is what shows (the
// name by default); `extra` is read after it by screen readers only (for example "3 of 5").
export function critButton(deck, id, { label, extra, cls = "crit-btn" } = {}) {
  const c = deck.criterion[id];
  if (!c) return label ?? String(id);
  return h("button", { type: "button", class: cls, "aria-haspopup": "dialog", "data-criterion": id,
    onclick: (e) => { e.stopPropagation(); showCriterion(deck, id, e.currentTarget); } },
  label ?? c.name, extra ? h("span", { class: "vh" }, extra) : null);
}

// Every criterion, each a button to its definition: for pages that use the names in prose.
export function criteriaKey(deck, lead = "What the criteria mean: ") {
  return h("p", { class: "crit-key small" }, lead,
    deck.criteria.map((c, i) => [i ? " " : "", critButton(deck, c.id)]));
}

// ---- cards -----------------------------------------------------------------------------------

export function ratings(card, deck) {
  return h("ul", { class: "ratings", "aria-label": "Ratings out of 5" },
    deck.criteria.filter((c) => c.rated !== false).map((c) => {
      const v = card.ratings[c.id] ?? 0;
      const bar = h("span", { class: "bar", "aria-hidden": "true" }, h("span"));
      bar.firstChild.style.width = `${v * 20}%`;
      return h("li", null, h("span", { class: "rname" }, critButton(deck, c.id)), bar,
        h("span", { class: "rval" }, `${v}/5`));
    }));
}

export function tagList(card, deck) {
  if (!card.tags.length) return null;
  return h("p", { class: "tags" }, h("span", { class: "vh" }, "Tags: "),
    card.tags.map((t) => h("span", { class: "tag" }, nm(deck.tag, t))));
}

// The "being data or governing data?" notes for a card's tags, if any.
export function coachNotes(card, deck, idp) {
  const notes = card.tags.map((t) => deck.tag[t]).filter((t) => t && t.coach);
  if (!notes.length) return null;
  return disclose(`${idp}-coach`, "Being data, or governing data?", "coach",
    notes.map((t) => h("p", null, h("strong", null, `${t.name}: `), t.coach)));
}

export function whyDetails(card, deck, idp) {
  return disclose(`${idp}-why`, "Why these ratings?", "why",
    h("p", null, card.why),
    card.tags.length ? h("dl", { class: "tagdefs" }, card.tags.map((t) => [
      h("dt", null, nm(deck.tag, t)), h("dd", null, deck.tag[t] ? deck.tag[t].description : ""),
    ])) : null,
    Object.keys(card.tracks || {}).length ? h("p", null, "When adopted it also moves: ",
      Object.entries(card.tracks).map(([t, n]) => `${nm(deck.track, t)} ${signed(n)}`).join(", "), ".") : null);
}

export function costList(card, deck, costs) {
  return h("ul", { class: "costs", "aria-label": "Who it involves, and the cost" },
    Object.keys(card.reach).map((g) => h("li", null, nm(deck.group, g), ": cost ",
      h("strong", null, String(costs ? costs[g] : card.reach[g])))));
}

// One intervention card. `extra` goes at the bottom (for example the propose controls).
export function cardView(id, deck, { costs, idp, extra, compact } = {}) {
  const card = deck.card[id];
  idp = idp || `c-${slug(id)}`;
  if (!card) return h("article", { class: "card" }, h("h3", null, id));
  return h("article", { class: "card", "aria-labelledby": `${idp}-h` },
    h("h3", { id: `${idp}-h` }, card.name),
    compact ? null : h("p", { class: "desc" }, card.description),
    ratings(card, deck),
    tagList(card, deck),
    compact ? null : costs === false ? null : costList(card, deck, costs),
    coachNotes(card, deck, idp),
    whyDetails(card, deck, idp),
    extra);
}

// Ratings as pips, the way the paper cards show them: five dots, so many filled. The numbers
// are there for screen readers and in the title.
export function pips(card, deck) {
  return h("ul", { class: "pips", "aria-label": "Ratings out of 5" },
    deck.criteria.filter((c) => c.rated !== false).map((c) => {
      const v = card.ratings[c.id] ?? 0;
      // The whole pip is the button to the criterion's definition; its name is the full
      // criterion and the rating, which starts with the letters shown.
      return h("li", null, critButton(deck, c.id, { cls: "crit-btn pip-btn", label: [
        h("span", { class: "pip-name", "aria-hidden": "true" }, c.name.slice(0, 4)),
        h("span", { class: "pip-dots", "aria-hidden": "true" },
          [1, 2, 3, 4, 5].map((n) => h("span", { class: n <= v ? "on" : "off" }))),
        h("span", { class: "vh" }, `${c.name} ${v} of 5`)] }));
    }));
}

// A card in the hand, closed: its name, its ratings as pips and its cost per group, one tap
// (anywhere on it) to open the rest; `body` is what opening shows.
const openCards = new Set();
export const closeCards = () => openCards.clear(); // a new phase starts with the hand compact
export function miniCard(id, deck, { costs, idp, body, open: forced } = {}) {
  const card = deck.card[id];
  const name = card ? card.name : id;
  const bodyId = `${idp}-body`;
  const isOpen = forced ?? openCards.has(idp);
  const button = h("button", { type: "button", class: "card-open", id: `${idp}-open`,
    "aria-expanded": String(isOpen), "aria-controls": bodyId }, name);
  const inside = h("div", { class: "card-body", id: bodyId }, body);
  inside.hidden = !isOpen;
  const toggle = () => {
    const now = inside.hidden;
    inside.hidden = !now;
    button.setAttribute("aria-expanded", String(now));
    art.classList.toggle("open", now);
    if (now) openCards.add(idp); else openCards.delete(idp);
  };
  button.addEventListener("click", toggle);
  const summary = h("div", { class: "card-sum" },
    h("h3", { id: `${idp}-h` }, button),
    card ? pips(card, deck) : null,
    costs ? h("p", { class: "card-costs" }, h("span", { class: "vh" }, "Cost: "),
      Object.entries(costs).map(([g, c], i) => [i ? " \u00b7 " : "",
        h("span", { class: "nowrap" }, `${nm(deck.group, g)} `, h("strong", null, String(c)))])) : null);
  // The whole closed card is a target for a finger; the keyboard uses the button.
  summary.addEventListener("click", (e) => { if (!e.target.closest("button")) toggle(); });
  const art = h("article", { class: `card mini${isOpen ? " open" : ""}`, "aria-labelledby": `${idp}-h` },
    summary, inside);
  return art;
}

export function eventView(ev, idp = "ev") {
  return h("article", { class: `event ${ev.kind}`, "aria-labelledby": `${idp}-${slug(ev.id)}` },
    h("p", { class: "kind" }, `${KINDS[ev.kind] || ev.kind}${ev.severity > 1 ? ` \u00b7 severity ${ev.severity} of 3` : ""}`,
      ev.when === "after_scoring" ? " \u00b7 drawn after the round is scored" : ""),
    h("h3", { id: `${idp}-${slug(ev.id)}` }, ev.name),
    h("p", null, ev.text),
    ev.effects.length ? h("p", { class: "small" }, h("strong", null, "Now: "), ev.effects.join("; ")) : null,
    ev.rules.length ? h("p", { class: "small" }, h("strong", null, "Scores this round: "), ev.rules.join(" ")) : null);
}

// One scoring language: every change to a criterion shows what it adds to the weighted total
// ("+8 points: Democratic +4, counts double"), each with its own reason; tracks are not part
// of the total and say so by showing no points. Sign and words, never colour alone.
export function changeList(changes, deck) {
  const item = (c) => {
    const label = targetName(deck, c.target);
    const pts = c.points;
    const weighted = pts != null && c.weight != null && c.weight !== 1;
    return h("li", { class: (pts ?? c.amount) < 0 ? "down" : "up" },
      h("span", { class: "amt" }, signed(pts ?? c.amount)),
      h("span", null, h("strong", null, deck.criterion[c.target] ? critButton(deck, c.target) : label,
        weighted ? ` ${signed(c.amount)} \u00d7${c.weight}` : ""), ": ", c.why));
  };
  const crit = changes.filter((c) => c.points != null);
  const tracks = changes.filter((c) => c.points == null);
  return h("div", { class: "change-set" },
    crit.length ? h("ul", { class: "changes", "aria-label": "Points on the weighted total" }, crit.map(item)) : null,
    tracks.length ? h("ul", { class: "changes tracks-moved", "aria-label": "Tracks (not part of the total)" }, tracks.map(item)) : null);
}

export function targetName(deck, id) {
  return deck.criterion[id] ? deck.criterion[id].name : nm(deck.track, id);
}

// The round's result: what was adopted, what was not and why, and every score change, each
// in points of the weighted total.
const pts = (changes) => Math.round(changes.reduce((n, c) => n + (c.points || 0), 0) * 100) / 100;
export function resultView(cur, game, table, deck) {
  const byCard = {};
  for (const c of cur.changes) if (c.card) (byCard[c.card] ||= []).push(c);
  const general = cur.changes.filter((c) => !c.card);
  const adopted = cur.adopted || [];
  const refused = cur.refused || [];
  const proposer = (seat) => {
    const p = cur.proposals.find((x) => x.seat === seat);
    return p && p.by && p.by.kind !== "default" ? p.by.name : seatName(table, seat);
  };
  const round = pts(cur.changes);
  return [
    h("p", { class: "round-points" }, h("strong", null, `This round: ${signed(round)} point${Math.abs(round) === 1 ? "" : "s"}`),
      ` on the weighted total (now ${game.total}).`),
    h("h3", null, adopted.length ? `Adopted (${adopted.length})` : "Nothing was adopted"),
    adopted.map((a) => h("div", { class: "adopted" },
      h("p", null, h("span", { class: "mark" }, "\u2714 Adopted: "),
        h("strong", null, nm(deck.card, a.card)), ` with ${nm(deck.group, a.group)}, cost ${a.cost}`,
        a.seat != null ? ` (proposed by ${proposer(a.seat)})` : "",
        `: ${signed(pts(byCard[a.card] || []))} points`),
      changeList(byCard[a.card] || [], deck))),
    refused.length ? [h("h3", null, "Not adopted"),
      h("ul", { class: "refused" }, refused.map((r) => {
        const p = cur.proposals.find((x) => x.seat === r.seat);
        return h("li", null, h("span", { class: "mark" }, "\u2718 "),
          h("strong", null, p && p.card ? nm(deck.card, p.card) : seatName(table, r.seat)),
          ` (${proposer(r.seat)}): ${r.why}`);
      }))] : null,
    general.length ? [h("h3", null, "The stage, the event and the scenario"), changeList(general, deck)] : null,
    (cur.later_events || []).length ? [h("h3", null, "Drawn after the scoring"),
      cur.later_events.map((ev) => eventView(ev, `later${cur.number}`))] : null,
    nextRound(cur.next_round),
  ];
}

// What this round changed for the next one (an event drawn after scoring, a rule's cost).
function nextRound(next) {
  if (!next) return null;
  const bits = next.cost_changes.map((c) => `${signed(c.change)}${c.where ? ` for ${c.where}` : ""} (${c.why})`);
  if (next.adopt_limit_change) bits.push(`adopt limit ${signed(next.adopt_limit_change)}`);
  return bits.length ? h("p", { class: "small" }, h("strong", null, "Next round: "), bits.join("; ")) : null;
}

// The coach's best alternative for a round. Its shape comes from game/coach.py; read it
// defensively so a missing field shows less rather than breaking the page.
export function altView(alt, deck, { level = "h4", who } = {}) {
  const name = (seat) => (who ? who(seat) : `Seat ${seat + 1}`);
  if (alt.same) {
    return h("div", { class: "alt same" }, h(level, null, "Best alternative"),
      h("p", null, "\u2714 The table's plan was the best its cards allowed this round."));
  }
  const plan = alt.plan || (alt.best && alt.best.plan) || [];
  const diff = Object.entries(alt.by_target || {});
  const gain = alt.points_gain != null ? Math.round(alt.points_gain * 100) / 100 : null;
  return h("div", { class: "alt" },
    h(level, null, `Best alternative${gain != null ? `: ${signed(gain)} point${Math.abs(gain) === 1 ? "" : "s"} on the weighted total` : ""}`),
    plan.length ? h("ul", null, plan.map((p) => h("li", null, h("strong", null, nm(deck.card, p.card)),
      ` with ${nm(deck.group, p.group)}, cost ${p.cost}`, p.seat != null ? ` (${name(p.seat)}'s card)` : "")))
      : h("p", null, "Adopting nothing."),
    diff.length ? h("p", null, h("strong", null, "Difference: "),
      diff.map(([t, d]) => `${targetName(deck, t)} ${signed(d)}`).join(", ")) : null,
    alt.summary ? h("p", { class: "small no-print" }, alt.summary) : null);
}

// ---- scores and tracks -----------------------------------------------------------------------

export function criteriaBars(game, deck) {
  const targets = game.scenario.targets || {};
  const top = Math.max(1, ...deck.criteria.map((c) => Math.max(game.scores[c.id] || 0, targets[c.id] || 0)));
  return h("ul", { class: "crit" }, deck.criteria.map((c) => {
    const v = game.scores[c.id] || 0;
    const t = targets[c.id];
    const w = game.scenario.weights[c.id] ?? 1;
    const bar = h("span", { class: "bar", "aria-hidden": "true" }, h("span"));
    bar.firstChild.style.width = `${Math.max(0, v) / top * 100}%`;
    if (t) {
      const mark = h("span", { class: "target" });
      mark.style.left = `${t / top * 100}%`;
      bar.append(mark);
    }
    return h("li", null,
      h("span", { class: "rname" }, critButton(deck, c.id), w !== 1 ? h("span", { class: "weight" }, ` \u00d7${w}`) : null),
      bar,
      h("span", { class: "rval" }, String(v), t ? h("span", { class: "of" }, ` / ${t}`) : null),
      w !== 1 ? h("span", { class: "vh" }, `, counts ${w === 2 ? "double" : `\u00d7${w}`}`) : null,
      t ? h("span", { class: "vh" }, `, target ${t}`) : null);
  }));
}

export function tracksView(game, deck) {
  return h("ul", { class: "tracks" }, deck.tracks.map((t) => {
    const v = game.tracks[t.id];
    const bar = h("span", { class: "bar", "aria-hidden": "true" }, h("span"));
    bar.firstChild.style.width = `${Math.max(0, (v - t.min) / Math.max(1, t.max - t.min)) * 100}%`;
    return h("li", null, h("span", { class: "rname" }, t.name), bar,
      h("span", { class: "rval" }, String(v), h("span", { class: "of" }, ` of ${t.max}`)));
  }));
}

// What raises each track: the deck's cards that move it, best first.
export function trackHelp(deck, idp = "th") {
  const rows = deck.tracks.filter((t) => (t.raised_by || []).length);
  if (!rows.length) return null;
  return disclose(`${idp}-raise`, "How to raise the tracks", "track-help",
    rows.map((t) => h("p", { class: "small" }, h("strong", null, `${t.name}: `),
      list(t.raised_by.map((r) => `${r.name} (${signed(r.amount)})`)), " when adopted.")));
}

// Is the table on track to win? The server projects the scores so far to the last round.
export const OUTLOOK = {
  early: "\u2026 Too early to tell", on_track: "\u25b2 On track to win", at_risk: "\u25bc At risk",
  won: "\u2714 Won", lost: "\u2718 Not won",
};
export function outlookView(game, deck, cls = "") {
  const o = game.outlook;
  if (!o) return null;
  const p = o.projected;
  const pace = p && (o.status === "on_track" || o.status === "at_risk")
    ? `At this pace the table ends on ${Math.round(p.total)} points, ${deck.tracks.filter((t) => t.id !== game.budget_track)
      .map((t) => `${t.name} ${p.tracks[t.id]}`).join(", ")}.` : null;
  return h("div", { class: `outlook ${o.status} ${cls}` },
    h("p", { class: "outlook-mark" }, OUTLOOK[o.status] || o.status),
    pace ? h("p", { class: "small" }, pace) : null,
    o.win ? h("p", { class: "small win-line" }, h("strong", null, "Win line: "), o.win) : null);
}

// Everything adopted so far, round by round.
export function planSoFar(game) {
  const out = [];
  for (const r of [...game.history, game.current]) {
    for (const a of r.adopted || []) out.push({ ...a, round: r.number, stage: r.stage });
  }
  return out;
}

// ---- the timer -------------------------------------------------------------------------------

export class Timer {
  constructor(el) {
    this.el = el;
    this.t = null;
    setInterval(() => this.draw(), 1000);
  }

  set(timer, game) {
    const live = timer && game && timer.phase === game.phase && timer.round === game.round;
    this.t = live ? { ...timer, at: Date.now() } : null;
    this.draw();
  }

  left() {
    if (!this.t) return null;
    const gone = this.t.paused ? 0 : (Date.now() - this.t.at) / 1000;
    return Math.max(0, this.t.remaining - gone);
  }

  draw() {
    const el = this.el;
    if (!el) return;
    const left = this.left();
    el.hidden = left == null;
    if (left == null) return;
    const text = `${clock(left)}${this.t.paused ? " (paused)" : ""}`;
    if (el.dataset.text !== text) {
      el.dataset.text = text;
      el.textContent = "";
      el.append(h("span", { class: "vh" }, "Time left: "), text);
      el.classList.toggle("low", left <= 15 && !this.t.paused);
    }
  }
}
