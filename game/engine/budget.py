"""What the budget can pay, before the vote: the one home of the rule that a proposal, and
each proposal a vote backs, must fit in the budget left. The actions refuse by it, bots and
legal actions keep to it, and the view tells the browser, so no page works it out itself.

The round's own order still decides at the vote (most votes first, until the budget or the
adopt limit runs out); this only stops a seat putting forward, or backing, a proposal that
could never be paid for, and says why at once, with the cost and what is left.
"""

from __future__ import annotations

from collections.abc import Sequence

from game.engine.state import GameState, card_cost, proposal_cost


def _names(state: GameState, seats: Sequence[int]) -> str:
    rnd = state.rounds[-1]
    names = [state.deck.interventions[p.card].name for s in seats
             if (p := rnd.proposals.get(s)) is not None]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def affordable(state: GameState, card: str, group: str, seat: int | None = None) -> bool:
    left = state.budget_left()
    return left is None or card_cost(state, card, group, seat) <= left


def proposal_refusal(state: GameState, seat: int, card: str, group: str) -> str | None:
    """Why the budget cannot pay for `card` aimed at `group`, or None if it can."""
    left = state.budget_left()
    if left is None:
        return None
    cost = card_cost(state, card, group, seat)
    if cost <= left:
        return None
    c = state.deck.interventions[card]
    return (f"{c.name} with {state.deck.groups[group].name.lower()} costs {cost} and the "
            f"budget has only {left} left: choose a cheaper card or group, or pass")


def backing_refusal(state: GameState, seats: Sequence[int]) -> str | None:
    """Why the budget cannot pay for a proposal among `seats` a vote backs, or None.

    Each backed proposal must be payable on its own. Backing several that cannot all be paid
    together stays allowed: the vote's order (most votes first) then decides which fit, and
    the result says which were refused for their cost."""
    left = state.budget_left()
    if left is None:
        return None
    over = [s for s in seats if proposal_cost(state, s) > left]
    if not over:
        return None
    costs = " and ".join(str(proposal_cost(state, s)) for s in over)
    return (f"{_names(state, over)} {'costs' if len(over) == 1 else 'cost'} {costs} and the "
            f"budget has only {left} left, so it could never be paid for: back something else")


def hand_over_budget(state: GameState, seat: int) -> dict[str, list[str]]:
    """For the view: each card in the seat's hand, the groups the budget cannot pay for."""
    out: dict[str, list[str]] = {}
    for card in dict.fromkeys(state.hands[seat]):
        over = [g for g in state.deck.interventions[card].reach
                if not affordable(state, card, g, seat)]
        if over:
            out[card] = over
    return out
