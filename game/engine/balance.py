"""The balance report: thousands of bot games over a deck's scenarios, player counts,
difficulties and bot kinds, summed up so a deck's author can see what is too easy, too hard,
never played or always played.

Pure: no clock besides the elapsed time it reports, no files. Games are shared over the
machine's cores with simulate.shared_map, in small batches, so a caller sees progress after
each batch and can cancel between them.

Which games a report plays is fixed by its plan and seed: game g (0, 1, ...) is played with
seed `seed + g` at the (scenario, players) cell g % cells, by the (difficulty, bot kind)
combination (g + g // L) % combinations, L the least common multiple of the two counts.
Every cell and every combination gets the same number of games, give or take one, and each
pair of them comes round in turn, so a win rate by one dimension is not skewed by another
(exactly so when the games are a multiple of cells x combinations).
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from game.decks.model import Deck
from game.decks.options import BOT_KINDS
from game.engine.results import outcome
from game.engine.simulate import play_game, shared_map
from game.engine.state import GameState

BATCH = 40  # games per batch: progress moves and a cancel lands within a fraction of a second
MAX_GAMES = 200_000
# Card flags (docs/decks.md, "Balance report", says why these numbers).
DOMINANT_ADOPTION = 0.9  # adopted at least this often when proposed...
MIN_PROPOSALS = 30  # ...out of at least this many proposals
DEAD_ADOPTION = 0.01  # adopted in fewer than this share of the hands that held it...
MIN_HELD = 30  # ...out of at least this many hands
# Random bots play no strategy: what they propose and back says nothing about a card.
UNSKILLED = ("random",)


class BalanceError(ValueError):
    """A plan that cannot be played, in words that say what to change."""


class Cancelled(Exception):
    def __init__(self, done: int, total: int):
        super().__init__(f"cancelled after {done} of {total} games")
        self.done = done
        self.total = total


@dataclass(frozen=True)
class BalancePlan:
    games: int
    scenarios: tuple[str, ...]
    players: tuple[int, ...]
    difficulties: tuple[str | None, ...]  # None: the deck's own settings, no difficulty
    bots: tuple[str, ...]
    seed: int = 1

    @property
    def cells(self) -> list[tuple[str, int]]:
        return [(s, p) for s in self.scenarios for p in self.players]

    @property
    def combinations(self) -> list[tuple[str | None, str]]:
        return [(d, b) for d in self.difficulties for b in self.bots]

    def as_dict(self) -> dict:
        return {"games": self.games, "scenarios": list(self.scenarios),
                "players": list(self.players), "difficulties": list(self.difficulties),
                "bots": list(self.bots), "seed": self.seed}


def make_plan(deck: Deck, games: int, *, players: list[int] | None = None,
              scenarios: list[str] | None = None, difficulties: list[str | None] | None = None,
              bots: list[str] | None = None, seed: int = 1) -> BalancePlan:
    """A checked plan; by default every scenario, player count, difficulty (and none) and bot
    kind. Raises BalanceError saying what to fix."""
    s = deck.settings
    players = sorted(set(players)) if players else list(range(s.seats_min, s.seats_max + 1))
    bad = [p for p in players if not s.seats_min <= p <= s.seats_max]
    if bad:
        raise BalanceError(f"this deck is for {s.seats_min} to {s.seats_max} players, "
                           f"not {bad[0]}")
    scenarios = list(dict.fromkeys(scenarios)) if scenarios else list(deck.scenarios)
    for sc in scenarios:
        if sc not in deck.scenarios:
            raise BalanceError(f"the deck has no scenario '{sc}'; it has: "
                               f"{', '.join(deck.scenarios)}")
    if difficulties is None:
        difficulties = [None, *deck.difficulties]
    for d in difficulties:
        if d is not None and d not in deck.difficulties:
            raise BalanceError(f"the deck has no difficulty '{d}'; it has: "
                               f"{', '.join(deck.difficulties) or 'none'}")
    bots = list(dict.fromkeys(bots)) if bots else list(BOT_KINDS)
    for b in bots:
        if b not in BOT_KINDS:
            raise BalanceError(f"unknown bot kind '{b}'; choose from: {', '.join(BOT_KINDS)}")
    cells = len(scenarios) * len(players)
    if not isinstance(games, int) or isinstance(games, bool) or not cells <= games <= MAX_GAMES:
        raise BalanceError(f"games must be a whole number from {cells} (one for each scenario "
                           f"and player count) to {MAX_GAMES}")
    return BalancePlan(games, tuple(scenarios), tuple(players),
                       tuple(dict.fromkeys(difficulties)), tuple(bots), seed)


def batches(plan: BalancePlan) -> list[tuple]:
    """The plan's games as tasks of at most BATCH games that share scenario, player count,
    difficulty and bot kind: ((scenario, players, difficulty, bot), seeds)."""
    cells, combos = plan.cells, plan.combinations
    seeds: dict[tuple, list[int]] = defaultdict(list)
    cycle = math.lcm(len(cells), len(combos))
    for g in range(plan.games):
        # Cells and combinations each take turns, so any number of games plays them all as
        # evenly as it can; the shift after each cycle pairs every cell with every combination.
        key = (*cells[g % len(cells)], *combos[(g + g // cycle) % len(combos)])
        seeds[key].append(plan.seed + g)
    return [(key, tuple(some[i:i + BATCH]))
            for key, some in seeds.items() for i in range(0, len(some), BATCH)]


@dataclass
class Part:
    """What a batch of games (or the sum of several) adds up to."""

    games: int = 0
    won: int = 0
    decided: int = 0  # games with a win condition to meet
    criteria: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    tracks: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    totals: Counter = field(default_factory=Counter)
    # card id: [hands that held it at a decision, proposals, adoptions]
    cards: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))

    def add(self, other: Part) -> None:
        self.games += other.games
        self.won += other.won
        self.decided += other.decided
        for ours, theirs in ((self.criteria, other.criteria), (self.tracks, other.tracks)):
            for key, counts in theirs.items():
                ours[key].update(counts)
        self.totals.update(other.totals)
        for card, numbers in other.cards.items():
            total = self.cards[card]
            for i, n in enumerate(numbers):
                total[i] += n

    def plain(self) -> Part:
        """Without the default factories (lambdas), so it can go back from a worker."""
        return Part(self.games, self.won, self.decided,
                    {k: Counter(v) for k, v in self.criteria.items()},
                    {k: Counter(v) for k, v in self.tracks.items()}, Counter(self.totals),
                    {k: list(v) for k, v in self.cards.items()})


def _play_batch(deck: Deck, task: tuple) -> tuple[tuple, Part]:
    (scenario, players, difficulty, bot), seeds = task
    part = Part()
    for seed in seeds:
        state = play_game(deck, scenario, players, seed, [bot], difficulty=difficulty)
        _count(state, part)
    return (scenario, players, difficulty, bot), part.plain()


def _count(state: GameState, part: Part) -> None:
    part.games += 1
    won = outcome(state)["won"]
    if won is not None:
        part.decided += 1
        part.won += bool(won)
    for c, v in state.scores.items():
        part.criteria[c][v] += 1
    for t, v in state.tracks.items():
        part.tracks[t][v] += 1
    part.totals[round(state.total())] += 1
    for rnd in state.rounds:
        for hand in rnd.hands_at_decision:
            for card in set(hand):
                part.cards[card][0] += 1
        for p in rnd.proposals.values():
            if p is not None:
                part.cards[p.card][1] += 1
        for a in rnd.adopted:
            part.cards[a.card.id][2] += 1


def run_balance(deck: Deck, plan: BalancePlan, *,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None,
                workers: int | None = None) -> dict:
    """Play the plan and return the report (plain data: see report()). `progress(done,
    total)` is called after each batch; `cancelled()` is asked before each and, if it says
    so, the games stop and Cancelled is raised."""
    tasks = batches(plan)
    if workers is None:
        workers = max(1, min(os.cpu_count() or 1, len(tasks)))
    started = time.perf_counter()
    parts: dict[tuple, Part] = defaultdict(Part)
    done = 0
    if cancelled and cancelled():
        raise Cancelled(0, plan.games)
    results = shared_map(deck, _play_batch, tasks, workers)
    try:
        for key, part in results:
            parts[key].add(part)
            done += part.games
            if progress:
                progress(done, plan.games)
            if cancelled and cancelled() and done < plan.games:
                raise Cancelled(done, plan.games)
    finally:
        results.close()  # stops the workers at once when cancelled
    return report(deck, plan, parts, time.perf_counter() - started)


# ---- the report ------------------------------------------------------------------------------


def _rate(won: int, of: int) -> float | None:
    return round(won / of, 4) if of else None


def _win_rows(parts: dict[tuple, Part], index: int, values: tuple, names: dict) -> list[dict]:
    rows = []
    for value in values:
        total = Part()
        for key, part in parts.items():
            if key[index] == value:
                total.add(part)
        rows.append({"id": value, "name": names.get(value, str(value)), "games": total.games,
                     "won": total.won, "win_rate": _rate(total.won, total.decided)})
    return rows


def _distribution(counts: Counter) -> dict:
    n = sum(counts.values())
    values = sorted(counts)
    mean = sum(v * c for v, c in counts.items()) / n if n else 0.0
    return {"counts": [[v, counts[v]] for v in values], "mean": round(mean, 2),
            "min": values[0] if values else None, "max": values[-1] if values else None}


def card_flag(held: int, proposed: int, adopted: int) -> tuple[str | None, str]:
    """'dominant', 'dead' or None, with the reason in words."""
    if proposed >= MIN_PROPOSALS and adopted / proposed >= DOMINANT_ADOPTION:
        return "dominant", (f"adopted {adopted} of the {proposed} times it was proposed: "
                            "the table hardly ever decides against it")
    if held >= MIN_HELD and adopted / held < DEAD_ADOPTION:
        if proposed == 0:
            why = "never proposed: unaffordable, or never worth its cost"
        else:
            why = f"proposed {proposed} times but adopted {adopted}"
        return "dead", f"held in {held} hands; {why}"
    return None, ""


def report(deck: Deck, plan: BalancePlan, parts: dict[tuple, Part], seconds: float) -> dict:
    everything = Part()
    skilled = Part()
    for part in parts.values():
        everything.add(part)
    kinds_skilled = [b for b in plan.bots if b not in UNSKILLED] or list(plan.bots)
    for key, part in parts.items():
        if key[3] in kinds_skilled:
            skilled.add(part)
    difficulty_names: dict[str | None, str] = {
        None: "None (the deck's own settings)",
        **{d.id: d.name for d in deck.difficulties.values()}}
    cards = []
    for card in deck.interventions.values():
        held, proposed, adopted = skilled.cards.get(card.id, [0, 0, 0])
        flag, why = card_flag(held, proposed, adopted)
        cards.append({"id": card.id, "name": card.name, "held": held, "proposed": proposed,
                      "adopted": adopted, "proposal_rate": _rate(proposed, held),
                      "adoption_rate": _rate(adopted, proposed), "flag": flag, "why": why})
    return {
        "deck": deck.id, "deck_name": deck.name, "deck_version": deck.version,
        "plan": plan.as_dict(), "games": everything.games, "seconds": round(seconds, 2),
        "win_condition": deck.settings.win_text,
        "win_rate": _rate(everything.won, everything.decided),
        "by_scenario": [{**row, "win_condition": deck.settings_for(row["id"]).win_text}
                        for row in _win_rows(parts, 0, plan.scenarios,
                                             {s.id: s.name for s in deck.scenarios.values()})],
        "by_players": _win_rows(parts, 1, plan.players,
                                {p: f"{p} players" for p in plan.players}),
        "by_difficulty": _win_rows(parts, 2, plan.difficulties, difficulty_names),
        "by_bots": _win_rows(parts, 3, plan.bots, {}),
        "cards_from": kinds_skilled, "card_games": skilled.games,
        "cards": cards,
        "thresholds": {"dominant_adoption": DOMINANT_ADOPTION, "min_proposals": MIN_PROPOSALS,
                       "dead_adoption": DEAD_ADOPTION, "min_held": MIN_HELD},
        "criteria": [{"id": c.id, "name": c.name, **_distribution(everything.criteria[c.id])}
                     for c in deck.criteria.values()],
        "tracks": [{"id": t.id, "name": t.name, **_distribution(everything.tracks[t.id])}
                   for t in deck.tracks.values()],
        "total": _distribution(everything.totals),
    }
