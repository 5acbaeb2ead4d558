"""What the studio's rule editor needs from the vocabulary (game/decks/vocabulary.py), and the
checks of what it builds.

- `vocabulary_json`: every condition and effect word with where it may stand, what value it
  takes and an example of it in plain words (the word's own `text`, given example values),
  so the editor offers only the words allowed in each place.
- `bad_entry`: a rule (or an event's effect) as the editor sends it, checked word by word
  against the registry and its places before it is written into the YAML: an unknown word,
  a word out of its place or a value of the wrong shape is refused with what to do. Whether
  an id names something in the deck, or a number is in range, is the deck check's to say,
  beside the line, as for a rule typed in the YAML view.
- `describe`: the entry written into a copy of the deck and checked there: its plain words
  as the game will say them, and the deck check's problems on its lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from game.decks.edit import EditError, append_entry
from game.decks.fields import COMPARE_KEYS
from game.decks.loader import check_texts
from game.decks.model import Deck
from game.decks.rules import Amount, Effect, Rule, plain_words
from game.decks.vocabulary import (
    CONDITION_PLACES,
    CONDITIONS,
    COUNT_SCOPES,
    EFFECT_BOUNDS,
    EFFECT_PLACES,
    EFFECTS,
    RULE_PLACES,
    STAR_PLACES,
    TIMES,
    Counted,
)
from game.decks.yamlfile import Problem

# Conditions inside conditions (all, any, not, count's where, cost's where), each one level;
# a list of conditions is no level of its own. More than any deck needs.
MAX_DEPTH = 3
# A condition that holds other conditions: drawn only above MAX_DEPTH.
NESTING = ("conditions", "condition", "count")
SCOPE_WORDS = {"round": "this round", "game": "the whole game"}
MAX_WHY = 300
BLANK = "…"


class _Blank:
    """Stands for a comparison not chosen yet, in a word's example words."""

    def words(self) -> str:
        return BLANK


def _condition_args(takes: str) -> Any:
    part = SimpleNamespace(text=BLANK)
    return {
        "tag": ("x", BLANK), "group": ("x", BLANK), "intervention": ("x", BLANK),
        "stage": ("x", BLANK), "yes-no": True, "compare": _Blank(),
        "criterion-compare": ("x", _Blank(), BLANK), "track-compare": ("x", _Blank(), BLANK),
        "count": Counted(None, _Blank(), "round"),  # type: ignore[arg-type]
        "conditions": [part, part], "condition": part,
    }[takes]


_EXAMPLE_EFFECTS = {"adds": Effect("add", adds=((BLANK, Amount(1)),)),
                    "cost": Effect("cost", change=-1), "cards": Effect("draw", change=1),
                    "change": Effect("adopt_limit", change=1), "true": Effect("skip_event")}


def vocabulary_json() -> dict[str, object]:
    conditions = []
    for word in CONDITIONS.values():
        args = _condition_args(word.takes)
        if word.takes in ("group", "tag") and word.about == "round":  # any_/none_ words
            args = Counted(None, _Blank(), "round", BLANK)  # type: ignore[arg-type]
        conditions.append({"word": word.name, "places": sorted(word.places),
                           "takes": word.takes, "example": word.text(args),
                           "nests": word.takes in NESTING})
    effects = []
    for effect in EFFECTS.values():
        sample = _EXAMPLE_EFFECTS[effect.takes]
        one: dict[str, object] = {
            "word": effect.name, "places": sorted(effect.places), "takes": effect.takes,
            "example": effect.text(Effect(effect.name, sample.adds, sample.change))}
        if effect.name in EFFECT_BOUNDS:
            one["low"], one["high"] = EFFECT_BOUNDS[effect.name]
        effects.append(one)
    return {"conditions": conditions, "effects": effects, "compare": list(COMPARE_KEYS),
            "condition_places": CONDITION_PLACES, "effect_places": EFFECT_PLACES,
            "rule_places": RULE_PLACES, "star_places": sorted(STAR_PLACES),
            "times": {"low": TIMES[0], "high": TIMES[1]}, "max_depth": MAX_DEPTH,
            "count_scopes": {place: [{"value": s, "text": SCOPE_WORDS[s]} for s in scopes]
                             for place, scopes in COUNT_SCOPES.items()},
            "lists": [{"section": s, "field": f, "place": p} for (s, f), p in LISTS.items()]}


# ---- checking what the editor sends ----------------------------------------------------------

