// The facilitator's new-workshop form: every table's settings at once, then to the dashboard.
import { $, onlyDeck } from "./dom.js";

const form = $("#workshop-form");
const error = $("#workshop-error");
const deck = $("#deck");
const roster = $("#roster-field");
const csrf = document.querySelector("meta[name=csrf-token]").content;

$("#w-date").value ||= new Date().toISOString().slice(0, 10);
const showDeck = () => onlyDeck(deck.value, $("#scenario"));
deck.addEventListener("change", showDeck);
showDeck();
for (const radio of form.querySelectorAll("input[name=seating]")) {
  radio.addEventListener("change", () => { roster.hidden = seating() !== "list"; });
}

function seating() {
  return form.querySelector("input[name=seating]:checked").value;
}

const num = (id) => Number($(id).value);

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  error.textContent = "";
  const body = {
    name: $("#w-name").value, date: $("#w-date").value, deck: deck.value,
    scenario: $("#scenario").value, tables: num("#w-tables"), seats: num("#seats"),
    seating: seating(),
    options: {
      decision: $("#decision").value, bots: $("#bots").value,
      timers: { proposal: num("#t-proposal"), discussion: num("#t-discussion"), vote: num("#t-vote") },
    },
  };
  if (body.seating === "list") body.roster = $("#roster").value;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  let data;
  try {
    const res = await fetch("/api/workshops", {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
    data = await res.json();
  } catch {
    data = { ok: false, error: { message: "No answer from the server: check your connection and try again." } };
  }
  button.disabled = false;
  if (!data.ok) {
    error.textContent = data.error.message;
    return;
  }
  location.assign(data.dashboard_url);
});
