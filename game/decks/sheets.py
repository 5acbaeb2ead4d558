"""A deck's cards as spreadsheets, and back: one sheet per card type (interventions, events,
scenarios, roles, stages), one row per card, one column per field, with the header rows that
docs/decks.md describes ("Cards in a spreadsheet"). The sheets are read and written as CSV
(game/decks/sheetfiles.py) or as one workbook (game/decks/workbook.py); this module is what
the two share: which columns a sheet has, a sheet's rows made from the deck's YAML, and rows
made back into YAML.

The columns are drawn from the deck's own list of fields (game/decks/sections.py), so a field
the loader learns is a column too:

- a name, a text, a choice or a whole number: one cell as a person types it;
- ids of other parts (tags, a scenario's stages): one cell, the ids separated by `;`;
- numbers per criterion, group or track (an intervention's ratings and costs, a scenario's
  weights): one column per id, like `rating:collective`, so a spreadsheet can sort and sum;
- a role's ability and objective: one column per part, like `ability:name`;
- rules, effects, conditions and the rest: one cell of YAML in flow style, one rule a line.
  Rules nest (conditions inside conditions) and no set of columns fits them, while the YAML
  in the cell is the deck guide's own and the studio's rule editor says it in words.

Coming back, the rows are written as the section's YAML, one key a line, and checked by the
loader with the rest of the deck; each problem it finds on a line is said as the cell that
line came from ("interventions.csv, row 5, column rating:collective (H): ..."), rows counted
as a spreadsheet counts them (the header is row 1).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from game.decks.edit import without_section
from game.decks.fields import suggest
from game.decks.loader import MAX_ITEMS
from game.decks.model import Deck
from game.decks.sections import SECTIONS, Field
from game.decks.yamlfile import DeckFileError, Map, Problem, listed, load_bytes, mappings

CARD_SHEETS = ("interventions", "events", "scenarios", "roles", "stages")
MAX_ROWS = MAX_ITEMS  # a sheet's rows are a section's items
MAX_COLUMNS = 1000
MAX_CELL = 20_000  # a text is at most 1,200 characters; a stage's rules may be long
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

# Families of columns named "prefix:<id>", one per id of a section of the deck: the
# section's key, the section the ids are of, and how a cell is read.
ID_COLUMNS: dict[tuple[str, str], tuple[str, str]] = {
    ("interventions", "ratings"): ("rating", "whole"),
    ("interventions", "reach"): ("cost", "whole"),
    ("interventions", "tracks"): ("track", "whole"),
    ("scenarios", "tracks"): ("track", "whole"),
    ("scenarios", "weights"): ("weight", "number"),
    ("scenarios", "targets"): ("target", "whole"),
}
ID_SECTIONS = {"ratings": "criteria", "weights": "criteria", "targets": "criteria",
               "reach": "groups", "tracks": "tracks"}
# Mappings whose parts each get a column, like "ability:name".
PART_COLUMNS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("roles", "ability"): (("name", "text"), ("text", "text"), ("phase", "text"),
                           ("effects", "yaml")),
    ("roles", "objective"): (("text", "text"), ("condition", "yaml")),
}
CELL_KINDS = {"name": "text", "text": "text", "choice": "text", "ref": "text", "int": "whole",
              "refs": "ids"}

Cell = str | int | float | None
Rows = list[tuple[int, list[str]]]  # a sheet's rows that hold something: (row number, cells)


class SheetError(Exception):
    """A sheet that cannot be read at all: the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet: its header, the item's key it fills (and the key inside that,
    for a family), and how its cells are read: text, whole, number, ids or yaml."""

    name: str
    key: str
    sub: str
    cell: str


@dataclass(frozen=True, slots=True)
class Family:
    """Columns named "prefix:<part>": one per id of `ids` (a section of the deck), or one per
    part in `parts` (part name -> how its cell is read)."""

    prefix: str
    key: str
    cell: str
    ids: str = ""
    parts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Layout:
    """A sheet's columns, in the order they go out: single cells, then families, then YAML."""

    singles: tuple[Column, ...]
    families: tuple[Family, ...]
    yamls: tuple[Column, ...]


