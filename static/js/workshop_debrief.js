// The cross-table debrief's radars: for each table, its criteria drawn over the other
// tables' (lighter, dashed), with the same radar as a table's own debrief. The page itself is
// drawn by the server; this only draws what the page's data says.
import { $, h } from "./dom.js";
import { legend, radar } from "./radar.js";

const data = JSON.parse($("#radar-data").textContent);
const box = $("#radars");
const scores = (t) => data.criteria.map((name, i) => `${name} ${t.scores[i]}`).join(", ");

box.replaceChildren(...data.tables.map((t) => {
  const others = data.tables.filter((o) => o !== t);
  const otherWords = others.length === 1 ? `table ${others[0].table}` : `tables ${others.map((o) => o.table).join(", ")}`;
  return h("div", { class: "radar-table" },
    h("h3", null, `Table ${t.table} (${t.code})`),
    radar({
      id: `radar-${t.table}`,
      // Every table's scores, this table's first: the chart's text alternative.
      title: `Table ${t.table}'s criteria over the other tables'. Table ${t.table}: ${scores(t)}.`
        + others.map((o) => ` Table ${o.table}: ${scores(o)}.`).join(""),
      axes: data.criteria.map((name, i) => ({ name, note: String(t.scores[i]) })),
      shapes: [...others.map((o) => ({ cls: "other", values: o.scores })), { cls: "score", values: t.scores }],
      caption: [legend("score", `Table ${t.table} (solid, filled)`),
        others.length ? [" \u00a0 ", legend("other", `The other ${otherWords} (light, dashed)`)] : null],
    }));
}));
