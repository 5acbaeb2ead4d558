// One radar of a deck's criteria, for a table's debrief (its plan over the scenario's targets)
// and for a workshop's (one table's plan over the other tables'). Shapes are drawn in the
// order given, so the one that matters comes last, on top. Colour is never the only signal:
// each shape's class gives it a line style too, the caption says in words which is which, and
// the SVG's title (its accessible name) carries every value.
import { h, s } from "./dom.js";

// axes: [{ name, note }], note written under the name (a score, "3 of 4", ...).
// shapes: [{ cls, values }], cls one of "score" (solid, filled), "target" (dashed),
//   "other" (light, dashed).
// title: the text alternative; id: unique on the page; caption: nodes for the figcaption.
export function radar({ id, title, axes, shapes, caption }) {
  const top = Math.max(1, ...shapes.flatMap((sh) => sh.values));
  const R = 100;
  const cx = 200;
  const cy = 150;
  const at = (i, v) => {
    const a = -Math.PI / 2 + (i * 2 * Math.PI) / axes.length;
    const r = (Math.max(0, v) / top) * R;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  };
  const poly = (vals) => vals.map((v, i) => at(i, v).map((n) => n.toFixed(1)).join(",")).join(" ");
  return h("figure", { class: "radar" },
    s("svg", { viewBox: "0 0 400 300", role: "img", "aria-labelledby": id },
      s("title", { id }, title),
      [0.25, 0.5, 0.75, 1].map((f) => s("polygon", { class: "grid", points: poly(axes.map(() => top * f)) })),
      axes.map((_, i) => s("line", { class: "axis", x1: cx, y1: cy, x2: at(i, top)[0], y2: at(i, top)[1] })),
      shapes.map((sh) => s("polygon", { class: sh.cls, points: poly(sh.values) })),
      axes.map((axis, i) => {
        const [x, y] = at(i, top * 1.1);
        const anchor = Math.abs(x - cx) < 5 ? "middle" : x > cx ? "start" : "end";
        const y0 = Math.abs(x - cx) < 5 ? y - 18 : y > cy ? y + 8 : y - 6;
        return s("text", { x: x.toFixed(1), y: y0.toFixed(1), "text-anchor": anchor },
          s("tspan", { x: x.toFixed(1), "font-weight": "bold" }, axis.name),
          axis.note != null ? s("tspan", { x: x.toFixed(1), dy: "14" }, axis.note) : null);
      })),
    h("figcaption", null, caption));
}

// A line of the caption: the shape's key, then what it is in words.
export const legend = (cls, words) => [h("span", { class: `key ${cls}` }), ` ${words}`];
