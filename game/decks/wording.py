"""A deck's rules and effects in plain words, for people reading a card rather than a screen.

Built on what the loader already worked out: each condition's own `text` and each rule's
`why` (the reason the coach and the score sheet give for every point); an effect's sentence
is its word's in the vocabulary (game/decks/effectwords.py). Used by the printed
deck; anything else that needs to say what a rule does can use it too.
"""

from __future__ import annotations

from collections.abc import Iterable

from game.decks.effectwords import EFFECTS
from game.decks.model import Deck, Settings
from game.decks.rules import Amount, Condition, Effect, Rule


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
    """What a rule does, as a sentence: who it looks at, when, and what it adds (and what it
    changes in the next round's costs)."""
    gain = adds_words(deck, rule.adds)
    head = "Once this round" if rule.per == "round" else "Each intervention adopted this round"
    if rule.condition is not None:
        head += f", if {rule.condition.text}"
    if not rule.costs:
        return f"{head}: {gain}."
    changes = [effect_words(deck, e) for e in rule.costs]
    if rule.per == "adopted":  # one change for each matching adoption: two cards, twice
        changes = [f"{words.removesuffix('.')} (for each)." for words in changes]
    later = " ".join(changes)
    return f"{head}: {gain}. {later}" if rule.adds else f"{head}: {later}"


def effect_words(deck: Deck, effect: Effect, *, one_seat: bool = False) -> str:
    """What an effect does. `one_seat`: it belongs to a role's ability, so draw and discard
    are the user's alone (as the engine plays them)."""
    return EFFECTS[effect.kind].printed(effect, one_seat, adds_words(deck, effect.adds))


def win_words(settings: Settings) -> str:
    if settings.win is None:
        return "This deck sets no win condition: compare your scores in the debrief."
    return f"The table wins together if, at the end, {settings.win.text}."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
