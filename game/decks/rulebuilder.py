"""What the studio's rule editor needs from the vocabulary (game/decks/vocabulary.py), and the
checks of what it builds.

- `vocabulary_json`: every condition and effect word with where it may stand, what value it
  takes and an example of it in plain words (the word's own `text`, given example values),
  so the editor offers only the words allowed in each place.
- `bad_entry`: whether a rule (or an event's effect) as the editor sends it can be written
  into the YAML at all: a mapping, for a list the editor adds to, its conditions nested no
  deeper than MAX_DEPTH. Its words, ids and numbers are left to the deck check, the one
  reader of the deck's grammar, as for a rule typed in the YAML view.
- `describe`: the entry written into a copy of the deck (at the end of its list, or in the
  place of the rule it changes) and checked there: its plain words as the game will say them,
  and the deck check's problems on its lines. `appended` and `replaced` write it only when
  the check finds nothing wrong on those lines.
- `entries`: the rules as the YAML writes them, for the editor to open one and change it.
- `describe_condition` and `conditioned`: the same for a condition that stands alone (how the
  table wins, a role's secret objective), written in place of the one there; `conditions`:
  each of those as the YAML writes it and in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from game.decks.edit import EditError, append_entry, replace_entry, set_field
from game.decks.effectwords import EFFECT_BOUNDS, EFFECT_PLACES, EFFECTS, STAR_PLACES, TIMES
from game.decks.fields import COMPARE_KEYS
from game.decks.loader import check_texts
from game.decks.model import Deck
from game.decks.rules import Amount, Effect, Rule, plain_words
from game.decks.sections import form_values
from game.decks.vocabulary import CONDITION_PLACES, CONDITIONS, COUNT_SCOPES, RULE_PLACES, Counted
from game.decks.yamlfile import Problem, listed, mappings

# Conditions inside conditions (all, any, not, count's and every's where, cost's where), each
# one level; a list of conditions is no level of its own. More than any deck needs.
MAX_DEPTH = 3
# A condition that holds other conditions: drawn only above MAX_DEPTH.
NESTING = ("conditions", "condition", "count", "every")
SCOPE_WORDS = {"round": "this round", "game": "the whole game"}
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
        "every": Counted(part, _Blank(), "round"),  # type: ignore[arg-type]
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
            "lists": [{"section": s, "field": f, "place": p} for (s, f), p in LISTS.items()],
            "condition_targets": [{"section": s, "field": f, "place": "game"}
                                  for s, f in CONDITIONS_AT]}


# ---- checking what the editor sends ----------------------------------------------------------

# The lists the rule editor adds to, and the place (EFFECT_PLACES) of their effects; a
# rule's conditions stand where its `per` says (RULE_PLACES), as the loader reads them.
LISTS = {("stages", "rules"): "rule", ("events", "rules"): "rule",
         ("scenarios", "rules"): "rule", ("events", "effects"): "event",
         ("roles", "ability.effects"): "ability"}


def bad_entry(section: str, field: str, entry: object) -> str | None:
    """What keeps `entry` from being written as a list item of `field` of an item of
    `section`, or None. Only its shape is looked at here: its words, ids and numbers are the
    deck check's (check_texts), which says what is wrong on the entry's own lines."""
    if (section, field) not in LISTS:
        return ("the rule editor adds to: "
                + ", ".join(f"{s}' {f}" for s, f in sorted(LISTS)))
    if not isinstance(entry, dict) or not entry:
        return ("an effect is a mapping such as {draw: 1}" if field != "rules"
                else "a rule is a mapping such as {then: {add: {trust: 1}}}")
    if _depth(entry) > MAX_DEPTH:
        return f"conditions inside conditions go at most {MAX_DEPTH} deep"
    return None


# The keys under which conditions stand inside a condition or an effect: each one level.
_INSIDE = (*(n for n, w in CONDITIONS.items() if w.takes in ("conditions", "condition")),
           "where")


def _depth(node: object) -> int:
    """How many conditions inside conditions `node` holds, at most (a list is no level)."""
    if isinstance(node, list):
        return max((_depth(v) for v in node), default=0)
    if isinstance(node, dict):
        return max(((k in _INSIDE) + _depth(v) for k, v in node.items()), default=0)
    return 0


def appended(files: Mapping[str, str], section: str, ident: str, field: str,
             entry: object) -> dict[str, str]:
    """`files` with `entry` added to `field` of `ident`, if the deck check finds nothing wrong
    on its lines; else EditError with the deck check's own words, and nothing is written."""
    got = describe(files, section, ident, field, entry)
    if got.problems:
        raise EditError("; ".join(p.message for p in got.problems[:3]))
    return got.files


