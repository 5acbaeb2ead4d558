"""The debrief: what a table did, round by round, and what it could have done.

Every proposal and vote names who made it: the person or bot who held the seat at the time
(from the table's log, see game.engine.attribution), or says the table filled it in when time ran
out. Seats change hands, so the seat's holder at the end is not who played each round."""

from __future__ import annotations

from typing import Any

from game.engine.actions import GameState
from game.engine.attribution import Acts, who
from game.engine.coach import best_alternative
from game.engine.results import event_card, outcome, score
from game.engine.view import change_dict


def debrief(state: GameState, acts: Acts | None = None) -> dict:
    deck = state.deck
    sheet = score(state)
    acts = acts or {}
    rounds: list[dict[str, Any]] = []
    for rnd in state.rounds:
        stage = deck.stages[rnd.stage]
        decided = bool(rnd.hands_at_decision)
        rounds.append({
            "number": rnd.number, "stage": rnd.stage, "stage_name": stage.name,
            "resolved": decided,  # the table has voted (or the chair chosen) and it is scored
            "events": [event_card(deck.events[e]) for e in rnd.events],
            "later_events": [event_card(deck.events[e]) for e in rnd.later_events],
            "proposals": [{"seat": s, "card": p.card if p else None,
                           "card_name": deck.interventions[p.card].name if p else None,
                           "group": p.group if p else None,
                           "group_name": deck.groups[p.group].name if p else None,
                           "by": who(acts, rnd.number, s, "proposal")}
                          for s, p in sorted(rnd.proposals.items())],
            "votes": [{"seat": s, "approve": list(rnd.votes.get(s, ())),
                       "voted": s in rnd.votes, "by": who(acts, rnd.number, s, "vote")}
                      for s in range(state.seats)]
            if decided and state.settings.decision != "chair" else [],
            "decided": list(rnd.decided) if rnd.decided is not None else None,
            "adopted": [{"seat": a.seat, "card": a.card.id, "card_name": a.card.name,
                         "group": a.group, "group_name": deck.groups[a.group].name,
                         "cost": a.cost, "by": who(acts, rnd.number, a.seat, "proposal")
                         if a.seat is not None else None}
                        for a in rnd.adopted],
            "refused": [{"seat": s, "why": why} for s, why in rnd.refused],
            "changes": [change_dict(state, c) for c in rnd.changes],
            "points": round(sum(state.weights.get(c.target, 1.0) * c.amount
                                for c in rnd.changes if c.target in deck.criteria), 2),
            "tracks_after": _tracks_after(state, rnd.number),
            "alternative": _alternative(state, rnd.number),
        })
    changes = [{**c, "stage": r["stage"]} for r in rounds for c in r["changes"]]
    return {
        "deck": deck.id, "deck_name": deck.name, "deck_version": deck.version,
        "scenario": state.scenario.id, "scenario_name": state.scenario.name,
        "phase": state.phase, "seats": state.seats, "roles": state.roles,
        "rounds_total": len(state.scenario.stages),
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
