"""Read one YAML file safely, keeping the line of every mapping key and list item.

Deck authors need `file:line:` in every message, so we compose the YAML node tree ourselves
(safe constructors only) instead of calling `yaml.safe_load`, which throws the marks away.
Aliases are refused outright: they are the way to build a "billion laughs" bomb and a deck
never needs them.

libyaml's parser, when PyYAML has it, reads a deck about ten times as fast (most of a
server's start-up was parsing decks). Its nodes carry the same line numbers, but its error
messages differ, and aliases cannot be refused as they are read; so a file it cannot take
as it stands is read again with the pure-Python parser, whose messages are the ones to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

MAX_FILE_BYTES = 512 * 1024
MAX_NODES = 50_000
# A deck nests a handful of levels; thousands of brackets would exhaust Python's stack
# (RecursionError: a crash, not a message) in the composer or in _convert.
MAX_DEPTH = 100


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a deck, pointing at where a person can fix it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class Map(dict):
    """A YAML mapping that remembers its file, its line and the line of each key."""

    file: str = "?"
    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Seq(list):
    """A YAML list that remembers its file, its line and the line of each item."""

    file: str = "?"
    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class DeckFileError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


class _Alias(Exception):
    """The fast parser met a node twice: an alias. Read the file the slow way to say where."""


_FastLoader = getattr(yaml, "CSafeLoader", None)


def _too_deep(name: str, line: int) -> DeckFileError:
    return DeckFileError(Problem(name, line, f"nested more than {MAX_DEPTH} levels deep (lists "
                                 "or mappings inside each other): a deck needs a few; close "
                                 "the brackets or indent less"))


class _NoAliasLoader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent, index):
        if self.depth >= MAX_DEPTH:
            raise _too_deep(self.name, self.peek_event().start_mark.line + 1)
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise DeckFileError(
                Problem(
                    self.name,
                    event.start_mark.line + 1,
                    "YAML aliases (*name) are not allowed in decks: write the value out in full",
                )
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_yaml(path: Path, display: str | None = None) -> object:
    """Parse `path` into Map / Seq / plain scalars. Raises DeckFileError with a located Problem."""
    name = display or str(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DeckFileError(
            Problem(name, 1, f"file is {size // 1024} KB; a deck file may be at most "
                    f"{MAX_FILE_BYTES // 1024} KB: split it into several files")
        )
    with path.open("rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)  # never more, should the file grow meanwhile
    return load_bytes(data, name)


def load_bytes(data: bytes, name: str) -> object:
    """Parse the bytes of one deck file held in memory (an upload, a stored revision) with
    the same limits and messages as a file on disk. Raises DeckFileError."""
    if len(data) > MAX_FILE_BYTES:
        raise DeckFileError(Problem(name, 1, f"file is {len(data) // 1024} KB; a deck file may "
                                    f"be at most {MAX_FILE_BYTES // 1024} KB: split it into "
                                    "several files"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DeckFileError(_not_utf8(name, data, exc)) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as read_text did
    if _FastLoader is not None:
        try:
            return _parse(_FastLoader, text, name, set())
        except (_Alias, DeckFileError, yaml.YAMLError, RecursionError):
            pass  # say what is wrong as the pure-Python parser says it
    return _parse(_NoAliasLoader, text, name, None)


def mappings(files: Mapping[str, str]) -> list[dict]:
    """Each deck file of `files` that parses to a mapping, in name order, for the studio's
    forms and rule lists. What does not parse, or is no mapping, is left out: the deck check
    says what is wrong with it."""
    out = []
    for name in sorted(files):
        try:
            top = load_bytes(files[name].encode("utf-8"), name)
        except DeckFileError:
            continue
        if isinstance(top, dict):
            out.append(top)
    return out


def listed(top: dict, section: str) -> list:
    """The items of a list section, or none when the file writes it as anything else (half
    typed, `stages: 5`): the deck check says it must be a list."""
    items = top.get(section)
    return items if isinstance(items, list) else []


def _not_utf8(name: str, data: bytes, exc: UnicodeDecodeError) -> Problem:
    """Where the first byte that is not UTF-8 is: its line, and which byte it is."""
    # What comes before is good UTF-8; count its lines as an editor does (\n, \r\n or \r).
    before = data[:exc.start].decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    lines = before.split("\n")
    line, column = len(lines), len(lines[-1]) + 1
    return Problem(name, line, f"byte 0x{data[exc.start]:02X} (column {column}) is not UTF-8 "
                   "text: save the file as UTF-8 (in most editors: Save as, Encoding); it may "
                   "be a letter such as é typed in another encoding")


def _parse(loader_class: type, text: str, name: str, seen: set[int] | None) -> object:
    """Compose and convert the file. `seen` (the fast parser only) collects the nodes met,
    to notice an alias: the only way one node is reached twice."""
    loader = loader_class(text)
    loader.name = name
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _convert(loader, node, name, [0], seen)
    except RecursionError:
        if seen is not None:
            raise
        raise _too_deep(name, 1) from None  # a last guard: the depth count should stop it first
    except yaml.MarkedYAMLError as exc:
        if seen is not None:
            raise
        raise DeckFileError(Problem(name, *_syntax_error(exc))) from exc
    finally:
        loader.dispose()


# Where the scanner started the thing it could not finish is the place to look for these.
_START_IS_THE_PLACE = ("while scanning a quoted scalar", "while scanning a simple key")


def _syntax_error(exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """The line to point at and the message for a YAML syntax error."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    what = exc.problem or "not valid YAML"
    if "\\t" in what:
        return line, "YAML syntax error: a tab character; indent with spaces, never tabs"
    if exc.context and exc.context_mark:
        start = exc.context_mark.line + 1
        if exc.context in _START_IS_THE_PLACE and start != line:
            what = f"{what} on line {line}, {exc.context} that starts here"
            line = start
        elif start != line:
            what = f"{what}, {exc.context} from line {start}"
    return line, f"YAML syntax error: {what} (check indentation, colons and quotes)"


def _convert(loader: yaml.SafeLoader, node: yaml.Node, name: str, count: list[int],
             seen: set[int] | None, depth: int = 0) -> object:
    if depth >= MAX_DEPTH:
        raise _too_deep(name, node.start_mark.line + 1)
    if seen is not None:
        if id(node) in seen:
            raise _Alias
        seen.add(id(node))
    count[0] += 1
    if count[0] > MAX_NODES:
        raise DeckFileError(Problem(name, node.start_mark.line + 1,
                                    f"file has more than {MAX_NODES} values: split it up"))
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = Map()
        result.file, result.line, result.key_lines = name, line, {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise DeckFileError(Problem(name, key_line, f"key {key!r} must be text"))
            if key in result:
                raise DeckFileError(Problem(name, key_line, f"key '{key}' appears twice here"))
            result[key] = _convert(loader, value_node, name, count, seen, depth + 1)
            result.key_lines[key] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        seq = Seq()
        seq.file, seq.line, seq.item_lines = name, line, []
        for item in node.value:
            seq.append(_convert(loader, item, name, count, seen, depth + 1))
            seq.item_lines.append(item.start_mark.line + 1)
        return seq
    return loader.construct_object(node)
