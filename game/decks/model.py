"""A loaded, validated deck: plain frozen data the engine reads and never changes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from game.decks.cards import Intervention
from game.decks.lessons import Lesson
from game.decks.reflection import ReflectionQuestion
from game.decks.rules import Condition, Effect, Rule

# id, name, definition, and the question a player can ask of a plan to judge it.
DEFAULT_CRITERIA: tuple[tuple[str, str, str, str], ...] = (
    ("collective", "Collective",
     "Treats data as shaping groups and communities, not only one person's consent at a time.",
     "Does it treat the data as the concern of a whole group, not one person at a time?"),
    ("democratic", "Democratic",
     "Gives the people affected a fair and equal say, with decision makers answerable to them.",
     "Do the people affected get an equal say, and must those in charge answer to them?"),
    ("participatory", "Participatory",
     "Has affected people take an active part, at more than one stage.",
     "Do the people affected do the work themselves, at more than one stage?"),
    ("deliberative", "Deliberative",
     "Gives people information, time and a varied room to weigh trade-offs together.",
     "Do people get the facts, the time and each other's views before they decide?"),
    ("powerful", "Powerful",
     "Lets people's input change decisions: binding outcomes, oversight, a veto, resources.",
     "If they say no, does anything change?"),
)


@dataclass(frozen=True, slots=True)
class Criterion:
    """A criterion plans are scored on. `description` is its definition, shown wherever a
    rating, score or target appears; `question` (what to ask of a plan) and `example` (a plan
    that meets it) are optional teaching aids."""

    id: str
    name: str
    description: str
    question: str = ""
    example: str = ""


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Tag:
    id: str
    name: str
    description: str
    coach: str | None = None


@dataclass(frozen=True, slots=True)
class Track:
    id: str
    name: str
    description: str
    start: int
    min: int
    max: int


@dataclass(frozen=True, slots=True)
class Stage:
    id: str
    name: str
    prompt: str
    rules: tuple[Rule, ...]
    # What the stage is for, and the principles the table should keep to in it: optional
    # text, shown to players during its round and printed on its sheet.
    objective: str = ""
    principles: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    kind: str  # requirement | challenge | change
    name: str
    text: str
    severity: int
    stages: frozenset[str] | None
    effects: tuple[Effect, ...]
    rules: tuple[Rule, ...]
    # "start": drawn as the round starts, its rules scoring the round's adoptions with the
    # stage's; "after_scoring": drawn once the round is scored, its effects happening and its
    # rules scoring the same adoptions then (EVENT_WHEN in game/decks/sections.py).
    when: str = "start"


@dataclass(frozen=True, slots=True)
class Ability:
    name: str
    text: str
    phase: str | None
    effects: tuple[Effect, ...]


@dataclass(frozen=True, slots=True)
class Objective:
    text: str
    condition: Condition


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    description: str
    ability: Ability | None
    objective: Objective | None


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    name: str
    context: str
    affected: frozenset[str]
    tracks: dict[str, int]
    weights: dict[str, float]
    targets: dict[str, int]
    stages: tuple[str, ...]
    events: tuple[str, ...]
    rules: tuple[Rule, ...]
    # How much engaging each group counts: {group: {criterion: per cent of the card's
    # ratings}}, for the groups that do not count in full (game/decks/reach.py).
    reach: dict[str, dict[str, int]] = field(default_factory=dict)
    win: Condition | None = None  # this scenario's own win condition, instead of settings.win


@dataclass(frozen=True, slots=True)
class Difficulty:
    id: str
    name: str
    description: str
    tracks: dict[str, int]
    max_severity: int
    bots: str
    # In the discussion, how likely (in %) a bot is to back a proposal a teammate made the
    # case for, when the case is true of the card; and how often a bot breaks from the best
    # plan it sees to vote its own way, so the others' votes can decide.
    persuadable: int = 60
    disagree: int = 0  # off unless the deck asks: bots then vote as the best plan says


@dataclass(frozen=True, slots=True)
class Settings:
    seats_min: int = 3
    seats_max: int = 6
    hand_size: int = 4
    deal: str = "hidden"
    refill: str = "draw"
    discard: str = "adopted"
    decision: str = "majority"
    chair: str = "rotate"
    adopt_limit: int = 2
    budget_track: str | None = "budget"
    debt: bool = False
    events_per_round: int = 1
    events_after_scoring: int = 1  # of the `when: after_scoring` events, drawn each round
    base_scoring: str = "ratings"
    # "error": every card rates every criterion (so a forgotten one is caught); "zero": a card
    # may leave some or all out, rated 0 there, for decks that score few criteria by ratings.
    missing_ratings: str = "error"
    track_values: dict[str, float] = field(default_factory=dict)
    timers: dict[str, int] = field(
        default_factory=lambda: {"proposal": 120, "discussion": 180, "vote": 60})
    on_timeout: dict[str, str] = field(
        default_factory=lambda: {"proposal": "pass", "vote": "abstain"})
    win: Condition | None = None
    win_text: str = ""
    reach: dict[str, dict[str, int]] = field(default_factory=dict)  # every scenario's default


@dataclass(frozen=True, slots=True)
class Deck:
    id: str
    name: str
    description: str
    version: int
    path: str
    criteria: dict[str, Criterion]
    groups: dict[str, Group]
    tags: dict[str, Tag]
    tracks: dict[str, Track]
    settings: Settings
    stages: dict[str, Stage]
    interventions: dict[str, Intervention]
    events: dict[str, Event]
    roles: dict[str, Role]
    scenarios: dict[str, Scenario]
    difficulties: dict[str, Difficulty]
    lessons: tuple[Lesson, ...] = ()  # what the deck means to teach, as checks
    reflection: tuple[ReflectionQuestion, ...] = ()  # the author's own closing questions
    # Facts worked out from the deck while playing it (such as what adopting each card adds),
    # kept so they are worked out once. Never part of the deck's meaning.
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def settings_for(self, scenario: str) -> Settings:
        """The deck's settings as a table of `scenario` plays them: with the scenario's own
        win condition, when it has one."""
        win = self.scenarios[scenario].win
        if win is None:
            return self.settings
        return replace(self.settings, win=win, win_text=win.text)

    def rated_criteria(self) -> tuple[str, ...]:
        """The criteria a card shows its rating on: every one, unless the deck leaves ratings
        out (missing_ratings: zero), when a criterion no card rates is left off the cards."""
        if self.settings.missing_ratings != "zero":
            return tuple(self.criteria)
        return tuple(c for c in self.criteria
                     if any(card.ratings.get(c, 0) for card in self.interventions.values()))

    def summary(self) -> str:
        parts = [
            f"{len(self.criteria)} criteria", f"{len(self.groups)} groups",
            f"{len(self.tracks)} tracks", f"{len(self.stages)} stages",
            f"{len(self.interventions)} interventions", f"{len(self.events)} events",
            f"{len(self.roles)} roles", f"{len(self.scenarios)} scenarios",
        ]
        return ", ".join(parts)
