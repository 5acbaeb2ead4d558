"""A deck as a zip of its YAML folder: made for download, and read from an upload with every
hostile trick refused, each with a message that says what to fix.

A download holds one folder named after the deck's id, so that unzipping it under cards/ and
running `python -m game validate cards/<id>` checks it as it is.

An upload may hold the deck's .yaml files at its top or in one folder (as a download does, or
as "compress this folder" makes). Refused: what is not a zip; an entry whose path is absolute,
climbs out with "..", or goes deeper than one folder; a link; an encrypted entry; more entries,
or larger files, than a deck may have (sizes are checked as read, not as the zip claims, so a
zip bomb stops at the limit). Other files (a README, a spreadsheet, macOS's __MACOSX folder,
hidden files) are left out, as a deck folder's are.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from game.decks.folder import SUFFIXES
from game.decks.loader import MAX_FILES
from game.decks.yamlfile import MAX_FILE_BYTES

MAX_ENTRIES = 200  # files and folders of any kind in one upload
MAX_UPLOAD_BYTES = 4 * 1024 * 1024  # the zip itself
MAX_DECK_BYTES = 2 * 1024 * 1024  # every .yaml file unpacked
OLE = b"\xd0\xcf\x11\xe0"  # an old Office file (.xls) or one saved with a password: no zip


class ArchiveError(Exception):
    """An upload that cannot be a deck: the message says what to fix."""


def to_zip(folder: str, files: Mapping[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            z.writestr(info, files[name].encode("utf-8"))
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class ZipKind:
    """How one kind of uploaded zip (a deck's folder, a workbook) is named in messages, and
    the error that refuses it: the checks themselves are the same for every kind."""

    what: str  # "the zip", "the workbook"
    not_zip: str  # what to say of a file that is no zip at all
    again: str  # what to do about a zip that is damaged or has a hostile entry
    fewer: str  # what to do about one with too many entries
    error: Callable[[str], Exception]


def open_zip(data: bytes, kind: ZipKind) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """An upload opened as a zip, and its entries, once the checks that need no entry read
    have passed: its size, that it is a zip, how many entries, and that none has an absolute
    path or '..', is a link, is encrypted or has another's name. Entries are then read with
    read_entry, never past a limit."""
    fail = kind.error
    if len(data) > MAX_UPLOAD_BYTES:
        raise fail(f"{kind.what} is {len(data) // 1024} KB; it may be at most "
                   f"{MAX_UPLOAD_BYTES // 1024} KB")
    if not data.startswith(b"PK"):
        raise fail(kind.not_zip)
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise fail(f"{kind.what} cannot be read ({exc}): {kind.again}") from None
    if len(infos) > MAX_ENTRIES:
        raise fail(f"{kind.what} holds {len(infos)} entries; it may hold at most "
                   f"{MAX_ENTRIES}: {kind.fewer}")
    if len({i.filename for i in infos}) != len(infos):
        raise fail(f"{kind.what} holds two entries of the same name: {kind.again}")
    for info in infos:
        path = info.filename
        shown = path[:120]
        if path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":"):
            raise fail(f"{shown}: an absolute path: {kind.again}")
        if ".." in path.replace("\\", "/").split("/"):
            raise fail(f"{shown}: a path with '..' that leads out of the folder: {kind.again}")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise fail(f"{shown}: a link; only files themselves are read: {kind.again}")
        if info.flag_bits & 0x1:
            raise fail(f"{shown}: encrypted; make it again without a password")
    return z, infos


def read_entry(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, kind: ZipKind) -> bytes:
    """The entry's bytes, never more than `limit` + 1 whatever its header says (the caller
    says what is over), so that a zip bomb stops there."""
    try:
        with z.open(info) as f:
            return f.read(limit + 1)
    except (zipfile.BadZipFile, NotImplementedError, zlib.error, EOFError, OSError) as exc:
        raise kind.error(f"{info.filename[:120]} cannot be unpacked ({exc}): "
                         f"{kind.again}") from None


DECK_ZIP = ZipKind("the zip", "that is not a zip file: upload the deck's folder compressed as "
                   "a .zip (in most systems: right-click the folder, Compress)",
                   "make the zip again from the deck's folder, with ordinary compression",
                   "zip only the deck's folder", ArchiveError)


def from_zip(data: bytes) -> dict[str, bytes]:
    """The deck files in an uploaded zip: file name -> bytes (the loader decodes them and
    says where any byte is not UTF-8)."""
    z, infos = open_zip(data, DECK_ZIP)
    wanted: list[tuple[zipfile.ZipInfo, list[str]]] = []
    for info in infos:
        path = info.filename
        shown = path[:120]
        parts = path.replace("\\", "/").split("/")
        if info.is_dir() or any(p.startswith(".") or p == "__MACOSX" for p in parts if p):
            continue
        if not path.endswith(SUFFIXES):
            continue  # a README or a spreadsheet beside the deck, as in a folder
        parts = [p for p in parts if p]
        if len(parts) > 2:
            raise ArchiveError(f"{shown}: in a subfolder; a deck reads only the .yaml files "
                               "directly in its folder: move it up")
        wanted.append((info, parts))
    folders = {tuple(parts[:-1]) for _info, parts in wanted}
    if len(folders) > 1:
        raise ArchiveError("the zip holds .yaml files in more than one folder: zip one deck's "
                           "folder at a time")
    if not wanted:
        raise ArchiveError("the zip holds no .yaml files: zip the deck's folder")
    if len(wanted) > MAX_FILES:
        raise ArchiveError(f"the zip holds {len(wanted)} .yaml files; a deck may have at most "
                           f"{MAX_FILES}")
    files: dict[str, bytes] = {}
    total = 0
    for info, parts in wanted:
        name = parts[-1]
        body = read_entry(z, info, MAX_FILE_BYTES, DECK_ZIP)
        if len(body) > MAX_FILE_BYTES:
            raise ArchiveError(f"{name} is over {MAX_FILE_BYTES // 1024} KB unpacked; a deck "
                               "file may be at most that: split it into several files")
        total += len(body)
        if total > MAX_DECK_BYTES:
            raise ArchiveError(f"the deck's files come to over {MAX_DECK_BYTES // 1024} KB "
                               "unpacked; a deck may be at most that")
        files[name] = body
    return files
