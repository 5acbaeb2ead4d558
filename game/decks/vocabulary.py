"""The deck's vocabulary: every condition word a rule may use, in one registry; the effect
words are its other half, in game/decks/effectwords.py.

For each word: its name, where a deck may use it, how its value is read (each mistake reported
with file and line), the test the scoring runs, and its plain-language text. The loader reads
conditions only through `condition` below; docs/decks.md's tables are checked against the
registry (tests/test_vocabulary_docs.py). A new word is one entry here, one row in the docs,
and one case in tests/test_vocabulary.py.

A deck never contains code: its conditions become small closures built here, so checking a
rule during play is a plain function call, and each condition can still say itself in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from game.decks.fields import COMPARE_KEYS, DeckFields, suggest
from game.decks.rules import Adoption, Compare, Condition, Context, Test
from game.decks.yamlfile import Map, Seq

# Where a condition can stand, with the words docs/decks.md uses for each place.
CONDITION_PLACES: dict[str, str] = {
    "card": "`per: adopted` rules",  # one adopted intervention to look at
    "round": "`per: round` rules",
    "game": "win and objectives",  # judged once, at the end of the game
    "where": "`where`",  # inside count's or cost's where: about one intervention
}
# Where a rule's conditions stand, by its `per`: with one adopted intervention, or the round.
RULE_PLACES = {"adopted": "card", "round": "round"}
# What a condition word is about decides where it is allowed.
ABOUT_PLACES: dict[str, frozenset[str]] = {
    "intervention": frozenset({"card", "where"}),
    "round": frozenset({"card", "round"}),
    "game": frozenset({"card", "round", "game"}),
    "logic": frozenset(CONDITION_PLACES),
}
# The scopes a count may have in each place, its default first: a game has no round left.
COUNT_SCOPES = {"card": ("round", "game"), "round": ("round", "game"), "game": ("game",)}


def places_in_words(places: frozenset[str], words: dict[str, str]) -> str:
    """Where a word can be used, as docs/decks.md's tables say it: `words` is CONDITION_PLACES
    or EFFECT_PLACES (game/decks/effectwords.py)."""
    if places == frozenset(words) and words is CONDITION_PLACES:
        return "anywhere"
    return ", ".join(text for place, text in words.items() if place in places)


Parser = Callable[[DeckFields, str, object, Map, str, str], Any]


@dataclass(frozen=True, slots=True)
class ConditionWord:
    """One condition word. `parse` reads the deck's value into arguments (None after reporting
    a mistake); `test` and `text` make the check the scoring runs and its words from them;
    `build` puts those together as a Condition of the word's kind."""

    name: str
    about: str  # a key of ABOUT_PLACES
    parse: Parser
    test: Callable[[Any], Test]
    text: Callable[[Any], str]
    build: Callable[[ConditionWord, Any], Condition]
    takes: str  # the kind of value, for the studio's rule editor (game/decks/rulebuilder.py)

    @property
    def places(self) -> frozenset[str]:
        return ABOUT_PLACES[self.about]

    def make(self, args: Any) -> Condition:
        return self.build(self, args)


# ---- how conditions are built ---------------------------------------------------------------


def _card(word: ConditionWord, args: Any) -> Condition:
    test = word.test(args)
    return Condition(test, word.text(args), True, (test,))


def _round(*reads: str) -> Callable[[ConditionWord, Any], Condition]:
    """A condition about the round (or the game so far), which reads `reads` besides the
    adoptions (see Condition.reads)."""
    looks = frozenset(reads)

    def build(word: ConditionWord, args: Any) -> Condition:
        return Condition(word.test(args), word.text(args), False, reads=looks)

    return build


@dataclass(frozen=True, slots=True)
class Counted:
    """The arguments of a counting word: how many adopted interventions `where` holds for, in
    this round or the whole game, compared; `label` names what an any_/none_ word looks for."""

    where: Condition | None
    compare: Compare
    scope: str  # "round" or "game"
    label: str = ""


def _counting(c: Counted) -> Test:
    where_test = c.where.test if c.where else None
    whole_game = c.scope == "game"
    compare = c.compare

    def check(ctx: Context, a: Adoption | None) -> bool:
        pool = ctx.game_adopted if whole_game else ctx.adopted
        if where_test is None:
            return compare.test(len(pool))
        n = 0
        for x in pool:
            if where_test(ctx, x):
                n += 1
        return compare.test(n)

    return check


def _counted(word: ConditionWord, c: Counted) -> Condition:
    reads = c.where.reads if c.where else frozenset()
    return Condition(word.test(c), word.text(c), False, c.where.card_tests if c.where else (),
                     reads | {"game"} if c.scope == "game" else reads)


