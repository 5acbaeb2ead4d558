"""The coach: for a decided round, the best plan the table could have adopted instead, and
what it would have changed, in plain words.

"Could have adopted" means: one card per seat, from the hands the seats held when the table
decided (`Round.hands_at_decision`), aimed at any group the card reaches, at the costs of that
round (its events and abilities included), within the budget left then and the round's adopt
limit. "Best" means worth most in the scenario's terms: criteria by their weights, tracks by the
deck's `track_values` (the same measure the greedy bots use). The search is exhaustive
(`scoring.best_plan`), so the best plan is never worse than what the table did.

The words speak the players' one scoring language: "points" are what a plan adds to the
weighted total they see on every screen; tracks are named on their own, and when the ranking
also counted them (`track_values`) the summary says how much each was worth.

Pure, like the engine: it reads the state and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from game.decks.rules import Adoption, Change, Context
from game.engine.actions import GameState, Round, round_setting
from game.engine.scoring import best_plan, effective_cost, plan_value

EPSILON = 1e-9


def decision_options(state: GameState, rnd: Round) -> list[Adoption]:
    """Every (card, group) each seat could have put forward when the table decided, at the
    round's costs. Duplicate cards in one hand are offered once."""
    deck = state.deck
    # A cost change's `where` looks at the card, its group and the scenario's affected groups.
    ctx = Context(rnd.stage, (), (), rnd.tracks_before, rnd.scores_before, state.weights,
                  state.scenario.affected)
    options = []
    for seat, hand in enumerate(rnd.hands_at_decision):
        for ident in dict.fromkeys(hand):
            card = deck.interventions[ident]
            for group, base in card.reach.items():
                cost = effective_cost(base, Adoption(card, group, base, seat), rnd.mods.costs,
                                      ctx)
                options.append(Adoption(card, group, cost, seat))
    return options


def round_limits(state: GameState, rnd: Round) -> tuple[int, int | None]:
    """The adopt limit of the round and the budget left when it was decided (None: no limit,
    because the deck has no budget track or allows debt)."""
    settings = state.settings
    limit = max(0, settings.adopt_limit + rnd.mods.adopt_limit_change)
    track = settings.budget_track
    if track is None or settings.debt:
        return limit, None
    return limit, rnd.tracks_before[track] - state.deck.tracks[track].min


def best_alternative(state: GameState, round_index: int) -> dict:
    """The best plan for `state.rounds[round_index]` against what the table adopted.

    Returns a dict with:
    - `chosen` and `best`: each a plan (seat, card, group and cost of each adoption), its
      cost, its value, its totals per criterion and track, and its changes with their reasons;
    - `same`: the table's plan was as good as the best found (then `best` is the table's plan);
    - `gain`: best value minus chosen value (never negative);
    - `by_target`: per criterion and track, best minus chosen, only where they differ;
    - `summary`: all of it in plain words;
    - `plan`, `value` and `changes`: the best plan's, at the top level for the browser.
    """
    if not 0 <= round_index < len(state.rounds):
        raise IndexError(f"there is no round {round_index + 1}")
    rnd = state.rounds[round_index]
    if not rnd.hands_at_decision:
        raise ValueError(f"round {rnd.number} has not been decided yet")
    rs = round_setting(state, rnd)
    limit, budget = round_limits(state, rnd)
    chosen_value, chosen_changes = plan_value(rs, rnd.adopted)
    best = best_plan(rs, decision_options(state, rnd), limit, budget, distinct_seats=True)
    same = best.value <= chosen_value + EPSILON
    if same:  # the table's own plan is the best known (it may differ only in order or ties)
        best_adopted, best_value, best_changes = list(rnd.adopted), chosen_value, chosen_changes
    else:
        best_adopted, best_value, best_changes = list(best.adopted), best.value, best.changes
    chosen = _plan(state, rnd.adopted, chosen_value, chosen_changes)
    better = _plan(state, best_adopted, best_value, best_changes)
    by_target = {t: better["totals"].get(t, 0) - chosen["totals"].get(t, 0)
                 for t in (*state.deck.criteria, *state.deck.tracks)}
    by_target = {t: d for t, d in by_target.items() if d}
    out = {
        "round": rnd.number,
        "stage": rnd.stage,
        "points_gain": round(better["points"] - chosen["points"], 6),
        "adopt_limit": limit,
        "budget": budget,
        "chosen": chosen,
        "best": better,
        "same": same,
        "gain": round(max(0.0, best_value - chosen_value), 6),
        "by_target": by_target,
        "plan": better["plan"],
        "value": better["value"],
        "changes": better["changes"],
    }
    out["summary"] = _summary(state, rnd, out)
    return out