def layout(section: str) -> Layout:
    singles: list[Column] = [Column("id", "id", "", "text")]
    families: list[Family] = []
    yamls: list[Column] = []
    for f in SECTIONS[section]:
        if (section, f.key) in ID_COLUMNS:
            prefix, cell = ID_COLUMNS[section, f.key]
            families.append(Family(prefix, f.key, cell, ids=ID_SECTIONS[f.key]))
        elif (section, f.key) in PART_COLUMNS:
            families.append(Family(f.key, f.key, "", parts=PART_COLUMNS[section, f.key]))
        elif f.kind == "amounts":  # a field the loader learnt since: its own key as prefix
            families.append(Family(f.key, f.key, "whole", ids=f.section))
        elif f.kind in CELL_KINDS:
            singles.append(Column(f.key, f.key, "", CELL_KINDS[f.kind]))
        else:
            yamls.append(Column(f.key, f.key, "", "yaml"))
    return Layout(tuple(singles), tuple(families), tuple(yamls))


def _ids(deck: Deck, section: str) -> list[str]:
    return list(getattr(deck, section, {}))


def columns(section: str, deck: Deck) -> list[Column]:
    """The header of `section`'s sheet for `deck`, as it goes out."""
    shape = layout(section)
    out = list(shape.singles)
    for fam in shape.families:
        if fam.parts:
            out += [Column(f"{fam.prefix}:{p}", fam.key, p, cell) for p, cell in fam.parts]
        else:
            out += [Column(f"{fam.prefix}:{i}", fam.key, i, fam.cell)
                    for i in _ids(deck, fam.ids)]
    return out + list(shape.yamls)


def column(section: str, deck: Deck, name: str) -> Column | str:
    """The column a header cell names, or what is wrong with it."""
    shape = layout(section)
    for col in (*shape.singles, *shape.yamls):
        if col.name == name:
            return col
    prefix, _, part = name.partition(":")
    for fam in shape.families:
        if fam.prefix != prefix or not part:
            continue
        if fam.parts:
            cells = dict(fam.parts)
            if part in cells:
                return Column(name, fam.key, part, cells[part])
            return f"{fam.key} has no part {part!r}; its parts are {', '.join(cells)}"
        known = _ids(deck, fam.ids)
        if part in known:
            return Column(name, fam.key, part, fam.cell)
        one = {"criteria": "criterion"}.get(fam.ids, fam.ids.rstrip("s"))
        return f"the deck has no {one} {part!r}{suggest(part, known)}"
    names = [c.name for c in shape.singles] + [
        f"{f.prefix}:<{f.ids.rstrip('s') if f.ids != 'criteria' else 'criterion'}>"
        if f.ids else ", ".join(f"{f.prefix}:{p}" for p, _ in f.parts) for f in shape.families]
    names += [c.name for c in shape.yamls]
    return f"unknown column {name[:40]!r}{suggest(name, names)}; columns are {', '.join(names)}"


ABOUT = "about"  # the workbook's first sheet: what goes in each column; never read back
_CELL_WORDS = {"text": "text", "whole": "a whole number", "number": "a number, like 2 or 1.5",
               "ids": "ids separated by ;", "yaml": "YAML in flow style, as in the deck guide"}


# What an empty cell means where "(may be empty)" would mislead: a rating is not required
# only so that missing_ratings: zero can work; by default an empty one is a mistake.
_EMPTY = {"ratings": " (empty: a mistake, unless the deck's settings say missing_ratings: "
                     "zero, and then the card is rated 0 there)"}


def _field_words(f: Field) -> str:
    if f.kind in ("name", "text"):
        what = f"text, at most {f.limit} characters"
    elif f.kind in ("int", "amounts"):
        what = f"a whole number, {f.low} to {f.high}"
    elif f.kind == "choice":
        what = "one of " + ", ".join(v for v, _ in f.choices)
    elif f.kind == "ref":
        what = f"the id of one of the deck's {f.section}"
    elif f.kind == "refs":
        what = f"ids of the deck's {f.section}, separated by ;"
    else:
        what = _CELL_WORDS["yaml"]
    if f.key in _EMPTY:
        return f"{f.label}: {what}{_EMPTY[f.key]}"
    return f"{f.label}: {what}" + ("" if f.required else " (may be empty)")


def about(section: str) -> list[tuple[str, str]]:
    """What goes in each column of `section`'s sheet, in words: (column, words)."""
    shape = layout(section)
    fields = {f.key: f for f in SECTIONS[section]}
    out = [("id", "the card's id: lower-case letters, digits and hyphens, like budget-cut")]
    out += [(c.name, _field_words(fields[c.key])) for c in shape.singles[1:]]
    for fam in shape.families:
        label = fields[fam.key].label
        if fam.parts:
            out += [(f"{fam.prefix}:{p}", f"{label}, its {p}: {_CELL_WORDS[cell]}")
                    for p, cell in fam.parts]
        else:
            one = "criterion" if fam.ids == "criteria" else fam.ids.rstrip("s")
            words = _field_words(fields[fam.key]) if fields[fam.key].kind == "amounts" \
                else f"{label}: {_CELL_WORDS[fam.cell]} (may be empty)"
            out.append((f"{fam.prefix}:<{one}>", f"one column for each {one}. {words}"))
    out += [(c.name, _field_words(fields[c.key])) for c in shape.yamls]
    return out


