"""The settings a deck sets and a facilitator may change for one table: their choices,
bounds and plain words, in one home. The loader checks a deck's `settings` against them, the
server checks a facilitator's table options against them, and the new-table form is drawn
from them."""

from __future__ import annotations

from dataclasses import dataclass

from game.decks.model import Deck, Difficulty
from game.errors import GameError

# The phases a player acts in: each may be timed, and a role's ability may be kept to one.
TIMED_PHASES = ("proposal", "discussion", "vote")
BOT_KINDS = ("random", "greedy", "objective")


@dataclass(frozen=True)
class Option:
    """One setting. A choice has `choices` (value, what the form says); a number has bounds."""

    name: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    low: int = 0
    high: int = 0

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices)


HAND_SIZE = Option("hand_size", "Cards in each hand", low=1, high=10)
ADOPT_LIMIT = Option("adopt_limit", "Most proposals adopted per round", low=1, high=8)
SEATS = Option("seats", "Seats at the table", low=1, high=8)
EVENTS_PER_ROUND = Option("events_per_round", "Events drawn each round", low=0, high=3)
EVENTS_AFTER_SCORING = Option("events_after_scoring", "After-scoring events drawn each round",
                              low=0, high=3)
TIMER = Option("timers", "Timers, in seconds (0 for no timer)", low=0, high=3600)
DEAL = Option("deal", "Hands", (("hidden", "Each sees only their own"),
                                ("open", "Everyone sees all hands")))
DISCARD = Option("discard", "After each round, discard", (("adopted", "Adopted cards only"),
                                                         ("proposed", "Every proposed card")))
DECISION = Option("decision", "How the table decides", (
    ("majority", "Majority: most say yes"), ("consensus", "Consensus: all say yes"),
    ("chair", "Chair: one person decides")))
REFILL = Option("refill", "Hands after each round", (("draw", "Drawn back up"),
                                                     ("none", "Not refilled")))
MISSING_RATINGS = Option("missing_ratings", "A card with no rating on a criterion", (
    ("error", "Is a mistake to fix"), ("zero", "Is rated 0 there")))
BASE_SCORING = Option("base_scoring", "Criteria scores", (("ratings", "From cards' ratings"),
                                                           ("none", "Only from rules")))
BOTS = Option("bots", "Seats nobody takes when you start", (
    ("none", "Stay empty"), ("greedy", "Get a bot that plays to win"),
    ("objective", "Get a bot that chases its role's objective"),
    ("random", "Get a bot that picks at random")))
assert set(BOTS.values) == {"none", *BOT_KINDS}

# Settings a facilitator may change for one table without editing the deck, which the
# engine plays (bots and difficulty are the server's: who sits where, and how they play).
TABLE_OPTIONS = ("hand_size", "deal", "discard", "decision", "chair", "adopt_limit", "timers")
ALLOWED = (*TABLE_OPTIONS, "bots", "difficulty")
_CHOICES = {o.name: o for o in (DEAL, DISCARD, DECISION, BOTS)}
_WHOLE = {o.name: o for o in (HAND_SIZE, ADOPT_LIMIT)}


def _refuse(message: str) -> GameError:
    return GameError("bad_options", message)


def whole(value: object, low: int, high: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high


def check_table_options(deck: Deck, raw: object) -> dict:
    """Check a facilitator's table options against the deck; return the clean set."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _refuse("options must be an object")
    out: dict = {}
    for key, value in raw.items():
        if key not in ALLOWED:
            raise _refuse(f"unknown option {key!r}; options are: " + ", ".join(ALLOWED))
        if key in _CHOICES:
            if value not in _CHOICES[key].values:
                raise _refuse(f"option {key} must be one of: " + ", ".join(_CHOICES[key].values))
        elif key in _WHOLE:
            o = _WHOLE[key]
            if not whole(value, o.low, o.high):
                raise _refuse(f"option {key} must be a whole number from {o.low} to {o.high}")
        elif key == "chair":
            if value not in ("rotate", "learner") and value not in deck.roles:
                raise _refuse("option chair must be 'rotate', 'learner' (the first seat) or a "
                              "role id")
        elif key == "difficulty":
            if value not in deck.difficulties:
                raise _refuse("difficulty must be one of: " + ", ".join(deck.difficulties))
        elif key == "timers":
            if not isinstance(value, dict) or set(value) - set(TIMED_PHASES):
                raise _refuse("timers must look like {\"proposal\": 120, \"discussion\": 180, "
                              "\"vote\": 60}")
            for phase, seconds in value.items():
                if not whole(seconds, TIMER.low, TIMER.high):
                    raise _refuse(f"timer for {phase} must be {TIMER.low} to {TIMER.high} "
                                  "seconds (0: no timer)")
        out[key] = value
    if out.get("hand_size", deck.settings.hand_size) * deck.settings.seats_max > sum(
            c.copies for c in deck.interventions.values()):
        raise _refuse("that hand size needs more cards than the deck has")
    return out


def bot_kind(chosen: object, difficulty: Difficulty | None) -> str:
    """Which bots play: the facilitator's choice, else the difficulty's, else greedy ones."""
    if chosen in BOT_KINDS:
        return str(chosen)
    return difficulty.bots if difficulty else "greedy"


def engine_options(options: dict) -> dict:
    """The part of a table's options that changes the game's settings."""
    return {k: v for k, v in options.items() if k in TABLE_OPTIONS}
