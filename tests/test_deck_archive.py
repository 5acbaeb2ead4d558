"""A deck's zip (game.decks.archive): what a download holds, and every hostile upload refused
with a message saying what to fix."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from game.decks.archive import MAX_ENTRIES, ArchiveError, from_zip, to_zip
from game.decks.loader import check_texts

SHIPPED = Path(__file__).resolve().parents[1] / "cards" / "good-governance"


def shipped() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SHIPPED.glob("*.yaml"))}


def zipped(entries: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = stat.S_IFLNK if name in links else stat.S_IFREG
            info.external_attr = (mode | 0o644) << 16
            z.writestr(info, body)
    return out.getvalue()


def test_a_download_unzips_to_the_deck_folder_and_reads_back():
    data = to_zip("my-deck", shipped())
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == [f"my-deck/{n}" for n in sorted(shipped())]
    back = from_zip(data)
    assert {k: v.decode() for k, v in back.items()} == shipped()


def test_files_at_the_top_and_beside_files_are_taken_as_a_folder_takes_them():
    files = {n: t.encode() for n, t in shipped().items()}
    data = zipped({**files, "README.md": b"notes", "__MACOSX/._deck.yaml": b"junk",
                   ".hidden.yaml": b"x"})
    assert set(from_zip(data)) == set(files)
    deck, problems = check_texts(from_zip(data))
    assert problems == [] and deck is not None


@pytest.mark.parametrize(("data", "message"), [
    (b"deck:\n  id: x\n", "that is not a zip file"),
    (b"PK\x03\x04 broken", "cannot be read"),
    (zipped({"../deck.yaml": b"x"}), "'..'"),
    (zipped({"deck/../../etc/x.yaml": b"x"}), "'..'"),
    (zipped({"/etc/deck.yaml": b"x"}), "an absolute path"),
    (zipped({"deck.yaml": b"/etc/passwd"}, links=("deck.yaml",)), "a link"),
    (zipped({"a/b/deck.yaml": b"x"}), "in a subfolder"),
    (zipped({"a/deck.yaml": b"x", "b/events.yaml": b"x"}), "more than one folder"),
    (zipped({"README.md": b"x"}), "no .yaml files"),
    (zipped({f"f{i}.yaml": b"" for i in range(41)}), "at most 40"),
    (zipped({f"f{i}.txt": b"" for i in range(MAX_ENTRIES + 1)}), f"at most {MAX_ENTRIES}"),
])
def test_hostile_or_broken_uploads_are_refused(data, message):
    with pytest.raises(ArchiveError, match=message.replace(".", r"\.").replace("(", r"\(")):
        from_zip(data)


def test_a_zip_with_two_entries_of_one_name_is_refused():
    """Which of the two a reader takes differs from reader to reader (the same check as a
    workbook's: one helper makes both)."""
    out = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(out, "w") as z:
        z.writestr("deck.yaml", "deck: {id: one}\n")
        z.writestr("deck.yaml", "deck: {id: two}\n")
    with pytest.raises(ArchiveError, match="two entries of the same name"):
        from_zip(out.getvalue())


def test_a_zip_bomb_stops_at_the_limit_whatever_the_header_says():
    bomb = zipped({"deck.yaml": b"#" * (50 * 1024 * 1024)})  # 50 MB of one byte
    assert len(bomb) < 100 * 1024
    with pytest.raises(ArchiveError, match="over 512 KB unpacked"):
        from_zip(bomb)
    many = zipped({f"f{i}.yaml": b"#" * (500 * 1024) for i in range(6)})
    with pytest.raises(ArchiveError, match="over 2048 KB unpacked"):
        from_zip(many)


def test_a_damaged_entry_is_refused_saying_to_make_the_zip_again():
    good = zipped({"deck.yaml": b"name: x\n" * 200})
    # Flip a byte of the compressed data: the entry's checksum no longer matches.
    start = good.index(b"deck.yaml") + len(b"deck.yaml")
    damaged = good[:start + 5] + bytes([good[start + 5] ^ 0xFF]) + good[start + 6:]
    with pytest.raises(ArchiveError, match=r"cannot be unpacked .* make the zip again"):
        from_zip(damaged)
