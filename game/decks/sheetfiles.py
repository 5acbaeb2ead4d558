"""One card type's sheet as a CSV file, and back (the columns are game/decks/sheets.py's).

Going out, UTF-8 with a byte-order mark (so that a spreadsheet does not guess another
encoding), and every cell a spreadsheet would run as a formula made text with a leading
apostrophe (`=HYPERLINK(...)` in a card's name stays text). Coming back, the apostrophe is
taken off again; a sheet saved with `;` between cells (as spreadsheets do where the decimal
mark is a comma) is read as well.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from game.decks.model import Deck
from game.decks.sheets import (
    CARD_SHEETS,
    MAX_COLUMNS,
    MAX_ROWS,
    Cell,
    SheetError,
    column,
    neutralise,
    restore,
)

MAX_CSV_ROWS = 20 * MAX_ROWS  # empty rows too, which spreadsheets may leave


def to_csv(table: Sequence[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table:
        writer.writerow(["" if c is None else neutralise(str(c)) for c in row])
    return out.getvalue().encode("utf-8-sig")


def _parse(text: str, delimiter: str, label: str) -> list[list[str]]:
    table: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(row) > MAX_COLUMNS:
                raise SheetError(f"{label} has a row of {len(row)} cells; a sheet may have at "
                                 f"most {MAX_COLUMNS} columns")
            table.append([restore(cell) for cell in row])
            if len(table) > MAX_CSV_ROWS:
                raise SheetError(f"{label} has over {MAX_CSV_ROWS} rows; a deck may have at "
                                 f"most {MAX_ROWS} cards of a kind")
    except csv.Error as exc:
        raise SheetError(f"{label} cannot be read as CSV ({exc}): save it again as CSV") \
            from None
    return table


def from_csv(data: bytes, label: str) -> list[list[str]]:
    """The rows of a CSV file, each cell as text as it was before it went out."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(f"{label} is not UTF-8 text: save it as 'CSV UTF-8' (in most "
                         "spreadsheets: Save as, then choose that type)") from None
    table = _parse(text, ",", label)
    if table and len(table[0]) == 1 and ";" in table[0][0]:
        table = _parse(text, ";", label)
    return table


def which_sheet(filename: str, header: Sequence[str], deck: Deck) -> str:
    """The card type a CSV file holds: said by its name (`events.csv`, or the download's
    `my-deck-r3-events.csv`), else by its header, when only one card type has all its
    columns."""
    name = filename.lower().strip()
    for section in CARD_SHEETS:
        if re.search(rf"(^|[^a-z]){section}(\s*\(\d+\))?\.csv$", name):
            return section
    names = [h.strip() for h in header if h.strip()]
    fits = [s for s in CARD_SHEETS
            if names and all(not isinstance(column(s, deck, n), str) for n in names)]
    if len(fits) == 1:
        return fits[0]
    raise SheetError(f"which cards does {filename[:80]!r} hold? Name the file after them, "
                     f"as the download is: {', '.join(f'{s}.csv' for s in CARD_SHEETS)}")
