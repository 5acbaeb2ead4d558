"""The debrief: what a table did, round by round, and what it could have done."""

from __future__ import annotations

from game.coach import best_alternative
from game.engine import GameState, event_card, outcome, score


def debrief(state: GameState) -> dict:
    deck = state.deck
    sheet = score(state)
    rounds = []
    for rnd in state.rounds:
        stage = deck.stages[rnd.stage]
        rounds.append({
            "number": rnd.number, "stage": rnd.stage, "stage_name": stage.name,
            "events": [event_card(deck.events[e]) for e in rnd.events],
            "proposals": [{"seat": s, "card": p.card if p else None,
                           "group": p.group if p else None}
                          for s, p in sorted(rnd.proposals.items())],
            "adopted": [{"seat": a.seat, "card": a.card.id, "group": a.group, "cost": a.cost}
                        for a in rnd.adopted],
            "refused": [{"seat": s, "why": why} for s, why in rnd.refused],
            "changes": [c.as_dict() for c in rnd.changes],
            "tracks_after": _tracks_after(state, rnd.number),
            "alternative": _alternative(state, rnd.number),
        })
    changes = [{**c, "stage": r["stage"]} for r in rounds for c in r["changes"]]
    return {
        "deck": deck.id, "scenario": state.scenario.id, "scenario_name": state.scenario.name,
        "phase": state.phase, "seats": state.seats, "roles": state.roles,
        "criteria": {k: {key: v[key] for key in ("score", "weight", "weighted", "target")}
                     for k, v in sheet["criteria"].items()},
        "tracks": {k: {key: v[key] for key in ("start", "value", "min", "max")}
                   for k, v in sheet["tracks"].items()},
        "total": sheet["total"], "outcome": outcome(state), "rounds": rounds,
        "changes": changes,
    }


def _tracks_after(state: GameState, number: int) -> dict[str, int]:
    """Each track's value at the end of round `number`: its start plus that far's changes."""
    sheet = {t: state.tracks[t] for t in state.deck.tracks}
    for rnd in state.rounds[number:]:  # undo the rounds after it
        for c in rnd.changes:
            if c.target in sheet:
                sheet[c.target] -= c.amount
    return sheet


def _alternative(state: GameState, number: int) -> dict | None:
    if not state.rounds[number - 1].hands_at_decision:  # not decided yet
        return None
    return best_alternative(state, number - 1)
