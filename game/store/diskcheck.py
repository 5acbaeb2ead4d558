"""Checks that the database can be written before the server starts taking players.

SQLite keeps its write-ahead log in `<db>-wal` and an index of it in `<db>-shm`, which it
maps into memory. When the -shm file cannot be written (a read-only remount, a full disk
under it, permissions changed under a running server), touching that memory kills the
process with SIGBUS: no Python exception, nothing in the log. So look before starting, and
say what to fix.
"""

from __future__ import annotations

import os
from pathlib import Path

from game.store.connect import sqlite_path

LOW_SPACE_BYTES = 16 * 1024 * 1024

FIX = ("free some space, or make the folder and these files writable by the user running the "
       "server, then start it again")


def unwritable(database_url: str) -> str | None:
    """What stops the server from writing its SQLite database, said so a person can fix it;
    None when nothing does (or the database is not a SQLite file)."""
    path = sqlite_path(database_url)
    if path is None:
        return None
    folder = path.parent
    if not folder.exists():
        return None  # created at start-up, in a folder that is checked then
    if _read_only_mount(folder):
        return f"{folder} is on a read-only file system, so the database {path.name} cannot " \
               f"be written: remount it read-write or set DATABASE_URL to a writable place"
    blocked = [str(p) for p in (folder, path, Path(f"{path}-wal"), Path(f"{path}-shm"))
               if p.exists() and not os.access(p, os.W_OK)]
    if blocked:
        return "these cannot be written: " + ", ".join(blocked) + f"; {FIX}"
    return None


def low_space(database_url: str) -> str | None:
    """A warning when the database's disk is nearly full."""
    path = sqlite_path(database_url)
    if path is None or not path.parent.exists():
        return None
    st = os.statvfs(path.parent)
    free = st.f_bavail * st.f_frsize
    if free < LOW_SPACE_BYTES:
        return f"only {free // 1024} KB free on the disk of {path}: actions will fail when " \
               f"it is full; free some space"
    return None


def _read_only_mount(folder: Path) -> bool:
    return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
