"""The deck's effect words: what a rule's `then`, an event's `effects` and an ability may do,
in one registry beside the condition words (game/decks/vocabulary.py).

For each word: where a deck may use it, how its value is read (each mistake reported with file
and line), its short words (shown with an event) and its sentence on a printed card. The
loader reads effects only through `effects` below; docs/decks.md's Effects table is checked
against EFFECTS (tests/test_vocabulary_docs.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from game.decks.fields import DeckFields, suggest
from game.decks.rules import Amount, Effect
from game.decks.vocabulary import condition
from game.decks.yamlfile import Map, Seq

# Where an effect can stand, with the words docs/decks.md uses for each place.
EFFECT_PLACES: dict[str, str] = {
    "rule": "rules",  # a rule's `then`
    "event": "event effects",
    "ability": "abilities",
}
# Where an amount may be the adopted card's stars: with one intervention (CONDITION_PLACES).
STAR_PLACES = frozenset({"card"})
AMOUNT, TIMES = (-50, 50), (-10, 10)  # (low, high) of an add's amount; of a rating's times
EFFECT_BOUNDS = {"add": AMOUNT, "cost": (-10, 10), "draw": (1, 5), "discard": (1, 5),
                 "adopt_limit": (-5, 5)}


@dataclass(frozen=True, slots=True)
class EffectWord:
    """One effect word. `parse` reads the deck's value into an Effect (None after reporting a
    mistake); `text` is its short words, shown with an event; `printed` its sentence on a
    printed card, given whether it belongs to one seat's ability and its additions in words."""

    name: str
    places: frozenset[str]  # keys of EFFECT_PLACES
    parse: Callable[[DeckFields, str, object, Map, str, bool], Effect | None]
    text: Callable[[Effect], str]
    printed: Callable[[Effect, bool, str], str]
    takes: str  # the kind of value, for the studio's rule editor (game/decks/rulebuilder.py)


# ---- effects --------------------------------------------------------------------------------


def amount(r: DeckFields, value: object, node: Map, key: str, what: str,
           per_adopted: bool) -> Amount | None:
    """A number to add: a whole number, or (in per-adopted rules) the card's stars."""
    if isinstance(value, int) and not isinstance(value, bool):
        low, high = AMOUNT
        if not low <= value <= high:
            r.error(node, key, f"{what}: amount {value} is out of range {low} to {high}")
            return None
        return Amount(value=value)
    if isinstance(value, Map):
        r.keys(value, ("rating", "times"), ("rating",), f"{what} amount")
        if not per_adopted:
            r.error(node, key, f"{what}: an amount from a rating needs one intervention "
                    "to look at: use it in a rule with 'per: adopted'")
            return None
        rating = value.get("rating")
        names = [rating] if isinstance(rating, str) else rating
        if not isinstance(names, list) or not names:
            r.error(value, "rating", f"{what}: 'rating' must name a criterion or a list")
            return None
        good = [c for c in names if r.ref(c, value, "rating", "criteria", what, r.criteria)]
        times = r.int_value(value.get("times", 1), value, "times", what, *TIMES)
        return Amount(ratings=tuple(good), times=times) if good else None
    r.error(node, key, f"{what}: amount must be a whole number or {{rating: criterion}}, "
            f"not {value!r}")
    return None


def _add(r: DeckFields, kind: str, value: object, node: Map, what: str,
         per_adopted: bool) -> Effect | None:
    if not isinstance(value, Map) or not value:
        r.error(node, kind, f"{what}: 'add' must look like {{trust: 2, powerful: 1}}")
        return None
    adds = []
    for target, given in value.items():
        if target not in r.criteria and target not in r.tracks:
            options = (*r.criteria, *r.tracks)
            r.error(value, target, f"{what}: cannot add to {target!r}: not a criterion or "
                    f"track{suggest(target, options)}")
            continue
        parsed = amount(r, given, value, target, what, per_adopted)
        if parsed:
            adds.append((target, parsed))
    return Effect("add", adds=tuple(adds))


def _cost(r: DeckFields, kind: str, value: object, node: Map, what: str,
          per_adopted: bool) -> Effect | None:
    if not isinstance(value, Map):
        r.error(node, kind, f"{what}: 'cost' must look like {{change: -1}} or "
                "{change: 1, where: {tag: research}}")
        return None
    r.keys(value, ("change", "where"), ("change",), f"{what} cost")
    change = r.int_value(value.get("change", 0), value, "change", f"{what} cost",
                         *EFFECT_BOUNDS["cost"])
    where = (condition(r, value["where"], value, "where", "where", f"{what} cost")
             if "where" in value else None)
    return Effect("cost", change=change, where=where)


def _cards(r: DeckFields, kind: str, value: object, node: Map, what: str,
           per_adopted: bool) -> Effect | None:
    return Effect(kind, change=r.int_value(value, node, kind, what, *EFFECT_BOUNDS[kind]))


