// The Socket.IO connection: say hello (again after every reconnect), show a banner while the
// connection is down, and turn acknowledgements into promises.
/* global io */
import { $, NO_ANSWER as NO_ANSWER_TEXT } from "./dom.js";

const OFFLINE = { code: "offline", message: "Not connected: wait for the connection to come back, then try again." };
const NO_ANSWER = { code: "timeout", message: NO_ANSWER_TEXT };

export function connect({ hello, onHello, onView, onRefused, on = {} }) {
  // The table in the URL lets a proxy send every connection of a table to one process.
  const socket = io({ reconnectionDelayMax: 4000, query: { table: hello().table } });
  const banner = $("#conn");
  let lost = false;
  let closed = false; // the page closed the connection on purpose: nothing to report
  let tidy = 0;

  function show(text, kind) {
    clearTimeout(tidy);
    banner.className = `conn ${kind || ""}`;
    banner.textContent = text;
  }

  function call(event, payload, ms = 10000) {
    if (!socket.connected && event !== "hello") {
      return Promise.resolve({ ok: false, error: OFFLINE });
    }
    return new Promise((resolve) => {
      socket.timeout(ms).emit(event, payload, (err, res) => {
        resolve(err || !res ? { ok: false, error: NO_ANSWER } : res);
      });
    });
  }

  socket.on("connect", async () => {
    const res = await call("hello", hello());
    if (!res.ok) {
      show("", "");
      onRefused?.(res.error);
      return;
    }
    if (lost) {
      show("Reconnected.", "ok");
      tidy = setTimeout(() => show("", ""), 3000);
    } else {
      show("", "");
    }
    lost = false;
    onHello?.(res);
  });
  socket.on("disconnect", (reason) => {
    if (closed) return;
    lost = true;
    show("Connection lost. Reconnecting\u2026 your place is kept.", "down");
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", () => {
    if (closed) return;
    lost = true;
    show("Cannot reach the game server. Trying again\u2026", "down");
  });
  socket.on("view", (msg) => { if (!closed) onView?.(msg); });
  for (const [event, fn] of Object.entries(on)) socket.on(event, fn);
  // Done with this connection (the seat is gone): no banner, and nothing it receives is shown.
  // It is left open rather than closed: closing it from the page made Chromium log
  // "WebSocket ... failed: Invalid frame header" (the server has made it a spectator anyway).
  function stop() {
    closed = true;
    show("", "");
  }
  return { socket, call, stop };
}

// Take a `view` message into the page's state S, keeping the newest game: views can arrive
// out of order (the actor's view rides on the acknowledgement, which can land after a newer
// view sent straight away), and one about seats only (someone connected or left) carries no
// game. An older view changes nothing, its table included: the new phase must not be shown
// with an old phase's timer or status. An undo (solo practice) goes back in time on purpose.
// Returns false when there is nothing to show yet.
export function keepNewest(S, msg) {
  const undone = (msg.events || []).some((e) => e.type === "undone");
  const older = msg.game && S.game && msg.game.version < S.game.version && !undone;
  if (!older) {
    S.table = msg.table;
    S.game = msg.game || S.game;
  }
  return Boolean(S.game);
}
