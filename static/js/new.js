// Open a table: POST /api/tables, then show the code, the QR code and the links. The
// facilitator key comes back once; keep it in this browser.
import { $, onlyDeck, postJSON, store } from "./dom.js";

const form = $("#new-form");
const deck = $("#deck");
const scenario = $("#scenario");
const seats = $("#seats");
const error = $("#new-error");

function deckChanged() {
  const d = deck.selectedOptions[0].dataset;
  onlyDeck(deck.value, scenario, $("#difficulty"));
  seats.min = d.min;
  seats.max = d.max;
  seats.value = Math.min(Math.max(Number(seats.value) || 4, Number(d.min)), Number(d.max));
  $("#seats-hint").textContent = `This deck is for ${d.min} to ${d.max} people. Empty seats can get bots.`;
  $("#deck-description").textContent = d.description;
  $("#decision").value = d.decision;
  $("#hand").value = d.hand;
  $("#adopt").value = d.adopt;
  $("#deal").value = d.deal;
  $("#discard").value = d.discard;
  const [p, di, v] = d.timers.split(",");
  $("#t-proposal").value = p;
  $("#t-discussion").value = di;
  $("#t-vote").value = v;
  scenarioChanged();
}

function scenarioChanged() {
  $("#scenario-context").textContent = scenario.selectedOptions[0]?.dataset.context || "";
}

const more = $("#more-options");
more.addEventListener("click", () => {
  const body = $("#more-body");
  body.hidden = !body.hidden;
  more.setAttribute("aria-expanded", String(!body.hidden));
});

deck.addEventListener("change", deckChanged);
scenario.addEventListener("change", scenarioChanged);
deckChanged();

const num = (id) => Number($(id).value);

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  error.textContent = "";
  const options = {
    decision: $("#decision").value, hand_size: num("#hand"), adopt_limit: num("#adopt"),
    deal: $("#deal").value, discard: $("#discard").value,
    timers: { proposal: num("#t-proposal"), discussion: num("#t-discussion"), vote: num("#t-vote") },
    bots: $("#bots").value,
  };
  if ($("#difficulty").value) options.difficulty = $("#difficulty").value;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  // A studio deck ("studio:<deck>@<revision>") is opened at that revision, as the
  // signed-in facilitator (the cookie, so the CSRF token too).
  const studio = /^studio:([0-9a-f]+)@([0-9]+)$/.exec(deck.value);
  const body = { scenario: scenario.value, seats: num("#seats"), options };
  const data = studio
    ? await postJSON(`/api/studio/decks/${studio[1]}/tables`, { ...body, revision: Number(studio[2]) }, $("#csrf").value)
    : await postJSON("/api/tables", { deck: deck.value, ...body });
  button.disabled = false;
  if (!data.ok) {
    error.textContent = data.error.message;
    return;
  }
  store.set(`key.${data.table}`, data.key);
  show(data);
});

function show(data) {
  form.hidden = true;
  const box = $("#opened");
  box.hidden = false;
  $("#join-where").textContent = `${location.host}/join`;
  $("#opened-code").textContent = data.code;
  const qr = $("#opened-qr");
  qr.src = data.qr_url;
  qr.alt = `QR code for the join link, code ${data.code}`;
  $("#go-facilitate").href = data.facilitator_url;
  $("#go-screen").href = data.screen_url;
  $("#facilitator-link").value = data.facilitator_url;
  box.focus();
}

$("#copy-link").addEventListener("click", async () => {
  const input = $("#facilitator-link");
  let done = false;
  try {
    await navigator.clipboard.writeText(input.value);
    done = true;
  } catch {
    input.select();
  }
  $("#copied").textContent = done ? "Copied." : "Selected: copy it with your device's copy command.";
});