def _every(tests: tuple[Test, ...]) -> Test:
    # Two parts is the usual case: spelt out, it saves a generator on every check in play.
    if len(tests) == 2:
        first, second = tests
        return lambda ctx, a: bool(first(ctx, a) and second(ctx, a))
    return lambda ctx, a: all(t(ctx, a) for t in tests)


def _either(tests: tuple[Test, ...]) -> Test:
    if len(tests) == 2:
        first, second = tests
        return lambda ctx, a: bool(first(ctx, a) or second(ctx, a))
    return lambda ctx, a: any(t(ctx, a) for t in tests)


def _joined(word: ConditionWord, parts: list[Condition]) -> Condition:
    if word.name == "all" and len(parts) == 1:  # a list of one condition is that condition
        return parts[0]
    return Condition(word.test(parts), word.text(parts), any(p.about_card for p in parts),
                     tuple(t for p in parts for t in p.card_tests),
                     frozenset().union(*(p.reads for p in parts)))


def _negated(word: ConditionWord, part: Condition) -> Condition:
    # What does not serve an objective names no card that serves it: no card_tests.
    return Condition(word.test(part), word.text(part), part.about_card, reads=part.reads)


def _not(part: Condition) -> Test:
    test = part.test
    return lambda ctx, a: not test(ctx, a)


# ---- how values are read --------------------------------------------------------------------


def _tag(r: DeckFields, name: str, value: object, node: Map, place: str,
         what: str) -> tuple[str, str] | None:
    tag = r.ref(value, node, name, "tags", what, r.tags, place=f"'{name}'")
    return (tag, r.tags[tag].name) if tag else None


def _group(r: DeckFields, name: str, value: object, node: Map, place: str,
           what: str) -> tuple[str, str] | None:
    group = r.ref(value, node, name, "groups", what, r.groups, place=f"'{name}'")
    return (group, r.groups[group].name) if group else None


def _item(section: str) -> Parser:
    """An id of a section not built yet when conditions are read (interventions, stages)."""

    def parse(r: DeckFields, name: str, value: object, node: Map, place: str,
              what: str) -> tuple[str, str] | None:
        ident = r.ref(value, node, name, section, what, place=f"'{name}'")
        return (ident, r.item_name(section, ident)) if ident else None

    return parse


def _counting_parse(card_word: str, compare: Compare) -> Parser:
    """any_/none_ words: a card word's check (`card_word`, read from the same value) counted
    over this round's adoptions."""

    def parse(r: DeckFields, name: str, value: object, node: Map, place: str,
              what: str) -> Counted | None:
        word = CONDITIONS[card_word]
        got = word.parse(r, name, value, node, place, what)
        return Counted(word.make(got), compare, "round", got[1]) if got else None

    return parse


def _reaches_affected(r: DeckFields, name: str, value: object, node: Map, place: str,
                      what: str) -> bool | None:
    if not isinstance(value, bool):
        r.error(node, name, f"{what}: 'reaches_affected' must be true or false")
        return None
    return value


def _compared(r: DeckFields, name: str, value: object, node: Map, place: str,
              what: str) -> Compare | None:
    return r.compare(value, node, name, what)


def _one_compared(section: str, example: str | None = None) -> Parser:
    """{id: comparison}, for rating, track and score."""

    def parse(r: DeckFields, name: str, value: object, node: Map, place: str,
              what: str) -> tuple[str, Compare, str] | None:
        known = r.tracks if section == "tracks" else r.criteria
        if not isinstance(value, Map) or len(value) != 1:
            shape = example or f"{{{next(iter(known), 'trust')}: {{at_least: 5}}}}"
            r.error(node, name, f"{what}: '{name}' must look like {shape}")
            return None
        ident, cmp_node = next(iter(value.items()))
        if not r.ref(ident, value, ident, section, what, known):
            return None
        cmp = r.compare(cmp_node, value, ident, what)
        return (ident, cmp, known[ident].name) if cmp else None

    return parse


def _scope(r: DeckFields, value: Map, place: str, what: str) -> str | None:
    """A count's (or every's) `in`: this round or the whole game, as `place` allows."""
    scopes = COUNT_SCOPES[place]
    scope = r.choice(value, "in", what, ("round", "game"), scopes[0])
    if scope not in scopes:
        r.error(value, "in", f"{what}: at the end of the game there is no round: use 'in: game'")
        return None
    return scope


def _count(r: DeckFields, name: str, value: object, node: Map, place: str,
           what: str) -> Counted | None:
    if not isinstance(value, Map):
        r.error(node, "count", f"{what}: 'count' must look like "
                "{where: {tag: oversight}, at_least: 2}")
        return None
    r.keys(value, ("where", "in", *COMPARE_KEYS), (), f"{what} count")
    scope = _scope(r, value, place, f"{what} count")
    if scope is None:
        return None
    where = condition(r, value["where"], value, "where", "where", what) if "where" in value \
        else None
    if "where" in value and where is None:
        return None
    cmp_map = Map({k: value[k] for k in COMPARE_KEYS if k in value})
    cmp_map.file, cmp_map.line, cmp_map.key_lines = value.file, value.line, value.key_lines
    if not cmp_map:
        r.error(value, None, f"{what}: 'count' needs at_least, at_most, above or below")
        return None
    cmp = r.compare(cmp_map, value, "count", what)
    return Counted(where, cmp, scope) if cmp else None


