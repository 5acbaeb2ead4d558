"""What each section of a deck holds, key by key: the kind of value, whether it must be
there, its bounds, and the words a form labels it with. One home for a section's keys: the
loader takes each section's allowed and required keys from here (so a key the loader reads
is a key a form may offer), and its text limits and number bounds for the simple sections;
the studio draws its forms from `sections_json` and checks a form's value with `bad_value`
before it is written into the YAML.

The kinds a form edits directly are FORM_KINDS: among them a `part` (a mapping inside an item,
such as a role's ability, whose own keys are its `parts`) and `texts` (a short list of short
texts). `rules`, `effects` and a `condition` (a win, an objective's) are built with the
studio's rule editor, from the vocabulary (game/decks/vocabulary.py); every other kind (a
mapping of ids, an ability's effects) is edited in the YAML view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from game.decks.fields import ID_RE, MAX_NAME, MAX_TEXT
from game.decks.options import (
    ADOPT_LIMIT,
    BASE_SCORING,
    BOT_KINDS,
    DEAL,
    DECISION,
    DISCARD,
    EVENTS_AFTER_SCORING,
    EVENTS_PER_ROUND,
    HAND_SIZE,
    MISSING_RATINGS,
    REFILL,
    SEATS,
    TIMED_PHASES,
)
from game.decks.reflection import MAX_CHOICE, MAX_QUESTION, MAX_WHY
from game.decks.yamlfile import mappings

MAX_DEFINITION = 400  # a criterion's definition or example: read on a phone, mid-game
EVENT_KINDS = ("requirement", "challenge", "change")
EVENT_WHEN = (("start", "As the round starts"), ("after_scoring", "After the round is scored"))

FORM_KINDS = ("name", "text", "int", "choice", "bool", "ref", "refs", "range", "amounts", "part",
              "texts")
RULE_KINDS = ("rules", "effects", "condition")  # the rule editor's


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a section. `kind` is one of FORM_KINDS, RULE_KINDS or "yaml" (edited in the
    YAML view). A name or text has a `limit` in characters; a number (or a range's two ends,
    or each of amounts) `low` to `high`; a choice its `choices` (value, words); a ref or refs
    names ids of `section` (a ref may also be one of `choices`); amounts map ids of `section`
    to whole numbers; texts are `low` to `high` texts of at most `limit` characters each; a
    part is a mapping of its `parts`."""

    key: str
    label: str
    kind: str
    required: bool = False
    limit: int = 0
    low: int = 0
    high: int = 0
    choices: tuple[tuple[str, str], ...] = ()
    section: str = ""
    parts: tuple[Field, ...] = ()

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"key": self.key, "label": self.label, "kind": self.kind,
                                  "required": self.required}
        if self.kind in ("name", "text", "texts"):
            out["limit"] = self.limit
        if self.kind in ("int", "range", "amounts", "texts"):
            out["low"], out["high"] = self.low, self.high
        if self.parts:
            out["parts"] = [p.as_json() for p in self.parts]
        if self.choices:
            out["choices"] = [{"value": v, "text": t} for v, t in self.choices]
        if self.section:
            out["section"] = self.section
        return out


def _name(key: str = "name", label: str = "Name", required: bool = True,
          limit: int = MAX_NAME) -> Field:
    return Field(key, label, "name", required, limit=limit)


def _text(key: str, label: str, required: bool = False, limit: int = MAX_TEXT) -> Field:
    return Field(key, label, "text", required, limit=limit)


def _int(key: str, label: str, low: int, high: int, required: bool = False) -> Field:
    return Field(key, label, "int", required, low=low, high=high)


def _choice(key: str, label: str, values: tuple[str, ...] | tuple[tuple[str, str], ...],
            required: bool = False) -> Field:
    choices = tuple((v, v) if isinstance(v, str) else v for v in values)
    return Field(key, label, "choice", required, choices=choices)


def _yaml(key: str, label: str, required: bool = False) -> Field:
    return Field(key, label, "yaml", required)