def replaced(files: Mapping[str, str], section: str, ident: str, field: str, index: object,
             entry: object, was: object = None) -> dict[str, str]:
    """`files` with rule `index` (from 0) of `field` of `ident` changed to `entry`, in its
    place, if the deck check finds nothing wrong on its lines; else EditError, as appended.
    `was` is the rule as the editor opened it (as `entries` gives it): the editor saves by
    place, so if the YAML changed meanwhile that place may hold another rule, and writing
    over it would lose that rule without a word."""
    if was is not None and isinstance(index, int) and not isinstance(index, bool):
        now = entries(files).get(section, {}).get(ident) if field == "rules" else None
        if now is not None and 0 <= index < len(now) and now[index] != was:
            raise EditError(f"rule {index + 1} of '{ident}' has changed in the YAML since you "
                            "opened it: open it again from the list")
    got = describe(files, section, ident, field, entry, index)
    if got.problems:
        raise EditError("; ".join(p.message for p in got.problems[:3]))
    return got.files


# ---- the entry in words --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Described:
    files: dict[str, str]  # the deck with the entry written in
    words: str | None  # the entry in plain words, when the deck with it checks
    problems: list[Problem]  # the deck check's, on the entry's lines
    others: int  # how many problems the deck has elsewhere


def describe(files: Mapping[str, str], section: str, ident: str, field: str,
             entry: object, index: object = None) -> Described:
    """`entry` written at the end of `field` of `ident` (or, given `index`, in the place of
    that rule) and the deck checked: its words and its problems. Raises EditError for an
    entry the editor should not have sent."""
    problem = bad_entry(section, field, entry)
    if problem:
        raise EditError(problem)
    assert isinstance(entry, dict)
    if index is None:
        changed, name, first, last = append_entry(files, section, ident, field, entry)
    elif field != "rules":  # an effect is one of several in a mapping: the YAML view's
        raise EditError("effects, an event's or an ability's, are changed in the YAML view; "
                        "rules in their place")
    else:
        changed, name, first, last = replace_entry(files, section, ident, field, index, entry)
        assert isinstance(index, int)  # replace_entry refuses any other index
    deck, problems = check_texts(changed)
    here = [p for p in problems if p.file == name and first <= p.line <= last]
    at = -1 if index is None else index
    words = _words(deck, section, ident, field, len(entry), at) if deck is not None else None
    return Described(changed, words, here, len(problems) - len(here))


def _words(deck: Deck, section: str, ident: str, field: str, count: int,
           at: int = -1) -> str | None:
    item = getattr(deck, section).get(ident)
    if item is None:
        return None
    if field == "ability.effects":
        return "; ".join(e.text for e in item.ability.effects[-count:]) if item.ability else None
    if field == "effects":
        return "; ".join(e.text for e in item.effects[-count:])
    rule: Rule = item.rules[at]
    return plain_words(rule.per, rule.condition, rule.adds, rule.costs)


def entries(files: Mapping[str, str]) -> dict[str, dict[str, list[object]]]:
    """The rules of each stage, event and scenario as the YAML writes them, by section and id,
    for the rule editor to open one (what it cannot show, it says so). A file that does not
    parse is left out: the deck check says what is wrong with it."""
    out: dict[str, dict[str, list[object]]] = {s: {} for s in ("stages", "events", "scenarios")}
    for top in mappings(files):
        for section, items in out.items():
            for item in listed(top, section):
                if isinstance(item, dict) and isinstance(item.get("id"), str) and \
                        isinstance(item.get("rules"), list):
                    items[item["id"]] = [_plain(r) for r in item["rules"]]
    return out


