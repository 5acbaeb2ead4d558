"""How one round's adopted interventions move the criteria and tracks, with a reason for
every point; and the search for the best plan a table could have adopted.

Pure functions of their arguments: the engine uses them to play, the bots to choose, and
the coach to compare what was done with what could have been.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from game.decks.cards import Intervention
from game.decks.model import Deck, Event, Scenario, Settings
from game.decks.reach import share_of
from game.decks.rules import Adoption, Change, Context, CostMod, Rule


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
    # What plan_worth needs, worked out once per setting (see _prepare).
    prepared: tuple | None = field(default=None, compare=False, repr=False)

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


def score_round(rs: RoundSetting, adopted: Sequence[Adoption],
                costs: list[CostMod] | None = None) -> list[Change]:
    """The changes adopting `adopted` in this round makes, in the order they happen. The cost
    changes its rules make for the next round are added to `costs`, when given."""
    deck, settings = rs.deck, rs.settings
    tracks = dict(rs.tracks)
    scores = dict(rs.scores)
    changes: list[Change] = []
    n = rs.number
    deck_tracks = deck.tracks

    def add(target: str, amount: int, why: str, source: str, card: str | None) -> None:
        if target in deck_tracks:
            amount, note = clamp_add(deck, settings, tracks, target, amount)
            why += note
        else:
            scores[target] = scores.get(target, 0) + amount
        changes.append(Change(target, amount, why, source, card, n))

    budget = settings.budget_track
    ratings = settings.base_scoring == "ratings"
    for a in adopted:
        card = a.card
        if budget and a.cost:
            group = deck.groups[a.group].name
            add(budget, -a.cost, f"Paid {a.cost} for {card.name} with {group}", "cost", card.id)
        shares = rs.scenario.reach.get(a.group)
        for target, amount, why, source in _card_reasons(deck, card, ratings, a.group, shares):
            add(target, amount, why, source, card.id)

    ctx = Context(rs.stage, adopted, [*rs.earlier, *adopted], tracks, scores, rs.weights,
                  rs.scenario.affected)
    apply_rules(rs.rules(), ctx, add, costs)
    return changes


Add = Callable[[str, int, str, str, "str | None"], None]


def apply_rules(rules: Iterable[Rule], ctx: Context, add: Add,
                costs: list[CostMod] | None = None) -> None:
    """Score `rules` on the adoptions of `ctx`: `add(target, amount, why, source, card)` for
    each addition, in order. `ctx`'s tracks and scores are the ones `add` changes, so a rule
    sees what the rules before it added. The round's scoring, and an event drawn after it.
    Each time a rule with cost effects holds, they go to `costs` (the next round's)."""
    for rule in rules:
        if rule.per == "round":
            if rule.condition is None or rule.condition.test(ctx, None):
                for target, rated in rule.adds:
                    add(target, rated.of(None), rule.why, rule.source, None)
                if costs is not None:
                    costs.extend(CostMod(e.change, e.where, rule.why) for e in rule.costs)
            continue
        for a in ctx.adopted:
            if rule.condition is None or rule.condition.test(ctx, a):
                for target, rated in rule.adds:
                    value = rated.of(a)
                    if value:
                        add(target, value, f"{rule.why} ({a.card.name})", rule.source, a.card.id)
                if costs is not None:
                    costs.extend(CostMod(e.change, e.where, f"{rule.why} ({a.card.name})")
                                 for e in rule.costs)


def _card_reasons(deck: Deck, card: Intervention, ratings: bool, group: str = "",
                  shares: dict[str, int] | None = None) -> tuple[tuple[str, int, str, str], ...]:
    """What adopting `card` adds besides its cost, with the reasons: its ratings (when the
    deck scores them, each counted at the share the scenario gives the group it reaches) and
    its track moves. The same for every game of the deck, so kept."""
    memo = deck.derived.setdefault("card_reasons", {})
    key = (card.id, ratings, group if shares else "", _shares_key(shares))
    out = memo.get(key)
    if out is None:
        items = []
        if ratings:
            for crit, stars in card.ratings.items():
                share = shares.get(crit, 100) if shares else 100
                points = share_of(stars, share)
                if points:
                    why = f"{card.name} is rated {stars} for {deck.criteria[crit].name.lower()}"
                    if share != 100:
                        why += (f"; engaging {deck.groups[group].name.lower()} counts "
                                f"{share}% of it")
                    items.append((crit, points, why, "rating"))
        for track, amount in card.tracks.items():
            items.append((track, amount, f"{card.name} moves {deck.tracks[track].name.lower()}",
                          "intervention"))
        out = memo[key] = tuple(items)
    return out


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


def _prepare(rs: RoundSetting) -> tuple:
    """What plan_worth needs to know about a round. It depends only on the round's rules (its
    stage, events and scenario), the weights and the deck's settings, so it is worked out
    once for each such combination and kept with the deck."""
    settings = rs.settings
    key = ("prepared", rs.scenario.id, rs.stage, tuple(e.id for e in rs.events),
           tuple(rs.weights.items()), tuple(settings.track_values.items()),
           settings.budget_track, settings.debt, settings.base_scoring)
    prepared = rs.deck.derived.get(key)
    if prepared is None:
        prepared = rs.deck.derived[key] = _work_out(rs)
    rs.prepared = prepared
    return prepared


def _work_out(rs: RoundSetting) -> tuple:
    settings = rs.settings
    track_values, weights = settings.track_values, rs.weights
    debt_track = settings.budget_track if settings.debt else None
    # For each target: its bounds (None for criteria, which have none; a low of None for a
    # budget that may go into debt) and what one point of it is worth, as change_value counts.
    info: dict[str, tuple[int | None, int | None, float]] = {
        c: (None, None, track_values[c] if c in track_values else weights.get(c, 0.0))
        for c in rs.deck.criteria}
    for t, track in rs.deck.tracks.items():
        info[t] = (None if t == debt_track else track.min, track.max,
                   track_values[t] if t in track_values else weights.get(t, 0.0))
    rules = []
    for rule in rs.rules():
        fixed = all(not amount.ratings for _, amount in rule.adds)
        rules.append((rule.per == "round", rule.condition.test if rule.condition else None,
                      tuple((t, amount.of(None)) for t, amount in rule.adds) if fixed else None,
                      rule.adds))
    # When every point is worth a whole number, every sum is a whole number too and floats
    # add whole numbers exactly, in any order. Then, if no rule of the round looks at the
    # scores, a card's criteria can be added in one go and the scores need not be kept.
    whole = all(float(w).is_integer() and abs(w) <= 1 << 20 for _, _, w in info.values())
    reads = frozenset().union(*(r.condition.reads for r in rs.rules() if r.condition))
    lump = whole and "scores" not in reads
    memo_key: tuple = ("card_adds", settings.budget_track, settings.base_scoring)
    if lump:
        memo_key += tuple(sorted((c, info[c][2]) for c in rs.deck.criteria))
    memo = rs.deck.derived.setdefault(memo_key, {})
    # When no rule reads anything but the adoptions themselves, what a single adoption adds
    # depends only on the round's rules and the adoption: keep those additions (a trace) for
    # every later game of the deck. The stage, the events and the scenario fix the rules (and
    # the weights); the deck's settings fix the rest.
    traces = None
    if not reads:
        traces = rs.deck.derived.setdefault(
            ("traces", settings.budget_track, settings.base_scoring, lump,
             rs.scenario.id, rs.stage, tuple(e.id for e in rs.events)), {})
    return (info, tuple(rules), memo, settings.budget_track,
            settings.base_scoring == "ratings", lump, traces)


def _trace(rs: RoundSetting, adopted: Sequence[Adoption]) -> tuple[float, tuple]:
    """What adopting one adoption (or none) adds in a round whose rules read nothing else, in
    order: the criteria points (summed, in lump mode) and the additions still to be made.
    Tracks are left out of the context, since no rule reads them."""
    info, rules, _, budget, ratings, lump, _ = rs.prepared or _prepare(rs)
    a = adopted[0] if adopted else None
    seq = list(_card_adds(a.card, a.cost, budget, ratings,
                          rs.scenario.reach.get(a.group))) if a else []
    ctx = Context(rs.stage, adopted, list(adopted), {}, {}, rs.weights, rs.scenario.affected)
    for per_round, test, fixed, rule_adds in rules:
        if not per_round and a is None:
            continue
        x = None if per_round else a
        if test is None or test(ctx, x):
            adds = fixed if fixed is not None else [(t, n.of(x)) for t, n in rule_adds]
            # An addition of nothing changes nothing, and is worth nothing.
            seq.extend((t, n) for t, n in adds if n)
    if lump:
        return (sum(info[t][2] * n for t, n in seq if info[t][1] is None),
                tuple((t, n) for t, n in seq if info[t][1] is not None))
    return 0.0, tuple(seq)


def _shares_key(shares: dict[str, int] | None) -> tuple:
    return tuple(sorted(shares.items())) if shares else ()


def _card_adds(card: Intervention, cost: int, budget: str | None, ratings: bool,
               shares: dict[str, int] | None = None) -> tuple[tuple[str, int], ...]:
    """The additions adopting `card` at `cost` makes before any rule, in score_round's order
    (ratings counted at the `shares` of the group it reaches, as score_round counts them)."""
    out = []
    if budget and cost:
        out.append((budget, -cost))
    if ratings:
        for crit, stars in card.ratings.items():
            points = share_of(stars, shares.get(crit, 100)) if shares else stars
            if points:
                out.append((crit, points))
    out.extend(card.tracks.items())
    return tuple(out)


def single_worth(rs: RoundSetting, card: Intervention, group: str, cost: int,
                 seat: int | None = None) -> float:
    """`plan_worth(rs, [Adoption(card, group, cost, seat)])`, without making the adoption when
    a trace of it is kept already."""
    prepared = rs.prepared or _prepare(rs)
    traces = prepared[6]
    if traces is None:
        return plan_worth(rs, (Adoption(card, group, cost, seat),))
    trace = traces.get((card.id, group, cost))
    if trace is None:
        trace = traces[card.id, group, cost] = _trace(rs, (Adoption(card, group, cost, seat),))
    return _replay(rs, prepared[0], trace)


def _replay(rs: RoundSetting, info: dict, trace: tuple) -> float:
    """What a trace is worth from this round's tracks: its criteria points, then its track
    additions one by one, each stopped at the track's bounds."""
    total, adds = trace
    total += 0.0  # a float even when the trace holds a whole number, as change_value gives
    tracks = dict(rs.tracks)
    for target, amount in adds:
        low, high, weight = info[target]
        if high is not None:
            old = tracks[target]
            new = old + amount
            if new > high:
                new = high
            elif low is not None and new < low:
                new = low
            tracks[target] = new
            amount = new - old
        total += weight * amount
    return total


def _bounded(value: int, low: int | None, high: int) -> int:
    """A track's value kept within its bounds (no lower bound when the deck allows debt)."""
    if value > high:
        return high
    return low if low is not None and value < low else value


def plan_worth(rs: RoundSetting, adopted: Sequence[Adoption]) -> float:
    """`change_value(score_round(rs, adopted), ...)` without writing the reasons: the same
    additions, clamped the same way and summed in the same order, so the same number to the
    last bit. Bots and the plan search call this thousands of times a game."""
    info, rules, memo, budget, ratings, lump, traces = rs.prepared or _prepare(rs)
    if traces is not None and len(adopted) <= 1:
        if adopted:
            a = adopted[0]
            key: tuple = (a.card.id, a.group, a.cost)
        else:
            key = ()
        trace = traces.get(key)
        if trace is None:
            trace = traces[key] = _trace(rs, adopted)
        return _replay(rs, info, trace)
    tracks = dict(rs.tracks)
    # In lump mode no rule looks at the scores: leave them as they were (and unchanged).
    scores = rs.scores if lump else dict(rs.scores)
    total = 0.0
    adds: Any  # (criteria worth, track moves) when lumped, else [(target, amount), ...]
    reach = rs.scenario.reach
    for a in adopted:
        shares = reach.get(a.group)
        key = (a.card.id, a.cost, _shares_key(shares))
        adds = memo.get(key)
        if adds is None:
            adds = _card_adds(a.card, a.cost, budget, ratings, shares)
            if lump:  # (criteria worth in one number, the track moves in order)
                adds = (sum(info[t][2] * n for t, n in adds if info[t][1] is None),
                        tuple((t, n) for t, n in adds if info[t][1] is not None))
            memo[key] = adds
        if lump:
            total += adds[0]
            adds = adds[1]
        for target, amount in adds:
            low, high, weight = info[target]
            if high is None:
                scores[target] = scores.get(target, 0) + amount
            else:
                old = tracks.get(target, 0)
                tracks[target] = new = _bounded(old + amount, low, high)
                amount = new - old
            total += weight * amount
    ctx = Context(rs.stage, adopted, [*rs.earlier, *adopted], tracks, scores, rs.weights,
                  rs.scenario.affected)
    for per_round, test, fixed, rule_adds in rules:
        for each in (None,) if per_round else adopted:
            if test is not None and not test(ctx, each):
                continue
            adds = fixed if fixed is not None else [(t, n.of(each)) for t, n in rule_adds]
            for target, amount in adds:
                if not amount and not per_round:
                    continue  # score_round skips nothing-adds of per-adopted rules
                low, high, weight = info[target]
                if high is None:
                    if not lump:
                        scores[target] = scores.get(target, 0) + amount
                else:
                    old = tracks.get(target, 0)
                    tracks[target] = new = _bounded(old + amount, low, high)
                    amount = new - old
                total += weight * amount
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
              *, distinct_seats: bool = False,
              worth: Callable[[Sequence[Adoption]], float] | None = None,
              explain: bool = True) -> Plan:
    """Try every set of up to `limit` options that fits the budget; return the most valuable.
    Ties go to the cheaper plan, then to the earlier options. With `distinct_seats`, a plan
    takes at most one option per seat (the real table adopts one proposal per seat).

    `worth` values a plan (default: plan_worth on `rs`; a caller may pass a memoised one).
    With `explain` False the plan comes without its changes, which saves scoring it again."""
    worth = worth or (lambda adopted: plan_worth(rs, adopted))
    # Identical (card, group, cost, seat) options are interchangeable: try each once.
    seen: set[tuple] = set()
    unique: list[Adoption] = []
    for o in options:
        key = (o.card.id, o.group, o.cost, o.seat if distinct_seats else None)
        if key not in seen:
            seen.add(key)
            unique.append(o)
    best_adopted: tuple[Adoption, ...] = ()
    best_value = worth(())
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
            value = worth(combo)
            if value > best_value + 1e-9 or (abs(value - best_value) <= 1e-9 and cost < best_cost):
                best_adopted, best_value, best_cost = combo, value, cost
    return Plan(best_adopted, best_value, score_round(rs, best_adopted) if explain else [])


def _copies_allow(combo: Sequence[Adoption]) -> bool:
    """The same card twice in one plan needs two copies of it, held by different seats."""
    by_card: dict[str, set] = {}
    for a in combo:
        by_card.setdefault(a.card.id, set()).add(a.seat)
    return all(len(seats) == sum(1 for a in combo if a.card.id == c)
               for c, seats in by_card.items())