_RULES = Field("rules", "Scoring rules", "rules")

# The keys of each section, `id` aside (every list item has one, required, never changed by
# a form). `deck` and `settings` are mappings given once; the rest are lists of items.
SECTIONS: dict[str, tuple[Field, ...]] = {
    "deck": (Field("id", "Deck id", "yaml", True), _name(), _text("description", "Description"),
             _int("version", "Version", 1, 10_000)),
    "criteria": (
        _name(),
        _text("description", "Definition (players read it wherever the score shows)",
              limit=MAX_DEFINITION),
        _name("question", "Question to ask of a plan", False, MAX_NAME * 2),
        _text("example", "Example of a plan that meets it", limit=MAX_DEFINITION)),
    "groups": (_name(), _text("description", "Description")),
    "tags": (_name(), _text("description", "Description"),
             _text("coach", "What the coach says of it")),
    "tracks": (_name(), _text("description", "Description"),
               _int("start", "Starts at", -1000, 1000, True), _int("min", "Lowest", -1000, 1000),
               _int("max", "Highest", -1000, 1000)),
    "stages": (_name(), _text("prompt", "Prompt: the question of the stage"),
               _text("objective", "Objective: what the stage is for"),
               _text("principles", "Principles to keep to in this stage"), _RULES),
    "interventions": (
        _name(), _text("description", "Description", True),
        # Required unless settings: missing_ratings is zero (the loader says which).
        Field("ratings", "Ratings, 0 to 5", "amounts", low=0, high=5, section="criteria"),
        _text("why", "Why it scores as it does", True, 400),
        Field("tags", "Tags", "refs", section="tags"),
        Field("reach", "Cost per group (empty: it does not reach it)", "amounts", True, low=0,
              high=20, section="groups"),
        Field("tracks", "Change to tracks when adopted", "amounts", low=-10, high=10,
              section="tracks"),
        _int("copies", "Copies in the deck", 1, 4)),
    "events": (
        _choice("kind", "Kind", EVENT_KINDS, True), _name(), _text("text", "Text", True),
        _int("severity", "Severity", 1, 3),
        _choice("when", "When it is drawn", EVENT_WHEN),
        Field("stages", "Drawn only in these stages (none: any)", "refs", section="stages"),
        Field("effects", "Effects", "effects"), _RULES),
    "roles": (
        _name(), _text("description", "Description"),
        Field("ability", "Ability (used once a game)", "part", parts=(
            _name(label="Name of the ability"), _text("text", "What it does", True),
            _choice("phase", "When it may be used (not set: any time)", TIMED_PHASES),
            Field("effects", "Effects", "effects", True))),
        Field("objective", "Secret objective", "part", parts=(
            _text("text", "The objective, as its player reads it", True),
            Field("condition", "Condition (met at the end of the game)", "condition", True)))),
    "scenarios": (
        _name(), _text("context", "Context", True),
        Field("affected", "Groups the project affects most", "refs", section="groups"),
        _yaml("tracks", "Tracks' starting values"), _yaml("weights", "Weights of criteria"),
        _yaml("targets", "Targets"),
        Field("stages", "Stages, in order (none: all)", "refs", section="stages"),
        Field("events", "Events it may draw (none: all)", "refs", section="events"),
        _RULES, _yaml("reach", "How much reaching each group counts"),
        Field("win", "How the table wins in this scenario (instead of the deck's)", "condition")),
    "difficulties": (
        _name(), _text("description", "Description"), _yaml("tracks", "Changes to tracks"),
        _int("max_severity", "Most severe event drawn", 1, 3),
        _choice("bots", "How bots play", BOT_KINDS),
        _int("persuadable", "Per cent a bot is persuaded", 0, 100),
        _int("disagree", "Per cent a bot votes its own way", 0, 100)),
    "lessons": (_text("text", "What it teaches", True), _yaml("check", "Check", True),
                Field("scenarios", "Scenarios", "refs", section="scenarios"),
                Field("stages", "Stages", "refs", section="stages")),
    "settings": (
        Field("seats", SEATS.label, "range", low=SEATS.low, high=SEATS.high),
        _int("hand_size", HAND_SIZE.label, HAND_SIZE.low, HAND_SIZE.high),
        _choice("deal", DEAL.label, DEAL.choices), _choice("refill", REFILL.label, REFILL.choices),
        _choice("discard", DISCARD.label, DISCARD.choices),
        _choice("decision", DECISION.label, DECISION.choices),
        Field("chair", "Who chairs", "ref", choices=(("rotate", "Each seat in turn"),),
              section="roles"),
        _int("adopt_limit", ADOPT_LIMIT.label, ADOPT_LIMIT.low, ADOPT_LIMIT.high),
        Field("budget_track", "Track that pays for cards", "ref", section="tracks"),
        Field("debt", "The budget may go below its lowest", "bool"),
        _int("events_per_round", EVENTS_PER_ROUND.label, EVENTS_PER_ROUND.low,
             EVENTS_PER_ROUND.high),
        _int("events_after_scoring", EVENTS_AFTER_SCORING.label, EVENTS_AFTER_SCORING.low,
             EVENTS_AFTER_SCORING.high),
        _choice("base_scoring", BASE_SCORING.label, BASE_SCORING.choices),
        _choice("missing_ratings", MISSING_RATINGS.label, MISSING_RATINGS.choices),
        _yaml("track_values", "What a track's point is worth to bots"),
        _yaml("timers", "Timers"), _yaml("on_timeout", "When a timer runs out"),
        Field("win", "How the table wins", "condition"),
        _yaml("reach", "How much reaching each group counts")),
    "reflection": (
        _text("question", "Question", True, MAX_QUESTION),
        _name("right", "The right answer", True, MAX_CHOICE),
        Field("wrong", "Wrong answers (two or three)", "texts", True, limit=MAX_CHOICE, low=2,
              high=3),
        _text("why", "Why the right answer is right", True, MAX_WHY)),
}
MAP_SECTIONS = ("deck", "settings")


