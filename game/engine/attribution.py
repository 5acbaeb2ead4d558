"""Who did what: the person (or bot) who held a seat when each of its actions was taken.

A seat can change hands during a game: a player leaves, a bot fills in, someone else joins.
The engine only knows seats, so the table stamps each logged action with the seat's holder
(`stamp`), and folding the log keeps a record (`Acts`) of who proposed, voted or said they
were ready in each round, and which choices the table made for a seat that did not act
(time ran out, or the facilitator moved on). The debrief and the views read it; nothing here
changes the game.
"""

from __future__ import annotations

from game.engine.actions import GameState

# Which record an action fills: a pass is the seat's proposal, a chair's decision its vote.
SLOTS = {"propose": "proposal", "pass": "proposal", "vote": "vote", "decide": "vote",
         "ready": "ready", "ability": "ability"}
STAMP = "by"  # the key a logged action carries its holder under (the engine never sees it)

Acts = dict[tuple[int, int, str], dict]  # (round, seat, slot) -> who


def stamp(kind: str, name: str | None, seat: int, holder_id: str | None) -> dict:
    """Who holds a seat: a human (with a short id, so a later holder of the same name is
    told apart), a bot, or nobody."""
    out = {"kind": kind, "name": name or f"Seat {seat + 1}"}
    if holder_id:
        out["id"] = holder_id[:12]
    return out


def for_engine(action: dict) -> dict:
    """The action without its stamp, as the engine checks it."""
    if STAMP not in action:
        return action
    return {k: v for k, v in action.items() if k != STAMP}


def note(acts: Acts, before: GameState, action: dict) -> None:
    """Record who filled which slot, given the state just before `action` was applied."""
    rnd = before.rounds[-1]
    kind = action.get("type")
    seat = action.get("seat")
    if kind == "advance":
        # The table fills in for whoever had not acted: say so, and why. The table stamps
        # who moved on; before it did, only the timer's advance named its phase.
        mover = action.get(STAMP)
        why = mover["kind"] if isinstance(mover, dict) and mover.get("kind") in (
            "timer", "facilitator") else "timer" if "phase" in action else "facilitator"
        if before.phase == "proposal":
            missing = [s for s in range(before.seats) if s not in rnd.proposals]
            slot = "proposal"
        elif before.phase == "vote":
            voted = rnd.votes if before.settings.decision != "chair" else (
                {rnd.chair: ()} if rnd.decided is not None else {})
            missing = [s for s in range(before.seats) if s not in voted]
            if before.settings.decision == "chair":
                missing = [s for s in missing if s == rnd.chair]
            slot = "vote"
        else:
            return
        for s in missing:
            acts[(rnd.number, s, slot)] = {"kind": "default", "why": why}
        return
    filled = SLOTS.get(kind) if isinstance(kind, str) else None
    if filled and isinstance(seat, int) and isinstance(action.get(STAMP), dict):
        acts[(rnd.number, seat, filled)] = action[STAMP]


def who(acts: Acts, number: int, seat: int, slot: str) -> dict | None:
    """Who filled a slot: {"kind", "name"} for a person or bot, {"kind": "default", "why"}
    when the table filled it in, None when the log does not say (tables from before stamps)."""
    found = acts.get((number, seat, slot))
    if found is None:
        return None
    return {k: v for k, v in found.items() if k != "id"}  # the id never leaves the server


def same_holder(acts: Acts, number: int, seat: int, slot: str, holder: dict) -> bool:
    """Was this slot filled by `holder` (the seat's holder now)? Unknown counts as yes."""
    found = acts.get((number, seat, slot))
    if found is None or found.get("kind") == "default":
        return found is None
    if found.get("id") or holder.get("id"):
        return found.get("id") == holder.get("id")
    return found.get("kind") == holder.get("kind") and found.get("name") == holder.get("name")
