"""The small typed readers a deck is read with: text, whole numbers, choices, references to
ids and comparisons, each reporting a mistake as a `Problem` with the file and line, in words a
facilitator can act on. The loader reads the sections with these, and each word of the
vocabulary (game/decks/vocabulary.py) reads its own value with them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from game.decks.model import Criterion, Group, Tag, Track
from game.decks.rules import Compare
from game.decks.yamlfile import Map, Problem, Seq

ID_RE = re.compile(r"^[a-z][a-z0-9-]{0,47}$")
MAX_NAME = 80
MAX_TEXT = 1200

LIST_SECTIONS = ("criteria", "groups", "tags", "tracks", "stages", "interventions", "events",
                 "roles", "scenarios", "difficulties", "lessons", "reflection")
COMPARE_KEYS = ("at_least", "at_most", "above", "below")


def suggest(word: object, options: Iterable[str]) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class DeckFields:
    """What every part of the reading shares: the problems found so far, the ids of every list
    section, and the sections the rest refer to by id, once built."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []
        self.ids: dict[str, dict[str, Map]] = {s: {} for s in LIST_SECTIONS}
        self.criteria: dict[str, Criterion] = {}
        self.groups: dict[str, Group] = {}
        self.tags: dict[str, Tag] = {}
        self.tracks: dict[str, Track] = {}

    # ---- reporting -------------------------------------------------------------------------

    def error(self, node: Map | Seq | None, at: str | int | None, message: str) -> None:
        if node is None:
            self.problems.append(Problem(str(self.path), 1, message))
            return
        if isinstance(node, Map) and isinstance(at, str):
            line = node.line_of(at)
        elif isinstance(node, Seq) and isinstance(at, int):
            line = node.line_of(at)
        else:
            line = node.line
        self.problems.append(Problem(node.file, line, message))

    def keys(self, m: Map, allowed: tuple[str, ...], required: tuple[str, ...], what: str) -> None:
        for key in m:
            if key not in allowed:
                self.error(m, key, f"{what}: unknown key '{key}'{suggest(key, allowed)}; "
                           f"expected one of: {', '.join(allowed)}")
        for key in required:
            if key not in m:
                self.error(m, None, f"{what}: missing '{key}'")

    def text(self, m: Map, key: str, what: str, *, required: bool = True,
             limit: int = MAX_TEXT, default: str = "") -> str:
        if key not in m:
            return default
        value = m[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(m, key, f"{what}: '{key}' must be text")
            return default
        value = " ".join(value.split()) if "\n" not in value.strip() else value.strip()
        if len(value) > limit:
            self.error(m, key, f"{what}: '{key}' is {len(value)} characters; at most {limit}")
        return value

    def integer(self, m: Map, key: str, what: str, lo: int, hi: int, default: int) -> int:
        if key not in m:
            return default
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(m, key, f"{what}: '{key}' must be a whole number from {lo} to {hi}, "
                       f"not {value!r}")
            return default
        if not lo <= value <= hi:
            self.error(m, key, f"{what}: '{key}' is {value}; expected {lo} to {hi}")
            return default
        return value

    def number(self, value: object, node: Map, key: str, what: str, lo: float, hi: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            self.error(node, key, f"{what}: '{key}' must be a number from {lo:g} to {hi:g}, "
                       f"not {value!r}")
            return 0.0
        return float(value)

    def choice(self, m: Map, key: str, what: str, options: tuple[str, ...], default: str) -> str:
        if key not in m:
            return default
        value = m[key]
        if value not in options:
            self.error(m, key, f"{what}: '{key}' is {value!r}{suggest(value, options)}; "
                       f"expected one of: {', '.join(options)}")
            return default
        return value

    def ref(self, value: object, node: Map | Seq, at: str | int, section: str, what: str,
            known: dict | None = None, *, place: str = "") -> str | None:
        """`value` if it is the id of something in `section`; else report it, saying where
        (`place`, such as "reach") and the closest known id."""
        known = self.ids[section] if known is None else known
        if not isinstance(value, str) or value not in known:
            kind = section.rstrip("s") if section != "criteria" else "criterion"
            where = f" in {place}" if place else ""
            self.error(node, at, f"{what}: unknown {kind} {value!r}{where}"
                       f"{suggest(value, known)}")
            return None
        return value

    def ref_list(self, m: Map, key: str, section: str, what: str, *,
                 allow_empty: bool = False) -> tuple[str, ...] | None:
        if key not in m:
            return None
        value = m[key]
        if isinstance(value, str):
            value = Seq([value])
            value.file, value.line, value.item_lines = m.file, m.line_of(key), [m.line_of(key)]
        if not isinstance(value, Seq):
            self.error(m, key, f"{what}: '{key}' must be a list of ids, like [a, b]")
            return ()
        if not value and not allow_empty:
            self.error(m, key, f"{what}: '{key}' is empty")
        out = []
        for i, item in enumerate(value):
            got = self.ref(item, value, i, section, what, place=key)
            if got and got not in out:
                out.append(got)
        return tuple(out)

    def id_map(self, m: Map, key: str, section: str, what: str,
               check: Callable[[object, Map, str, str], object]) -> dict:
        """A mapping of criteria or track ids to values, each read by `check(value, node,
        key, what)`."""
        if key not in m:
            return {}
        value = m[key]
        if not isinstance(value, Map):
            self.error(m, key, f"{what}: '{key}' must be a mapping like {{id: value}}")
            return {}
        known = self.criteria if section == "criteria" else self.tracks
        out = {}
        for k, v in value.items():
            if self.ref(k, value, k, section, what, known, place=key):
                out[k] = check(v, value, k, what)
        return out

    def compare(self, value: object, node: Map, key: str, what: str) -> Compare | None:
        if not isinstance(value, Map) or not value:
            self.error(node, key, f"{what}: expected a comparison such as {{at_least: 2}}")
            return None
        self.keys(value, COMPARE_KEYS, (), what)
        args = {}
        for k in COMPARE_KEYS:
            if k in value:
                v = value[k]
                if isinstance(v, bool) or not isinstance(v, int):
                    self.error(value, k, f"{what}: '{k}' must be a whole number")
                    return None
                args[k] = v
        return Compare(**args) if args else None

    def item_name(self, section: str, ident: str) -> str:
        """The name an item of a list section is given in the deck (its id if it has none),
        for words read before that section is built."""
        name = self.ids[section][ident].get("name")
        return " ".join(name.split()) if isinstance(name, str) and name.strip() else ident

    def int_value(self, value: object, node: Map, key: str, what: str, lo: int, hi: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.error(node, key, f"{what}: '{key}' must be a whole number from {lo} to {hi}, "
                       f"not {value!r}")
            return 0
        return value

