"""The facilitator's commands: start, pause, resume, move on, end, timers, seats, a new code.

`Tables.facilitate` checks who is asking and holds the table's lock; each command here
checks what the table's state allows, writes through the store, and returns the events to
publish.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from game.decks.library import DeckLibrary
from game.decks.options import check_table_options
from game.server import timers
from game.server.limits import BadRequest, check_depth
from game.server.live import Live
from game.store.database import Store


class Tables(Protocol):
    """What a command needs of the tables (game/server/tables.py), which call the commands."""

    store: Store
    library: DeckLibrary
    clock: Callable[[], float]

    def set_status(self, live: Live, status: str) -> None: ...
    def after_change(self, live: Live) -> list[dict]: ...
    def advance(self, live: Live, stamp: dict | None = None, *,
                by: str = "facilitator") -> list[dict]: ...
    def save_timer(self, live: Live) -> None: ...
    def renew_code(self, live: Live) -> None: ...

# Each command and the arguments it takes (anything else is refused).
COMMAND_ARGS: dict[str, tuple[str, ...]] = {
    "start": (), "pause": (), "resume": (), "end": (), "new_code": (),
    "advance": ("round", "phase"), "skip_timer": (), "extend": ("seconds",),
    "add_bot": ("seat",), "remove_seat": ("seat",), "set_timers": ("timers",),
}
# Commands that only make sense while the game is being played (or paused).
IN_PLAY = ("pause", "resume", "advance", "extend", "skip_timer")
MAX_EXTEND_S = 1800


def check(command: str, args: dict) -> None:
    """Refuse an unknown command, or arguments it does not take, before touching the table."""
    if command not in COMMAND_ARGS:
        raise BadRequest("unknown_command", f"unknown facilitator command {command[:40]!r}; "
                         "commands are: " + ", ".join(COMMAND_ARGS))
    allowed = COMMAND_ARGS[command]
    extra = sorted(set(args) - set(allowed))
    if extra:
        raise BadRequest("bad_payload", f"{command} takes "
                         + (", ".join(allowed) if allowed else "no arguments")
                         + f"; not: {', '.join(map(str, extra))[:80]}")
    check_depth(args, command)


def run(tables: Tables, live: Live, command: str, args: dict) -> list[dict]:
    status = live.record.status
    if status in ("lobby", "ended") and command in IN_PLAY:
        raise BadRequest("not_started" if status == "lobby" else "game_over",
                         "the game is not being played right now")
    return _COMMANDS[command](tables, live, args)


def _start(tables: Tables, live: Live, args: dict) -> list[dict]:
    if live.record.status != "lobby":
        raise BadRequest("already_started", "the game has already started")
    if live.record.options.get("bots", "none") != "none":
        for s in live.seats:
            if s.kind == "empty":
                tables.store.update_seat(live.record.id, s.seat, kind="bot",
                                         name=f"Bot {s.seat + 1}")
        live.seats = tables.store.seats(live.record.id)
    tables.set_status(live, "playing")
    return [{"type": "started"}, *tables.after_change(live)]


def _end(tables: Tables, live: Live, args: dict) -> list[dict]:
    if live.record.status == "ended":
        raise BadRequest("game_over", "the game has already ended")
    tables.set_status(live, "ended")
    return [{"type": "table_ended"}]


def _pause(tables: Tables, live: Live, args: dict) -> list[dict]:
    if live.record.status == "paused":
        raise BadRequest("already_paused", "the game is already paused")
    live.timer = timers.paused(live.timer, tables.clock())
    tables.set_status(live, "paused")
    return [{"type": "paused"}]


def _resume(tables: Tables, live: Live, args: dict) -> list[dict]:
    if live.record.status != "paused":
        raise BadRequest("not_paused", "the game is not paused")
    live.timer = timers.resumed(live.timer, tables.clock())
    tables.set_status(live, "playing")
    return [{"type": "resumed"}, *tables.after_change(live)]


def _advance(tables: Tables, live: Live, args: dict) -> list[dict]:
    if live.record.status == "paused":
        raise BadRequest("paused", "resume the game first")
    # Stamped like a player's action: a click meant for the phase the console showed must
    # not move on a phase that has just begun (the engine refuses it as stale).
    if "round" not in args or "phase" not in args:
        raise BadRequest("bad_payload", "advance needs the 'round' and 'phase' you are "
                         "moving on from")
    return tables.advance(live, {"round": args["round"], "phase": args["phase"]},
                          by="facilitator")


def _skip_timer(tables: Tables, live: Live, args: dict) -> list[dict]:
    # Stop this phase's countdown; the phase goes on until people act or the facilitator
    # moves on ("advance" is the command that moves on now).
    t = live.timer
    if not t or t.get("stopped"):
        raise BadRequest("no_timer", "there is no timer running in this phase")
    live.timer = {"round": t["round"], "phase": t["phase"], "stopped": True}
    tables.save_timer(live)
    return [{"type": "timer", "stopped": True}]


def _new_code(tables: Tables, live: Live, args: dict) -> list[dict]:
    if live.record.status == "ended":
        raise BadRequest("game_over", "the game has ended")
    tables.renew_code(live)
    return [{"type": "new_code"}]


def _extend(tables: Tables, live: Live, args: dict) -> list[dict]:
    seconds = args.get("seconds", 60)
    if isinstance(seconds, bool) or not isinstance(seconds, int) \
            or not 1 <= seconds <= MAX_EXTEND_S:
        raise BadRequest("bad_payload", f"extend by 1 to {MAX_EXTEND_S} seconds")
    if not live.timer or live.timer.get("stopped"):
        raise BadRequest("no_timer", "there is no timer running in this phase")
    field_name = "ends_at" if "ends_at" in live.timer else "remaining"
    live.timer = {**live.timer, field_name: live.timer[field_name] + seconds}
    tables.save_timer(live)
    return [{"type": "timer", "extended": seconds}]


def _seat_command(tables: Tables, live: Live, args: dict, command: str) -> list[dict]:
    seat = args.get("seat")
    if isinstance(seat, bool) or not isinstance(seat, int) \
            or not 0 <= seat < live.record.seats:
        raise BadRequest("bad_seat", f"seat must be 0 to {live.record.seats - 1}")
    row = live.seats[seat]
    if command == "add_bot":
        if row.kind != "empty":
            raise BadRequest("seat_taken", "a bot can only take an empty seat")
        tables.store.update_seat(live.record.id, seat, kind="bot", name=f"Bot {seat + 1}",
                                 token_hash=None)
    else:
        if row.kind == "empty":
            raise BadRequest("seat_empty", "that seat is already empty")
        tables.store.update_seat(live.record.id, seat, kind="empty", name=None,
                                 token_hash=None)
    live.seats = tables.store.seats(live.record.id)
    return [{"type": command, "seat": seat}, *tables.after_change(live)]


def _set_timers(tables: Tables, live: Live, args: dict) -> list[dict]:
    deck = tables.library.get(live.record.deck, live.record.deck_revision)
    clean = check_table_options(deck, {"timers": args.get("timers")})["timers"]
    options = {**live.record.options,
               "timers": {**live.record.options.get("timers", {}), **clean}}
    tables.store.set_options(live.record.id, options)
    live.record = replace(live.record, options=options)
    return [{"type": "timers_set"}]


_COMMANDS: dict[str, Callable[[Tables, Live, dict], list[dict]]] = {
    "start": _start, "end": _end, "pause": _pause, "resume": _resume, "advance": _advance,
    "skip_timer": _skip_timer, "new_code": _new_code, "extend": _extend,
    "add_bot": lambda t, live, a: _seat_command(t, live, a, "add_bot"),
    "remove_seat": lambda t, live, a: _seat_command(t, live, a, "remove_seat"),
    "set_timers": _set_timers,
}
assert set(_COMMANDS) == set(COMMAND_ARGS)
