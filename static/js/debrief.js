// The debrief: the deck's criteria against the scenario's targets, round by round what was
// proposed, adopted and why it scored, the best alternative, tracks over time, the secret
// objectives, win or loss, and exports. Prints as a short summary.
import { $, fill, h, s, signed, store } from "./dom.js";
import { loadDeck, nm } from "./deck.js";
import { altView, changeList, critButton, criteriaKey, eventView, scoringLink, targetName } from "./game.js";
import { legend, radar } from "./radar.js";

const tableId = $("main").dataset.table;
const id = encodeURIComponent(tableId);
// Before the game ends only the facilitator may read the debrief; this browser may hold the key.
const facilitatorKey = store.get(`key.${tableId}`);
const keyQuery = facilitatorKey ? `?key=${encodeURIComponent(facilitatorKey)}` : "";

async function getJson(url) {
  const res = await fetch(url);
  const data = await res.json();
  if (!res.ok) throw new Error(data.error ? data.error.message : `${res.status}`);
  return data;
}

(async () => {
  try {
    const [d, t] = await Promise.all([getJson(`/api/tables/${id}/debrief.json${keyQuery}`), getJson(`/api/tables/${id}`)]);
    const deck = await loadDeck(d.deck);
    show(d, t.table, deck);
  } catch (err) {
    $("#msg").textContent = `The debrief could not be loaded: ${err.message}`;
    fill($("#debrief"));
  }
})();

const who = (table, seat) => (table.seats[seat] && table.seats[seat].name) || `Seat ${seat + 1}`;
// Who made a choice: the person or bot who held the seat then (seats change hands), or the
// table filling in when time ran out.
function byWhom(by, table, seat) {
  if (!by) return who(table, seat);
  if (by.kind === "default") return by.why === "timer" ? `${who(table, seat)}'s seat (time ran out)` : `${who(table, seat)}'s seat (the facilitator moved on)`;
  return by.kind === "bot" ? `${by.name} (bot)` : by.name;
}

function show(d, table, deck) {
  const over = d.phase === "ended" || table.status === "ended";
  const decided = d.rounds.filter((r) => r.resolved);  // the server says which rounds are decided
  // A round the facilitator ended before the vote still shows what was proposed.
  const shown = d.rounds.filter((r) => decided.includes(r) || r.proposals.some((p) => p.card));
  $("#title").textContent = `Debrief: ${d.scenario_name}`;
  document.title = `Debrief: ${d.scenario_name} \u00b7 The Governance Game`;
  const box = $("#debrief");
  box.removeAttribute("aria-busy");
  const t = d.table || {};
  const stem = `governance-game-${String(t.code || tableId).replace(/[^A-Za-z0-9]/g, "")}-${t.date || ""}`;
  fill(box,
    h("p", { class: "lead" }, `${t.date ? `${t.date} \u00b7 ` : ""}Table ${t.code || tableId} \u00b7 ${deck.name} (version ${d.deck_version}) \u00b7 ${d.seats} seats \u00b7 ${decided.length} of ${d.rounds_total || d.rounds.length} rounds played`),
    outcome(d, table, over),
    h("div", { class: "no-print" }, criteriaKey(deck), scoringLink(deck)),
    h("div", { class: "no-print controls" },
      h("a", { class: "button secondary", href: `/api/tables/${id}/export.json${keyQuery}`, download: `${stem}.json` }, "Download JSON"),
      h("a", { class: "button secondary", href: `/api/tables/${id}/debrief.csv${keyQuery}`, download: `${stem}.csv` }, "Download CSV"),
      h("button", { type: "button", class: "button secondary", onclick: () => window.print() }, "Print the summary")),
    h("div", { class: "two" },
      h("section", { "aria-labelledby": "radar-h" }, h("h2", { id: "radar-h" }, "The criteria"), criteriaRadar(d, deck), wrap(criteriaTable(d, deck), "Criteria table")),
      h("section", { "aria-labelledby": "tracks-h" }, h("h2", { id: "tracks-h" }, "Tracks over time"), trackChart(d, decided, deck), wrap(trackTable(d, decided, deck), "Tracks table"))),
    h("section", { "aria-labelledby": "roles-h", class: "roles" }, h("h2", { id: "roles-h" }, "Roles and secret objectives"), objectives(d, table, deck, over)),
    h("section", { "aria-labelledby": "timeline-h" }, h("h2", { id: "timeline-h" }, "Round by round"),
      shown.length ? h("ol", { class: "timeline" }, shown.map((r) => roundView(r, table, deck, decided.includes(r)))) : h("p", null, "No round has been decided yet.")));
}

// A wide table scrolls inside its own box (focusable, so the keyboard can scroll it too),
// never the page.
function wrap(tableEl, label) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": label }, tableEl);
}

