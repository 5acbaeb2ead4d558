"""Loader safety: what a deck folder may hold, as `python -m game validate` reports it.

Nothing in a folder may pull in a file from elsewhere, and nothing named like a deck file is
passed over without a word (game/decks/folder.py). The checks run through the command a
facilitator runs, in a process with a time limit: a loader that opened a pipe would hang."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.decks.loader import check_deck

REPO = Path(__file__).resolve().parents[1]
MINIMAL = REPO / "tests" / "fixtures" / "decks" / "minimal.yaml"
TINY = REPO / "tests" / "fixtures" / "decks" / "tiny"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A valid one-file deck in its own folder."""
    deck = tmp_path / "minimal"
    deck.mkdir()
    shutil.copy(MINIMAL, deck / "deck.yaml")
    assert check_deck(deck)[1] == []
    return deck


def validate(*paths: Path) -> tuple[int, list[str]]:
    done = subprocess.run([sys.executable, "-m", "game", "validate", *map(str, paths)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout.splitlines()


def test_a_link_to_a_file_outside_the_folder_is_refused(folder: Path) -> None:
    # A link to another deck's file used to be read as part of this deck, silently.
    other = TINY / "events.yaml"
    (folder / "events.yaml").symlink_to(other)
    code, out = validate(folder)
    assert code == 1
    assert out == [f"{folder}/events.yaml:1: a link to {other}, outside the deck folder: a deck "
                   "reads only its own files; copy the file into the folder instead"]


def test_a_link_within_the_folder_and_a_linked_deck_folder_are_read(folder: Path,
                                                                    tmp_path: Path) -> None:
    (folder / "deck.yaml").rename(folder / "deck.txt")
    (folder / "deck.yaml").symlink_to(folder / "deck.txt")
    (tmp_path / "elsewhere").mkdir()
    linked = tmp_path / "elsewhere" / "minimal"
    linked.symlink_to(folder, target_is_directory=True)
    code, out = validate(folder, linked)
    assert code == 0, out
    assert [line.split(":")[1] for line in out] == [" ok", " ok"]


def test_a_link_to_a_device_is_reported(folder: Path) -> None:
    (folder / "null.yaml").symlink_to("/dev/null")
    code, out = validate(folder)
    assert code == 1
    assert out == [f"{folder}/null.yaml:1: a link to a device (/dev/null), outside the deck "
                   "folder: a deck reads only its own files; copy the file into the folder "
                   "instead"]


def test_a_named_pipe_is_reported_not_read(folder: Path) -> None:
    os.mkfifo(folder / "pipe.yaml")
    (folder / "to-pipe.yaml").symlink_to(folder / "pipe.yaml")
    code, out = validate(folder)
    assert code == 1
    message = "a named pipe, not a file: a deck file must be a plain text file"
    assert out == [f"{folder}/pipe.yaml:1: {message}", f"{folder}/to-pipe.yaml:1: {message}"]


def test_a_folder_named_like_a_deck_file_is_reported(folder: Path, tmp_path: Path) -> None:
    (folder / "cards.yaml").mkdir()
    (tmp_path / "more.yaml").mkdir()
    (folder / "more.yaml").symlink_to(tmp_path / "more.yaml", target_is_directory=True)
    code, out = validate(folder)
    assert code == 1
    assert out == [
        f"{folder}/cards.yaml:1: a folder named like a deck file: a deck reads only the .yaml "
        "files directly in its folder; move its files up into the deck folder, or move it out",
        f"{folder}/more.yaml:1: a link to {tmp_path / 'more.yaml'}, outside the deck folder: a "
        "deck reads only its own files; copy the file into the folder instead",
    ]


def test_a_subfolder_is_an_error_and_hidden_ones_are_left_alone(folder: Path) -> None:
    (folder / ".git").mkdir()
    (folder / ".git" / "config.yaml").write_text("not: [a deck")
    assert validate(folder)[0] == 0
    (folder / "drafts").mkdir()
    (folder / "drafts" / "more-cards.yaml").write_text("interventions: []\n")
    code, out = validate(folder)
    assert code == 1
    assert out == [f"{folder}/drafts:1: a subfolder: a deck reads only the .yaml files directly "
                   "in its folder; move its files up into the deck folder, or move it out"]


def test_a_link_to_nothing_is_reported(folder: Path) -> None:
    (folder / "gone.yaml").symlink_to(folder / "never-there.yaml")
    code, out = validate(folder)
    assert code == 1
    assert out == [f"{folder}/gone.yaml:1: a link to nothing: remove it, or copy the file it "
                   "was meant to be into the deck folder"]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_a_byte_that_is_not_utf8_is_reported_at_its_line(folder: Path, newline: str) -> None:
    lines = MINIMAL.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "name: Staff" in line)
    raw = [line.encode("utf-8") for line in lines]
    raw[at] = raw[at].replace(b"Staff", b"Caf\xe9 staff")  # é in Latin-1
    (folder / "deck.yaml").write_bytes(newline.encode().join(raw) + newline.encode())
    code, out = validate(folder)
    assert code == 1
    column = raw[at].index(b"\xe9") + 1
    assert out == [f"{folder}/deck.yaml:{at + 1}: byte 0xE9 (column {column}) is not UTF-8 "
                   "text: save the file as UTF-8 (in most editors: Save as, Encoding); it may "
                   "be a letter such as é typed in another encoding"]
