// The facilitator's new-workshop form: every table's settings at once, then to the dashboard.
import { $, h, onlyDeck, postJSON } from "./dom.js";

const form = $("#workshop-form");
const error = $("#workshop-error");
const deck = $("#deck");
const roster = $("#roster-field");
const csrf = document.querySelector("meta[name=csrf-token]").content;

$("#w-date").value ||= new Date().toISOString().slice(0, 10);
const perTable = $("#per-table");
const perList = $("#per-table-list");

// One scenario picker per table, offering the chosen deck's scenarios (kept as chosen when
// the number of tables changes).
function perTablePickers() {
  $("#per-table-scenarios").hidden = !perTable.checked;
  if (!perTable.checked) return;
  const kept = [...perList.querySelectorAll("select")].map((x) => x.value);
  const options = [...$("#scenario").options].filter((o) => !o.disabled);
  const count = Math.max(1, Math.min(20, Number($("#w-tables").value) || 1));
  perList.replaceChildren(...Array.from({ length: count }, (_, i) => h("div", { class: "field" },
    h("label", { for: `scenario-${i + 1}` }, `Table ${i + 1}`),
    h("select", { id: `scenario-${i + 1}` }, options.map((o) => h("option", { value: o.value }, o.textContent))))));
  perList.querySelectorAll("select").forEach((x, i) => { x.value = kept[i] || $("#scenario").value; });
}

const showDeck = () => {
  onlyDeck(deck.value, $("#scenario"), $("#difficulty"));
  perList.replaceChildren();
  perTablePickers();
};
deck.addEventListener("change", showDeck);
perTable.addEventListener("change", perTablePickers);
$("#w-tables").addEventListener("input", perTablePickers);
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
  if ($("#difficulty").value) body.options.difficulty = $("#difficulty").value;
  if (body.seating === "list") body.roster = $("#roster").value;
  if (perTable.checked) body.scenario = [...perList.querySelectorAll("select")].map((x) => x.value);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  const data = await postJSON("/api/workshops", body, csrf);
  button.disabled = false;
  if (!data.ok) {
    error.textContent = data.error.message;
    return;
  }
  location.assign(data.dashboard_url);
});
