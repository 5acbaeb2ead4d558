"""How fast the rules engine plays: whole 4-seat games with greedy bots, on one core.

    .venv/bin/python bench/engine.py            # about a minute: 7 repeats of 1,000 games, then
                                                # `python -m game simulate --games 10000`, timed
    .venv/bin/python bench/engine.py --quick    # a few seconds: 5 repeats of 200 games, and the
                                                # simulate time extrapolated from them

Prints the median games per second over the repeats (and the fastest and slowest), and the
time `simulate --games 10000` takes. The aims: 1,000 games per second or more, and simulate
under 15 seconds. The process is pinned to one CPU where the system allows it, and times are
CPU time (the process's own, or the command's), so other work on the machine does not count;
the wall-clock time is shown next to it.

The engine keeps, with each loaded deck, what a single adoption adds under each combination of
stage, events and scenario (scoring.plan_worth's traces); a fresh process fills them in during
its first thousand or so games, so the first repeat is the slowest.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from game.decks.loader import load_deck  # noqa: E402
from game.engine.simulate import play_game, simulate  # noqa: E402

AIM_GAMES_PER_SECOND = 1000
AIM_SIMULATE_SECONDS = 15.0


def pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity here)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def games_per_second(deck, scenario: str, players: int, games: int,
                     first_seed: int) -> tuple[float, float]:
    """(games per CPU second, games per wall-clock second)."""
    cpu, wall = time.process_time(), time.perf_counter()
    for seed in range(first_seed, first_seed + games):
        play_game(deck, scenario, players, seed, ["greedy"])
    return games / (time.process_time() - cpu), games / (time.perf_counter() - wall)


def time_simulate_command(deck_path: Path, scenario: str, players: int,
                          games: int) -> tuple[float, float]:
    """(CPU seconds, wall-clock seconds) of the real command, from starting Python to the
    last line of JSON."""
    command = [sys.executable, "-m", "game", "simulate", "--deck", str(deck_path),
               "--scenario", scenario, "--players", str(players), "--games", str(games),
               "--compact"]
    preexec = None
    if hasattr(os, "sched_setaffinity"):
        cpus = os.sched_getaffinity(0)

        def preexec() -> None:
            os.sched_setaffinity(0, cpus)

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   preexec_fn=preexec)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (a few seconds)")
    parser.add_argument("--deck", default=str(ROOT / "cards" / "good-governance"))
    parser.add_argument("--scenario", default="council-chatbot")
    parser.add_argument("--players", type=int, default=4)
    parser.add_argument("--games", type=int, help="games per repeat")
    parser.add_argument("--repeats", type=int, help="how many repeats")
    args = parser.parse_args(argv)
    games = args.games or (200 if args.quick else 1000)
    repeats = args.repeats or (5 if args.quick else 7)

    pinned = pin_to_one_core()
    deck = load_deck(args.deck)
    print(f"Python {platform.python_version()} on {platform.machine()}, {pinned}")
    print(f"deck {deck.id}, scenario {args.scenario}, {args.players} seats, greedy bots: "
          f"{repeats} repeats of {games} games")
    games_per_second(deck, args.scenario, args.players, min(games, 50), 10**6)  # warm up
    rates, walls = [], []
    for r in range(repeats):
        rate, wall = games_per_second(deck, args.scenario, args.players, games, 1 + r * games)
        rates.append(rate)
        walls.append(wall)
    median = statistics.median(rates)
    mark = "ok" if median >= AIM_GAMES_PER_SECOND else "below the aim"
    print(f"games per second: median {median:,.0f} (slowest {min(rates):,.0f}, fastest "
          f"{max(rates):,.0f}; wall clock median {statistics.median(walls):,.0f}); "
          f"aim {AIM_GAMES_PER_SECOND:,}: {mark}")

    if args.quick:
        cpu, wall = time.process_time(), time.perf_counter()
        simulate(deck, args.scenario, args.players, 1, games, ["greedy"])
        scale = 10_000 / games
        seconds = (time.process_time() - cpu) * scale
        wall = (time.perf_counter() - wall) * scale
        how = f"extrapolated from simulate(games={games})"
    else:
        seconds, wall = time_simulate_command(Path(args.deck), args.scenario, args.players,
                                              10_000)
        how = "measured: python -m game simulate ... --games 10000"
    mark = "ok" if seconds < AIM_SIMULATE_SECONDS else "over the aim"
    print(f"simulate --games 10000: {seconds:.1f} s CPU, {wall:.1f} s wall ({how}); "
          f"aim under {AIM_SIMULATE_SECONDS:g} s: {mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
