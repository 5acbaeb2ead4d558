"""A workshop's report, to print or file: a cover (the workshop's name, date and facilitators,
and who won), one page per table (its players, result, scores, tracks and plan), and the
tables compared stage by stage. It is drawn from the workshop's export record (plain data:
game.server.workshop_debrief), in the deck printer's fonts."""

from __future__ import annotations

from game.paper.cards import MUTED
from game.paper.pages import Writer
from game.paper.sheet import new_pdf, paper


def _result(t: dict) -> str:
    if not t["finished"]:
        return "still being played"
    return "won" if t["won"] else "lost"


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

    for t in tables:
        out.page()
        tb = t["table"]
        out.heading(f"Table {tb['number']} ({tb['code']}): {_result(t)}", 18)
        out.text(f"Scenario: {t['scenario']['name']} · weighted total {t['weighted_total']}",
                 11, gap=3)
        out.text("Players", 12, "B")
        for p in t["players"]:
            role = f" ({p['role']})" if p["role"] else ""
            out.bullet(f"Seat {p['seat']}: {p['name'] or 'empty'}{role}"
                       + (" (bot)" if p["kind"] == "bot" else ""))
        out.text("Criteria", 12, "B")
        for cr in t["criteria"]:
            target = "" if cr["target"] is None else f" of {cr['target']} needed"
            out.bullet(f"{cr['criterion']}: {cr['score']}{target} (weight {cr['weight']:g})")
        out.text("Tracks", 12, "B")
        for tr in t["tracks"]:
            out.bullet(f"{tr['track']}: {tr['start']} at the start, {tr['end']} at the end")
        out.text("The plan, round by round", 12, "B")
        for r in t["rounds"]:
            plan = "; ".join(f"{a['card']} for {a['group']} (cost {a['cost']})"
                             for a in r["adopted"]) or "nothing adopted"
            out.bullet(f"Round {r['round']}, {r['stage']}: {plan}")

    out.page()
    out.heading("The tables compared", 18)
    for r in c["results"]:
        state = "won" if r["won"] else "lost" if r["finished"] else "still playing"
        out.bullet(f"Table {r['table']} ({r['code']}): total {r['total']}, {state}")
    for s in c["stages"]:
        differed = " · the tables chose differently" if s["diverged"] else ""
        out.heading(f"Round {s['round']}: {s['stage'] or ''}{differed}", 12)
        for x in s["tables"]:
            if x["adopted"] is None:
                what = "not played"
            else:
                what = "; ".join(f"{a['card']} for {a['group']}" for a in x["adopted"]) \
                    or "nothing"
            points = "" if x["points"] is None else f" ({x['points']} points)"
            out.bullet(f"Table {x['table']}: {what}{points}")
    out.done()
    return bytes(pdf.output())