def _every_parse(r: DeckFields, name: str, value: object, node: Map, place: str,
                 what: str) -> Counted | None:
    if not isinstance(value, Map) or "where" not in value:
        r.error(node, "every", f"{what}: 'every' must look like {{where: {{tag: oversight}}}} "
                "(with 'in: game' for every intervention adopted in the game)")
        return None
    r.keys(value, ("where", "in"), ("where",), f"{what} every")
    scope = _scope(r, value, place, f"{what} every")
    where = condition(r, value["where"], value, "where", "where", what)
    return Counted(where, _AT_LEAST_ONE, scope) if scope and where else None


def _every_test(c: Counted) -> Test:
    """True when at least one intervention was adopted (in the round, or the game) and
    `where` holds for each: a plan of nothing has nothing that "every card has"."""
    assert c.where is not None
    where_test = c.where.test
    whole_game = c.scope == "game"

    def check(ctx: Context, a: Adoption | None) -> bool:
        pool = ctx.game_adopted if whole_game else ctx.adopted
        return bool(pool) and all(where_test(ctx, x) for x in pool)

    return check


def _every_text(c: Counted) -> str:
    span = "this round" if c.scope == "round" else "in the game"
    return f"something was adopted {span}, and for every intervention adopted {c.where.text}" \
        if c.where else f"something was adopted {span}"


def _conditions(r: DeckFields, name: str, value: object, node: Map, place: str,
                what: str) -> list[Condition] | None:
    if not isinstance(value, Seq) or not value:
        r.error(node, name, f"{what}: '{name}' must be a list of conditions")
        return None
    parts = [condition(r, v, node, name, place, what) for v in value]
    return parts if all(parts) else None  # type: ignore[return-value]


def _inner(r: DeckFields, name: str, value: object, node: Map, place: str,
           what: str) -> Condition | None:
    return condition(r, value, node, name, place, what)


def _count_text(c: Counted) -> str:
    span = "this round" if c.scope == "round" else "in the game"
    which = f" for which {c.where.text}" if c.where else ""
    return f"the count of interventions adopted {span}{which} is {c.compare.words()}"


def _affected_test(want: bool) -> Test:
    def test(ctx: Context, a: Adoption | None) -> bool:
        return a is not None and (a.group in ctx.affected) == want

    return test


def _rating_test(args: tuple[str, Compare, str]) -> Test:
    crit, cmp, _ = args
    return lambda ctx, a: a is not None and cmp.test(a.card.ratings.get(crit, 0))


def _cost_test(cmp: Compare) -> Test:
    return lambda ctx, a: a is not None and cmp.test(a.cost)


def _value_test(source: str) -> Callable[[tuple[str, Compare, str]], Test]:
    """A track's value or a criterion's score so far, compared."""

    def make(args: tuple[str, Compare, str]) -> Test:
        ident, cmp, _ = args
        return lambda ctx, a: cmp.test(getattr(ctx, source).get(ident, 0))

    return make


def _total_test(cmp: Compare) -> Test:
    return lambda ctx, a: cmp.test(ctx.total())


def _stage_test(args: tuple[str, str]) -> Test:
    stage = args[0]
    return lambda ctx, a: ctx.stage == stage


def _tag_test(args: tuple[str, str]) -> Test:
    tag = args[0]
    return lambda ctx, a: a is not None and tag in a.card.tags


def _reach_test(args: tuple[str, str]) -> Test:
    group = args[0]
    return lambda ctx, a: a is not None and a.group == group


def _card_test(args: tuple[str, str]) -> Test:
    card = args[0]
    return lambda ctx, a: a is not None and a.card.id == card


_AT_LEAST_ONE = Compare(at_least=1)
_NONE = Compare(at_most=0)

