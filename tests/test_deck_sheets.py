"""A deck's cards as spreadsheets and back (game.decks.sheets, sheetfiles, workbook): a round
trip of every card type of every shipped deck, as CSV and as a workbook, changes no card;
formulas go out as text; every bad cell comes back as its sheet, row and column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from game.decks.compare import compare
from game.decks.loader import check_texts
from game.decks.sheetfiles import from_csv, to_csv, which_sheet
from game.decks.sheets import (
    CARD_SHEETS,
    SheetError,
    about_table,
    merge,
    neutralise,
    numbered,
    read_rows,
    rows,
    to_cells,
)
from game.decks.workbook import from_xlsx, to_xlsx

CARDS = Path(__file__).resolve().parents[1] / "cards"
DECKS = sorted(p.name for p in CARDS.iterdir() if p.is_dir())


def shipped(name: str = "good-governance") -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((CARDS / name).glob("*.yaml"))}


def load(files):
    deck, problems = check_texts(files)
    assert deck is not None, [str(p) for p in problems]
    return deck


def table(text: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline="")))


def cells_of(files: dict[str, str], section: str) -> list[list[str]]:
    """The CSV of `section` the studio offers for the deck `files`, as rows of cells."""
    return table(to_csv(rows(section, load(files), files)))


def written(cells: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(cells)
    return out.getvalue().encode()


def upload(files: dict[str, str], section: str, data: bytes) -> list[str]:
    """What the studio says of a CSV of `section` uploaded to the deck `files`."""
    deck = load(files)
    sheet = read_rows(section, f"{section}.csv", numbered(from_csv(data, "x.csv")), deck)
    if sheet.problems:
        return [str(p) for p in sheet.problems]
    _deck, found = check_texts(merge(files, [sheet]))
    return [str(p) for p in to_cells(found, [sheet])]


@pytest.mark.parametrize("name", DECKS)
def test_a_round_trip_of_every_card_type_changes_no_card(name):
    files = shipped(name)
    deck = load(files)
    sheets = []
    for section in CARD_SHEETS:
        data = to_csv(rows(section, deck, files))
        sheet = read_rows(section, f"{section}.csv", numbered(from_csv(data, "x")), deck)
        assert sheet.problems == [], sheet.problems
        sheets.append(sheet)
    again = load(merge(files, sheets))
    assert compare(deck, again) == []
    # Every card of every type is in the sheets, in the deck's order.
    for section in CARD_SHEETS:
        assert list(getattr(again, section)) == list(getattr(deck, section))


@pytest.mark.parametrize("name", DECKS)
def test_a_workbook_round_trip_changes_no_card(name):
    files = shipped(name)
    deck = load(files)
    book, found = from_xlsx(to_xlsx({s: rows(s, deck, files) for s in CARD_SHEETS}))
    assert found == [] and list(book) == list(CARD_SHEETS)
    sheets = [read_rows(s, s, book[s], deck) for s in CARD_SHEETS]
    assert [p for s in sheets for p in s.problems] == []
    assert compare(deck, load(merge(files, sheets))) == []


def test_none_and_left_out_stay_apart():
    """A scenario with `events: []` draws no event; one without `events` draws them all."""
    files = shipped()
    files["scenarios.yaml"] = files["scenarios.yaml"].replace(
        "  - id: council-chatbot\n", "  - id: council-chatbot\n    events: []\n", 1)
    deck = load(files)
    assert deck.scenarios["council-chatbot"].events == ()
    assert deck.scenarios["street-sensors"].events != ()
    data = to_csv(rows("scenarios", deck, files))
    assert "[]" in table(data)[1]
    sheet = read_rows("scenarios", "scenarios.csv", numbered(from_csv(data, "x")), deck)
    assert compare(deck, load(merge(files, [sheet]))) == []


def test_the_header_rows_are_those_the_deck_guide_lists():
    deck = load(shipped())
    files = shipped()

    def header(section: str) -> list[str]:
        return [str(c) for c in rows(section, deck, files)[0]]

    assert header("interventions")[:6] == ["id", "name", "description", "why", "tags", "copies"]
    assert "rating:collective" in header("interventions")
    assert "cost:customers" in header("interventions")
    assert header("events") == ["id", "kind", "name", "text", "severity", "when", "stages",
                                "effects", "rules"]
    assert header("stages") == ["id", "name", "prompt", "objective", "principles", "rules"]
    assert header("roles") == ["id", "name", "description", "ability:name", "ability:text",
                               "ability:phase", "ability:effects", "objective:text",
                               "objective:condition"]
    scenario = header("scenarios")
    assert scenario[:6] == ["id", "name", "context", "affected", "stages", "events"]
    assert {"track:budget", "weight:democratic", "target:powerful"} <= set(scenario)
    assert scenario[-3:] == ["rules", "reach", "win"]


def test_the_about_sheet_names_every_column_a_sheet_can_have():
    deck = load(shipped())
    files = shipped()
    about = about_table()
    listed = {(row[0], row[1]) for row in about[5:]}
    for section in CARD_SHEETS:
        for name in rows(section, deck, files)[0]:
            prefix = str(name).partition(":")[0]
            family = {(s, c) for s, c in listed if s == section and c.startswith(prefix + ":<")}
            assert (section, name) in listed or family, (section, name)


def test_the_about_sheet_says_what_an_empty_rating_and_an_empty_cost_mean():
    """By default an empty rating is a mistake; an empty cost is a group the card does not
    reach: the about sheet must not say the opposite."""
    said = {(row[0], row[1]): row[2] for row in about_table()[5:]}
    rating = said[("interventions", "rating:<criterion>")]
    assert "may be empty" not in rating
    assert "empty: a mistake, unless the deck's settings say missing_ratings: zero" in rating
    cost = said[("interventions", "cost:<group>")]
    assert "may be empty" not in cost and "empty: it does not reach it" in cost


def test_formulas_go_out_as_text_and_come_back_as_they_were():
    assert neutralise("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [neutralise(c) for c in ("+1+1", "-x", "@x", "\tx", "plain", "-2", "-1.5")] == [
        "'+1+1", "'-x", "'@x", "'\tx", "plain", "-2", "-1.5"]
    # A text that really starts with ' before one of those keeps it through a round trip.
    for text in ("'-ish'", "''=x", "'Tis", "'-1"):
        assert from_csv(to_csv([["name"], [text]]), "x.csv")[1] == [text], text
    files = shipped()
    evil = 'name: "=HYPERLINK(\\"http://evil\\",\\"x\\")"'
    files["interventions.yaml"] = files["interventions.yaml"].replace(
        "name: Desk review", evil, 1)
    files["events.yaml"] = files["events.yaml"].replace(
        "name: Long-term commitment", "name: \"@SUM(1+1)\"", 1)
    deck = load(files)
    sheet = table(to_csv(rows("interventions", deck, files)))
    assert sheet[1][1] == "'=HYPERLINK(\"http://evil\",\"x\")"
    for section in CARD_SHEETS:
        for row in table(to_csv(rows(section, deck, files))):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), cell
                assert not cell.startswith("-") or cell.lstrip("-").isdigit(), cell
    back = [read_rows(s, s, numbered(from_csv(to_csv(rows(s, deck, files)), "x")), deck)
            for s in ("interventions", "events")]
    again = load(merge(files, back))
    assert again.interventions["desk-review"].name == "=HYPERLINK(\"http://evil\",\"x\")"
    assert again.events["long-term-commitment"].name == "@SUM(1+1)"
    # In a workbook, the same texts are text cells that the spreadsheet keeps text.
    data = to_xlsx({s: rows(s, deck, files) for s in ("interventions", "events")})
    cell = load_workbook(io.BytesIO(data))["interventions"]["B2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (
        "=HYPERLINK(\"http://evil\",\"x\")", "s", True)


def test_every_bad_cell_is_said_as_sheet_row_and_column():
    files = shipped()
    cells = cells_of(files, "interventions")
    header = cells[0]
    cells[1][header.index("rating:deliberative")] = "lots"
    cells[3][header.index("cost:customers")] = "2.5"
    assert upload(files, "interventions", written(cells)) == [
        "interventions.csv, row 2, column rating:deliberative (J): 'lots' is not a whole "
        "number: write digits only, like 2",
        "interventions.csv, row 4, column cost:customers (N): '2.5' is not a whole number: "
        "write digits only, like 2"]
    # Cells that are numbers but break the deck's rules: the loader's message, at the cell.
    cells = cells_of(files, "interventions")
    cells[2][header.index("rating:collective")] = "9"
    cells[5][header.index("tags")] = "research; not-a-tag"
    messages = upload(files, "interventions", written(cells))
    assert any(m.startswith("interventions.csv, row 3, column rating:collective (G): ")
               and "9" in m for m in messages), messages
    assert any(m.startswith("interventions.csv, row 6, column tags (E): ")
               and "not-a-tag" in m for m in messages), messages


def test_a_missing_rating_is_said_at_its_column():
    """The loader says it of the card's ratings, which is no column: the sheet points at the
    criterion's column it names, or the first rating column when every one is empty."""
    files = shipped()
    cells = cells_of(files, "interventions")
    header = cells[0]
    cells[3][header.index("rating:democratic")] = ""
    for i, name in enumerate(header):
        if name.startswith("rating:"):
            cells[5][i] = ""
    messages = upload(files, "interventions", written(cells))
    column = f"column rating:democratic ({chr(65 + header.index('rating:democratic'))})"
    first = f"column rating:collective ({chr(65 + header.index('rating:collective'))})"
    assert [m.partition(": ")[0] for m in messages] == [
        f"interventions.csv, row 4, {column}", f"interventions.csv, row 6, {first}"], messages
    assert "no rating for democratic" in messages[0] and "missing 'ratings'" in messages[1]


