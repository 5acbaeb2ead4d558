// Join a workshop with its code and a name: the server seats this device (evenly, at the
// table picked, or as the facilitator's list says) and the page hands over to the table.
// Joining again from this device with the same name goes back to the seat it holds (after
// a reload, or after the facilitator moved this person to another table).
import { $, h, keptId, normCode, postJSON, store } from "./dom.js";

const form = $("#wjoin-form");
const code = $("#code");
const name = $("#name");
const error = $("#wjoin-error");
const pick = $("#pick");

const device = () => keptId("device");

const remembered = store.get("workshop");
if (remembered && !name.value) name.value = remembered.name || "";

async function lookUp() {
  const c = normCode(code.value);
  if (c.length !== 6) return;
  let data;
  try {
    data = await (await fetch(`/api/w/${encodeURIComponent(c)}`)).json();
  } catch {
    return;
  }
  if (!data.ok) return fail(data.error, code);
  $("h1").textContent = `Join ${data.name}`;
  pick.hidden = data.seating !== "pick";
  if (data.seating === "pick") {
    $("#pick-tables").replaceChildren(...data.tables.map((t) => h("label", null,
      h("input", { type: "radio", name: "table", value: String(t.number), disabled: t.free === 0 }),
      ` Table ${t.number}: ${t.free === 0 ? "full" : `${t.free} of ${t.seats} seats free`}`)));
  }
}

code.addEventListener("change", lookUp);
if (code.value) {
  lookUp();
  name.focus();
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  error.textContent = "";
  const c = normCode(code.value);
  const n = name.value.trim();
  if (!c) return fail({ message: "Type the workshop's code from the room screen." }, code);
  if (!n) return fail({ message: "Type your name so your table knows who you are." }, name);
  const body = { code: c, name: n, device: device() };
  if (!pick.hidden) {
    const chosen = form.querySelector("input[name=table]:checked");
    if (!chosen) return fail({ message: "Choose a table." }, pick.querySelector("input:not([disabled])"));
    body.table = Number(chosen.value);
  }
  const button = form.querySelector("button");
  button.disabled = true;
  const data = await postJSON("/api/w/join", body);
  button.disabled = false;
  if (!data.ok) return fail(data.error, ["name_taken", "bad_name", "not_on_list", "already_joined"].includes(data.error.code) ? name : null);
  store.set("workshop", { code: c, name: n });
  // "workshop": a lost seat (the facilitator moved this person) sends them back here.
  store.set(`seat.${data.table}`, { token: data.token, seat: data.seat, name: data.name, workshop: c });
  location.assign(data.play_url);
});

function fail(err, field) {
  const text = err.message.charAt(0).toUpperCase() + err.message.slice(1);
  error.textContent = `${text}${/[.!?]$/.test(text) ? "" : "."}`;
  if (field) {
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }
  return false;
}

for (const input of [code, name]) input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