# The condition words, in the order the loader has always listed them.
CONDITIONS: dict[str, ConditionWord] = {w.name: w for w in (
    ConditionWord("tag", "intervention", _tag, _tag_test,
                  lambda t: f"it has the {t[1]} tag", _card, takes="tag"),
    ConditionWord("reaches", "intervention", _group, _reach_test,
                  lambda g: f"it reaches {g[1]}", _card, takes="group"),
    ConditionWord("reaches_affected", "intervention", _reaches_affected, _affected_test,
                  lambda want: "it reaches a group the project affects most" if want
                  else "it reaches a group the project does not affect most", _card,
                  takes="yes-no"),
    ConditionWord("intervention", "intervention", _item("interventions"), _card_test,
                  lambda c: f"it is {c[1]}", _card, takes="intervention"),
    ConditionWord("rating", "intervention", _one_compared("criteria", "{powerful: {at_least: 4}}"),
                  _rating_test, lambda c: f"its {c[2]} rating is {c[1].words()}", _card,
                  takes="criterion-compare"),
    ConditionWord("cost", "intervention", _compared, _cost_test,
                  lambda cmp: f"it costs {cmp.words()}", _card, takes="compare"),
    ConditionWord("count", "game", _count, _counting, _count_text, _counted, takes="count"),
    ConditionWord("every", "game", _every_parse, _every_test, _every_text, _counted, takes="every"),
    ConditionWord("any_reaches", "round", _counting_parse("reaches", _AT_LEAST_ONE), _counting,
                  lambda c: f"something adopted this round reaches {c.label}", _counted,
                  takes="group"),
    ConditionWord("none_reaches", "round", _counting_parse("reaches", _NONE), _counting,
                  lambda c: f"nothing adopted this round reaches {c.label}", _counted,
                  takes="group"),
    ConditionWord("any_tag", "round", _counting_parse("tag", _AT_LEAST_ONE), _counting,
                  lambda c: f"something adopted this round is {c.label}", _counted, takes="tag"),
    ConditionWord("none_tag", "round", _counting_parse("tag", _NONE), _counting,
                  lambda c: f"nothing adopted this round is {c.label}", _counted, takes="tag"),
    ConditionWord("stage", "round", _item("stages"), _stage_test,
                  lambda s: f"the stage is {s[1]}", _round(), takes="stage"),
    ConditionWord("track", "game", _one_compared("tracks"), _value_test("tracks"),
                  lambda t: f"{t[2]} is {t[1].words()}", _round("tracks"), takes="track-compare"),
    ConditionWord("score", "game", _one_compared("criteria"), _value_test("scores"),
                  lambda s: f"{s[2]} is {s[1].words()}", _round("scores"),
                  takes="criterion-compare"),
    ConditionWord("total", "game", _compared, _total_test,
                  lambda cmp: f"the weighted total is {cmp.words()}", _round("scores"),
                  takes="compare"),
    ConditionWord("all", "logic", _conditions, lambda ps: _every(tuple(p.test for p in ps)),
                  lambda ps: " and ".join(p.text for p in ps), _joined, takes="conditions"),
    ConditionWord("any", "logic", _conditions, lambda ps: _either(tuple(p.test for p in ps)),
                  lambda ps: "either " + " or ".join(p.text for p in ps), _joined,
                  takes="conditions"),
    ConditionWord("not", "logic", _inner, _not, lambda p: f"not ({p.text})", _negated,
    takes="condition"),
)}
CARD_WORDS = tuple(n for n, w in CONDITIONS.items() if w.about == "intervention")


def all_of(parts: list[Condition]) -> Condition:
    """Several conditions that must all hold (a list, or several keys in one mapping)."""
    return CONDITIONS["all"].make(parts)


def condition(r: DeckFields, node: object, parent: Map, key: str, place: str,
              what: str) -> Condition | None:
    """Read a condition. `place` is a key of CONDITION_PLACES: 'card' (a per-adopted rule),
    'round' (a per-round rule), 'game' (win and objectives) or 'where' (one intervention)."""
    if isinstance(node, Seq):
        parts = [condition(r, item, parent, key, place, what) for item in node]
        good = [p for p in parts if p]
        return all_of(good) if good and len(good) == len(parts) else None
    if not isinstance(node, Map) or not node:
        r.error(parent, key, f"{what}: a condition must be a mapping such as {{tag: oversight}}")
        return None
    made: list[Condition] = []
    for name, value in node.items():
        word = CONDITIONS.get(name)
        if word is None:
            r.error(node, name, f"{what}: unknown condition '{name}'{suggest(name, CONDITIONS)}")
            continue
        if place not in word.places:
            r.error(node, name, f"{what}: {_not_here(word, place)}")
            continue
        args = word.parse(r, name, value, node, place, what)
        if args is not None:
            made.append(word.make(args))
    return all_of(made) if made and len(made) == len(node) else None


def _not_here(word: ConditionWord, place: str) -> str:
    """Why `word` cannot stand in `place`, and what to write instead."""
    if word.about == "intervention":
        hint = ("use it inside {count: {where: ...}}" if place == "game"
                else "use it in a rule with 'per: adopted', or inside count")
        return f"'{word.name}' is about one intervention, and there is none here: {hint}"
    if place == "where":
        return (f"only conditions about one intervention ({', '.join(CARD_WORDS)}) can be "
                "used here")
    return (f"'{word.name}' is about one round; for the whole game use "
            "{count: {where: ..., at_least: 1}}")
