"""A deck's cards as one workbook (.xlsx), a sheet per card type, and back, with openpyxl
(the columns are game/decks/sheets.py's).

Going out, every text is written as text, never as a formula, and one that starts as a
formula would is marked so that the spreadsheet keeps it text when it is edited; numbers
are numbers, so that a column can be sorted and summed.

Coming back, a workbook is a zip of XML, and a hostile one is refused before openpyxl reads
it: a file over the upload limit, more entries than a workbook needs, an entry that unpacks
to more than it may (counted as read, not as the zip claims: a zip bomb stops there), an
XML document type (the way to an entity bomb), more cells, sheets, rows or columns than a
deck can fill. openpyxl then reads a copy made only of the bytes that were checked. A cell that
holds a formula, an error (#NAME?) or a date is a problem said by its row and column: the
deck wants what a person typed.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Mapping, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from game.decks.archive import OLE, ZipKind, open_zip, read_entry
from game.decks.sheets import (
    ABOUT,
    FORMULA_STARTS,
    MAX_COLUMNS,
    MAX_ROWS,
    Cell,
    CellProblem,
    Rows,
    SheetError,
    letter,
)

LABEL = "the workbook"
MAX_UNPACKED = 8 * 1024 * 1024  # every entry, unpacked: a deck's sheets come to far less
# Cells in all the sheets, and texts they share: 5 kinds of card x 400 rows x 50 columns.
# openpyxl takes about 10 us for each, so a small file of millions of tiny cells would hold
# a worker for minutes.
MAX_CELLS = 100_000
# Every other XML part (styles, the workbook's list of sheets and names, the theme): a
# spreadsheet writes tens of KB; a megabyte of fonts is a second of openpyxl's time.
MAX_PART = 1024 * 1024
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
MAX_SHEETS = 20
MAX_WIDE_ROWS = 20  # rows with formatted cells beyond the last column a sheet may have
_DOCTYPE = re.compile(rb"<\x00?!\x00?(D\x00?O\x00?C\x00?T\x00?Y\x00?P\x00?E|"
                      rb"E\x00?N\x00?T\x00?I\x00?T\x00?Y)", re.IGNORECASE)
_DOCTYPE_BE = re.compile(rb"\x00<\x00!\x00[DdEe]")  # UTF-16, big-endian
WIDE = 60  # characters: a column holding longer texts is drawn this wide, wrapped
WORKBOOK = ZipKind("the workbook", "that is not an .xlsx workbook: save it as an Excel workbook "
                   "(.xlsx), or upload one card type as CSV", "save it again as .xlsx",
                   "save the cards alone in a new workbook", SheetError)


def to_xlsx(tables: Mapping[str, Sequence[Sequence[Cell]]]) -> bytes:
    """A workbook with a sheet per entry of `tables` (name -> rows, the header first)."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for name, table in tables.items():
        sheet = book.create_sheet(name)
        widths: dict[int, int] = {}
        for r, row in enumerate(table, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell = sheet.cell(r, c, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, whatever it starts with: never a formula
                    if value.startswith(FORMULA_STARTS):
                        cell.quotePrefix = True  # and kept text when it is edited
                if r == 1 or (name == ABOUT and r == 5):
                    cell.font = bold
                if len(row) == 1:
                    continue  # a line of notes, such as the about sheet's: it runs on
                longest = max(len(line) for line in str(value).split("\n"))
                widths[c] = max(widths.get(c, 8), min(longest + 2, WIDE))
                if isinstance(value, str) and (len(value) > WIDE or "\n" in value):
                    cell.alignment = wrap
        for c, width in widths.items():
            sheet.column_dimensions[letter(c - 1)].width = width
        if name != ABOUT:
            sheet.freeze_panes = "B2"  # the header and each card's id stay in view
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _checked_copy(data: bytes) -> bytes:
    """The workbook's zip made again from entries read within the limits, so that openpyxl
    reads nothing that was not checked; SheetError says what is wrong."""
    if data.startswith(OLE):
        raise SheetError("that is an old Excel (.xls) file or a workbook with a password: "
                         "save it as an Excel workbook (.xlsx) without a password")
    archive, infos = open_zip(data, WORKBOOK)
    names = {i.filename for i in infos}
    if "mimetype" in names and "content.xml" in names:
        raise SheetError("that is an OpenDocument spreadsheet (.ods): save it as an Excel "
                         "workbook (.xlsx), or each card type as CSV")
    if "xl/workbook.xml" not in names:
        raise SheetError("that zip is not an .xlsx workbook: a deck's folder as a .zip is "
                         "uploaded as a zip, a spreadsheet as .xlsx or .csv")
    out = io.BytesIO()
    total = cells = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info in infos:
            body = read_entry(archive, info, MAX_UNPACKED - total, WORKBOOK)
            total += len(body)
            if total > MAX_UNPACKED:
                raise SheetError(f"the workbook comes to over {MAX_UNPACKED // 2**20} MB "
                                 "unpacked; a deck's cards come to far less: save the cards "
                                 "alone in a new workbook")
            if _DOCTYPE.search(body) or _DOCTYPE_BE.search(body):
                raise SheetError(f"{info.filename[:80]} declares an XML document type, which "
                                 "no spreadsheet writes: save the workbook again as .xlsx")
            # openpyxl finds sheets and shared texts through the rels, whatever a part is
            # named, so every entry is counted and bounded, not only those named .xml.
            sheet_data = info.filename.startswith("xl/worksheets/") or \
                info.filename == "xl/sharedStrings.xml"
            if not sheet_data and not info.filename.startswith("xl/media/") \
                    and len(body) > MAX_PART:
                raise SheetError(f"{info.filename[:80]} is over {MAX_PART // 1024} KB; a "
                                 "spreadsheet writes far less there: save the cards alone "
                                 "in a new workbook")
            cells += len(_CELL.findall(body)) + len(_STRING.findall(body))
            if cells > MAX_CELLS:
                raise SheetError(f"the workbook has over {MAX_CELLS:,} cells and "
                                 "texts; a deck's cards fill far fewer: save the cards "
                                 "alone in a new workbook")
            copy.writestr(info.filename, body)
    return out.getvalue()


def _text(value: object, where: str, problems: list[CellProblem], sheet: str,
          row: int) -> str:
    """A cell's value as the text a person typed; a problem if it is not one."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        problems.append(CellProblem(sheet, row, f"{where}: the spreadsheet made this a date "
                                    f"or a time ({value}): format the column as text and "
                                    "type it again"))
        return ""
    return str(value)


def from_xlsx(data: bytes) -> tuple[dict[str, Rows], list[CellProblem]]:
    """Each sheet's rows that hold something (sheet name -> [(row number, cells as text)]), and the
    cells that hold a formula, an error or a date. SheetError if the workbook cannot be read
    or goes past a limit."""
    checked = _checked_copy(data)
    try:
        book = load_workbook(io.BytesIO(checked), read_only=True, data_only=False,
                             keep_links=False)
    except Exception as exc:  # whatever openpyxl meets in a hostile file: it is refused
        raise SheetError(f"the workbook cannot be read ({type(exc).__name__}): save it again "
                         "as .xlsx") from None
    try:
        if len(book.sheetnames) > MAX_SHEETS:
            raise SheetError(f"the workbook has {len(book.sheetnames)} sheets; a deck's has "
                             "one per card type: delete the others")
        sheets: dict[str, Rows] = {}
        problems: list[CellProblem] = []
        for name in book.sheetnames:
            if name.strip().lower() != ABOUT:  # ours, to read: never read back
                sheets[name] = _rows(book[name], name, problems)
        return sheets, problems
    except SheetError:
        raise
    except Exception as exc:  # as above, met while reading the sheets
        raise SheetError(f"the workbook cannot be read ({type(exc).__name__}): save it again "
                         "as .xlsx") from None
    finally:
        book.close()


def _rows(sheet: object, name: str, problems: list[CellProblem]) -> Rows:
    if not hasattr(sheet, "iter_rows"):
        raise SheetError(f"sheet {name[:40]!r} is a chart: a deck's workbook holds only the "
                         "sheets of cards")
    sheet.reset_dimensions()  # type: ignore[attr-defined]  # what the file claims is not used
    out: Rows = []
    header: list[str] = []
    filled = wide = 0
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if not cells:
            continue  # a row the file has without cells, or one it leaves out
        if len(cells) > MAX_COLUMNS:
            wide += 1
            if wide > MAX_WIDE_ROWS or any(c.value is not None for c in cells[MAX_COLUMNS:]):
                raise SheetError(f"sheet {name[:40]!r} has cells beyond column "
                                 f"{letter(MAX_COLUMNS - 1)}: a deck's sheet has at most "
                                 f"{MAX_COLUMNS} columns: delete those columns")
            cells = cells[:MAX_COLUMNS]
        row: list[str] = []
        for i, cell in enumerate(cells):
            head = header[i] if i < len(header) and header[i] else ""
            where = f"row {number}, column {head + ' (' if head else ''}{letter(i)}" + \
                (")" if head else "")
            kind = getattr(cell, "data_type", None)
            if kind == "f":
                problems.append(CellProblem(name, number, f"{where}: a formula "
                                            f"({str(cell.value)[:40]}): type the value "
                                            "itself (start it with ' to keep = as text)"))
                row.append("")
            elif kind == "e":
                problems.append(CellProblem(name, number, f"{where}: the spreadsheet shows "
                                            f"the error {cell.value}: type the value again, "
                                            "starting it with ' if it starts with - or ="))
                row.append("")
            else:
                row.append(_text(cell.value, where, problems, name, number))
        if number == 1:
            header = [c.strip() for c in row]
        if any(c.strip() for c in row):
            filled += 1
            if filled > MAX_ROWS + 1:
                raise SheetError(f"sheet {name[:40]!r} has over {MAX_ROWS} rows of cards; a "
                                 f"deck may have at most {MAX_ROWS} of a kind")
            out.append((number, row))
    return out
