"""The discussion as a mechanic: a player says they are ready and backs a proposal with a
reason (a criterion or a track it serves); bots say which proposals they back and why, weigh
the cases made, and sometimes break from each other, so that a person's vote and argument
can change what the table adopts.

How persuadable bots are and how often they break ranks is the difficulty's `persuadable`
and `disagree` (per cent). Without a difficulty (a workshop table, a simulation) bots are
never swayed and never break ranks, so their play is as it always was. Every roll comes from
the game's seed, the round and the seats, so a replayed log gives the same votes.
"""

from __future__ import annotations

from game.decks.rules import Adoption
from game.engine.budget import backing_refusal
from game.engine.chance import Chance
from game.engine.scoring import score_round
from game.engine.state import GameState, proposal_cost, round_setting
from game.errors import GameError

SERVES_CRITERION = 3  # a card serves a criterion when the round adds at least this to it


def reasons(state: GameState) -> list[str]:
    """What a case can say a proposal serves: each criterion, and each track but the budget."""
    return [*state.deck.criteria,
            *(t for t in state.deck.tracks if t != state.settings.budget_track)]


def reason_name(state: GameState, reason: str) -> str:
    deck = state.deck
    item = deck.criteria.get(reason) or deck.tracks.get(reason)
    return item.name if item else reason


def check_case(state: GameState, seat: int, action: dict) -> None:
    """Refuse (GameError) a case in a `ready` action that cannot be made."""
    if "back" not in action and "reason" not in action:
        return
    if state.phase != "discussion":
        raise GameError("wrong_phase", "a case for a proposal is made in the discussion phase")
    back, reason = action.get("back"), action.get("reason")
    rnd = state.rounds[-1]
    if isinstance(back, bool) or not isinstance(back, int) or rnd.proposals.get(back) is None:
        raise GameError("bad_proposal", "'back' must be the seat number of a proposal on the "
                        "table")
    allowed = reasons(state)
    if reason not in allowed:
        raise GameError("bad_reason", "'reason' must be a criterion or track the proposal "
                        "serves: " + ", ".join(allowed))


def record_case(state: GameState, seat: int, action: dict) -> None:
    if "back" in action:
        state.rounds[-1].cases[seat] = (action["back"], action["reason"])


def _alone(state: GameState, proposer: int) -> dict[str, int]:
    """What one proposal would add on its own this round, per criterion and track."""
    p = state.rounds[-1].proposals[proposer]
    assert p is not None
    card = state.deck.interventions[p.card]
    out: dict[str, int] = {}
    for c in score_round(round_setting(state), [Adoption(card, p.group,
                                                        proposal_cost(state, proposer),
                                                        proposer)]):
        out[c.target] = out.get(c.target, 0) + c.amount
    return out


def serves(state: GameState, proposer: int, reason: str) -> tuple[bool, int]:
    """Whether the proposal really serves `reason`, and by how much it moves it alone."""
    amount = _alone(state, proposer).get(reason, 0)
    need = SERVES_CRITERION if reason in state.deck.criteria else 1
    return amount >= need, amount


def _roll(state: GameState, *keys: int) -> float:
    seed = state.seed * 7_919 + state.rounds[-1].number * 104_729
    for k in keys:
        seed = seed * 31 + k + 1
    return Chance(seed).random()


def card_name(state: GameState, proposer: int) -> str:
    p = state.rounds[-1].proposals[proposer]
    return state.deck.interventions[p.card].name if p else "nothing"


def discussion_line(state: GameState, planned: list[int]) -> str:
    """What a bot says in the discussion: which proposals it backs and what each does most."""
    if not planned:
        return "I see nothing here worth its cost: I will back none of it."
    parts = []
    for s in planned:
        moved = _alone(state, s)
        crits = {t: a * state.weights.get(t, 1.0) for t, a in moved.items()
                 if t in state.deck.criteria}
        best = max(crits, key=lambda t: crits[t], default=None)
        parts.append(f"{card_name(state, s)}" + (
            f" for {state.deck.criteria[best].name} ({crits[best]:+g} points)"
            if best and crits[best] > 0 else ""))
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"I will back {listed}: the most this round for the budget."


def weigh(state: GameState, seat: int, planned: list[int]) -> tuple[list[int], list[str]]:
    """A bot's vote after the discussion: its planned proposals, less one if it breaks ranks,
    plus those it was persuaded to back. Returns the seats it backs and what it says."""
    level = state.difficulty
    approve = list(planned)
    said: list[str] = []
    if level is None:
        return approve, said
    if len(approve) > 1 and _roll(state, seat, 1) * 100 < level.disagree:
        dropped = approve.pop()
        said.append(f"I break from the others on {card_name(state, dropped)}: I will not back it.")
    for maker, (proposer, reason) in sorted(state.rounds[-1].cases.items()):
        if maker == seat or proposer in approve:
            continue
        name, what = card_name(state, proposer), reason_name(state, reason)
        ok, amount = serves(state, proposer, reason)
        if not ok:
            said.append(f"The case that {name} serves {what} does not hold "
                        f"({amount:+d} on its own): I will not back it.")
        elif backing_refusal(state, [proposer]):
            said.append(f"{name} would serve {what}, but the budget cannot pay for it.")
        elif _roll(state, seat, 2, maker, proposer) * 100 < level.persuadable:
            approve.append(proposer)
            said.append(f"The case convinced me: {name} does serve {what} "
                        f"({amount:+d} on its own), so I back it too.")
        else:
            said.append(f"{name} does serve {what}, but I still prefer my own plan.")
    return sorted(approve), said
