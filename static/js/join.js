// Join a table with its code and a name, then go straight to the seat. A device that already
// holds a seat at that table goes back to it.
/* global io */
import { $, h, NO_ANSWER, normCode, store } from "./dom.js";

const form = $("#join-form");
const code = $("#code");
const name = $("#name");
const error = $("#join-error");
const fromUrl = normCode(location.pathname.split("/")[2] || new URLSearchParams(location.search).get("code"));

export function remember(tableId, seat, token, who, joinCode, deck) {
  store.set(`seat.${tableId}`, { token, seat, name: who, code: joinCode, deck });
  store.set(`code.${joinCode}`, tableId);
  const mine = (store.get("seats") || []).filter((x) => x.table !== tableId);
  mine.unshift({ table: tableId, code: joinCode, name: who });
  store.set("seats", mine.slice(0, 8));
}

function held(joinCode) {
  const table = store.get(`code.${joinCode}`);
  return table && store.get(`seat.${table}`) ? table : null;
}

if (fromUrl) {
  code.value = fromUrl.length === 6 ? `${fromUrl.slice(0, 3)}-${fromUrl.slice(3)}` : fromUrl;
  const table = held(fromUrl);
  if (table && !new URLSearchParams(location.search).has("again")) location.replace(`/play/${table}`);
  else name.focus();
}

const list = $("#seat-list");
if (list) {
  const mine = (store.get("seats") || []).filter((x) => store.get(`seat.${x.table}`));
  if (mine.length) {
    $("#my-seats").hidden = false;
    list.replaceChildren(...mine.map((x) => h("li", null,
      h("a", { href: `/play/${encodeURIComponent(x.table)}` }, `Return to table ${x.code} as ${x.name}`))));
  }
}

let socket = null;
form.addEventListener("submit", (e) => {
  e.preventDefault();
  error.textContent = "";
  const c = normCode(code.value);
  const n = name.value.trim();
  if (!c) return fail({ message: "Type the join code from the screen." }, code);
  if (!n) return fail({ message: "Type your name so the table knows who you are." }, name);
  const button = form.querySelector("button");
  button.disabled = true;
  button.textContent = "Joining\u2026";
  const done = () => {
    button.disabled = false;
    button.textContent = "Take a seat";
  };
  const noAnswer = { message: NO_ANSWER };
  // Which table the code opens comes first, so the connection can name it (see conn.js).
  fetch(`/api/codes/${encodeURIComponent(c)}`).then((r) => r.json()).then((found) => {
    if (!found.ok) {
      done();
      return fail(found.error, code);
    }
    if (socket?.io.opts.query.table !== found.table) {
      socket?.disconnect();
      socket = io({ reconnection: false, query: { table: found.table } });
    }
    if (!socket.connected) socket.connect();
    take(c, n, done);
  }, () => {
    done();
    fail(noAnswer);
  });
});

function take(c, n, done) {
  socket.timeout(10000).emit("join", { code: c, name: n }, (err, res) => {
    done();
    if (err || !res) return fail({ message: NO_ANSWER });
    if (!res.ok) {
      const field = ["name_taken", "bad_name"].includes(res.error.code) ? name : code;
      return fail(res.error, field);
    }
    remember(res.table_id, res.seat, res.token, n, c, res.table && res.table.deck);
    location.assign(`/play/${encodeURIComponent(res.table_id)}`);
  });
}

// What to do next, for refusals whose message says only what went wrong.
const NEXT = {
  table_full: "Ask the facilitator to free a seat, or to open another table for you.",
  game_over: "Ask the facilitator for the code of a new table.",
  bad_name: "",
};

function fail(err, field) {
  const next = NEXT[err.code];
  const text = err.message.charAt(0).toUpperCase() + err.message.slice(1);
  error.textContent = `${text}${/[.!?]$/.test(text) ? "" : "."}${next ? ` ${next}` : ""}`;
  if (field) {
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }
  return false;
}

for (const input of [code, name]) input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