def _plain(node: object) -> object:
    """A parsed YAML node as plain JSON values (a key that is no text becomes text)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node if node is None or isinstance(node, bool | int | float | str) else str(node)


def written(deck: Deck) -> dict[str, dict[str, dict[str, list[str]]]]:
    """The rules (and events' and abilities' effects) a deck has, in words, for the rule
    editor to list: {section: {id: {"rules": [...], "effects": [...]}}} (a role's:
    {"ability.effects": [...]}). A rule shows its `why` and what it
    does."""
    out: dict[str, dict[str, dict[str, list[str]]]] = {}
    for section in ("stages", "events", "scenarios"):
        items = out[section] = {}
        for ident, item in getattr(deck, section).items():
            rules = [_rule_text(r) for r in item.rules]
            items[ident] = {"rules": rules}
            if section == "events":
                items[ident]["effects"] = [e.text for e in item.effects]
    out["roles"] = {ident: {"ability.effects": [e.text for e in role.ability.effects]}
                    for ident, role in deck.roles.items() if role.ability}
    return out


def _rule_text(rule: Rule) -> str:
    words = plain_words(rule.per, rule.condition, rule.adds, rule.costs)
    return words if rule.why == words else f"{rule.why} ({words})"


# ---- a condition of its own: how the table wins, a role's secret objective --------------------

# (section, field) -> the key inside the field where the condition is (None: the field itself).
# Each is read once, at the end of the game: the loader's place "game".
CONDITIONS_AT: dict[tuple[str, str], str | None] = {
    ("settings", "win"): None, ("scenarios", "win"): None, ("roles", "objective"): "condition"}


def _condition_line(files: Mapping[str, str], section: str, ident: str, field: str
                    ) -> tuple[str, int] | None:
    """The file and line of the condition as `files` write it (written on one line)."""
    items: Any = form_values(files).get(section)
    if section == "settings":
        item = items if isinstance(items, dict) else None
    else:
        item = next((i for i in items or [] if i["id"] == ident), None)
    key = field if CONDITIONS_AT[section, field] is None else f"{field}.condition"
    if not item or key not in item["lines"]:
        return None
    return item["file"], item["lines"][key]


def describe_condition(files: Mapping[str, str], section: str, ident: str, field: str,
                       value: object) -> Described:
    """`value` written as the condition of `field` (None: taken out, where it may be) and the
    deck checked: its words and the check's problems on its line."""
    if (section, field) not in CONDITIONS_AT:
        raise EditError("the conditions the editor writes are: " + ", ".join(
            f"{s}' {f}" for s, f in CONDITIONS_AT))
    if value is not None and _depth(value) > MAX_DEPTH:
        raise EditError(f"conditions inside conditions go at most {MAX_DEPTH} deep")
    key = CONDITIONS_AT[section, field]
    changed = set_field(files, section, ident or None, field, value, key, kinds=("condition",))
    deck, problems = check_texts(changed)
    at = _condition_line(changed, section, ident, field)
    here = [p for p in problems if at and (p.file, p.line) == at]
    words = _condition_words(deck, section, ident, field) if deck is not None else None
    return Described(changed, words, here, len(problems) - len(here))


def conditioned(files: Mapping[str, str], section: str, ident: str, field: str,
                value: object) -> dict[str, str]:
    """`files` with the condition written, if the deck check finds nothing wrong on its
    line; else EditError with the check's own words, and nothing is written."""
    got = describe_condition(files, section, ident, field, value)
    if got.problems:
        raise EditError("; ".join(p.message for p in got.problems[:3]))
    return got.files


def _condition_words(deck: Deck, section: str, ident: str, field: str) -> str | None:
    if section == "settings":
        return deck.settings.win.text if deck.settings.win else None
    if section == "scenarios":
        scenario = deck.scenarios.get(ident)
        return scenario.win.text if scenario and scenario.win else None
    role = deck.roles.get(ident)
    return role.objective.condition.text if role and role.objective else None


def conditions(files: Mapping[str, str], deck: Deck | None) -> dict[str, dict[str, object]]:
    """Each win and objective condition as the YAML writes it, and in words when the deck
    checks: {section: {id ("" for settings): {"value", "words"}}}, for the editor to open."""
    out: dict[str, dict[str, object]] = {"settings": {}, "scenarios": {}, "roles": {}}
    for top in mappings(files):
        for (section, field), key in CONDITIONS_AT.items():
            found = top.get(section)
            nodes = [("", found)] if isinstance(found, dict) else [
                (i.get("id"), i) for i in listed(top, section) if isinstance(i, dict)]
            for ident, node in nodes:
                value = node.get(field) if isinstance(node, dict) else None
                if key is not None:
                    value = value.get(key) if isinstance(value, dict) else None
                if isinstance(ident, str) and value is not None:
                    words = _condition_words(deck, section, ident, field) if deck else None
                    out[section][ident] = {"value": _plain(value), "words": words}
    return out
