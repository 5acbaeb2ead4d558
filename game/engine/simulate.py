"""Play whole games with bots, for balancing decks and for benchmarks."""

from __future__ import annotations

import multiprocessing
import os
import signal
import statistics
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from typing import TypeVar

from game.decks.model import Deck
from game.engine.actions import GameState, new_game
from game.engine.bots import play_bots
from game.engine.results import outcome

T = TypeVar("T")
R = TypeVar("R")


def play_game(deck: Deck, scenario: str, players: int, seed: int, bots: list[str], *,
              difficulty: str | None = None, options: dict | None = None) -> GameState:
    state = new_game(deck, scenario, players, seed, difficulty=difficulty, options=options)
    play_bots(state, {s: bots[s % len(bots)] for s in range(players)}, explain=False)
    return state


def game_summary(state: GameState) -> dict:
    result = outcome(state)
    return {
        "seed": state.seed,
        "won": result["won"],
        "total": round(state.total(), 2),
        "criteria": dict(state.scores),
        "tracks": dict(state.tracks),
        "adopted": [[a.card.id, a.group] for r in state.rounds for a in r.adopted],
        "objectives": {o["role"]: o["met"] for o in result["objectives"]},
    }


GAMES_PER_WORKER = 500  # fewer games than this per core are not worth another process
_shared: tuple = ()  # (deck, play): what forked workers use; set just before a pool is made


def shared_map(deck: Deck, play: Callable[[Deck, T], R], tasks: Sequence[T],
               workers: int) -> Generator[R, None, None]:
    """play(deck, task) for each task, yielded in order, shared over `workers` processes.

    Workers are forked, so the deck and `play` need not pickle (only tasks and results do).
    Closing the iterator early (a cancelled run) stops the workers at once."""
    global _shared
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for task in tasks:
            yield play(deck, task)
        return
    _shared = (deck, play)
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_ctrl_c) as pool:
            # The pool forks here, so clearing _shared afterwards does not reach the workers.
            yield from pool.imap(_run_shared, tasks)
    finally:
        _shared = ()


def _ignore_ctrl_c() -> None:
    """Ctrl+C reaches every process of the terminal's group. Only the parent should act on
    it (it stops the pool); a worker that died of it could do so holding the pool's result
    queue, and the parent would wait for it forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_shared(task: object) -> object:
    deck, play = _shared
    return play(deck, task)


def simulate(deck: Deck, scenario: str, players: int, seed: int, games: int, bots: list[str],
             *, difficulty: str | None = None, options: dict | None = None,
             details: bool = False, workers: int | None = None) -> dict:
    """Play `games` games with seeds seed, seed+1, ...; return per-game results (always for
    a single game) and aggregates.

    Games are independent, so a long run is shared out over the machine's cores (`workers`,
    by default one per core and per GAMES_PER_WORKER games) in ranges of seeds, and put back
    together in seed order: the result is the same as playing them one after the other."""
    if workers is None:
        workers = min(os.cpu_count() or 1, games // GAMES_PER_WORKER)
    summaries: list[dict] = []
    proposed: Counter[str] = Counter()
    adopted: Counter[str] = Counter()
    job = (scenario, players, bots, difficulty, options)
    if workers > 1:
        # A scenario or option that cannot play fails here, not inside a worker.
        new_game(deck, scenario, players, seed, difficulty=difficulty, options=options)
        step = -(-games // (workers * 4))  # a few ranges per worker, to even out the load
        ranges = [(job, seed + i, min(step, games - i)) for i in range(0, games, step)]
    else:
        ranges = [(job, seed, games)]
    for part_summaries, part_proposed, part_adopted in shared_map(deck, _play_range, ranges,
                                                                  workers):  # in seed order
        summaries += part_summaries
        proposed.update(part_proposed)
        adopted.update(part_adopted)
    out: dict = {"deck": deck.id, "scenario": scenario, "players": players, "seed": seed,
                 "games": games, "bots": bots, "difficulty": difficulty}
    if games == 1 or details:
        out["results"] = summaries
    if games > 1:
        out["aggregate"] = aggregate(deck, summaries, proposed, adopted)
    return out


def _play_range(deck: Deck, task: tuple) -> tuple[list, Counter, Counter]:
    """Play `count` games from seed `first`: their summaries and the cards proposed and
    adopted."""
    (scenario, players, bots, difficulty, options), first, count = task
    summaries = []
    proposed: Counter[str] = Counter()
    adopted: Counter[str] = Counter()
    for game_seed in range(first, first + count):
        state = play_game(deck, scenario, players, game_seed, bots, difficulty=difficulty,
                          options=options)
        summaries.append(game_summary(state))
        for rnd in state.rounds:
            for p in rnd.proposals.values():
                if p is not None:
                    proposed[p.card] += 1
            for a in rnd.adopted:
                adopted[a.card.id] += 1
    return summaries, proposed, adopted


def _spread(values: list[float]) -> dict:
    return {"mean": round(statistics.fmean(values), 3),
            "stdev": round(statistics.pstdev(values), 3),
            "min": min(values), "max": max(values)}


def aggregate(deck: Deck, summaries: list[dict], proposed: Counter, adopted: Counter) -> dict:
    wins = [s["won"] for s in summaries if s["won"] is not None]
    return {
        "win_rate": round(sum(wins) / len(wins), 3) if wins else None,
        "total": _spread([s["total"] for s in summaries]),
        "criteria": {c: _spread([s["criteria"][c] for s in summaries]) for c in deck.criteria},
        "tracks": {t: _spread([s["tracks"][t] for s in summaries]) for t in deck.tracks},
        "interventions": {c: {"proposed": proposed[c], "adopted": adopted[c]}
                          for c in deck.interventions},
        "objectives_met": _objective_rates(summaries),
    }


def _objective_rates(summaries: list[dict]) -> dict:
    seen: Counter[str] = Counter()
    met: Counter[str] = Counter()
    for s in summaries:
        for role, ok in s["objectives"].items():
            seen[role] += 1
            met[role] += bool(ok)
    return {r: round(met[r] / seen[r], 3) for r in sorted(seen)}