def alternatives(state: GameState) -> list[dict]:
    """`best_alternative` for every round the table has decided, in order."""
    return [best_alternative(state, i) for i, r in enumerate(state.rounds)
            if r.hands_at_decision]


# ---- words ---------------------------------------------------------------------------------


def _plan(state: GameState, adopted: Sequence[Adoption], value: float,
          changes: list[Change]) -> dict:
    totals: dict[str, int] = {}
    for c in changes:
        totals[c.target] = totals.get(c.target, 0) + c.amount
    points = sum(state.weights.get(t, 1.0) * v for t, v in totals.items()
                 if t in state.deck.criteria)
    return {
        "plan": [{"seat": a.seat, "card": a.card.id, "name": a.card.name, "group": a.group,
                  "group_name": state.deck.groups[a.group].name, "cost": a.cost}
                 for a in adopted],
        "cost": sum(a.cost for a in adopted),
        "value": round(value, 6),
        "points": round(points, 6),
        "totals": {t: v for t, v in totals.items() if v},
        "changes": [c.as_dict() for c in changes],
    }


def _plan_words(plan: dict) -> str:
    if not plan["plan"]:
        return "nothing"
    # No seat numbers: the page names whose card each was, by name, beside the summary.
    parts = [f"{p['name']} with {p['group_name'].lower()} (cost {p['cost']})"
             for p in plan["plan"]]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _number(value: float) -> str:
    return f"{value:g}"


def _points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


def _difference_words(state: GameState, difference: dict[str, int]) -> str:
    deck = state.deck
    parts = []
    for target, d in difference.items():
        more = f"{abs(d)} {'more' if d > 0 else 'less'}"
        if target in deck.criteria:
            weight = state.weights.get(target, 1.0)
            times = f", \u00d7{_number(weight)}" if weight != 1 else ""
            parts.append(f"{more} {deck.criteria[target].name.lower()} "
                         f"({_signed_points(d * weight)}{times})")
        else:
            parts.append(f"{more} {deck.tracks[target].name.lower()}")
    return "; ".join(parts)


def _signed_points(value: float) -> str:
    return ("+" if value > 0 else "") + _points(value)


def _ranking_words(state: GameState, difference: dict[str, int]) -> str:
    """When tracks moved the ranking, say by how much, so the points still add up."""
    valued = [(state.deck.tracks[t].name.lower(), state.settings.track_values[t])
              for t in difference if t in state.deck.tracks and state.settings.track_values.get(t)]
    if not valued:
        return ""
    each = ", ".join(f"each point of {name} like {_points(worth)}" for name, worth in valued)
    return f" To rank plans the coach also counts the tracks the table needs: {each}."


def _summary(state: GameState, rnd: Round, out: dict) -> str:
    stage = state.deck.stages[rnd.stage].name
    chosen, best = out["chosen"], out["best"]
    budget = "no budget limit" if out["budget"] is None else f"{out['budget']} budget left"
    head = (f"Round {rnd.number} ({stage}): with {budget} and room for "
            f"{out['adopt_limit']} adoption{'s' if out['adopt_limit'] != 1 else ''}, ")
    adds = f"adding {_points(chosen['points'])} to the weighted total"
    if out["same"]:
        return (head + f"the table adopted {_plan_words(chosen)}, {adds}. That is the best "
                "plan the cards in the table's hands allowed.")
    gain = out["points_gain"]
    than = (f"{_number(abs(gain))} more" if gain > 0 else f"{_number(abs(gain))} fewer"
            if gain < 0 else "the same")
    text = (head + f"the table adopted {_plan_words(chosen)}, {adds}. The best plan the "
            f"cards in its hands allowed was {_plan_words(best)}, adding "
            f"{_points(best['points'])}: {than}.")
    if out["by_target"]:
        text += f" It would have meant {_difference_words(state, out['by_target'])}."
        text += _ranking_words(state, out["by_target"])
    return text