# The lists the rule editor adds to, and the place (EFFECT_PLACES) of their effects; a
# rule's conditions stand where its `per` says (RULE_PLACES), as the loader reads them.
LISTS = {("stages", "rules"): "rule", ("events", "rules"): "rule",
         ("scenarios", "rules"): "rule", ("events", "effects"): "event"}


def bad_entry(section: str, field: str, entry: object) -> str | None:
    """What is wrong with `entry` for the list `field` of an item of `section`, or None."""
    if (section, field) not in LISTS:
        return ("the rule editor adds to: "
                + ", ".join(f"{s}' {f}" for s, f in sorted(LISTS)))
    if not isinstance(entry, dict) or not entry:
        return "a rule is a mapping such as {then: {add: {trust: 1}}}"
    if field == "effects":
        return _effects(entry, LISTS[section, field], False, 0)
    unknown = [k for k in entry if k not in ("why", "per", "if", "then")]
    if unknown:
        return f"a rule has why, per, if and then; not '{str(unknown[0])[:40]}'"
    per = entry.get("per", "adopted")
    if per not in ("adopted", "round"):
        return "a rule's 'per' is adopted (each adopted intervention) or round"
    why = entry.get("why", "")
    if not isinstance(why, str) or len(why) > MAX_WHY:
        return f"a rule's 'why' is text of at most {MAX_WHY} characters"
    if "then" not in entry:
        return "a rule needs 'then': what it adds, like {add: {trust: 1}}"
    if "if" in entry:
        problem = _condition(entry["if"], RULE_PLACES[per], 0)
        if problem:
            return problem
    then = entry["then"]
    for effect in then if isinstance(then, list) else [then]:
        problem = (_effects(effect, LISTS[section, field], RULE_PLACES[per] in STAR_PLACES, 0)
                   if isinstance(effect, dict)
                   else "each of 'then' is an effect such as {add: {trust: 1}}")
        if problem:
            return problem
    return None


def _word_list(words: Mapping[str, Any], place: str) -> str:
    return ", ".join(n for n, w in words.items() if place in w.places)


