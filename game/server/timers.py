"""Phase timers: what a table's countdown is in each state, and how it reads on a screen.

A timer is a small dict kept on the table's row: {"round", "phase", "length"} with either
"ends_at" (running, a clock time) or "remaining" (paused, seconds), or "stopped": True once
the facilitator stops it for the phase. Pure functions of the table and the clock's time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.decks.options import TIMED_PHASES

if TYPE_CHECKING:
    from game.engine.state import GameState
    from game.server.live import Live


def length(live: Live, phase: str) -> int:
    """Seconds for a phase: the facilitator's setting, else the deck's (0: untimed)."""
    timers = {**live.state.deck.settings.timers, **live.record.options.get("timers", {})}
    return int(timers.get(phase, 0))


def timer_for(live: Live, state: GameState, status: str, now: float) -> dict | None:
    """The timer the table has once in `state`: the one running if the phase is the same,
    else a fresh one for a timed phase (none when not playing)."""
    key = {"round": state.round.number, "phase": state.phase}
    if live.timer and {k: live.timer.get(k) for k in key} == key:
        return live.timer
    seconds = length(live, state.phase) if state.phase in TIMED_PHASES else 0
    if seconds and status == "playing":
        return {**key, "ends_at": now + seconds, "length": seconds}
    if seconds and status == "paused":
        return {**key, "remaining": float(seconds), "length": seconds}
    return None


def paused(timer: dict | None, now: float) -> dict | None:
    """A running timer frozen with what it had left."""
    if not timer or "ends_at" not in timer:
        return timer
    out = {**timer, "remaining": max(0.0, timer["ends_at"] - now)}
    del out["ends_at"]
    return out


def resumed(timer: dict | None, now: float) -> dict | None:
    """A paused timer running again from what it had left."""
    if not timer or "remaining" not in timer:
        return timer
    out = {**timer, "ends_at": now + timer["remaining"]}
    del out["remaining"]
    return out


def due(timer: dict | None, now: float) -> bool:
    return timer is not None and "ends_at" in timer and timer["ends_at"] <= now


def for_screen(timer: dict | None, now: float) -> dict | None:
    """What a phone or screen shows: the phase, its length and what is left."""
    if not timer or timer.get("stopped"):
        return None
    out = {"phase": timer["phase"], "round": timer["round"], "length": timer.get("length")}
    if "ends_at" in timer:
        out["remaining"] = max(0.0, round(timer["ends_at"] - now, 1))
    else:
        out["remaining"] = round(timer.get("remaining", 0.0), 1)
        out["paused"] = True
    return out
