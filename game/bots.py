"""Bots: players that look only at the legal actions and choose one.

- random: any legal action, by the game's seed.
- greedy: the proposal and the plan that add most to the scenario's weighted score this round
  (criteria by the scenario's weights, tracks by the deck's `track_values`).
- objective: greedy, but leaning towards cards that serve its role's secret objective.

Each choice comes with a one-line reason a person can read, for solo practice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from game.engine import (
    GameState,
    _proposal_cost,
    adopt_limit,
    card_cost,
    game_context,
    legal_actions,
    round_setting,
)
from game.rules import Adoption
from game.scoring import Plan, best_plan, change_value, score_round

BOT_KINDS = ("random", "greedy", "objective")


@dataclass(slots=True)
class Choice:
    action: dict
    reason: str


def _rng(state: GameState, seat: int) -> random.Random:
    return random.Random(state.seed * 1_000_003 + state.version * 31 + seat + 17)


def _option_value(state: GameState, card: str, group: str, seat: int) -> tuple[float, str]:
    """What adopting this one option alone would add this round, and its best reason."""
    rnd = state.round
    key = ("solo", card, group, len(rnd.mods.costs), len(rnd.changes))
    hit = rnd.cache.get(key)
    if hit is not None:
        return hit
    rs = round_setting(state)
    base = rnd.cache.get(("base", len(rnd.changes)))
    if base is None:
        base = change_value(score_round(rs, ()), state.weights, state.settings.track_values)
        rnd.cache[("base", len(rnd.changes))] = base
    c = state.deck.interventions[card]
    changes = score_round(rs, (Adoption(c, group, card_cost(state, card, group, seat), seat),))
    value = change_value(changes, state.weights, state.settings.track_values) - base
    reason = _best_reason(state, changes)
    rnd.cache[key] = (value, reason)
    return value, reason


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


def _affordable(state: GameState, card: str, group: str, seat: int) -> bool:
    budget = state.budget_left()
    return budget is None or card_cost(state, card, group, seat) <= budget


def greedy_proposal(state: GameState, seat: int, bias=None) -> tuple[str, str, str] | None:
    """The (card, group, reason) a greedy player would propose, or None to pass."""
    best = None
    best_value = 0.0
    for card in dict.fromkeys(state.hands[seat]):
        for group in state.deck.interventions[card].reach:
            if not _affordable(state, card, group, seat):
                continue
            value, reason = _option_value(state, card, group, seat)
            if bias:
                value += bias(card, group, seat)
            if best is None or value > best_value + 1e-9:
                best, best_value = (card, group, reason), value
    return best


def _objective_bias(state: GameState, seat: int):
    role = state.deck.roles.get(state.roles[seat] or "")
    if not role or not role.objective or not role.objective.condition.card_tests:
        return None
    tests = role.objective.condition.card_tests
    ctx = game_context(state)
    bonus = 2.0 * max(state.weights.values())

    def bias(card: str, group: str, s: int) -> float:
        c = state.deck.interventions[card]
        a = Adoption(c, group, c.reach[group], s)
        return bonus if any(t(ctx, a) for t in tests) else 0.0

    return bias


def _plan(state: GameState) -> Plan:
    rnd = state.round
    key = ("plan", len(rnd.changes), len(rnd.mods.costs))
    hit = rnd.cache.get(key)
    if hit is None:
        options = [Adoption(state.deck.interventions[p.card], p.group, _proposal_cost(state, s), s)
                   for s, p in rnd.proposals.items() if p is not None]
        hit = best_plan(round_setting(state), options, adopt_limit(state), state.budget_left())
        rnd.cache[key] = hit
    return hit


def choose(state: GameState, seat: int, kind: str = "greedy") -> Choice | None:
    """The bot's next action for `seat`, or None when the seat has nothing to do now."""
    legal = legal_actions(state, seat)
    if not legal:
        return None
    if kind == "random":
        return _choose_random(state, seat, legal)
    phase = state.phase
    if any(a["type"] == "ability" for a in legal) and state.round.number >= 2 \
            and phase == "proposal":
        role = state.deck.roles[state.roles[seat]]  # type: ignore[index]
        return Choice({"type": "ability", "seat": seat},
                      f"I use {role.ability.name}: {role.ability.text}")  # type: ignore[union-attr]
    types = {a["type"] for a in legal}
    if "propose" in types or "pass" in types:
        bias = _objective_bias(state, seat) if kind == "objective" else None
        pick = greedy_proposal(state, seat, bias)
        if pick is None:
            return Choice({"type": "pass", "seat": seat}, "Nothing I hold is worth its cost now.")
        card, group, reason = pick
        name = state.deck.interventions[card].name
        gname = state.deck.groups[group].name.lower()
        why = f": {reason[0].lower()}{reason[1:]}" if reason else ""
        return Choice({"type": "propose", "seat": seat, "card": card, "group": group},
                      f"I propose {name} with {gname}{why}")
    if "ready" in types:
        return Choice({"type": "ready", "seat": seat}, "Ready.")
    plan = _plan(state)
    chosen = [a.seat for a in plan.adopted]
    if kind == "objective":
        bias = _objective_bias(state, seat)
        if bias:
            for s, p in state.round.proposals.items():
                if p is not None and s not in chosen and bias(p.card, p.group, s) > 0:
                    chosen.append(s)
    names = ", ".join(state.deck.interventions[a.card.id].name for a in plan.adopted) or "nothing"
    if "decide" in types:
        plan_seats = [a.seat for a in plan.adopted]
        return Choice({"type": "decide", "seat": seat, "adopt": plan_seats},
                      f"As chair I adopt {names}.")
    if "vote" in types:
        return Choice({"type": "vote", "seat": seat, "approve": sorted(set(chosen))},
                      f"I back {names}: the best this round for the budget.")
    return None


def _choose_random(state: GameState, seat: int, legal: list[dict]) -> Choice:
    rng = _rng(state, seat)
    proposals = [a for a in legal if a["type"] == "propose"
                 and _affordable(state, a["card"], a["group"], seat)]
    if proposals:
        a = rng.choice(proposals)
        name = state.deck.interventions[a["card"]].name
        return Choice(a, f"I propose {name} with {state.deck.groups[a['group']].name.lower()}.")
    non_ability = [a for a in legal if a["type"] != "ability"]
    if any(a["type"] == "ability" for a in legal) and (not non_ability or rng.random() < 0.15):
        return Choice({"type": "ability", "seat": seat}, "I use my ability.")
    a = rng.choice(non_ability or legal)
    return Choice(a, "Ready." if a["type"] == "ready" else "My choice.")


def play_bots(state: GameState, bots: dict[int, str], *, limit: int = 10_000) -> list[tuple]:
    """Let bot seats act until it is a person's turn (or the game ends), in place.
    Returns (seat, action, reason) for each bot action taken, in order."""
    from game.engine import step

    taken = []
    for _ in range(limit):
        moved = False
        for seat, kind in bots.items():
            choice = choose(state, seat, kind)
            if choice is not None:
                step(state, choice.action)
                taken.append((seat, choice.action, choice.reason))
                moved = True
                break
        if not moved:
            return taken
    raise RuntimeError("bots did not finish: a rule loop?")