def test_a_huge_number_is_said_as_it_was_typed():
    files = shipped()
    cells = cells_of(files, "events")
    severity = cells[0].index("severity")
    cells[1][severity] = "1e308"
    cells[2][severity] = "9" * 400
    column = f"column severity ({chr(65 + severity)})"
    assert upload(files, "events", written(cells)) == [
        f"events.csv, row 2, {column}: '1e308' is far beyond any number a deck uses: write a "
        "small one, like 2",
        f"events.csv, row 3, {column}: '{'9' * 40}' is far beyond any number a deck uses: "
        "write a small one, like 2"]


def test_a_bad_rule_in_a_cell_is_said_at_its_cell():
    files = shipped()
    cells = cells_of(files, "events")
    header = cells[0]
    rules = header.index("rules")
    cells[1][rules] = cells[1][rules].replace("{tag: long-term}", "{tag: long-trem}")
    cells[2][rules] = "[{why: broken, then: {add: {trust: 1}}"  # a bracket short
    cells[3][header.index("kind")] = "requirment"
    messages = upload(files, "events", written(cells))
    assert messages[0].startswith("events.csv, row 3, column rules (I): YAML syntax error")
    assert len(messages) == 1  # nothing is checked further while a cell cannot be read
    cells[2][rules] = "[{why: mended, then: {add: {trust: 1}}}]"
    messages = upload(files, "events", written(cells))
    assert any(m.startswith("events.csv, row 2, column rules (I): ") and "long-trem" in m
               and "did you mean 'long-term'" in m for m in messages), messages
    assert any(m.startswith("events.csv, row 4, column kind (B): ") and "requirment" in m
               for m in messages), messages


