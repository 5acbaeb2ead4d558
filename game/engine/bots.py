"""Bots: players that look only at what their seat may do now and choose one action.

- random: any legal action, by the game's seed.
- greedy: the proposal and the plan that add most to the scenario's weighted score this round
  (criteria by the scenario's weights, tracks by the deck's `track_values`).
- objective: greedy, but leaning towards cards that serve its role's secret objective.

Each choice comes with a one-line reason a person can read, for solo practice.

Bots are the hot path of simulations (about 140 plan valuations per game), so they keep what
they work out in the round's cache, keyed by everything it depends on (`greedy.situation`),
and value plans with scoring.plan_worth rather than writing out every reason.
"""

from __future__ import annotations

from collections.abc import Callable

from game.decks.rules import Adoption
from game.engine import persuade
from game.engine.actions import action_types, legal_actions, step
from game.engine.chance import Chance
from game.engine.greedy import greedy_pick, option_values, situation
from game.engine.scoring import Plan, best_plan
from game.engine.state import GameState, adopt_limit, game_context, proposal_cost


class Choice:
    """A bot's action and its reason in words. The reason may be given as a function, so it
    is worked out only if someone reads it (simulations never do)."""

    __slots__ = ("_reason", "action")

    def __init__(self, action: dict, reason: str | Callable[[], str]):
        self.action = action
        self._reason = reason

    @property
    def reason(self) -> str:
        if not isinstance(self._reason, str):
            self._reason = self._reason()
        return self._reason

    def __repr__(self) -> str:
        return f"Choice({self.action!r}, {self.reason!r})"


def _rng(state: GameState, seat: int) -> Chance:
    return Chance(state.seed * 1_000_003 + state.version * 31 + seat + 17)


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
    rnd = state.rounds[-1]
    # Within a round proposals are only ever added, so their number says which they are.
    key = ("plan", situation(state), adopt_limit(state), len(rnd.proposals))
    hit = rnd.cache.get(key)
    if hit is None:
        options = [Adoption(state.deck.interventions[p.card], p.group, proposal_cost(state, s), s)
                   for s, p in rnd.proposals.items() if p is not None]
        values = option_values(state)
        hit = best_plan(values.rs, options, adopt_limit(state), state.budget_left(),
                        worth=values.worth, explain=False)
        rnd.cache[key] = hit
    return hit


def choose(state: GameState, seat: int, kind: str = "greedy") -> Choice | None:
    """The bot's next action for `seat`, or None when the seat has nothing to do now."""
    types = action_types(state, seat)
    return _choose(state, seat, kind, types) if types else None


