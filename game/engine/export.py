"""A table's record for a facilitator to file: who played, what each round proposed, voted
and adopted, every score change with its reason, and the final scores, with the date, the
join code, the scenario and the deck's version. Seats are numbered from 1, as people count
them; cards and groups are named as on the cards (their ids are kept alongside)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from game.decks.model import Deck


def file_name(code: str, created_at: datetime, ext: str) -> str:
    """`governance-game-KMP3QX-2026-11-27.csv`: the table's code and the day it was played."""
    safe = "".join(ch for ch in code if ch.isalnum()).upper()
    return f"governance-game-{safe}-{created_at.date().isoformat()}.{ext}"


def _person(by: dict | None, fallback: str) -> str:
    if by is None:
        return fallback
    if by.get("kind") == "default":
        return "nobody: time ran out" if by.get("why") == "timer" else \
            "nobody: the facilitator moved on"
    return by["name"] + (" (bot)" if by.get("kind") == "bot" else "")


def record(d: dict, meta: dict, deck: Deck) -> dict:
    """`d` is game.engine.debrief.debrief(); `meta` the table's id, code, created_at and seats."""
    names = {s["seat"]: s["name"] for s in meta["seats"]}

    def seat_name(seat: int) -> str:
        return names.get(seat) or f"Seat {seat + 1}"

    def criterion_or_track(target: str) -> str:
        if target in deck.criteria:
            return deck.criteria[target].name
        return deck.tracks[target].name if target in deck.tracks else target

    rounds = []
    for r in d["rounds"]:
        cards = {p["seat"]: p["card_name"] for p in r["proposals"]}
        rounds.append({
            "round": r["number"], "stage": r["stage_name"],
            "events": [e["name"] for e in r["events"]],
            "later_events": [e["name"] for e in r["later_events"]],  # drawn after the scoring
            "proposals": [{"seat": p["seat"] + 1, "by": _person(p["by"], seat_name(p["seat"])),
                           "card": p["card_name"], "card_id": p["card"],
                           "group": p["group_name"], "passed": p["card"] is None}
                          for p in r["proposals"]],
            "votes": [{"seat": v["seat"] + 1, "by": _person(v["by"], seat_name(v["seat"])),
                       "backed": [cards.get(s) for s in v["approve"]]}
                      for v in r["votes"]],
            "adopted": [{"seat": None if a["seat"] is None else a["seat"] + 1,
                         "card": a["card_name"], "card_id": a["card"], "group": a["group_name"],
                         "cost": a["cost"]} for a in r["adopted"]],
            "not_adopted": [{"seat": x["seat"] + 1, "card": cards.get(x["seat"]),
                             "why": x["why"]} for x in r["refused"]],
            "points": r["points"],
            "changes": [{"target": criterion_or_track(c["target"]), "amount": c["amount"],
                         "points": c["points"], "why": c["why"],
                         "card": deck.interventions[c["card"]].name
                         if c["card"] in deck.interventions else c["card"]}
                        for c in r["changes"]],
        })
    return {
        "table": {"id": meta["id"], "code": meta["code"],
                  "date": meta["created_at"].date().isoformat(),
                  "opened_at": meta["created_at"].isoformat(timespec="seconds")},
        "deck": {"id": d["deck"], "name": d["deck_name"], "version": d["deck_version"]},
        "scenario": {"id": d["scenario"], "name": d["scenario_name"]},
        "players": [{"seat": s["seat"] + 1, "name": s["name"], "kind": s["kind"],
                     "role": deck.roles[d["roles"][s["seat"]]].name
                     if d["roles"][s["seat"]] else None} for s in meta["seats"]],
        "finished": d["phase"] == "ended",
        "won": d["outcome"].get("won") if d["phase"] == "ended" else None,
        "win_condition": d["outcome"].get("win_condition"),
        "weighted_total": round(d["total"], 2),
        "criteria": [{"criterion": deck.criteria[k].name, "score": v["score"],
                      "weight": v["weight"], "points": v["weighted"], "target": v["target"]}
                     for k, v in d["criteria"].items()],
        "tracks": [{"track": deck.tracks[k].name, "start": v["start"], "end": v["value"]}
                   for k, v in d["tracks"].items()],
        "plan": [{"round": r["round"], "stage": r["stage"], **a}
                 for r in rounds for a in r["adopted"]],
        "rounds": rounds,
    }


def safe_cell(value: object) -> object:
    """Spreadsheets run cells that start with = + - @ (or a tab or return) as formulas:
    defuse text that does. Numbers are left as numbers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(rec: dict) -> str:
    """One sheet, one row per fact, with `what` saying which kind of fact it is."""
    out = io.StringIO()
    w = csv.writer(out)
    head = ["what", "round", "stage", "seat", "who", "card", "group", "cost", "target",
            "amount", "points", "detail"]
    w.writerow(head)

    def row(**cells: object) -> None:
        w.writerow([safe_cell(cells.get(k, "")) for k in head])

    t = rec["table"]
    for key, value in (("date", t["date"]), ("table code", t["code"]),
                       ("scenario", rec["scenario"]["name"]),
                       ("deck", f"{rec['deck']['name']} (version {rec['deck']['version']})"),
                       ("weighted total", rec["weighted_total"]),
                       ("won", "" if rec["won"] is None else "yes" if rec["won"] else "no")):
        row(what="table", target=key, detail=value)
    for p in rec["players"]:
        row(what="player", seat=p["seat"], who=p["name"] or "(empty)", detail=p["role"] or "")
    for r in rec["rounds"]:
        base = {"round": r["round"], "stage": r["stage"]}
        for p in r["proposals"]:
            row(what="proposal", **base, seat=p["seat"], who=p["by"],
                card=p["card"] or "(passed)", group=p["group"] or "")
        for v in r["votes"]:
            row(what="vote", **base, seat=v["seat"], who=v["by"],
                detail="backed: " + ("; ".join(c or "?" for c in v["backed"]) or "nothing"))
        for a in r["adopted"]:
            row(what="adopted", **base, seat=a["seat"] or "", card=a["card"], group=a["group"],
                cost=a["cost"])
        for x in r["not_adopted"]:
            row(what="not adopted", **base, seat=x["seat"], card=x["card"] or "",
                detail=x["why"])
        for c in r["changes"]:
            row(what="score change", **base, card=c["card"] or "", target=c["target"],
                amount=c["amount"], points="" if c["points"] is None else c["points"],
                detail=c["why"])
    for c in rec["criteria"]:
        row(what="final criterion", target=c["criterion"], amount=c["score"],
            points=c["points"], detail=f"weight {c['weight']:g}, target {c['target']}")
    for tr in rec["tracks"]:
        row(what="final track", target=tr["track"], amount=tr["end"],
            detail=f"started at {tr['start']}")
    return out.getvalue()
