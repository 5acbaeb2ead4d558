"""A workshop's report, to print or file: a cover (the workshop's name, date and facilitators,
and who won), one page per table (its players, result, scores with a radar of them over the
other tables', tracks, plan and the best alternative round by round), and the tables compared
stage by stage, with what each got where they chose differently. It is drawn from the
workshop's export record (plain data: game.server.workshop_debrief), in the deck printer's
fonts."""

from __future__ import annotations

import math

from fpdf import FPDF

from game.paper.cards import INK, MUTED
from game.paper.pages import MARGIN, Writer
from game.paper.sheet import FONT, clean, new_pdf, paper

RADAR = 62.0  # mm: the height of a table's radar, beside its players and criteria
RADAR_W = 80.0  # mm: its width, with room for the criteria's names left and right
BLUE = (10, 79, 191)
GREY = (138, 135, 146)


def radar(pdf: FPDF, x: float, y: float, names: list[str], this: list[float],
          others: list[list[float]]) -> None:
    """A radar of the criteria in the box at (x, y): the other tables' polygons light and
    dashed, this table's solid and filled over them, each axis named with this table's score
    (the page lists every score in words too)."""
    top = max(1.0, *this, *(v for o in others for v in o))
    cx, cy, r = x + RADAR_W / 2, y + RADAR / 2, RADAR / 2 - 12

    def at(i: int, v: float) -> tuple[float, float]:
        a = -math.pi / 2 + i * 2 * math.pi / len(names)
        d = max(0.0, v) / top * r
        return cx + d * math.cos(a), cy + d * math.sin(a)

    pdf.set_line_width(0.2)
    pdf.set_draw_color(205, 202, 196)
    for f in (0.25, 0.5, 0.75, 1.0):
        pdf.polygon([at(i, top * f) for i in range(len(names))], style="D")
    for i in range(len(names)):
        pdf.line(cx, cy, *at(i, top))
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.35)
    pdf.set_dash_pattern(dash=1.2, gap=0.9)
    for values in others:
        pdf.polygon([at(i, v) for i, v in enumerate(values)], style="D")
    pdf.set_dash_pattern()
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(0.8)
    with pdf.local_context(fill_opacity=0.22):
        pdf.set_fill_color(*BLUE)
        pdf.polygon([at(i, v) for i, v in enumerate(this)], style="DF")
    pdf.set_line_width(0.2)
    pdf.set_font(FONT, "", 6.5)
    pdf.set_text_color(*INK)
    for i, name in enumerate(names):
        lx, ly = at(i, top * 1.12)
        label = clean(f"{name} {this[i]:g}")
        w = pdf.get_string_width(label)
        left = lx - w / 2 if abs(lx - cx) < 2 else lx if lx > cx else lx - w
        left = min(max(left, x), x + RADAR_W - w)  # a long name stays inside the box
        pdf.text(left, ly + (2 if ly > cy else 0), label)


def _result(t: dict) -> str:
    if not t["finished"]:
        return "still being played"
    return "won" if t["won"] else "lost"


def _alternative_words(alt: dict) -> str:
    if alt["same"]:
        return (f"what the table adopted was the best its hands allowed "
                f"({alt['adopted_points']:g} points)")
    best = alt["best_words"]
    more = alt["points_more"]
    than = (f"{more:g} more than" if more > 0 else f"{-more:g} fewer than" if more < 0
            else "as many as")
    return (f"{best} would have added {alt['best_points']:g} points, "
            f"{than} the {alt['adopted_points']:g} of what it adopted")


def _tables(numbers: list[int]) -> str:
    return ", ".join(f"table {n}" for n in numbers) or "none"