def about_table() -> list[list[Cell]]:
    """The workbook's "about" sheet: how to fill in the others."""
    table: list[list[Cell]] = [
        ["How to fill in the sheets of this workbook"],
        ["One sheet for each kind of card, one row per card; the first row names the columns. "
         "Upload the workbook on the deck's page in the studio: each sheet replaces the deck's "
         "cards of its kind, and each mistake is named by sheet, row and column. This sheet "
         "is not read."],
        ["Rules, effects and conditions are written in one cell, as the deck guide's YAML in "
         "flow style, one rule a line, like: [{why: \"People come to you.\", if: {tag: "
         "inclusive}, then: {add: {trust: 1}}}]"],
        [],
        ["sheet", "column", "what goes in it"],
    ]
    for section in CARD_SHEETS:
        table += [[section, name, words] for name, words in about(section)]
    return table


def letter(index: int) -> str:
    """A column's letters as a spreadsheet names them: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---- YAML values in one line -------------------------------------------------------------

_PLAIN = re.compile(r"^[a-z][a-z0-9_-]*$")  # an id or a word such as at_least: no quotes
_WORDS = ("yes", "no", "on", "off", "true", "false", "null", "y", "n")  # YAML reads these
# Characters a YAML reader takes as a line break or refuses, even inside quotes.
_ODD = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _text(value: str) -> str:
    if _PLAIN.match(value) and value not in _WORDS:
        return value
    quoted = json.dumps(value, ensure_ascii=False)  # JSON's strings are YAML's too
    return _ODD.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def flow(value: object, lines: bool = False) -> str:
    """`value` as YAML in flow style: a list of mappings (such as rules) one item a line
    when `lines`, all else on one line."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_text(str(k))}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        items = [flow(v) for v in value]
        joint = ",\n " if lines and any(isinstance(v, dict) for v in value) else ", "
        return "[" + joint.join(items) + "]"
    if isinstance(value, str):
        return _text(value)
    return json.dumps(value)


# ---- going out ---------------------------------------------------------------------------

def items(files: Mapping[str, str], section: str) -> list[Map]:
    """The items of `section` across the deck's files, in the order the loader joins them."""
    return [item for top in mappings(files) for item in listed(top, section)
            if isinstance(item, Map)]


def _out(value: object, kind: str) -> Cell:
    if value is None:
        return None
    if kind in ("whole", "number") and isinstance(value, int | float) \
            and not isinstance(value, bool):
        return value
    if kind == "ids" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value) if value else "[]"  # none, which differs from left out
    if kind in ("text", "ids") and isinstance(value, str | int | float) \
            and not isinstance(value, bool):
        return str(value).strip()
    return flow(value, lines=True)  # yaml, or a value the loader would have refused


