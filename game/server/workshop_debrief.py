"""The cross-table debrief of a workshop: each table's record (game.engine.export, as a
single table's export has it), side by side, and what the comparison shows: which
interventions each table adopted stage by stage and for which group, where the tables
diverged and the points each got there, the scores and tracks, and who won. Exported as one
JSON and one CSV per kind of record, with names (not ids), table numbers and codes."""

from __future__ import annotations

import csv
import io

from game.engine import export
from game.server.api import table_export
from game.server.joincode import display
from game.server.live import Live
from game.server.workshops import Room
from game.store.workshops import WorkshopRecord

# Each CSV: its columns, and how to draw its rows from one table's record.
CSV_KINDS = ("players", "proposals", "votes", "adopted", "scores", "tracks")


def table_record(number: int, live: Live) -> dict:
    out = table_export(live)
    out["table"]["number"] = number
    out["table"]["status"] = live.record.status
    return out


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
                        "points": r["points"] if r else None})
        played = [tuple(sorted((a["card"], a["group"]) for a in x["adopted"]))
                  for x in row if x["adopted"] is not None]
        stages.append({"round": i + 1,
                       "stage": next((x["stage"] for x in row if x["stage"]), None),
                       "tables": row, "diverged": len(set(played)) > 1})
    results = [{"table": t["table"]["number"], "code": t["table"]["code"],
                "finished": t["finished"], "won": t["won"], "total": t["weighted_total"],
                "criteria": {c["criterion"]: c["score"] for c in t["criteria"]},
                "tracks": {x["track"]: x["end"] for x in t["tracks"]}} for t in tables]
    best = max((r["total"] for r in results), default=None)
    return {"stages": stages, "results": results,
            "best": [r["table"] for r in results if r["total"] == best],
            "won": [r["table"] for r in results if r["won"]]}


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
