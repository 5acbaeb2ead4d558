// A workshop facilitator's message to the whole room ("five minutes left"), shown at the top
// of players' pages, table screens and consoles until the next one. Text only, never HTML.
import { h, say } from "./dom.js";

export function roomMessage(note) {
  if (!note || typeof note.text !== "string") return;
  let box = document.getElementById("room-message");
  if (!box) {
    box = h("section", { id: "room-message", class: "room-message", "aria-label": "Message from the facilitator" });
    document.getElementById("main").prepend(box);
  }
  box.replaceChildren(h("p", null, h("strong", null, "From the facilitator: "), note.text));
  say(`From the facilitator: ${note.text}`);
}
