"""The cross-table debrief of a workshop: each table's record (game.engine.export, as a
single table's export has it), side by side, and what the comparison shows: which
interventions each table adopted stage by stage and for which group, where the tables
diverged and the points each got there (and how far behind the best table), each table's best
alternative per decided round (the coach's, as a single table's debrief has it), the scores
and tracks, and who won. Exported as one JSON and one CSV per kind of record, with names (not
ids), table numbers and codes."""

from __future__ import annotations

import csv
import io

from game.engine import export
from game.engine.debrief import debrief
from game.server.api import table_export
from game.server.joincode import display
from game.server.live import Live
from game.server.workshops import Room
from game.store.workshops import WorkshopRecord

# Each CSV: its columns, and how to draw its rows from one table's record.
CSV_KINDS = ("players", "proposals", "votes", "adopted", "alternatives", "scores", "tracks")


def table_record(number: int, live: Live) -> dict:
    d = debrief(live.state, live.acts)
    out = table_export(live, d)
    out["table"]["number"] = number
    out["table"]["status"] = live.record.status
    for r, full in zip(out["rounds"], d["rounds"], strict=True):
        r["best_alternative"] = alternative(full["alternative"])
    return out


def alternative(alt: dict | None) -> dict | None:
    """The coach's best plan for a decided round (None before the vote), by card and group
    names: what the table adopted and the points it added, the best plan its hands allowed
    and the points that would have added, and the difference."""
    if alt is None:
        return None

    def plan(p: dict) -> list[dict]:
        return [{"card": a["name"], "group": a["group_name"], "cost": a["cost"]}
                for a in p["plan"]]

    adopted, best = plan(alt["chosen"]), plan(alt["best"])
    return {"adopted": adopted, "adopted_words": plan_words(adopted),
            "adopted_points": round(alt["chosen"]["points"], 2),
            "best": best, "best_words": plan_words(best),
            "best_points": round(alt["best"]["points"], 2),
            "points_more": round(alt["points_gain"], 2), "same": alt["same"],
            "summary": alt["summary"]}


def plan_words(plan: list[dict]) -> str:
    """A plan in words, as the page, the PDF, the CSV and the sentences below all say it:
    "A for X and B for Y" (so that semicolons can part the tables in a sentence)."""
    parts = [f"{a['card']} for {a['group']}" for a in plan]
    if not parts:
        return "nothing"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _n(value: float) -> str:
    return f"{value:g}"


def _points(value: float) -> str:
    return f"{_n(value)} point" + ("" if abs(value) == 1 else "s")


def divergence(row: list[dict]) -> tuple[float | None, str]:
    """For a stage where the tables chose differently: the best points any table got there,
    and a sentence saying what each table got and how far behind the best it was."""
    played = [x for x in row if x["points"] is not None]
    if not played:
        return None, ""
    best = max(x["points"] for x in played)
    leaders = [x["table"] for x in played if x["points"] == best]
    first = "table " + ", ".join(map(str, leaders)) if len(leaders) == 1 else \
        "tables " + ", ".join(map(str, leaders[:-1])) + f" and {leaders[-1]}"
    parts = []
    for x in played:
        got = f"table {x['table']} adopted {plan_words(x['adopted'])}: " \
            f"{_points(x['points'])}"
        behind = round(best - x["points"], 2)
        parts.append(got + (", the most" if not behind else
                            f", {_points(behind)} behind {first}"))
    text = "; ".join(parts) + "."
    return best, text[0].upper() + text[1:]


def workshop_record(room: Room, record: WorkshopRecord) -> dict:
    tables = [table_record(n, live) for n, live in enumerate(room.lives(record), 1)]
    people = room.people
    runners = [record.owner_id, *room.rows.co_facilitators(record.id)]
    names = [f.display_name for f in (people.get(i) for i in runners) if f is not None]
    return {
        "workshop": {"id": record.id, "name": record.name, "date": record.day,
                     "code": display(record.code), "deck": record.deck,
                     "status": record.status, "facilitators": names},
        "tables": tables,
        "comparison": compare(tables),
    }


