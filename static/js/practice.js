// Solo practice: choose a deck, scenario, difficulty and variant, then play at /play/<table>
// with bot teammates. Past games are kept against an anonymous id held by this browser.
import { $, h, keptId, onlyDeck, store } from "./dom.js";

const form = $("#practice-form");
const deck = $("#deck");
const scenario = $("#scenario");
const difficulty = $("#difficulty");
const error = $("#practice-error");

const browserId = () => keptId("browser");

function onlyThisDeck() {
  onlyDeck(deck.value, scenario, difficulty);
  $("#deck-description").textContent = deck.selectedOptions[0]?.dataset.description || "";
  describe();
}

function describe() {
  $("#scenario-context").textContent = scenario.selectedOptions[0]?.dataset.context || "";
  $("#difficulty-description").textContent = difficulty.selectedOptions[0]?.dataset.description || "";
}

deck.addEventListener("change", onlyThisDeck);
scenario.addEventListener("change", describe);
difficulty.addEventListener("change", describe);
onlyThisDeck();

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  error.textContent = "";
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  button.textContent = "Dealing the cards\u2026";
  try {
    const body = {
      deck: deck.value, scenario: scenario.value, difficulty: difficulty.value || null,
      variant: form.querySelector("input[name=variant]:checked").value, browser_id: browserId(),
    };
    const res = await fetch("/api/solo", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const data = await res.json();
    if (!data.ok) throw new Error(data.error.message);
    store.set(`seat.${data.table}`, { token: data.token, seat: 0, name: "You", deck: body.deck });
    const games = (store.get("solo") || []).filter((g) => g.table !== data.table);
    games.unshift({ table: data.table, scenario: scenario.selectedOptions[0].textContent,
      resume: data.resume_url, started: new Date().toISOString() });
    store.set("solo", games.slice(0, 10));
    location.assign(data.play_url);
  } catch (err) {
    error.textContent = err.message || "Could not start the game: check the connection and try again.";
    button.disabled = false;
    button.textContent = "Start practising";
  }
});

async function showRecord() {
  const games = (store.get("solo") || []).filter((g) => store.get(`seat.${g.table}`));
  let best = {};
  let finished = [];
  try {
    const res = await fetch(`/api/solo/records?browser_id=${encodeURIComponent(browserId())}`);
    if (res.ok) ({ best = {}, records: finished = [] } = await res.json());
  } catch { /* offline: show what this browser remembers */ }
  const entries = Object.values(best);
  if (!games.length && !entries.length) return;
  $("#record").hidden = false;
  const names = Object.fromEntries([...scenario.options].map((o) => [`${o.dataset.deck}/${o.value}`, o.textContent]));
  const scoreText = (r) => `${names[`${r.deck}/${r.scenario}`] || r.scenario}: ${r.total} points, ${r.won ? "won" : "not won"}` +
    (r.difficulty ? ` (${r.difficulty})` : "");
  $("#best-list").replaceChildren(...(entries.length ? entries.map((r) => h("li", null, scoreText(r)))
    : [h("li", null, "No finished games yet.")]));
  // Each finished game with its closing reflection: the score, or a link back to answer it.
  $("#finished-list").replaceChildren(...(finished.length ? finished.slice(0, 10).map((r) => {
    // The server says whether the game has a reflection (`of` 0: the deck is too small).
    const q = r.reflection || { of: 0 };
    const reflected = !q.of ? "" : q.answered ? `; reflection: ${q.right} of ${q.of} right${q.answered < q.of ? ` (${q.answered} answered)` : ""}`
      : "; reflection not answered yet";
    const back = q.answered < q.of && store.get(`seat.${r.table_id}`);
    return h("li", null, `${scoreText(r)}${reflected}`,
      back ? [" · ", h("a", { href: `/play/${encodeURIComponent(r.table_id)}` }, "Answer the reflection",
        h("span", { class: "vh" }, ` of the game finished ${new Date(r.at).toLocaleString()}`))] : null);
  }) : [h("li", null, "No finished games yet.")]));
  $("#resume-list").replaceChildren(...(games.length ? games.map((g) => h("li", null,
    h("a", { href: `/play/${encodeURIComponent(g.table)}` }, `${g.scenario}, started ${new Date(g.started).toLocaleString()}`))) :
    [h("li", null, "None in progress.")]));
}

showRecord();
