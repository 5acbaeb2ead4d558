"""A deck's rules and effects in plain words, for people reading a card rather than a screen.

Built on what the loader already worked out: each condition's own `text` and each rule's
`why` (the reason the coach and the score sheet give for every point). Used by the printed
deck; anything else that needs to say what a rule does can use it too.
"""

from __future__ import annotations

from collections.abc import Iterable

from game.deck import Deck, Settings
from game.rules import Amount, Condition, Effect, Rule


def target_name(deck: Deck, target: str) -> str:
    """A criterion's or track's name, as players see it."""
    if target in deck.criteria:
        return deck.criteria[target].name
    if target in deck.tracks:
        return deck.tracks[target].name
    return target


def amount_words(deck: Deck, target: str, amount: Amount) -> str:
    """"+3 Points", "-1 Trust", "+1 Points per Participatory star"."""
    name = target_name(deck, target)
    if not amount.ratings:
        return f"{amount.value:+d} {name}"
    stars = " or ".join(deck.criteria[c].name for c in amount.ratings)
    higher = " (whichever is higher)" if len(amount.ratings) > 1 else ""
    return f"{amount.times:+d} {name} per {stars} star{higher}"


def adds_words(deck: Deck, adds: Iterable[tuple[str, Amount]]) -> str:
    return ", ".join(amount_words(deck, t, a) for t, a in adds)


def condition_words(condition: Condition) -> str:
    """A condition as a sentence, capitalised: "It reaches Technologists"."""
    return _capital(condition.text)


def rule_words(deck: Deck, rule: Rule) -> str:
    """What a rule does, as a sentence: who it looks at, when, and what it adds."""
    gain = adds_words(deck, rule.adds)
    head = "Once this round" if rule.per == "round" else "Each intervention adopted this round"
    if rule.condition is None:
        return f"{head}: {gain}."
    return f"{head}, if {rule.condition.text}: {gain}."


def effect_words(deck: Deck, effect: Effect, *, one_seat: bool = False) -> str:
    """What an effect does. `one_seat`: it belongs to a role's ability, so draw and discard
    are the user's alone (as the engine plays them)."""
    kind, n = effect.kind, effect.change
    if kind == "add":
        return f"{adds_words(deck, effect.adds)}."
    if kind == "cost":
        more = f"{abs(n)} more" if n > 0 else f"{abs(n)} less"
        when = f" when {effect.where.text}" if effect.where else ""
        return f"For the rest of this round, an intervention costs {more}{when}."
    cards = f"{n} card" + ("" if n == 1 else "s")
    if kind == "draw":
        return f"You draw {cards}." if one_seat else f"Every player draws {cards}."
    if kind == "discard":
        return (f"You discard {cards} at random." if one_seat
                else f"Every player discards {cards} at random.")
    if kind == "adopt_limit":
        count = f"{abs(n)} " + ("more" if n > 0 else "fewer")
        noun = "intervention" if abs(n) == 1 else "interventions"
        return f"This round, {count} {noun} than usual may be adopted."
    if kind == "skip_event":
        return "No event is drawn next round."
    if kind == "redraw_event":
        return "This round's event is set aside and another one is drawn."
    return _capital(effect.text) + "."


def win_words(settings: Settings) -> str:
    if settings.win is None:
        return "This deck sets no win condition: compare your scores in the debrief."
    return f"The table wins together if, at the end, {settings.win.text}."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