def rows(section: str, deck: Deck, files: Mapping[str, str]) -> list[list[Cell]]:
    """`section`'s sheet: the header, then a row per item as the deck's YAML writes it."""
    cols = columns(section, deck)
    table: list[list[Cell]] = [[c.name for c in cols]]
    for item in items(files, section):
        row: list[Cell] = []
        for c in cols:
            value = item.get(c.key)
            if c.sub:
                value = value.get(c.sub) if isinstance(value, dict) else None
            row.append(_out(value, c.cell))
        table.append(row)
    return table


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, made text with a leading apostrophe. A
    plain number (-1) is left a number: it runs nothing. A text that already starts with
    apostrophes before such a start ('-ish) gets one more, so that restore gives it back."""
    if cell.lstrip("'").startswith(FORMULA_STARTS) and not NUMBER.match(cell):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """A neutralised cell as it was."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


# ---- coming back -------------------------------------------------------------------------

class CellProblem(Problem):
    """A problem in a sheet: said as its sheet, row and column, the way a spreadsheet names
    them, rather than as file:line."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.file}, {self.message}"


@dataclass
class Sheet:
    """One sheet read back: the section's YAML, where each of its lines came from (line ->
    row, column), and the problems found in cells before the loader sees them."""

    section: str
    label: str  # as problems name it: "events.csv", or the workbook's sheet "events"
    header: list[str] = field(default_factory=list)
    text: str = ""
    lines: dict[int, tuple[int, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def cell(self, row: int, name: str) -> str:
        if name in self.header:
            return f"row {row}, column {name} ({letter(self.header.index(name))})"
        return f"row {row}"

    def problem(self, row: int, name: str, message: str) -> CellProblem:
        return CellProblem(self.label, row, f"{self.cell(row, name)}: {message}")


BEYOND = 10**9  # no number in a deck comes near (the largest limit is a version's 10,000)


def _whole(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        try:
            number = float(text.strip())
        except ValueError:
            return None
        return int(number) if number.is_integer() else None


def _number(text: str) -> int | float | None:
    whole = _whole(text)
    if whole is not None:
        return whole
    try:
        number = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _value(sheet: Sheet, row: int, col: Column, text: str) -> tuple[bool, object]:
    """A cell's value as YAML will hold it, or (False, None) with the problem noted."""
    if col.cell in ("whole", "number"):
        whole = col.cell == "whole"
        got = _whole(text) if whole else _number(text)
        if got is None:
            sheet.problems.append(sheet.problem(row, col.name, f"{text[:40]!r} is not a "
                                                + ("whole number: write digits only, like 2"
                                                   if whole else
                                                   "number: write digits, like 2 or 1.5")))
            return False, None
        if abs(got) > BEYOND:  # said as typed: the loader would echo 1e308's 309 digits
            sheet.problems.append(sheet.problem(row, col.name, f"{text[:40]!r} is far beyond "
                                                "any number a deck uses: write a small one, "
                                                "like 2"))
            return False, None
        return True, got
    if col.cell == "ids":
        return True, [t.strip() for t in re.split(r"[;,]", text.replace("[]", ""))
                      if t.strip()]
    if col.cell == "yaml":
        try:
            parsed = load_bytes(text.encode("utf-8"), sheet.label)
        except DeckFileError as exc:
            where = f" (line {exc.problem.line} of the cell)" if "\n" in text.strip() else ""
            sheet.problems.append(sheet.problem(row, col.name, exc.problem.message + where))
            return False, None
        return parsed is not None, parsed
    return True, text.strip()


def numbered(table: Sequence[Sequence[str]]) -> Rows:
    """A sheet's rows that hold something, numbered as a spreadsheet numbers them."""
    return [(n, list(cells)) for n, cells in enumerate(table, start=1)
            if any(c.strip() for c in cells)]


def read_rows(section: str, label: str, table: Rows, deck: Deck) -> Sheet:
    """A sheet's rows (row 1 the header; cells as text) made into `section`'s YAML."""
    sheet = Sheet(section, label)
    if not table or table[0][0] != 1:
        raise SheetError(f"{label} has no header row: its first row names the columns "
                         f"({', '.join(c.name for c in layout(section).singles)}, ...)")
    sheet.header = [h.strip() for h in table[0][1]]
    while sheet.header and not sheet.header[-1]:
        sheet.header.pop()  # empty cells at the end of the header row, as spreadsheets leave
    cols: list[Column | None] = []
    for i, name in enumerate(sheet.header):
        found = column(section, deck, name) if name else "a column without a name"
        if sheet.header.index(name) != i and name:
            found = f"{name!r} appears twice"
        if isinstance(found, str):
            sheet.problems.append(CellProblem(label, 1, f"row 1, column {letter(i)}: {found}"))
            cols.append(None)
        else:
            cols.append(found)
    if "id" not in sheet.header:
        sheet.problems.append(CellProblem(label, 1, "row 1: no 'id' column: the first row "
                                          "names the columns, and each card needs its id"))
    filled = table[1:]
    if len(filled) > MAX_ROWS:
        raise SheetError(f"{label} has {len(filled)} rows of cards; a deck may have at most "
                         f"{MAX_ROWS} {section}")
    if sheet.problems:
        return sheet
    lines = [f"{section}:"]

    def emit(row: int, name: str, line: str) -> None:
        lines.append(line)
        sheet.lines[len(lines)] = (row, name)

    for number, cells in filled:
        extra = [i for i in range(len(sheet.header), len(cells)) if cells[i].strip()]
        if extra:
            sheet.problems.append(CellProblem(label, number, f"row {number}, column "
                                              f"{letter(extra[0])}: a cell beyond the last "
                                              "column: give it a header, or empty it"))
            continue
        values: dict[str, tuple[Column, object]] = {}
        for col, text in zip(cols, cells, strict=False):
            assert col is not None
            if len(text) > MAX_CELL:
                sheet.problems.append(sheet.problem(number, col.name, f"{len(text)} characters; "
                                                    f"a cell may hold at most {MAX_CELL}"))
            elif text.strip():
                ok, value = _value(sheet, number, col, text)
                if ok:
                    values[col.name] = (col, value)
        ident = values.pop("id", (None, ""))[1]
        if not ident and "id" in sheet.header:
            sheet.problems.append(sheet.problem(number, "id", "no id: each card needs one, "
                                                "lower-case letters, digits and hyphens, like "
                                                "budget-cut"))
        emit(number, "id", f"  - id: {flow(ident)}")
        parts: dict[str, list[tuple[Column, object]]] = {}
        for col, value in values.values():
            if col.sub:
                parts.setdefault(col.key, []).append((col, value))
            else:
                emit(number, col.name, f"    {col.key}: {flow(value)}")
        for key, inside in parts.items():
            emit(number, f"{key}:*", f"    {key}:")
            for col, value in inside:
                emit(number, col.name, f"      {_text(col.sub)}: {flow(value)}")
    if len(lines) == 1:
        lines[0] += " []"
    sheet.text = "\n".join(lines) + "\n"
    return sheet


def merge(files: Mapping[str, str], sheets: Sequence[Sheet]) -> dict[str, str]:
    """The deck's files with each sheet's section replaced by the sheet's, at the top of
    `<section>.yaml` (so that its line numbers are the ones the sheet recorded)."""
    out = dict(files)
    for sheet in sheets:
        out = {name: without_section(name, text, sheet.section) for name, text in out.items()}
        home = f"{sheet.section}.yaml"
        rest = out.get(home, "")
        out[home] = sheet.text + ("\n" + rest if rest.strip() else "")
    return out


_ONE = {"interventions": "intervention", "events": "event", "scenarios": "scenario",
        "roles": "role", "stages": "stage"}


def _row_of(sheet: Sheet, found: re.Match[str]) -> str:
    line = int(found[1])
    return f"in row {sheet.lines[line][0]}" if line in sheet.lines else found[0]


def to_cells(problems: Sequence[Problem], sheets: Sequence[Sheet]) -> list[Problem]:
    """The loader's problems, those in a sheet's rows said as the cell they came from."""
    homes = {f"{s.section}.yaml": s for s in sheets}
    out: list[Problem] = []
    for p in problems:
        sheet = homes.get(p.file)
        if sheet is None or p.line not in sheet.lines:
            out.append(p)
            continue
        row, name = sheet.lines[p.line]
        # The row names the card: "event 'x': " is said by it already ("event 'x' ability:
        # ..." keeps the part it is about).
        one = _ONE.get(sheet.section, sheet.section)
        said = re.match(rf"^{one} '[^']*'(?: ([a-z0-9 ]+))?: ", p.message)
        message = p.message
        if said:
            message = (f"{said.group(1)}: " if said.group(1) else "") + p.message[said.end():]
        # Another line of the sheet named in the message ("first used at events.yaml:12").
        message = re.sub(rf"\bat {re.escape(p.file)}:(\d+)", partial(_row_of, sheet), message)
        missing = re.match(r"^missing '([a-z_]+)'", message)
        if name.endswith(":*"):  # a family's key ("ratings:"): not a column, but its columns are
            name = _family_column(sheet, name[:-2], message)
        elif name == "id" and missing:  # every column of a family left empty
            name = _family_column(sheet, missing.group(1), message)
        if name == "id" and not re.search(r"\bid\b", message):
            name = ""  # said of the whole card ("missing 'description'")
        out.append(sheet.problem(row, name, message))
    return out


def _family_column(sheet: Sheet, key: str, message: str) -> str:
    """The column to point at for a problem with a family of columns (ratings, reach): the
    first one the message names ("no rating for collective"), else the family's first; "id"
    if the sheet has none of them."""
    prefixes = [f.prefix for f in layout(sheet.section).families if f.key == key]
    if not prefixes:
        return "id"
    ours = [h for h in sheet.header if h.startswith(f"{prefixes[0]}:")]
    said = message.partition(": ")[0]  # "no rating for collective, voice"
    named = [h for h in ours if re.search(rf"\b{re.escape(h.partition(':')[2])}\b", said)]
    return (named or ours or ["id"])[0]
