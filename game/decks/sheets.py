"""Intervention cards as a spreadsheet (CSV), and back: one row per card, one column per field,
rating, cost and track, with the header row docs/decks.md describes ("Cards in a
spreadsheet").

Going out, a cell that a spreadsheet would take for a formula (it starts with = + - @, a tab
or a carriage return) gets a leading apostrophe, so that it shows as the text it is and
never runs (`=HYPERLINK(...)` in a card's name is text). Coming back, that apostrophe is
taken off again.

Coming back, the rows are written as the deck's `interventions:` section, one key per line,
and checked by the loader with the rest of the deck; each problem the loader finds in a
card is then said as the spreadsheet's row and column ("interventions.csv, row 5, column
rating:collective (H)"), the rows counted as a spreadsheet counts them (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping

from game.decks.edit import without_section
from game.decks.loader import MAX_ITEMS
from game.decks.model import Deck
from game.decks.yamlfile import Problem

SHEET = "interventions.csv"
TEXT_COLUMNS = ("id", "name", "description", "why", "tags", "copies")
PREFIXES = ("rating:", "cost:", "track:")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = MAX_ITEMS  # a sheet's rows are a section's items
MAX_CELL = 5000


class SheetError(Exception):
    """A sheet that cannot be read at all: the message says what to fix."""


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def to_csv(deck: Deck) -> str:
    header = [*TEXT_COLUMNS, *(f"rating:{c}" for c in deck.criteria),
              *(f"cost:{g}" for g in deck.groups), *(f"track:{t}" for t in deck.tracks)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for card in deck.interventions.values():
        row = [card.id, card.name, card.description, card.why, "; ".join(sorted(card.tags)),
               str(card.copies)]
        row += [str(card.ratings.get(c, "")) for c in deck.criteria]
        row += [str(card.reach[g]) if g in card.reach else "" for g in deck.groups]
        row += [str(card.tracks[t]) if t in card.tracks else "" for t in deck.tracks]
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Where:
    """Which row and column of the sheet each generated YAML line came from."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.lines: dict[int, tuple[int, str]] = {}

    def cell(self, row: int, column: str) -> str:
        if column in self.header:
            return f"row {row}, column {column} ({_letter(self.header.index(column))})"
        return f"row {row}"

    def problem(self, row: int, column: str, message: str) -> Problem:
        return Problem(SHEET, row, f"{self.cell(row, column)}: {message}")


def _number(text: str, row: int, column: str, where: Where, problems: list[Problem]
            ) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        problems.append(where.problem(row, column, f"{text[:40]!r} is not a whole number: "
                                      "write digits only, like 2"))
        return None


def from_csv(data: bytes) -> tuple[str, Where, list[Problem]]:
    """The `interventions:` section (YAML) the sheet describes, where each of its lines came
    from, and the problems found in cells before the loader sees them."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(f"{SHEET} is not UTF-8 text: save it as 'CSV UTF-8' (in most "
                         "spreadsheets: Save as, then choose that type)") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise SheetError(f"{SHEET} cannot be read as CSV ({exc}): save it again as CSV") \
            from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise SheetError(f"{SHEET} has no header row: its first row names the columns "
                         "(id, name, description, why, ...)")
    header = [h.strip() for h in rows[0]]
    where = Where(header)
    problems: list[Problem] = []
    for i, column in enumerate(header):
        if column not in TEXT_COLUMNS and not column.startswith(PREFIXES):
            problems.append(Problem(SHEET, 1, f"row 1, column {_letter(i)}: unknown "
                                    f"column {column[:40]!r}; columns are {', '.join(TEXT_COLUMNS)}"
                                    ", rating:<criterion>, cost:<group>, track:<track>"))
        elif header.index(column) != i:
            problems.append(Problem(SHEET, 1, f"row 1, column {_letter(i)}: "
                                    f"{column!r} appears twice"))
    if "id" not in header:
        problems.append(Problem(SHEET, 1, "row 1: no 'id' column: the first row names the columns"))
    if len(rows) - 1 > MAX_ROWS:
        raise SheetError(f"{SHEET} has {len(rows) - 1} cards; a deck may have at most "
                         f"{MAX_ROWS}")
    if problems:
        return "", where, problems
    lines = ["interventions:"]

    def emit(row: int, column: str, line: str) -> None:
        lines.append(line)
        where.lines[len(lines)] = (row, column)

    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # an empty row, as spreadsheets leave at the end
        if len(cells) > len(header):
            problems.append(where.problem(number, "", f"{len(cells)} cells but the header "
                                          f"names {len(header)} columns"))
            continue
        values = {column: _restore(cell) for column, cell in zip(header, cells, strict=False)}
        for column, cell in values.items():
            if len(cell) > MAX_CELL:
                problems.append(where.problem(number, column, f"{len(cell)} characters; a "
                                              f"cell may hold at most {MAX_CELL}"))
                values[column] = ""
        emit(number, "id", f"  - id: {json.dumps(values.get('id', '').strip())}")
        for column in ("name", "description", "why"):
            if values.get(column, "").strip():
                emit(number, column, f"    {column}: {json.dumps(values[column].strip())}")
        if values.get("tags", "").strip():
            tags = [t.strip() for t in values["tags"].replace(",", ";").split(";") if t.strip()]
            emit(number, "tags", f"    tags: {json.dumps(tags)}")
        if values.get("copies", "").strip():
            copies = _number(values["copies"], number, "copies", where, problems)
            if copies is not None:
                emit(number, "copies", f"    copies: {copies}")
        for prefix, key in (("rating:", "ratings"), ("cost:", "reach"), ("track:", "tracks")):
            cells_here = [(c, v) for c, v in values.items()
                          if c.startswith(prefix) and v.strip()]
            if not cells_here:
                continue
            emit(number, f"{prefix}*", f"    {key}:")
            for column, cell in cells_here:
                value = _number(cell, number, column, where, problems)
                if value is not None:
                    emit(number, column, f"      {json.dumps(column[len(prefix):])}: {value}")
    return "\n".join(lines) + "\n", where, problems


def merge(files: Mapping[str, str], section_text: str) -> dict[str, str]:
    """The deck's files with their interventions replaced by `section_text`, which goes at the
    top of interventions.yaml (so that its line numbers are the ones `from_csv` recorded)."""
    out = {name: without_section(name, text, "interventions") for name, text in files.items()}
    rest = out.get("interventions.yaml", "")
    out["interventions.yaml"] = section_text + ("\n" + rest if rest.strip() else "")
    return out


def to_sheet(problems: list[Problem], where: Where) -> list[Problem]:
    """The loader's problems, those in the sheet's cards said as row and column."""
    out = []
    for p in problems:
        if p.file == "interventions.yaml" and p.line in where.lines:
            row, column = where.lines[p.line]
            message = p.message.split(": ", 1)[-1] if p.message.startswith("intervention") \
                else p.message
            if column == "id" and "'id'" not in message:
                column = ""  # said of the whole card ("missing 'reach'")
            out.append(Problem(SHEET, row, f"{where.cell(row, column)}: {message}"))
        else:
            out.append(p)
    return out
