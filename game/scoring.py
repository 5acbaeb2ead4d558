"""How one round's adopted interventions move the criteria and tracks, with a reason for
every point; and the search for the best plan a table could have adopted.

Pure functions of their arguments: the engine uses them to play, the bots to choose, and
the coach to compare what was done with what could have been.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from game.deck import Deck, Event, Scenario, Settings
from game.rules import Adoption, Change, Context, CostMod, Rule


@dataclass(slots=True)
class RoundSetting:
    """Everything fixed about a round while the table decides: the scoring needs only this
    and the adopted set."""

    deck: Deck
    scenario: Scenario
    settings: Settings
    weights: dict[str, float]
    stage: str
    events: tuple[Event, ...]
    number: int
    tracks: dict[str, int]  # values before this round's adoptions
    scores: dict[str, int]
    earlier: Sequence[Adoption]  # adopted in earlier rounds

    def rules(self) -> Iterable[Rule]:
        yield from self.deck.stages[self.stage].rules
        for event in self.events:
            yield from event.rules
        yield from self.scenario.rules


def effective_cost(base: int, adoption: Adoption, mods: Sequence[CostMod],
                   ctx: Context | None = None) -> int:
    cost = base
    for mod in mods:
        if mod.where is None or mod.where.test(ctx, adoption):  # type: ignore[arg-type]
            cost += mod.change
    return max(0, cost)


def clamp_add(deck: Deck, settings: Settings, values: dict[str, int], target: str,
              amount: int) -> tuple[int, str]:
    """Add `amount` to a track, keeping it within its bounds. Returns what really moved and
    a note when a bound stopped it. Criteria have no bounds."""
    track = deck.tracks.get(target)
    old = values.get(target, 0)
    if track is None:
        values[target] = old + amount
        return amount, ""
    low = None if (settings.debt and target == settings.budget_track) else track.min
    new = old + amount
    note = ""
    if new > track.max:
        new, note = track.max, f" (stopped at its maximum, {track.max})"
    elif low is not None and new < low:
        new, note = low, f" (stopped at its minimum, {low})"
    values[target] = new
    return new - old, note


def score_round(rs: RoundSetting, adopted: Sequence[Adoption]) -> list[Change]:
    """The changes adopting `adopted` in this round makes, in the order they happen."""
    deck, settings = rs.deck, rs.settings
    tracks = dict(rs.tracks)
    scores = dict(rs.scores)
    changes: list[Change] = []
    n = rs.number

    def add(target: str, amount: int, why: str, source: str, card: str | None) -> None:
        if target in deck.tracks:
            amount, note = clamp_add(deck, settings, tracks, target, amount)
            why += note
        else:
            scores[target] = scores.get(target, 0) + amount
        changes.append(Change(target, amount, why, source, card, n))

    budget = settings.budget_track
    for a in adopted:
        card = a.card
        group = deck.groups[a.group].name
        if budget and a.cost:
            add(budget, -a.cost, f"Paid {a.cost} for {card.name} with {group}", "cost", card.id)
        if settings.base_scoring == "ratings":
            for crit, stars in card.ratings.items():
                if stars:
                    add(crit, stars, f"{card.name} is rated {stars} for "
                        f"{deck.criteria[crit].name.lower()}", "rating", card.id)
        for track, amount in card.tracks.items():
            add(track, amount, f"{card.name} moves {deck.tracks[track].name.lower()}",
                "intervention", card.id)

    ctx = Context(rs.stage, adopted, [*rs.earlier, *adopted], tracks, scores, rs.weights,
                  rs.scenario.affected)
    for rule in rs.rules():
        if rule.per == "round":
            if rule.condition is None or rule.condition.test(ctx, None):
                for target, amount in rule.adds:
                    add(target, amount.of(None), rule.why, rule.source, None)
            continue
        for a in adopted:
            if rule.condition is None or rule.condition.test(ctx, a):
                for target, amount in rule.adds:
                    value = amount.of(a)
                    if value:
                        add(target, value, f"{rule.why} ({a.card.name})", rule.source, a.card.id)
    return changes


def change_value(changes: Iterable[Change], weights: dict[str, float],
                 track_values: dict[str, float]) -> float:
    """What a set of changes is worth, in weighted criterion points."""
    total = 0.0
    for c in changes:
        if c.target in track_values:
            total += track_values[c.target] * c.amount
        else:
            total += weights.get(c.target, 0.0) * c.amount
    return total


@dataclass(slots=True)
class Plan:
    adopted: tuple[Adoption, ...]
    value: float
    changes: list[Change]


def plan_value(rs: RoundSetting, adopted: Sequence[Adoption]) -> tuple[float, list[Change]]:
    changes = score_round(rs, adopted)
    return change_value(changes, rs.weights, rs.settings.track_values), changes


def best_plan(rs: RoundSetting, options: Sequence[Adoption], limit: int, budget: int | None,
              *, distinct_seats: bool = False) -> Plan:
    """Try every set of up to `limit` options that fits the budget; return the most valuable.
    Ties go to the cheaper plan, then to the earlier options. With `distinct_seats`, a plan
    takes at most one option per seat (the real table adopts one proposal per seat)."""
    # Identical (card, group, cost, seat) options are interchangeable: try each once.
    seen: set[tuple] = set()
    unique: list[Adoption] = []
    for o in options:
        key = (o.card.id, o.group, o.cost, o.seat if distinct_seats else None)
        if key not in seen:
            seen.add(key)
            unique.append(o)
    empty_value, empty_changes = plan_value(rs, ())
    best = Plan((), empty_value, empty_changes)
    best_cost = 0
    for size in range(1, min(limit, len(unique)) + 1):
        for combo in combinations(unique, size):
            cost = sum(a.cost for a in combo)
            if budget is not None and cost > budget:
                continue
            if distinct_seats and len({a.seat for a in combo}) < size:
                continue
            if size > 1 and len({a.card.id for a in combo}) < size and not _copies_allow(combo):
                continue
            value, changes = plan_value(rs, combo)
            if value > best.value + 1e-9 or (abs(value - best.value) <= 1e-9 and cost < best_cost):
                best, best_cost = Plan(combo, value, changes), cost
    return best


def _copies_allow(combo: Sequence[Adoption]) -> bool:
    """The same card twice in one plan needs two copies of it, held by different seats."""
    by_card: dict[str, set] = {}
    for a in combo:
        by_card.setdefault(a.card.id, set()).add(a.seat)
    return all(len(seats) == sum(1 for a in combo if a.card.id == c)
               for c, seats in by_card.items())
