// The workshop's live room, shared by the dashboard and the room screen: say hello with the
// facilitator's session (the cookie goes with the handshake), get the whole workshop, then
// each table's summary whenever the table changes. Says hello again after a reconnect.
/* global io */
import { clock, h } from "./dom.js";
import { phaseName } from "./game.js";

export function joinRoom(workshopId, { onOverview, onTable, onMessage, onError }) {
  const socket = io({ transports: ["websocket", "polling"] });
  const banner = document.getElementById("conn");
  socket.on("connect", () => {
    banner.textContent = "";
    socket.timeout(10000).emit("workshop_hello", { workshop: workshopId }, (err, res) => {
      if (err || !res) return onError?.({ message: "No answer from the server: reload the page." });
      if (!res.ok) return onError?.(res.error);
      onOverview(res);
    });
  });
  socket.on("disconnect", () => { banner.textContent = "Connection lost. Reconnecting\u2026"; });
  socket.on("workshop_table", onTable);
  if (onMessage) socket.on("room_message", onMessage);
  return socket;
}

// How long is left on a table's timer, from the summary's timer (as on the table screen).
export function timeLeft(timer, receivedAt) {
  if (!timer) return "no timer";
  if (timer.stopped) return "timer stopped";
  if (timer.paused) return `${clock(timer.remaining)} left, paused`;
  const left = Math.max(0, Math.round(timer.remaining - (Date.now() - receivedAt) / 1000));
  return `${clock(left)} left`;
}

export function statusText(t) {
  if (t.status === "lobby") return "Waiting to start";
  if (t.status === "ended") return t.won === null ? "Ended" : `Ended: ${t.won ? "won" : "lost"}`;
  return `${t.status === "paused" ? "Paused · " : ""}Round ${t.round}, ${phaseName(t)}`;
}

// Criteria against the scenario's targets, as text with a bar: never colour alone.
export function scoreList(t) {
  return h("ul", { class: "scores" }, t.scores.map((c) => h("li", null,
    `${c.name}: ${c.score}${c.target != null ? ` of ${c.target} needed` : ""}`,
    c.met == null ? "" : c.met ? " \u2713 met" : " (short)")));
}