def _adopt_limit(r: DeckFields, kind: str, value: object, node: Map, what: str,
                 per_adopted: bool) -> Effect | None:
    if not isinstance(value, Map):
        r.error(node, kind, f"{what}: 'adopt_limit' must look like {{change: 1}}")
        return None
    r.keys(value, ("change",), ("change",), f"{what} adopt_limit")
    return Effect(kind, change=r.int_value(value.get("change", 0), value, "change", what,
                                           *EFFECT_BOUNDS[kind]))


def _flag(r: DeckFields, kind: str, value: object, node: Map, what: str,
          per_adopted: bool) -> Effect | None:
    if value is not True:
        r.error(node, kind, f"{what}: '{kind}' takes the value true")
        return None
    return Effect(kind)


def _cost_printed(e: Effect, one_seat: bool, gain: str) -> str:
    more = f"{abs(e.change)} more" if e.change > 0 else f"{abs(e.change)} less"
    when = f" when {e.where.text}" if e.where else ""
    span = "Next round" if e.next_round else "For the rest of this round"
    return f"{span}, an intervention costs {more}{when}."


def _cost_text(e: Effect) -> str:
    return ("next round " if e.next_round else "") + f"costs {e.change:+d}" + (
        f" when {e.where.text}" if e.where else "")


def _n_cards(n: int) -> str:
    return f"{n} card" + ("" if n == 1 else "s")


def _limit_printed(e: Effect, one_seat: bool, gain: str) -> str:
    n = e.change
    count = f"{abs(n)} " + ("more" if n > 0 else "fewer")
    noun = "intervention" if abs(n) == 1 else "interventions"
    span = "Next round" if e.next_round else "This round"
    return f"{span}, {count} {noun} than usual may be adopted."


_ANYWHERE = frozenset(EFFECT_PLACES)
_PLAY = frozenset({"event", "ability"})

# The effect words, in the order the loader has always listed them.
EFFECTS: dict[str, EffectWord] = {w.name: w for w in (
    EffectWord("add", _ANYWHERE, _add,
               lambda e: ", ".join(f"{a.words()} {t}" for t, a in e.adds),
               lambda e, one_seat, gain: f"{gain}.", takes="adds"),
    # In a rule, the round is scored once it is paid: its cost changes are the next round's.
    EffectWord("cost", _ANYWHERE, _cost, _cost_text, _cost_printed, takes="cost"),
    EffectWord("draw", _PLAY, _cards, lambda e: f"draw {e.change}",
               lambda e, one_seat, gain: f"You draw {_n_cards(e.change)}." if one_seat
               else f"Every player draws {_n_cards(e.change)}.", takes="cards"),
    EffectWord("discard", _PLAY, _cards, lambda e: f"discard {e.change}",
               lambda e, one_seat, gain: f"You discard {_n_cards(e.change)} at random."
               if one_seat else f"Every player discards {_n_cards(e.change)} at random.",
               takes="cards"),
    EffectWord("adopt_limit", _PLAY, _adopt_limit,
               lambda e: ("next round " if e.next_round else "") + f"adopt limit {e.change:+d}",
               _limit_printed, takes="change"),
    EffectWord("skip_event", _PLAY, _flag, lambda e: "skip event",
               # Only the start draw is skipped: events drawn after the scoring still are.
               lambda e, one_seat, gain: "No event is drawn at the start of next round.",
               takes="true"),
    EffectWord("redraw_event", frozenset({"ability"}), _flag, lambda e: "redraw event",
               lambda e, one_seat, gain:
               "This round's event is set aside and another one is drawn.", takes="true"),
)}


# The effects that change the round being played: made once it is scored (by a rule, or an
# event drawn after the scoring), they change the next round instead.
NEXT_ROUND = ("cost", "adopt_limit")


def effects(r: DeckFields, m: Map, key: str, place: str, what: str, *,
            per_adopted: bool = False, later: bool = False) -> tuple[Effect, ...]:
    """Read the effects under `key`; `place` is a key of EFFECT_PLACES. `later`: they happen
    once the round is scored (an event drawn after the scoring)."""
    node = m.get(key)
    if node is None:
        return ()
    items = [node] if isinstance(node, Map) else node
    if not isinstance(items, Seq | list):
        r.error(m, key, f"{what}: '{key}' must be an effect like {{add: {{trust: 1}}}} "
                "or a list of them")
        return ()
    allowed = tuple(n for n, w in EFFECTS.items() if place in w.places)
    out: list[Effect] = []
    for item in items:
        if not isinstance(item, Map) or not item:
            r.error(m, key, f"{what}: each effect must be a mapping such as {{add: {{trust: 1}}}}")
            continue
        for kind, value in item.items():
            if kind not in allowed:
                r.error(item, kind, f"{what}: effect '{kind}' cannot be used here"
                        f"{suggest(kind, allowed)}; allowed: {', '.join(allowed)}")
                continue
            word = EFFECTS[kind]
            effect = word.parse(r, kind, value, item, what, per_adopted)
            if effect and kind in NEXT_ROUND and (later or place == "rule"):
                effect = replace(effect, next_round=True)
            if effect:
                out.append(replace(effect, text=word.text(effect)))
    return tuple(out)
