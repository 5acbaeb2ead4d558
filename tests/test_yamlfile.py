"""The fast (libyaml) reading of deck files gives exactly what the pure-Python reading gives:
the same values, and the same line for every key and item, so that every problem still
points at the right line (issue 16, point 11: start-up spent most of its time here)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from game.decks import yamlfile
from game.decks.yamlfile import DeckFileError, Map, Seq, load_yaml

REPO = Path(__file__).resolve().parents[1]
DECK_FILES = sorted((REPO / "cards").glob("*/*.yaml")) + sorted(
    (REPO / "tests" / "fixtures" / "decks").rglob("*.yaml"))

pytestmark = pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"),
                                reason="PyYAML was built without libyaml")


def lines(value: object) -> object:
    """The value with every line it remembers, as plain data to compare."""
    if isinstance(value, Map):
        return {"line": value.line, "keys": dict(value.key_lines),
                "items": {k: lines(v) for k, v in value.items()}}
    if isinstance(value, Seq):
        return {"line": value.line, "items": [lines(v) for v in value],
                "lines": list(value.item_lines)}
    return value


def both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    def read() -> object:
        try:
            return lines(load_yaml(path, path.name))
        except DeckFileError as exc:
            return str(exc)

    fast = read()
    monkeypatch.setattr(yamlfile, "_FastLoader", None)
    slow = read()
    monkeypatch.undo()
    return fast, slow


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_deck_file_reads_the_same_both_ways(path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both(path, monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("text", [
    "a: 1\r\nb:\r\n  - x\r\n  - y\r\n",  # Windows line ends
    "a: 1\n\nb: 'two\n  lines'\nc: |\n  block\n  text\nd: [1, 2]\n",
    "a: &one 1\nb: *one\n",  # an alias: refused, on its line
    "a: 1\n\tb: 2\n",  # a tab
    "a: 'never closed\nb: 2\n",
    "a: 1\na: 2\n",  # a key twice
    "- 1\n- 2\n- x: [1, {y: 2}]\n",
    "a: 1\u2028b: 2\n",  # a Unicode line separator inside a value
], ids=["crlf", "multiline", "alias", "tab", "unclosed", "twice", "nested", "u2028"])
def test_tricky_files_read_the_same_both_ways(text: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8", newline="")
    fast, slow = both(path, monkeypatch)
    assert fast == slow


def test_valid_decks_are_read_by_the_fast_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The slow parser is only for saying what is wrong with a file."""
    from game.decks.loader import check_deck

    class Slow(yamlfile._NoAliasLoader):
        def __init__(self, *args: object) -> None:
            raise AssertionError("a valid deck was read by the pure-Python parser")

    monkeypatch.setattr(yamlfile, "_NoAliasLoader", Slow)
    for folder in sorted(p for p in (REPO / "cards").iterdir() if p.is_dir()):
        deck, problems = check_deck(folder)
        assert deck is not None, problems