def test_a_role_ability_and_a_scenario_weight_come_back_as_cells():
    files = shipped()
    cells = cells_of(files, "roles")
    header = cells[0]
    cells[1][header.index("ability:phase")] = "lunch"
    messages = upload(files, "roles", written(cells))
    assert any(m.startswith("roles.csv, row 2, column ability:phase (F): ability: 'phase' is "
                            "'lunch'") for m in messages), messages
    cells = cells_of(files, "scenarios")
    header = cells[0]
    cells[2][header.index("weight:democratic")] = "2,5"  # a decimal comma is read
    cells[1][header.index("weight:powerful")] = "lots"
    messages = upload(files, "scenarios", written(cells))
    assert messages == ["scenarios.csv, row 2, column weight:powerful (N): 'lots' is not a "
                        "number: write digits, like 2 or 1.5"]


def test_a_bad_header_is_said_by_column():
    files = shipped()
    assert upload(files, "interventions", b"id,name,colour\r\nx,y,z\r\n") == [
        "interventions.csv, row 1, column C: unknown column 'colour'; columns are id, name, "
        "description, why, tags, copies, rating:<criterion>, cost:<group>, track:<track>"]
    assert upload(files, "interventions", b"id,rating:colective\r\nx,1\r\n") == [
        "interventions.csv, row 1, column B: the deck has no criterion 'colective' (did you "
        "mean 'collective'?)"]
    assert upload(files, "roles", b"id,ability:power\r\nx,1\r\n") == [
        "roles.csv, row 1, column B: ability has no part 'power'; its parts are name, text, "
        "phase, effects"]