def report(w: dict, paper_name: str = "a4") -> bytes:
    pdf = new_pdf(paper(paper_name))
    out = Writer(pdf, paper(paper_name))
    info, tables, c = w["workshop"], w["tables"], w["comparison"]
    pdf.set_title(f"{info['name']}: workshop report")

    out.page()
    pdf.ln(30)
    out.text("Workshop report", 14, color=MUTED)
    out.text(info["name"], 26, "B", gap=4)
    out.text(f"{info['date']} · code {info['code']} · {len(tables)} tables", 13)
    out.text("Run by " + (", ".join(info["facilitators"]) or "?"), 13, gap=8)
    if tables:
        first = tables[0]
        out.text(f"Deck: {first['deck']['name']} (version {first['deck']['version']})", 11)
    out.text(f"Won the game: {_tables(c['won'])}.", 13, "B")
    out.text(f"Highest score: {_tables(c['best'])}.", 13, "B")

    names = [cr["criterion"] for cr in tables[0]["criteria"]] if tables else []
    scores = {t["table"]["number"]: [cr["score"] for cr in t["criteria"]] for t in tables}
    for t in tables:
        out.page()
        tb = t["table"]
        out.heading(f"Table {tb['number']} ({tb['code']}): {_result(t)}", 18)
        out.text(f"Scenario: {t['scenario']['name']} · weighted total {t['weighted_total']}",
                 11, gap=3)
        # The radar sits on the right, beside the players and criteria, which wrap before it.
        top, full = pdf.get_y(), out.width
        others = [n for n in scores if n != tb["number"]]
        radar(pdf, MARGIN + full - RADAR_W, top, names, scores[tb["number"]],
              [scores[n] for n in others])
        out.width = full - RADAR_W - 2
        pdf.set_xy(MARGIN, top)
        out.text("Players", 12, "B")
        for p in t["players"]:
            role = f" ({p['role']})" if p["role"] else ""
            out.bullet(f"Seat {p['seat']}: {p['name'] or 'empty'}{role}"
                       + (" (bot)" if p["kind"] == "bot" else ""))
        out.text("Criteria", 12, "B")
        for cr in t["criteria"]:
            target = "" if cr["target"] is None else f" of {cr['target']} needed"
            out.bullet(f"{cr['criterion']}: {cr['score']}{target} (weight {cr['weight']:g})")
        out.width = full
        pdf.set_y(max(pdf.get_y(), top + RADAR + 2))
        key = f"The radar: table {tb['number']} solid and filled"
        if others:
            key += ", over " + _tables(others) + " light and dashed"
        out.text(key + ".", 8.5, color=MUTED, gap=2)
        out.text("Tracks", 12, "B")
        for tr in t["tracks"]:
            out.bullet(f"{tr['track']}: {tr['start']} at the start, {tr['end']} at the end")
        out.text("The plan, round by round", 12, "B")
        for r in t["rounds"]:
            plan = "; ".join(f"{a['card']} for {a['group']} (cost {a['cost']})"
                             for a in r["adopted"]) or "nothing adopted"
            out.bullet(f"Round {r['round']}, {r['stage']}: {plan}")
        out.text("The best alternative, round by round", 12, "B")
        for r in t["rounds"]:
            alt = r["best_alternative"]
            if alt is not None:
                out.bullet(f"Round {r['round']}: {_alternative_words(alt)}", 9.5)

    out.page()
    out.heading("The tables compared", 18)
    for r in c["results"]:
        state = "won" if r["won"] else "lost" if r["finished"] else "still playing"
        out.bullet(f"Table {r['table']} ({r['code']}): total {r['total']}, {state}")
    for s in c["stages"]:
        differed = " · the tables chose differently" if s["diverged"] else ""
        out.heading(f"Round {s['round']}: {s['stage'] or ''}{differed}", 12)
        for x in s["tables"]:
            what = "not played" if x["adopted"] is None else x["adopted_words"]
            points = "" if x["points"] is None else f" ({x['points']} points)"
            out.bullet(f"Table {x['table']}: {what}{points}")
        if s["diverged"] and s.get("summary"):
            out.text(s["summary"], 9.5, color=MUTED, gap=2)
    out.done()
    return bytes(pdf.output())
