"""A balance report's games, in a process of their own at the lowest CPU priority:
`python -m game.server.balance_worker <deck folder> <games> <players,...>`.

The server (game/server/balance_jobs.py) starts one per report and reads its standard output,
one JSON object a line: {"done", "total"} after each batch of games, then {"report"},
{"cancelled"} or {"error"}. A line "cancel" on its standard input, or the input closing (the
server went away), stops it between batches. It is not stopped with a signal: the processes
it forks to share the games would inherit a handler and outlive it.

Before playing, the process lowers its CPU priority to the lowest there is (nice 19), and the
processes it forks inherit that: whenever the server's own process (the tables) wants a core,
the scheduler gives it about 98% of it (weights 1024 against 15), and a table's action wakes
ahead of the games.
"""

from __future__ import annotations

import json
import os
import sys
import threading

from game.decks.loader import check_deck
from game.engine.balance import BalanceError, Cancelled, make_plan, run_balance


def lower_priority() -> int:
    """Make this process (and what it forks) yield the CPU to everything else. Returns the
    niceness it now has."""
    try:
        return os.nice(19 - os.nice(0))
    except OSError:
        return os.nice(0)


def watch_input(stop: list) -> None:
    """Stop when told to, or when the server is gone. Reads the descriptor itself, not
    sys.stdin: a forked worker closes sys.stdin as it starts, and would wait forever for the
    lock this thread would hold on it."""
    seen = b""
    while b"cancel" not in seen:
        chunk = os.read(0, 64)
        if not chunk:
            break
        seen = seen[-8:] + chunk
    stop.append(True)


def say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    priority = lower_priority()
    stop: list[bool] = []
    threading.Thread(target=watch_input, args=(stop,), daemon=True).start()
    folder, games, players = argv[0], int(argv[1]), [int(p) for p in argv[2].split(",")]
    deck, problems = check_deck(folder)
    if deck is None:
        say({"error": "the deck no longer validates: " + "; ".join(map(str, problems[:3]))})
        return 1
    try:
        plan = make_plan(deck, games, players=players)
    except BalanceError as exc:
        say({"error": str(exc)})
        return 1
    say({"done": 0, "total": plan.games, "nice": priority})
    try:
        report = run_balance(deck, plan, progress=lambda d, t: say({"done": d, "total": t}),
                             cancelled=lambda: bool(stop))
    except Cancelled as exc:
        say({"cancelled": True, "done": exc.done, "total": exc.total})
        return 0
    say({"report": report})
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # the server went away: nobody is waiting for the report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing to flush to
        sys.exit(0)