def test_a_sheet_saved_with_semicolons_is_read():
    files = shipped()
    deck = load(files)
    cells = table(to_csv(rows("stages", deck, files)))
    cells[1][1] = "Planning; with care"
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(cells)
    sheet = read_rows("stages", "stages.csv", numbered(from_csv(out.getvalue().encode(), "x")),
                      deck)
    assert sheet.problems == []
    assert load(merge(files, [sheet])).stages["planning"].name == "Planning; with care"


def test_which_card_type_a_csv_holds_by_its_name_or_header():
    deck = load(shipped())
    assert which_sheet("good-governance-r3-events.csv", [], deck) == "events"
    assert which_sheet("Roles.csv", [], deck) == "roles"
    assert which_sheet("events (1).csv", [], deck) == "events"
    assert which_sheet("mine.csv", ["id", "kind", "name", "text"], deck) == "events"
    assert which_sheet("mine.csv", ["id", "name", "prompt"], deck) == "stages"
    with pytest.raises(SheetError, match="Name the file after them"):
        which_sheet("mine.csv", ["id", "name"], deck)


def test_a_csv_past_the_limits_is_refused_with_what_to_fix():
    deck = load(shipped())
    with pytest.raises(SheetError, match="a sheet may have at most 1000 columns"):
        from_csv(b"id" + b",x" * 1200 + b"\r\n", "events.csv")
    many = b"id,name,prompt\r\n" + b"".join(b"s%d,S,P\r\n" % n for n in range(401))
    with pytest.raises(SheetError, match="401 rows of cards; a deck may have at most 400"):
        read_rows("stages", "stages.csv", numbered(from_csv(many, "stages.csv")), deck)
    with pytest.raises(SheetError, match="no header row"):
        read_rows("stages", "stages.csv", numbered(from_csv(b"\r\n\r\n", "stages.csv")), deck)
    sheet = read_rows("stages", "stages.csv",
                      numbered(from_csv(b"id,name\r\ns1,S,extra\r\n", "stages.csv")), deck)
    assert [str(p) for p in sheet.problems] == [
        "stages.csv, row 2, column C: a cell beyond the last column: give it a header, or "
        "empty it"]


def test_the_newer_words_go_out_and_come_back():
    """A stage's objective and principles (kept as lines), an event drawn after scoring, a
    scenario's own win condition and a card without ratings where the deck allows it."""
    files = shipped()
    files["stages.yaml"] = files["stages.yaml"].replace(
        "  - id: planning\n", "  - id: planning\n    objective: Decide what it is for.\n"
        "    principles: |\n      Ask first.\n      Write it down.\n", 1)
    files["events.yaml"] = files["events.yaml"].replace(
        "  - id: long-term-commitment\n", "  - id: long-term-commitment\n"
        "    when: after_scoring\n", 1)
    files["scenarios.yaml"] = files["scenarios.yaml"].replace(
        "  - id: council-chatbot\n", "  - id: council-chatbot\n"
        "    win: {track: {trust: {at_least: 9}}}\n", 1)
    files["deck.yaml"] = files["deck.yaml"].replace("settings:\n",
                                                    "settings:\n  missing_ratings: zero\n", 1)
    deck = load(files)
    # The words the test means to carry are in the deck.
    assert deck.stages["planning"].principles and deck.stages["planning"].objective
    assert deck.events["long-term-commitment"].when == "after_scoring"
    assert deck.scenarios["council-chatbot"].win is not None
    cards = table(to_csv(rows("interventions", deck, files)))
    for name in cards[0]:
        if name.startswith("rating:"):
            cards[1][cards[0].index(name)] = ""  # the first card rates nothing
    sheets = [read_rows("interventions", "interventions.csv", numbered(from_csv(
        written(cards), "x")), deck)]
    sheets += [read_rows(s, s, numbered(from_csv(to_csv(rows(s, deck, files)), "x")), deck)
               for s in ("events", "scenarios", "stages")]
    assert [p for s in sheets for p in s.problems] == []
    again = load(merge(files, sheets))
    first = next(iter(deck.interventions))
    assert [c.fields for c in compare(deck, again)] == [("ratings",)]
    assert again.interventions[first].ratings == dict.fromkeys(deck.criteria, 0)