def _choose(state: GameState, seat: int, kind: str, types: frozenset[str]) -> Choice | None:
    if kind == "random":
        choice = _choose_random(state, seat, legal_actions(state, seat))
        if choice.action["type"] == "vote" and state.difficulty is not None:
            approve, said = persuade.weigh(state, seat, choice.action["approve"])
            return Choice({**choice.action, "approve": approve}, " ".join([*said, "My choice."]))
        return choice
    phase = state.phase
    if "ability" in types and state.rounds[-1].number >= 2 and phase == "proposal":
        role = state.deck.roles[state.roles[seat]]  # type: ignore[index]
        return Choice({"type": "ability", "seat": seat},
                      f"I use {role.ability.name}: {role.ability.text}")  # type: ignore[union-attr]
    if "propose" in types or "pass" in types:
        bias = _objective_bias(state, seat) if kind == "objective" else None
        pick = greedy_pick(state, seat, bias)
        if pick is None:
            return Choice({"type": "pass", "seat": seat}, "Nothing I hold is worth its cost now.")
        card, group, values = pick

        def proposal_reason() -> str:
            reason = values.reason(state, card, group, seat)
            name = state.deck.interventions[card].name
            gname = state.deck.groups[group].name.lower()
            why = f": {reason[0].lower()}{reason[1:]}" if reason else ""
            return f"I propose {name} with {gname}{why}"

        return Choice({"type": "propose", "seat": seat, "card": card, "group": group},
                      proposal_reason)
    if "ready" in types:
        if phase == "discussion":  # say which proposals it will back, and why
            return Choice({"type": "ready", "seat": seat},
                          lambda: persuade.discussion_line(state, _planned(state, seat, kind)))
        return Choice({"type": "ready", "seat": seat}, "Ready.")
    if "vote" not in types and "decide" not in types:
        return None
    plan = _plan(state)
    names = ", ".join(state.deck.interventions[a.card.id].name for a in plan.adopted) or "nothing"
    if "decide" in types:
        plan_seats = [a.seat for a in plan.adopted]
        return Choice({"type": "decide", "seat": seat, "adopt": plan_seats},
                      f"As chair I adopt {names}.")
    if "vote" in types:
        # The discussion may have moved it: cases made for other proposals, or its own mind.
        approve, said = persuade.weigh(state, seat, _planned(state, seat, kind))
        backed = ", ".join(persuade.card_name(state, s) for s in approve) or "nothing"
        line = " ".join([*said, f"I back {backed}."]) if said else \
            f"I back {names}: the best this round for the budget."
        return Choice({"type": "vote", "seat": seat, "approve": approve}, line)
    return None


def _planned(state: GameState, seat: int, kind: str) -> list[int]:
    """The proposals a greedy or objective bot means to back: the best plan on the table, and
    for an objective bot also what serves its secret objective."""
    chosen = [a.seat for a in _plan(state).adopted if a.seat is not None]
    if kind == "objective":
        bias = _objective_bias(state, seat)
        if bias:
            for s, p in state.rounds[-1].proposals.items():
                if p is not None and s not in chosen and bias(p.card, p.group, s) > 0:
                    chosen.append(s)
    return sorted(set(chosen))


def _choose_random(state: GameState, seat: int, legal: list[dict]) -> Choice:
    rng = _rng(state, seat)
    proposals = [a for a in legal if a["type"] == "propose"]  # legal: all within the budget
    if proposals:
        a = rng.pick(proposals)
        name = state.deck.interventions[a["card"]].name
        return Choice(a, f"I propose {name} with {state.deck.groups[a['group']].name.lower()}.")
    non_ability = [a for a in legal if a["type"] != "ability"]
    if any(a["type"] == "ability" for a in legal) and (not non_ability or rng.random() < 0.15):
        return Choice({"type": "ability", "seat": seat}, "I use my ability.")
    a = rng.pick(non_ability or legal)
    return Choice(a, "Ready." if a["type"] == "ready" else "My choice.")


def play_bots(state: GameState, bots: dict[int, str], *, limit: int = 10_000,
              explain: bool = True) -> list[tuple]:
    """Let bot seats act until it is a person's turn (or the game ends), in place.
    Returns (seat, action, reason) for each bot action taken, in order (reason None when
    `explain` is False: simulations skip writing them)."""
    taken = []
    seats = list(bots.items())
    # A seat with nothing to do stays so until the phase changes: what it may do only
    # shrinks as the table acts (proposals, votes and readiness are only ever added, an
    # ability is used once), and a bot that lets a usable ability lie does so for the whole
    # phase. So within a phase such seats need not be asked again.
    idle: set[int] = set()
    phase = None
    for _ in range(limit):
        if phase != (len(state.rounds), state.phase):
            phase = (len(state.rounds), state.phase)
            idle.clear()
        for seat, kind in seats:
            if seat in idle:
                continue
            types = action_types(state, seat)
            choice = _choose(state, seat, kind, types) if types else None
            if choice is None:
                idle.add(seat)
                continue
            step(state, choice.action)
            taken.append((seat, choice.action, choice.reason if explain else None))
            break
        else:
            return taken
    raise RuntimeError("bots did not finish: a rule loop?")
