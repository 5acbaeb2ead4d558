// A deck's balance report: start a job, follow its progress (polling its JSON once a second),
// cancel it, and reload the page when it ends so the server draws the report.
// Only numbers and fixed words go into the page here; the report itself is server-drawn.
import { $, store } from "./dom.js";

const root = $("#balance");
const deck = root.dataset.deck;
const api = `/api/decks/${encodeURIComponent(deck)}/balance`;
const form = $("#balance-form");
const error = $("#balance-error");
const progress = $("#progress");
const bar = $("#bar");
const fill = bar.querySelector("span");
const text = $("#progress-text");
const cancel = $("#cancel");
const start = $("#start");
const announce = $("#announce");
const POLL_MS = 1000;

let job = root.dataset.job || null;
let announced = -1; // the last quarter said out loud
let timer = null;

const tokenKey = () => `balance.${deck}.${job}`;

function show(status) {
  const total = status.total || status.games || 0;
  const done = Math.min(status.done || 0, total);
  bar.setAttribute("aria-valuemax", String(total));
  bar.setAttribute("aria-valuenow", String(done));
  bar.setAttribute("aria-valuetext", `${done} of ${total} games`);
  fill.style.width = total ? `${(100 * done) / total}%` : "0";
  text.textContent = `${done.toLocaleString()} of ${total.toLocaleString()} games`;
  // Politely, at each quarter: often enough to know it moves, not so often as to chatter.
  const quarter = total ? Math.floor((4 * done) / total) : 0;
  if (quarter > announced && quarter < 4) {
    announced = quarter;
    announce.textContent = `${quarter * 25}% of the games played`;
  }
}

function running(status) {
  return status.state === "starting" || status.state === "running";
}

// The server's own refusal, whose message says what to do (a network failure's does not).
class Refused extends Error {}

async function poll() {
  timer = null;
  let status;
  try {
    const res = await fetch(api, { cache: "no-store" });
    status = await res.json();
  } catch {
    timer = setTimeout(poll, POLL_MS * 3); // the server is away: try again, more slowly
    return;
  }
  if (!status.ok) {
    // Refused (the deck went, say): say so, and keep asking in case it comes back.
    error.textContent = status.error ? status.error.message : "The report's progress could not be read.";
    timer = setTimeout(poll, POLL_MS * 3);
    return;
  }
  error.textContent = "";
  if (status.job !== job || !running(status)) {
    // Ended (or another report replaced it): the page draws the outcome.
    store.drop(tokenKey());
    const where = status.state === "done" ? "#report" : "#job-status";
    location.replace(`${location.pathname}?job=${encodeURIComponent(status.job || "")}${where}`);
    return;
  }
  show(status);
  timer = setTimeout(poll, POLL_MS);
}

function follow(status) {
  job = status.job;
  announced = -1;
  progress.hidden = false;
  $("#job-status").hidden = true;
  cancel.hidden = !store.get(tokenKey());
  start.disabled = true;
  show(status);
  if (!timer) timer = setTimeout(poll, POLL_MS);
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  error.textContent = "";
  const players = [...form.querySelectorAll("input[name=players]:checked")].map((c) => Number(c.value));
  const games = $("#games").value.trim();
  if (!players.length) {
    error.textContent = "Choose at least one player count.";
    return;
  }
  if (!/^\d+$/.test(games)) {
    error.textContent = "Games must be a whole number, such as 2000.";
    $("#games").focus();
    return;
  }
  start.disabled = true;
  try {
    const res = await fetch(api, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ games: Number(games), players }),
    });
    const data = await res.json();
    if (!data.ok) throw new Refused(data.error.message);
    job = data.job;
    store.set(tokenKey(), data.token);
    announce.textContent = `Report started: ${data.games} games.`;
    follow(data);
    $("#progress-h").focus();
  } catch (err) {
    start.disabled = false;
    error.textContent = err instanceof Refused ? err.message
      : "Could not start the report: check the connection and try again.";
  }
});

cancel.addEventListener("click", async () => {
  cancel.disabled = true;
  try {
    const res = await fetch(`${api}/cancel`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: store.get(tokenKey()) }),
    });
    const data = await res.json();
    if (!data.ok) throw new Refused(data.error.message);
    announce.textContent = "Cancelling the report.";
    text.textContent = "Cancelling\u2026";
  } catch (err) {
    cancel.disabled = false;
    error.textContent = err instanceof Refused ? err.message
      : "Could not cancel: check the connection and try again.";
  }
});

// On load: follow a report that is running, and bring the outcome of one that ended into view.
if (root.dataset.state === "starting" || root.dataset.state === "running") {
  follow({ job, state: root.dataset.state, done: Number(bar.getAttribute("aria-valuenow")),
    total: Number(bar.getAttribute("aria-valuemax")) });
} else if (location.hash === "#report" || location.hash === "#job-status") {
  const target = document.getElementById(location.hash.slice(1));
  if (target && !target.hidden) {
    target.focus();
    announce.textContent = location.hash === "#report" ? "The report is ready." : target.textContent.trim();
  }
}
