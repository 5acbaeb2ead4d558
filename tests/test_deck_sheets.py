"""Intervention cards as a spreadsheet and back (game.decks.sheets): a round trip changes no
card, formulas go out as text, and every bad cell comes back as row and column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from game.decks.compare import compare
from game.decks.loader import check_texts
from game.decks.sheets import from_csv, merge, neutralise, to_csv, to_sheet

SHIPPED = Path(__file__).resolve().parents[1] / "cards" / "good-governance"


def shipped() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SHIPPED.glob("*.yaml"))}


def load(files):
    deck, problems = check_texts(files)
    assert deck is not None, [str(p) for p in problems]
    return deck


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def upload(files: dict[str, str], sheet: str) -> list[str]:
    section, where, problems = from_csv(sheet.encode())
    if not problems:
        _deck, found = check_texts(merge(files, section))
        problems = to_sheet(found, where)
    return [str(p) for p in problems]


def test_a_round_trip_changes_no_card():
    files = shipped()
    deck = load(files)
    sheet = to_csv(deck)
    header = rows(sheet)[0]
    assert header[:6] == ["id", "name", "description", "why", "tags", "copies"]
    assert "rating:collective" in header and "cost:customers" in header
    assert "track:budget" in header
    section, _where, problems = from_csv(sheet.encode())
    assert problems == []
    assert compare(deck, load(merge(files, section))) == []


def test_formulas_go_out_as_text_and_come_back_as_they_were():
    assert neutralise("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [neutralise(c) for c in ("+1", "-2", "@x", "\tx", "plain")] == [
        "'+1", "'-2", "'@x", "'\tx", "plain"]
    files = shipped()
    files["interventions.yaml"] = files["interventions.yaml"].replace(
        "name: Desk review", 'name: "=HYPERLINK(\\"http://evil\\",\\"x\\")"', 1)
    deck = load(files)
    sheet = to_csv(deck)
    first = rows(sheet)[1]
    assert first[1] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows(sheet) for cell in row)
    section, _where, _problems = from_csv(sheet.encode())
    again = load(merge(files, section))
    assert again.interventions["desk-review"].name == "=HYPERLINK(\"http://evil\",\"x\")"


def test_every_bad_cell_is_said_as_row_and_column():
    files = shipped()
    table = rows(to_csv(load(files)))
    header = table[0]
    table[1][header.index("rating:deliberative")] = "lots"
    table[3][header.index("cost:customers")] = "2.5"
    out = io.StringIO()
    csv.writer(out).writerows(table)
    assert upload(files, out.getvalue()) == [
        "interventions.csv:2: row 2, column rating:deliberative (J): 'lots' is not a whole "
        "number: write digits only, like 2",
        "interventions.csv:4: row 4, column cost:customers (N): '2.5' is not a whole number: "
        "write digits only, like 2"]
    # Cells that are numbers but break the deck's rules: the loader's message, at the cell.
    table = rows(to_csv(load(files)))
    table[2][header.index("rating:collective")] = "9"
    table[5][header.index("tags")] = "research; not-a-tag"
    out = io.StringIO()
    csv.writer(out).writerows(table)
    messages = upload(files, out.getvalue())
    assert any(m.startswith("interventions.csv:3: row 3, column rating:collective (G): ")
               and "9" in m for m in messages), messages
    assert any(m.startswith("interventions.csv:6: row 6, column tags (E): ")
               and "not-a-tag" in m for m in messages), messages


def test_a_bad_header_is_said_by_column():
    messages = upload(shipped(), "id,name,colour\r\nx,y,z\r\n")
    assert messages == ["interventions.csv:1: row 1, column C: unknown column 'colour'; columns "
                        "are id, name, description, why, tags, copies, rating:<criterion>, "
                        "cost:<group>, track:<track>"]
