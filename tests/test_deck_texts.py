"""A deck held in memory (the studio's, an upload's) is checked by the loader itself, with the
same messages and limits as the same files in a folder (game.decks.loader.check_texts)."""

from __future__ import annotations

import shutil
from pathlib import Path

from game.decks.loader import MAX_FILES, check_deck, check_texts
from game.decks.yamlfile import MAX_FILE_BYTES

SHIPPED = Path(__file__).resolve().parents[1] / "cards" / "good-governance"


def shipped_files() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SHIPPED.glob("*.yaml"))}


def folder_messages(tmp_path: Path, files: dict[str, str | bytes]) -> list[str]:
    folder = tmp_path / "good-governance"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_bytes(text.encode() if isinstance(text, str) else text)
    _deck, problems = check_deck(folder)
    return [str(p).replace(f"{folder}/", "").replace(str(folder), "good-governance")
            for p in problems]


def memory_messages(files: dict[str, str | bytes]) -> list[str]:
    _deck, problems = check_texts(files, "good-governance")
    return [str(p) for p in problems]


def test_the_shipped_deck_loads_from_memory_as_from_its_folder():
    deck, problems = check_texts(shipped_files())
    assert problems == []
    assert deck is not None and deck.id == "good-governance"
    assert deck.interventions == check_deck(SHIPPED)[0].interventions  # type: ignore[union-attr]


def test_mistakes_get_the_same_messages_and_lines_as_in_a_folder(tmp_path):
    files: dict[str, str | bytes] = dict(shipped_files())
    files["events.yaml"] = str(files["events.yaml"]) + "\n  - id: x\n\tname: tab\n"
    files["roles.yaml"] = "roles: &r []\nscenarios: *r\n"  # an alias
    files["stages.yaml"] = str(files["stages.yaml"]).encode() + b"\n# caf\xe9\n"  # not UTF-8
    expected = folder_messages(tmp_path, files)
    assert len(expected) == 3
    assert memory_messages(files) == expected
    assert any(m.startswith("stages.yaml:") and "0xE9" in m for m in expected)
    # Files that read well are then checked as a deck: a misspelt key, at its line.
    files = dict(shipped_files())
    files["interventions.yaml"] = str(files["interventions.yaml"]).replace("reach:", "reech:", 1)
    expected = folder_messages(tmp_path, files)
    assert memory_messages(files) == expected
    assert any(m.startswith("interventions.yaml:") and "'reech'" in m for m in expected)


def test_the_same_limits_as_files(tmp_path):
    big = {**shipped_files(), "big.yaml": "# " + "x" * MAX_FILE_BYTES}
    assert memory_messages(big) == folder_messages(tmp_path, big)
    assert any("may be at most 512 KB" in m for m in memory_messages(big))
    many = {**shipped_files(), **{f"extra{i}.yaml": "" for i in range(MAX_FILES)}}
    assert memory_messages(many) == folder_messages(tmp_path, many)
    assert memory_messages(many) == [
        f"good-governance:1: a deck may have at most {MAX_FILES} files"]


def test_names_a_folder_could_not_hold_are_refused():
    files: dict[str, str | bytes] = {**shipped_files(), "sub/x.yaml": "", "notes.txt": ""}
    messages = memory_messages(files)
    assert "sub/x.yaml:1: a file in a subfolder: a deck reads only the .yaml files directly " \
        "in its folder" in messages
    assert any(m.startswith("notes.txt:1: not a deck file") for m in messages)


def test_without_a_folder_the_deck_may_have_any_id():
    files = shipped_files()
    files["deck.yaml"] = files["deck.yaml"].replace("id: good-governance", "id: my-fork", 1)
    deck, problems = check_texts(files)
    assert problems == [] and deck is not None and deck.id == "my-fork"
    _deck, problems = check_texts(files, "good-governance")
    assert [p.message for p in problems] == [
        "deck: id 'my-fork' must match its folder name 'good-governance'"]