function outcome(d, table, over) {
  const o = d.outcome || {};
  const early = table.status === "ended" && d.phase !== "ended";
  if (!over) return h("p", { class: "outcome" }, "The game is still being played: this shows the rounds decided so far.");
  return h("div", null,
    early ? h("p", { class: "outcome" }, "The facilitator ended the game before the last round.")
      : h("p", { class: `outcome ${o.won ? "won" : "lost"}` }, o.won ? "\u2714 The table won together." : "\u2718 The table did not win."),
    o.win_condition ? h("p", null, h("strong", null, "To win: "), o.win_condition) : null,
    h("p", null, h("strong", null, "Weighted total: "), `${Math.round(d.total * 100) / 100} points`,
      " (each criterion's score times its weight, added up; the same total the phones and the screen showed)."));
}

// ---- criteria ----------------------------------------------------------------------------------

function criteriaRadar(d, deck) {
  const ids = deck.criteria.map((c) => c.id);
  const hasTargets = ids.some((c) => d.criteria[c].target);
  const note = (c) => `${d.criteria[c].score}${d.criteria[c].target ? ` of ${d.criteria[c].target}` : ""}`;
  return radar({
    id: "radar-t",
    title: `Radar of the criteria: ${ids.map((c) => `${nm(deck.criterion, c)} ${note(c)}`).join(", ")}.`,
    axes: ids.map((c) => ({ name: nm(deck.criterion, c), note: note(c) })),
    shapes: [
      hasTargets ? { cls: "target", values: ids.map((c) => d.criteria[c].target || 0) } : null,
      { cls: "score", values: ids.map((c) => d.criteria[c].score) },
    ].filter(Boolean),
    caption: [legend("score", "Your plan (solid)"), hasTargets ? [" \u00a0 ", legend("target", "The scenario's target (dashed)")] : null],
  });
}

function criteriaTable(d, deck) {
  return h("table", { class: "data" },
    h("caption", { class: "vh" }, "Criteria: score against target, weight and points"),
    h("thead", null, h("tr", null, ["Criterion", "Score", "Target", "Weight", "Points"].map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", null, deck.criteria.map((c) => {
      const v = d.criteria[c.id];
      const met = v.target ? (v.score >= v.target ? "\u2714 met" : `\u2718 ${v.target - v.score} short`) : "";
      return h("tr", null, h("th", { scope: "row" }, critButton(deck, c.id)), h("td", null, String(v.score)),
        h("td", null, v.target ? `${v.target} ` : "\u2013", met ? h("span", { class: "small" }, met) : null),
        h("td", null, `\u00d7${v.weight}`),
        h("td", null, String(Math.round(v.weighted * 100) / 100)));
    })),
    h("tfoot", null, h("tr", null, h("th", { scope: "row", colspan: "4" }, "Weighted total"), h("td", null, String(Math.round(d.total * 100) / 100)))));
}

// ---- tracks ------------------------------------------------------------------------------------

const DASH = ["", "8 4", "2 4", "12 4 2 4"];

function trackChart(d, rounds, deck) {
  const ids = deck.tracks.map((t) => t.id);
  const series = ids.map((t) => [d.tracks[t].start, ...rounds.map((r) => r.tracks_after[t])]);
  const top = Math.max(1, ...series.flat());
  const W = 360;
  const H = 220;
  const L = 36;
  const B = 190;
  const n = rounds.length + 1;
  const x = (i) => L + (n > 1 ? (i * (W - L - 90)) / (n - 1) : 0);
  const y = (v) => B - (Math.max(0, v) / top) * (B - 20);
  // End labels, nudged apart so they never overlap.
  const labels = ids.map((t, k) => ({ text: `${nm(deck.track, t)} ${series[k][n - 1]}`, y: y(series[k][n - 1]) + 4 }))
    .sort((a, b) => a.y - b.y);
  for (let i = 1; i < labels.length; i++) labels[i].y = Math.max(labels[i].y, labels[i - 1].y + 14);
  // Keep the lowest label above the axis line (a track at 0 would sit on it).
  const sink = labels.length ? labels[labels.length - 1].y - (B - 4) : 0;
  if (sink > 0) for (const l of labels) l.y -= sink;
  return h("figure", { class: "trackchart" },
    s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "tracks-t" },
      s("title", { id: "tracks-t" }, `Tracks over time: ${ids.map((t, i) => `${nm(deck.track, t)} from ${series[i][0]} to ${series[i][n - 1]}`).join(", ")}. The table below has every value.`),
      s("line", { class: "axis", x1: L, y1: B, x2: W - 80, y2: B }),
      [...Array(n).keys()].map((i) => s("text", { x: x(i), y: B + 18, "text-anchor": "middle" }, i ? `R${i}` : "Start")),
      ids.map((t, k) => [
        s("polyline", { class: `line l${k}`, points: series[k].map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" "), "stroke-dasharray": DASH[k % 4] || null }),
        series[k].map((v, i) => s("circle", { class: `dot l${k}`, cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 3 })),
      ]),
      labels.map((l) => s("text", { x: x(n - 1) + 8, y: l.y.toFixed(1) }, l.text))));
}

