"""The greedy pick: the affordable option in a seat's hand that adds most on its own this
round, with the reason it scores.

The engine fills a missing proposal with it when a deck says `on_timeout: best`, and the
greedy and objective bots propose with it, so it lives below both.

It is the bots' hot path (about 140 plan valuations per simulated game), so what it works out
is kept in the round's cache, keyed by everything it depends on (`situation`).
"""

from __future__ import annotations

from collections.abc import Sequence

from game.decks.rules import Adoption
from game.engine.scoring import plan_worth, score_round, single_worth
from game.engine.state import GameState, card_cost, round_setting


def situation(state: GameState) -> tuple:
    """What the value of an option this round depends on besides the option itself: the
    changes so far (tracks and scores move only through them), the cost changes and the
    events in play."""
    rnd = state.rounds[-1]
    return (len(rnd.changes), len(rnd.mods.costs), tuple(rnd.events))


class OptionValues:
    """What options are worth in one situation of one round: the bots ask again and again,
    seat after seat, so every answer is kept (in the round's cache) until the situation
    changes."""

    __slots__ = ("base", "costs", "key", "reasons", "rs", "single", "solo")

    def __init__(self, state: GameState, key: tuple):
        self.key = key
        self.rs = round_setting(state)
        self.base = plan_worth(self.rs, ())
        self.costs: dict[tuple[str, str], int] = {}
        self.solo: dict[tuple[str, str], float] = {}  # worth alone, minus base
        self.single: dict[tuple[str, str], float] = {}  # worth alone
        self.reasons: dict[tuple[str, str], str] = {}

    def cost(self, state: GameState, card: str, group: str) -> int:
        key = (card, group)
        cost = self.costs.get(key)
        if cost is None:
            if state.rounds[-1].mods.costs:
                cost = card_cost(state, card, group)
            else:
                cost = state.deck.interventions[card].reach[group]
            self.costs[key] = cost
        return cost

    def adoption(self, state: GameState, card: str, group: str, seat: int) -> Adoption:
        return Adoption(state.deck.interventions[card], group, self.cost(state, card, group),
                        seat)

    def worth(self, adopted: Sequence[Adoption]) -> float:
        """plan_worth in this situation, reusing what value() has already worked out."""
        if not adopted:
            return self.base
        if len(adopted) == 1:
            a = adopted[0]
            key = (a.card.id, a.group)
            worth = self.single.get(key)
            if worth is not None and self.costs[key] == a.cost:
                return worth
        return plan_worth(self.rs, adopted)

    def reason(self, state: GameState, card: str, group: str, seat: int) -> str:
        """The weightiest reason this option scores, in the deck's words."""
        key = (card, group)
        reason = self.reasons.get(key)
        if reason is None:
            changes = score_round(self.rs, (self.adoption(state, card, group, seat),))
            reason = self.reasons[key] = _best_reason(state, changes)
        return reason


def option_values(state: GameState) -> OptionValues:
    cache = state.rounds[-1].cache
    key = situation(state)
    values = cache.get("values")
    if values is None or values.key != key:
        values = cache["values"] = OptionValues(state, key)
    return values


def _best_reason(state: GameState, changes) -> str:
    best, best_value = "", 0.0
    for ch in changes:
        if ch.source == "cost":
            continue
        w = state.settings.track_values.get(ch.target, state.weights.get(ch.target, 0.0))
        v = w * ch.amount * (1.5 if ch.source not in ("rating", "intervention") else 1.0)
        if v > best_value:
            best, best_value = ch.why, v
    return best


def greedy_proposal(state: GameState, seat: int, bias=None) -> tuple[str, str, str] | None:
    """The (card, group, reason) a greedy player would propose, or None to pass: the
    affordable option that adds most on its own this round (plus `bias`)."""
    pick = greedy_pick(state, seat, bias)
    if pick is None:
        return None
    card, group, values = pick
    return card, group, values.reason(state, card, group, seat)


def greedy_pick(state: GameState, seat: int, bias=None) -> tuple[str, str, OptionValues] | None:
    """greedy_proposal without its reason: (card, group, the values that chose them)."""
    values = option_values(state)
    budget = state.budget_left()
    interventions = state.deck.interventions
    costs, solo, single = values.costs, values.solo, values.single
    rs, base = values.rs, values.base
    mods = state.rounds[-1].mods.costs
    best = None
    best_value = 0.0
    # What values.cost() does, and what adopting one option alone adds, spelt out: this loop is the
    # greedy bots' inner loop.
    options = state.deck.derived.get("options")
    if options is None:  # each card's (card, group) keys, made once per deck
        options = state.deck.derived["options"] = {
            c.id: tuple((c.id, g) for g in c.reach) for c in interventions.values()}
    for card in dict.fromkeys(state.hands[seat]):
        for key in options[card]:
            group = key[1]
            cost = costs.get(key)
            if cost is None:
                cost = costs[key] = card_cost(state, card, group) if mods else \
                    interventions[card].reach[group]
            if budget is not None and cost > budget:
                continue
            value = solo.get(key)
            if value is None:
                worth = single[key] = single_worth(rs, interventions[card], group, cost, seat)
                value = solo[key] = worth - base
            if bias:
                value += bias(card, group, seat)
            if best is None or value > best_value + 1e-9:
                best, best_value = key, value
    return None if best is None else (best[0], best[1], values)