def compare(tables: list[dict]) -> dict:
    """Stage by stage, what each table adopted; where they differed; who scored best."""
    rounds = max((len(t["rounds"]) for t in tables), default=0)
    stages = []
    for i in range(rounds):
        row = []
        for t in tables:
            r = t["rounds"][i] if i < len(t["rounds"]) else None
            row.append({"table": t["table"]["number"], "code": t["table"]["code"],
                        "stage": r["stage"] if r else None,
                        "adopted": [{"card": a["card"], "group": a["group"]}
                                    for a in r["adopted"]] if r else None,
                        "adopted_words": plan_words(r["adopted"]) if r else None,
                        "points": r["points"] if r else None,
                        "best_alternative": r["best_alternative"] if r else None})
        played = [tuple(sorted((a["card"], a["group"]) for a in x["adopted"]))
                  for x in row if x["adopted"] is not None]
        diverged = len(set(played)) > 1
        stage = {"round": i + 1, "stage": next((x["stage"] for x in row if x["stage"]), None),
                 "tables": row, "diverged": diverged}
        if diverged:  # what each table got there, and how far behind the best table
            best, stage["summary"] = divergence(row)
            for x in row:
                x["behind"] = None if x["points"] is None or best is None \
                    else round(best - x["points"], 2)
        stages.append(stage)
    results = [{"table": t["table"]["number"], "code": t["table"]["code"],
                "finished": t["finished"], "won": t["won"], "total": t["weighted_total"],
                "criteria": {c["criterion"]: c["score"] for c in t["criteria"]},
                "tracks": {x["track"]: x["end"] for x in t["tracks"]}} for t in tables]
    best = max((r["total"] for r in results), default=None)
    return {"stages": stages, "results": results,
            "best": [r["table"] for r in results if r["total"] == best],
            "won": [r["table"] for r in results if r["won"]]}


def radars(comparison: dict) -> dict:
    """What the page's radars draw: the criteria in the deck's order and each table's scores
    in that order (lists, as a JSON object's keys may come back sorted)."""
    results = comparison["results"]
    names = list(results[0]["criteria"]) if results else []
    return {"criteria": names,
            "tables": [{"table": r["table"], "code": r["code"],
                        "scores": [r["criteria"][n] for n in names]} for r in results]}


def rows(kind: str, tables: list[dict]) -> tuple[list[str], list[list]]:
    """The CSV of one kind of record, across the workshop's tables."""
    head = ["table", "table code"]
    out: list[list] = []
    for t in tables:
        base = [t["table"]["number"], t["table"]["code"]]
        if kind == "players":
            for p in t["players"]:
                out.append([*base, p["seat"], p["name"] or "", p["kind"], p["role"] or ""])
        elif kind in ("proposals", "votes", "adopted"):
            for r in t["rounds"]:
                for x in r[kind]:
                    detail = {
                        "proposals": lambda x: [x["seat"], x["by"], x["card"] or "(passed)",
                                                x["group"] or ""],
                        "votes": lambda x: [x["seat"], x["by"],
                                            "; ".join(c or "?" for c in x["backed"])],
                        "adopted": lambda x: [x["seat"] or "", x["card"], x["group"],
                                              x["cost"]],
                    }[kind](x)
                    out.append([*base, r["round"], r["stage"], *detail])
        elif kind == "alternatives":
            for r in t["rounds"]:
                alt = r["best_alternative"]
                if alt is not None:
                    out.append([*base, r["round"], r["stage"], alt["adopted_words"],
                                alt["adopted_points"], alt["best_words"],
                                alt["best_points"], alt["points_more"],
                                "yes" if alt["same"] else "no"])
        elif kind == "scores":
            for c in t["criteria"]:
                out.append([*base, c["criterion"], c["score"], c["target"], c["weight"],
                            c["points"], t["weighted_total"],
                            "" if t["won"] is None else "yes" if t["won"] else "no"])
        elif kind == "tracks":
            for x in t["tracks"]:
                out.append([*base, x["track"], x["start"], x["end"]])
    heads = {
        "players": ["seat", "name", "kind", "role"],
        "proposals": ["round", "stage", "seat", "by", "card", "group"],
        "votes": ["round", "stage", "seat", "by", "backed"],
        "adopted": ["round", "stage", "seat", "card", "group", "cost"],
        "alternatives": ["round", "stage", "adopted", "adopted points", "best plan",
                         "best plan points", "points more", "adopted the best"],
        "scores": ["criterion", "score", "target", "weight", "points", "table total", "won"],
        "tracks": ["track", "start", "end"],
    }
    return head + heads[kind], out


def to_csv(kind: str, tables: list[dict]) -> str:
    head, body = rows(kind, tables)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(head)
    for row in body:
        w.writerow([export.safe_cell(v) for v in row])
    return buf.getvalue()
