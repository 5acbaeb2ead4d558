"""What a deck's rules are made of once read, and what they look at in play: conditions,
amounts, effects, rules, and the adoptions, context and changes of a round.

The words a deck writes its rules in, and how each is read, tested and put in words, are the
registries in game/decks/vocabulary.py and game/decks/effectwords.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.decks.cards import Intervention


@dataclass(slots=True)
class Adoption:
    """One intervention the table adopted (or might adopt), aimed at one group."""

    card: Intervention
    group: str
    cost: int
    seat: int | None = None


@dataclass(slots=True)
class Context:
    """What a condition may look at while a round is scored or a game is judged."""

    stage: str
    adopted: Sequence[Adoption]  # this round
    game_adopted: Sequence[Adoption]  # every round so far, this one included
    tracks: dict[str, int]
    scores: dict[str, int]
    weights: dict[str, float]
    affected: frozenset[str]

    def total(self) -> float:
        return sum(self.weights.get(c, 1.0) * v for c, v in self.scores.items())


Test = Callable[[Context, Adoption | None], bool]


@dataclass(frozen=True, slots=True)
class Compare:
    at_least: int | None = None
    at_most: int | None = None
    above: int | None = None
    below: int | None = None

    def test(self, value: float) -> bool:
        return not (
            (self.at_least is not None and value < self.at_least)
            or (self.at_most is not None and value > self.at_most)
            or (self.above is not None and value <= self.above)
            or (self.below is not None and value >= self.below)
        )

    def words(self) -> str:
        parts = []
        for name in ("at_least", "at_most", "above", "below"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name.replace('_', ' ')} {value}")
        return " and ".join(parts)


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed condition: `test` decides, `text` explains, `about_card` says whether it needs
    one intervention to look at (only allowed where there is one)."""

    test: Test
    text: str
    about_card: bool
    # Intervention-level pieces, kept so bots can tell which cards serve an objective.
    card_tests: tuple[Test, ...] = ()
    # What it looks at besides the adoptions of this round, their cards and groups and the
    # scenario: "scores" (score, total), "tracks" (track), "game" (counts over the whole
    # game). When no rule of a round reads anything, scoring.plan_worth can value a single
    # adoption from a trace kept from earlier games.
    reads: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Amount:
    """A fixed number, or (in per-adopted rules) the card's stars on one or more criteria,
    taking the highest, multiplied by `times`."""

    value: int = 0
    ratings: tuple[str, ...] = ()
    times: int = 1

    def of(self, a: Adoption | None) -> int:
        if not self.ratings:
            return self.value
        if a is None:
            return 0
        return self.times * max(a.card.ratings.get(c, 0) for c in self.ratings)

    def words(self) -> str:
        if not self.ratings:
            return f"{self.value:+d}"
        stars = " or ".join(self.ratings)
        each = f"{self.times} per" if self.times != 1 else "1 per"
        return f"{each} {stars} star"


@dataclass(frozen=True, slots=True)
class Effect:
    """One effect. `kind` is one of: add, cost, draw, discard, adopt_limit, skip_event,
    redraw_event. Only the fields that kind uses are set."""

    kind: str
    adds: tuple[tuple[str, Amount], ...] = ()
    change: int = 0
    where: Condition | None = None
    text: str = ""
    # A cost or adopt-limit change made once the round is scored (in a rule's `then`, or by
    # an event drawn after the scoring): it is the next round's.
    next_round: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    why: str
    per: str  # "adopted" or "round"
    condition: Condition | None
    adds: tuple[tuple[str, Amount], ...]
    source: str = ""  # "stage planning", "event budget-cut", ...
    # Cost changes for the next round, made each time the rule holds (Effect.next_round).
    costs: tuple[Effect, ...] = ()


def plain_words(per: str, condition: Condition | None,
                adds: tuple[tuple[str, Amount], ...], costs: tuple[Effect, ...] = ()) -> str:
    """A rule in plain words, from what it does: a rule's `why` when the deck gives none, and
    what the studio's rule editor shows of the rule being built."""
    unit = "each adopted intervention" if per == "adopted" else "this round"
    when = f" when {condition.text}" if condition else ""
    said = []
    if adds:
        said.append(", ".join(f"{a.words()} {t}" for t, a in adds) + f" for {unit}{when}")
    if costs:
        # The condition is about this round's adoptions; the change is to every card's cost
        # in the next round (or only those its own `where` names), once each time it holds.
        head = f"for {unit}{when}: " if per == "adopted" else \
            (f"if {condition.text}: " if condition else "")
        said.append(f"{head}next round, " + " and ".join(_cost_words(e) for e in costs))
    return "; ".join(said)


def _cost_words(effect: Effect) -> str:
    more = f"{abs(effect.change)} {'more' if effect.change > 0 else 'less'}"
    where = f" when {effect.where.text}" if effect.where else ""
    return f"each intervention costs {more}{where}"


@dataclass(slots=True)
class Change:
    """One movement of one criterion or track, with the reason a player reads."""

    target: str
    amount: int
    why: str
    source: str = ""
    card: str | None = None
    round: int = 0

    def as_dict(self) -> dict:
        return {"target": self.target, "amount": self.amount, "why": self.why,
                "source": self.source, "card": self.card, "round": self.round}


@dataclass(slots=True)
class CostMod:
    change: int
    where: Condition | None
    why: str


@dataclass(slots=True)
class RoundMods:
    """Changes to the round's own rules made by event effects and abilities."""

    costs: list[CostMod] = field(default_factory=list)
    adopt_limit_change: int = 0
