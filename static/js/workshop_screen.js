// The room screen, for the projector: the code and QR, then each table's progress, live.
import { $, fill, h } from "./dom.js";
import { roomMessage } from "./roommsg.js";
import { joinRoom, statusText, timeLeft } from "./roomlive.js";

const workshopId = $("main").dataset.workshop;
const W = { tables: [], received: {} };

function row(t) {
  const met = t.scores.filter((c) => c.met).length;
  const goals = t.scores.filter((c) => c.met != null).length;
  const seated = t.seats.filter((s) => s.kind !== "empty").length;
  return h("article", { class: "room-table" },
    h("h2", null, `Table ${t.number}`),
    h("p", null, statusText(t), t.status === "playing" ? ` \u00b7 ${timeLeft(t.timer, W.received[t.number])}` : ""),
    h("p", null, t.status === "lobby" ? `${seated} of ${t.seats.length} seated` : `${met} of ${goals} targets met \u00b7 score ${t.total}`));
}

// Nothing may fall below the fold of a 1920x1080 projector, nor text shrink under 32 px:
// when the tables (and a message) do not fit, step through denser layouts (narrower cards,
// then the QR code folded into one line with the code, then each card's lines run on) until
// they do. Each step is measured, since the room's size, the message and the texts vary.
const FITS = ["", "dense", "denser", "densest"];

function overflows() {
  const main = $("main");
  return [...main.querySelectorAll(":scope > *, .room-table")]
    .some((e) => e.getBoundingClientRect().bottom > window.innerHeight + 0.5)
    || document.documentElement.scrollWidth > window.innerWidth;
}

function fit() {
  const main = $("main");
  for (const step of FITS) {
    main.dataset.fit = step;
    if (!overflows()) return;
  }
}

function render() {
  fill($("#room-tables"), ...W.tables.map(row));
  fit();
}

joinRoom(workshopId, {
  onOverview: (res) => {
    W.tables = res.tables;
    for (const t of W.tables) W.received[t.number] = Date.now();
    render();
  },
  onTable: (t) => {
    const i = W.tables.findIndex((x) => x.number === t.number);
    if (i < 0) return;
    W.tables[i] = { ...W.tables[i], ...t };
    W.received[t.number] = Date.now();
    render();
  },
  onMessage: (note) => { roomMessage(note); fit(); },
  onError: (err) => fill($("#room-tables"), h("p", null, err.message)),
});
setInterval(render, 1000);
window.addEventListener("resize", fit);