def _condition(node: object, place: str, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return f"conditions inside conditions go at most {MAX_DEPTH} deep"
    if isinstance(node, list):
        if not node:
            return "an empty list of conditions"
        for part in node:
            problem = _condition(part, place, depth)
            if problem:
                return problem
        return None
    if not isinstance(node, dict) or not node:
        return "a condition is a mapping such as {tag: oversight}"
    for name, value in node.items():
        word = CONDITIONS.get(name)
        if word is None:
            return (f"unknown condition '{str(name)[:40]}'; conditions allowed in "
                    f"{CONDITION_PLACES[place]}: {_word_list(CONDITIONS, place)}")
        if place not in word.places:
            return (f"'{name}' cannot be used in {CONDITION_PLACES[place]}; allowed there: "
                    f"{_word_list(CONDITIONS, place)}")
        problem = _condition_value(word.takes, name, value, place, depth)
        if problem:
            return problem
    return None


def _compare(value: object, what: str) -> str | None:
    if not isinstance(value, dict) or not value or any(
            k not in COMPARE_KEYS or not _whole(v) for k, v in value.items()):
        return f"{what} is a comparison such as {{at_least: 2}}: " + ", ".join(COMPARE_KEYS)
    return None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 48


def _condition_value(takes: str, name: str, value: object, place: str,
                     depth: int) -> str | None:
    what = f"'{name}'"
    if takes in ("tag", "group", "intervention", "stage"):
        return None if _id(value) else f"{what} takes the id of a {takes}"
    if takes == "yes-no":
        return None if isinstance(value, bool) else f"{what} takes true or false"
    if takes == "compare":
        return _compare(value, what)
    if takes in ("criterion-compare", "track-compare"):
        if not isinstance(value, dict) or len(value) != 1 or not _id(next(iter(value))):
            return f"{what} takes one {takes.split('-')[0]} and a comparison"
        return _compare(next(iter(value.values())), what)
    if takes == "count":
        if not isinstance(value, dict):
            return f"{what} looks like {{where: {{tag: oversight}}, at_least: 2}}"
        rest = {k: v for k, v in value.items() if k not in ("where", "in")}
        if value.get("in", COUNT_SCOPES[place][0]) not in COUNT_SCOPES[place]:
            return f"{what}'s 'in' is {' or '.join(COUNT_SCOPES[place])} here"
        if "where" in value:
            problem = _condition(value["where"], "where", depth + 1)
            if problem:
                return problem
        return _compare(rest, what)
    if takes == "conditions":
        if not isinstance(value, list) or not value:
            return f"{what} takes a list of conditions"
        return _condition(value, place, depth + 1)
    return _condition(value, place, depth + 1)  # "condition": not


def _effects(node: dict, place: str, per_adopted: bool, depth: int) -> str | None:
    for name, value in node.items():
        word = EFFECTS.get(name)
        if word is None or place not in word.places:
            return (f"{'unknown effect' if word is None else 'effect'} '{str(name)[:40]}'"
                    f"{' cannot be used here' if word else ''}; allowed in "
                    f"{EFFECT_PLACES[place]}: {_word_list(EFFECTS, place)}")
        problem = _effect_value(word.takes, name, value, per_adopted, depth)
        if problem:
            return problem
    return None


def _effect_value(takes: str, name: str, value: object, per_adopted: bool,
                  depth: int) -> str | None:
    what = f"'{name}'"
    if takes == "adds":
        if not isinstance(value, dict) or not value:
            return f"{what} takes criteria or tracks and amounts, like {{trust: 1}}"
        for target, amount in value.items():
            if not _id(target):
                return f"{what}: {str(target)[:40]!r} is not a criterion or track id"
            if _whole(amount):
                continue
            if not isinstance(amount, dict) or "rating" not in amount:
                return f"{what}: an amount is a whole number, or {{rating: criterion}}"
            if not per_adopted:
                return (f"{what}: an amount from a rating needs one intervention to look at: "
                        "use it in a rule per adopted intervention")
        return None
    if takes == "cost":
        if not isinstance(value, dict) or not _whole(value.get("change")) or any(
                k not in ("change", "where") for k in value):
            return f"{what} looks like {{change: -1}} or {{change: 1, where: {{tag: research}}}}"
        return _condition(value["where"], "where", depth + 1) if "where" in value else None
    if takes == "cards":
        return None if _whole(value) else f"{what} takes a whole number of cards"
    if takes == "change":
        ok = isinstance(value, dict) and set(value) == {"change"} and _whole(value["change"])
        return None if ok else f"{what} looks like {{change: 1}}"
    return None if value is True else f"{what} takes the value true"


# ---- the entry in words --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Described:
    files: dict[str, str]  # the deck with the entry written in
    words: str | None  # the entry in plain words, when the deck with it checks
    problems: list[Problem]  # the deck check's, on the entry's lines
    others: int  # how many problems the deck has elsewhere


def describe(files: Mapping[str, str], section: str, ident: str, field: str,
             entry: dict[str, Any]) -> Described:
    """`entry` written at the end of `field` of `ident` and the deck checked: its words and
    its problems. Raises EditError for an entry the editor should not have sent."""
    problem = bad_entry(section, field, entry)
    if problem:
        raise EditError(problem)
    changed, name, first, last = append_entry(files, section, ident, field, entry)
    deck, problems = check_texts(changed)
    here = [p for p in problems if p.file == name and first <= p.line <= last]
    words = _words(deck, section, ident, field, len(entry)) if deck is not None else None
    return Described(changed, words, here, len(problems) - len(here))


def _words(deck: Deck, section: str, ident: str, field: str, count: int) -> str | None:
    item = getattr(deck, section).get(ident)
    if item is None:
        return None
    if field == "effects":
        return "; ".join(e.text for e in item.effects[-count:])
    rule: Rule = item.rules[-1]
    return plain_words(rule.per, rule.condition, rule.adds)


def written(deck: Deck) -> dict[str, dict[str, dict[str, list[str]]]]:
    """The rules (and events' effects) a deck has, in words, for the rule editor to list:
    {section: {id: {"rules": [...], "effects": [...]}}}. A rule shows its `why` and what it
    does."""
    out: dict[str, dict[str, dict[str, list[str]]]] = {}
    for section in ("stages", "events", "scenarios"):
        items = out[section] = {}
        for ident, item in getattr(deck, section).items():
            rules = [_rule_text(r) for r in item.rules]
            items[ident] = {"rules": rules}
            if section == "events":
                items[ident]["effects"] = [e.text for e in item.effects]
    return out


def _rule_text(rule: Rule) -> str:
    words = plain_words(rule.per, rule.condition, rule.adds)
    return words if rule.why == words else f"{rule.why} ({words})"
