"""Which files of a deck folder are read, and what in it is refused.

A deck folder is read as it is, and a server plays what it reads, so nothing in it may pull
in something from elsewhere or be passed over without a word (docs/decks.md, "Files"):

- a link to a file outside the folder is refused (a link to another deck's YAML, or to any
  file on the machine the server may read, would otherwise be read as this deck);
- a link to nothing, and anything named *.yaml that is not a file (a folder, a named pipe, a
  device, a socket), is refused rather than skipped: reading a pipe or a device would hang or
  never end;
- a subfolder is refused: only the files directly in the folder are read, so YAML in a
  subfolder would be silently left out. Hidden entries (names starting with a dot: .git,
  editors' files) are left alone.
"""

from __future__ import annotations

import stat
from pathlib import Path

from game.decks.yamlfile import Problem

SUFFIXES = (".yaml", ".yml")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def deck_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The deck files directly in `folder`, in name order, and a problem for each entry that
    is refused."""
    files: list[Path] = []
    problems: list[Problem] = []
    home = folder.resolve()
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        is_yaml = entry.suffix in SUFFIXES
        where = str(entry)
        if entry.is_symlink():
            try:
                target = entry.resolve(strict=True)
            except (OSError, RuntimeError):  # nothing there, or a loop of links
                problems.append(Problem(where, 1, "a link to nothing: remove it, or copy the "
                                        "file it was meant to be into the deck folder"))
                continue
            outside = not target.is_relative_to(home)
            if outside and (is_yaml or target.is_dir()):
                special = not (target.is_file() or target.is_dir())
                what = f"{_kind(target.stat().st_mode)} ({target})" if special else str(target)
                problems.append(Problem(where, 1, f"a link to {what}, outside the deck "
                                        "folder: a deck reads only its own files; copy the "
                                        "file into the folder instead"))
                continue
        try:
            mode = entry.stat().st_mode
        except OSError as exc:
            problems.append(Problem(where, 1, f"cannot read it: {exc.strerror}"))
            continue
        if stat.S_ISDIR(mode):
            what = "a folder named like a deck file" if is_yaml else "a subfolder"
            problems.append(Problem(where, 1, f"{what}: a deck reads only the .yaml files "
                                    "directly in its folder; move its files up into the "
                                    "deck folder, or move it out"))
        elif not is_yaml:
            continue
        elif stat.S_ISREG(mode):
            files.append(entry)
        else:
            problems.append(Problem(where, 1, f"{_kind(mode)}, not a file: a deck file must "
                                    "be a plain text file"))
    return files, problems