def keys(section: str) -> tuple[str, ...]:
    """Every key an item of `section` may have (`id` first, for the list sections)."""
    own = tuple(f.key for f in SECTIONS[section])
    return own if section in MAP_SECTIONS else ("id", *own)


def required(section: str) -> tuple[str, ...]:
    own = tuple(f.key for f in SECTIONS[section] if f.required)
    return own if section in MAP_SECTIONS else ("id", *own)


def field(section: str, key: str) -> Field:
    return next(f for f in SECTIONS[section] if f.key == key)


def bounds(section: str, key: str) -> tuple[int, int]:
    """The lowest and highest whole number a key of `section` may hold."""
    f = field(section, key)
    return f.low, f.high


def sections_json() -> dict[str, list[dict[str, object]]]:
    return {name: [f.as_json() for f in fields] for name, fields in SECTIONS.items()}


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def bad_value(f: Field, value: object) -> str | None:
    """What is wrong with `value` for the field `f`, in words a form can show; None if it may
    be written. Whether an id names something in the deck is the deck check's to say."""
    what = f"'{f.key}' ({f.label})"
    if f.kind in ("name", "text"):
        if not isinstance(value, str):
            return f"{what} must be text"
        if f.required and not value.strip():
            return f"{what} must not be empty"
        if f.kind == "name" and "\n" in value.strip():
            return f"{what} is one line of text"
        if len(value.strip()) > f.limit:
            return f"{what} is {len(value.strip())} characters; at most {f.limit}"
        return None
    if f.kind == "int":
        if not _whole(value) or not f.low <= value <= f.high:  # type: ignore[operator]
            return f"{what} must be a whole number from {f.low} to {f.high}"
        return None
    if f.kind == "range":
        ok = isinstance(value, dict) and set(value) == {"min", "max"} and all(
            _whole(v) and f.low <= v <= f.high for v in value.values())
        if not ok:
            return f"{what} must be {{min, max}}, whole numbers from {f.low} to {f.high}"
        assert isinstance(value, dict)
        return None if value["min"] <= value["max"] else f"{what}: 'min' is above 'max'"
    if f.kind == "bool":
        return None if isinstance(value, bool) else f"{what} must be true or false"
    if f.kind == "choice":
        values = [v for v, _ in f.choices]
        return None if value in values else f"{what} must be one of: {', '.join(values)}"
    if f.kind == "ref":
        if value in [v for v, _ in f.choices]:
            return None
        return None if isinstance(value, str) and ID_RE.match(value) else \
            f"{what} must be the id of one of the deck's {f.section}"
    if f.kind == "refs":
        ok = isinstance(value, list) and len(value) <= 400 and all(
            isinstance(v, str) and ID_RE.match(v) for v in value)
        return None if ok else f"{what} must be a list of ids of the deck's {f.section}"
    if f.kind == "texts":
        ok = isinstance(value, list) and f.low <= len(value) <= f.high and all(
            isinstance(v, str) and v.strip() and "\n" not in v.strip()
            and len(v.strip()) <= f.limit for v in value)
        return None if ok else (f"{what} must be {f.low} to {f.high} lines of text, each at "
                                f"most {f.limit} characters")
    if f.kind == "condition":  # its words are the deck check's, as for a rule
        ok = isinstance(value, dict | list) and bool(value)
        return None if ok else f"{what} must be a condition such as {{total: {{at_least: 40}}}}"
    if f.kind == "part":
        if not isinstance(value, dict):
            return f"{what} must be a mapping of: {', '.join(p.key for p in f.parts)}"
        for key, v in value.items():
            part = next((p for p in f.parts if p.key == key), None)
            if part is None:
                return f"{what} has no '{str(key)[:40]}'; it has: " + ", ".join(
                    p.key for p in f.parts)
            problem = bad_value(part, v) if part.kind in FORM_KINDS else None
            if problem:
                return problem
        return None  # a part missing, or its effects and condition: the deck check's to say
    if f.kind == "amounts":
        ok = isinstance(value, dict) and len(value) <= 400 and all(
            isinstance(k, str) and ID_RE.match(k) and _whole(v) and f.low <= v <= f.high
            for k, v in value.items())
        return None if ok else (f"{what} must map ids of the deck's {f.section} to whole "
                                f"numbers from {f.low} to {f.high}")
    return f"{what} is changed in the YAML view, not in a form"


