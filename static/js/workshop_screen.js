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

function render() {
  fill($("#room-tables"), ...W.tables.map(row));
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
  onMessage: roomMessage,
  onError: (err) => fill($("#room-tables"), h("p", null, err.message)),
});
setInterval(render, 1000);