function trackTable(d, rounds, deck) {
  return h("table", { class: "data" },
    h("caption", { class: "vh" }, "Tracks at the start and after each round"),
    h("thead", null, h("tr", null, h("th", { scope: "col" }, "Track"), h("th", { scope: "col" }, "Start"),
      rounds.map((r) => h("th", { scope: "col" }, `R${r.number}`)))),
    h("tbody", null, deck.tracks.map((t) => h("tr", null, h("th", { scope: "row" }, t.name),
      h("td", null, String(d.tracks[t.id].start)), rounds.map((r) => h("td", null, String(r.tracks_after[t.id])))))));
}

// ---- roles -------------------------------------------------------------------------------------

function objectives(d, table, deck, over) {
  const objs = (d.outcome && d.outcome.objectives) || [];
  return h("ul", { class: "objs" }, d.roles.map((role, seat) => {
    const o = objs.find((x) => x.seat === seat);
    return h("li", null,
      h("p", null, h("strong", null, who(table, seat)), role ? ` \u00b7 ${nm(deck.role, role)}` : " \u00b7 no role"),
      o && over ? h("p", null, h("span", { class: o.met ? "met" : "unmet" }, o.met ? "\u2714 Met: " : "\u2718 Not met: "), o.text)
        : o ? h("p", { class: "small" }, "Secret objective: revealed when the game ends.") : null);
  }));
}

// ---- the timeline ------------------------------------------------------------------------------

function roundView(r, table, deck, done = true) {
  const adoptedSeats = new Set(r.adopted.map((a) => a.seat));
  const cardOf = Object.fromEntries(r.proposals.map((p) => [p.seat, p.card]));
  const trackMoves = {};
  for (const c of r.changes) if (c.points == null) trackMoves[c.target] = (trackMoves[c.target] || 0) + c.amount;
  const moved = Object.entries(trackMoves).filter(([, v]) => v).map(([t, v]) => `${targetName(deck, t)} ${signed(v)}`);
  const votes = (r.votes || []).map((v) => `${byWhom(v.by, table, v.seat)}: ${v.voted
    ? (v.approve.length ? `backed ${v.approve.map((s2) => nm(deck.card, cardOf[s2])).join(", ")}` : "backed nothing")
    : "no vote (counted as backing nothing)"}`);
  return h("li", { class: "round" },
    h("h3", null, `Round ${r.number}: ${r.stage_name}`),
    r.events.length ? h("p", { class: "small" }, h("strong", null, "Event: "), r.events.map((e) => e.name).join("; ")) : null,
    h("div", { class: "no-print" }, r.events.map((e) => eventView(e, `dr${r.number}`))),
    h("p", null, h("strong", null, "Proposed: "), r.proposals.length ? r.proposals.map((p) => `${byWhom(p.by, table, p.seat)}: ${p.card
      ? `${nm(deck.card, p.card)} with ${nm(deck.group, p.group)}${adoptedSeats.has(p.seat) ? " \u2714" : ""}` : "passed"}`).join("; ") : "nothing"),
    votes.length ? h("p", { class: "small no-print" }, h("strong", null, "Votes: "), votes.join("; ")) : null,
    done ? null : h("p", null, h("strong", null, "Not decided: "), "the game ended before the vote."),
    done ? h("p", null, h("strong", null, "Adopted: "), r.adopted.length ? r.adopted.map((a) =>
      `${nm(deck.card, a.card)} with ${nm(deck.group, a.group)} (cost ${a.cost})`).join("; ") : "nothing") : null,
    r.refused.length ? h("p", null, h("strong", null, "Not adopted: "), r.refused.map((x) => {
      const p = r.proposals.find((q) => q.seat === x.seat);
      return `${p && p.card ? nm(deck.card, p.card) : who(table, x.seat)}: ${x.why}`;
    }).join("; ")) : null,
    h("p", null, h("strong", null, "Points: "), `${signed(r.points)} on the weighted total`,
      moved.length ? [h("strong", null, " \u00b7 Tracks: "), moved.join(", ")] : null),
    (r.later_events || []).length ? [h("p", { class: "small" }, h("strong", null, "Drawn after the scoring: "),
      r.later_events.map((e) => e.name).join("; ")),
    h("div", { class: "no-print" }, r.later_events.map((e) => eventView(e, `drl${r.number}`)))] : null,
    r.changes.length ? h("div", { class: "no-print" }, h("h4", null, "Why it scored"), changeList(r.changes, deck)) : null,
    r.alternative ? altView(r.alternative, deck, { who: (seat) => byWhom(r.proposals.find((p) => p.seat === seat)?.by, table, seat) }) : null);
}