def form_values(files: Mapping[str, str]) -> dict[str, object]:
    """What the forms show: each item's form fields as the YAML of `files` writes them:
    {list section: [{id, values}], map section: {values}}. A file that does not parse, or a
    value of the wrong shape, is left out: the deck check says what is wrong with it."""
    tops = mappings(files)
    out: dict[str, object] = {}
    for section, fields in SECTIONS.items():
        shown = {f.key for f in fields if f.kind in FORM_KINDS}
        for top in tops:
            if not isinstance(top, dict) or not isinstance(top.get(section), list | dict):
                continue
            if section in MAP_SECTIONS:
                if isinstance(top[section], dict):
                    out[section] = _item(top[section], shown)
                continue
            items = out.setdefault(section, [])
            assert isinstance(items, list)
            items.extend({"id": item["id"], **_item(item, shown)} for item in top[section]
                         if isinstance(item, dict) and isinstance(item.get("id"), str))
    return out


def _item(node: dict, shown: set[str]) -> dict[str, object]:
    """The form fields' values, and the file and lines the deck check's problems with the
    item (`line`) or with one of its fields (`lines`) are reported at."""
    values = {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
              for k, v in node.items() if k in shown}
    lines = dict(getattr(node, "key_lines", {}))
    for key, value in node.items():  # a part's own keys, as "ability.name"
        if key in shown and isinstance(value, dict):
            lines.update({f"{key}.{k}": n for k, n in getattr(value, "key_lines", {}).items()})
    return {"values": values, "file": getattr(node, "file", ""),
            "line": getattr(node, "line", 0), "lines": lines}
