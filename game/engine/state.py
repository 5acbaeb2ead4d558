"""The state of one game and the facts of its current round that anyone may ask about.

Below the engine (which changes a state) and the heuristics that value a state's options
(game.engine.greedy), so both can read it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from game.decks.model import Deck, Difficulty, Scenario, Settings
from game.decks.rules import Adoption, Change, Context, RoundMods
from game.engine.scoring import RoundSetting, effective_cost


@dataclass(slots=True)
class Proposal:
    seat: int
    card: str
    group: str


@dataclass(slots=True)
class Round:
    number: int
    stage: str
    events: list[str]
    chair: int | None
    mods: RoundMods = field(default_factory=RoundMods)
    proposals: dict[int, Proposal | None] = field(default_factory=dict)
    ready: set[int] = field(default_factory=set)
    votes: dict[int, tuple[int, ...]] = field(default_factory=dict)
    decided: tuple[int, ...] | None = None
    adopted: list[Adoption] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (seat, why not adopted)
    changes: list[Change] = field(default_factory=list)
    abilities: list[int] = field(default_factory=list)  # seats that used theirs this round
    # The cases made in the discussion: seat -> (the proposal's seat, the criterion or track
    # it serves), which bots weigh when they vote (game/engine/persuade.py).
    cases: dict[int, tuple[int, str]] = field(default_factory=dict)
    # What the table held when it decided, for the coach's "best alternative".
    hands_at_decision: list[tuple[str, ...]] = field(default_factory=list)
    tracks_before: dict[str, int] = field(default_factory=dict)
    scores_before: dict[str, int] = field(default_factory=dict)
    cache: dict = field(default_factory=dict, compare=False)
    # The `when: after_scoring` events drawn once the round was scored (`events` are the
    # ones drawn as it started, whose rules the round's scoring and the coach count).
    later_events: list[str] = field(default_factory=list)

    def copy(self) -> Round:
        return Round(self.number, self.stage, list(self.events), self.chair,
                     copy_mods(self.mods),
                     dict(self.proposals), set(self.ready), dict(self.votes), self.decided,
                     list(self.adopted), list(self.refused), list(self.changes),
                     list(self.abilities), dict(self.cases), list(self.hands_at_decision),
                     dict(self.tracks_before), dict(self.scores_before), {},
                     list(self.later_events))


def copy_mods(mods: RoundMods) -> RoundMods:
    return RoundMods(list(mods.costs), mods.adopt_limit_change)


@dataclass(slots=True)
class GameState:
    deck: Deck
    scenario: Scenario
    settings: Settings
    difficulty: Difficulty | None
    seed: int
    seats: int
    roles: list[str | None]
    hands: list[list[str]]
    draw_pile: list[str]
    discard_pile: list[str]
    event_pile: list[str]
    tracks: dict[str, int]
    scores: dict[str, int]
    weights: dict[str, float]
    rounds: list[Round]  # finished rounds, then the current one last
    phase: str = "proposal"
    version: int = 0
    ability_used: list[bool] = field(default_factory=list)
    adopted_so_far: list[Adoption] = field(default_factory=list)
    opening: list[Change] = field(default_factory=list)  # changes before round 1 (none yet)
    skip_next_event: bool = False
    reshuffles: int = 0
    # Cost and adopt-limit changes made for the next round (by an event drawn after scoring,
    # or a rule's cost effect), which becomes its `mods` when it starts.
    carry: RoundMods = field(default_factory=RoundMods)

    @property
    def round(self) -> Round:
        return self.rounds[-1]

    def copy(self) -> GameState:
        rounds = list(self.rounds)
        rounds[-1] = rounds[-1].copy()
        return replace(
            self, roles=list(self.roles), hands=[list(h) for h in self.hands],
            draw_pile=list(self.draw_pile), discard_pile=list(self.discard_pile),
            event_pile=list(self.event_pile), tracks=dict(self.tracks),
            scores=dict(self.scores), rounds=rounds, ability_used=list(self.ability_used),
            adopted_so_far=list(self.adopted_so_far), carry=copy_mods(self.carry))

    def total(self) -> float:
        return sum(self.weights.get(c, 1.0) * v for c, v in self.scores.items())

    def budget_left(self) -> int | None:
        track = self.settings.budget_track
        if track is None or self.settings.debt:
            return None
        return self.tracks[track] - self.deck.tracks[track].min



def card_cost(state: GameState, card: str, group: str, seat: int | None = None) -> int:
    """What `card` costs this round when aimed at `group`, after events and abilities."""
    c = state.deck.interventions[card]
    base = c.reach[group]
    rnd = state.rounds[-1]
    mods = rnd.mods.costs
    if not mods:
        return base
    # A cost change's `where` looks at the card, its group and the scenario's affected groups
    # only, so one context serves the whole round.
    ctx = rnd.cache.get("cost_context")
    if ctx is None:
        ctx = rnd.cache["cost_context"] = Context(rnd.stage, (), (), {}, {}, state.weights,
                                                   state.scenario.affected)
    return effective_cost(base, Adoption(c, group, base, seat), mods, ctx)


def adopt_limit(state: GameState) -> int:
    return max(0, state.settings.adopt_limit + state.rounds[-1].mods.adopt_limit_change)



def proposal_cost(state: GameState, seat: int) -> int:
    p = state.rounds[-1].proposals[seat]
    assert p is not None
    return card_cost(state, p.card, p.group, seat)



def round_setting(state: GameState, rnd: Round | None = None) -> RoundSetting:
    """The fixed facts of a round, for scoring it (now, or again for the coach)."""
    rnd = rnd or state.rounds[-1]
    # A round's facts are frozen when it is resolved (hands_at_decision is set then, and
    # has one entry per seat); before that they are the table's current ones.
    current = rnd is state.rounds[-1] and not rnd.hands_at_decision
    if rnd is state.rounds[-1]:  # everything adopted so far, less this round's own
        earlier = state.adopted_so_far[:len(state.adopted_so_far) - len(rnd.adopted)]
    else:
        index = next(i for i, r in enumerate(state.rounds) if r is rnd)
        earlier = [a for r in state.rounds[:index] for a in r.adopted]
    return RoundSetting(
        state.deck, state.scenario, state.settings, state.weights, rnd.stage,
        tuple(state.deck.events[e] for e in rnd.events), rnd.number,
        dict(state.tracks) if current else dict(rnd.tracks_before),
        dict(state.scores) if current else dict(rnd.scores_before), earlier)



def game_context(state: GameState) -> Context:
    rnd = state.rounds[-1]
    return Context(rnd.stage, rnd.adopted, state.adopted_so_far, state.tracks, state.scores,
                   state.weights, state.scenario.affected)

