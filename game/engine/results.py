"""How a game stands: every score with its reasons, the outcome and each role's objective,
and an event as players see it."""

from __future__ import annotations

from game.decks.model import Event
from game.decks.rules import Change
from game.engine.state import GameState, game_context


def outcome(state: GameState) -> dict:
    """Win or loss and each role's objective. Meaningful once the game has ended."""
    ctx = game_context(state)
    win = state.settings.win
    objectives = []
    for seat, role_id in enumerate(state.roles):
        role = state.deck.roles.get(role_id) if role_id else None
        if role and role.objective:
            objectives.append({"seat": seat, "role": role.id, "text": role.objective.text,
                               "met": role.objective.condition.test(ctx, None)})
    return {
        "ended": state.phase == "ended",
        "won": bool(win.test(ctx, None)) if win else None,
        "win_condition": state.settings.win_text,
        "objectives": objectives,
    }


def target_met(state: GameState, criterion: str) -> bool | None:
    """Whether the criterion's score reaches the scenario's target (None: it has none)."""
    target = state.scenario.targets.get(criterion)
    return None if target is None else state.scores[criterion] >= target


def all_changes(state: GameState) -> list[Change]:
    return [c for r in state.rounds for c in r.changes]


def score(state: GameState) -> dict:
    """Every criterion and track with its value and the reason for each point."""
    changes = all_changes(state)
    criteria = {}
    for crit in state.deck.criteria:
        reasons = [c.as_dict() for c in changes if c.target == crit]
        criteria[crit] = {"score": state.scores[crit], "weight": state.weights[crit],
                          "weighted": state.weights[crit] * state.scores[crit],
                          "target": state.scenario.targets.get(crit),
                          "met": target_met(state, crit), "reasons": reasons}
    tracks = {}
    for t, track in state.deck.tracks.items():
        reasons = [c.as_dict() for c in changes if c.target == t]
        tracks[t] = {"value": state.tracks[t], "reasons": reasons,
                     "start": state.tracks[t] - sum(c["amount"] for c in reasons),
                     "min": track.min, "max": track.max}
    return {"criteria": criteria, "tracks": tracks, "total": state.total(), **outcome(state)}


def event_card(event: Event) -> dict:
    return {"id": event.id, "kind": event.kind, "name": event.name, "text": event.text,
            "severity": event.severity, "when": event.when, "rules": [r.why for r in event.rules],
            "effects": [e.text for e in event.effects]}
