"""A deck's cards as spreadsheets through a real server, as the studio page uses them: each
card type downloaded as CSV and the whole as a workbook, uploaded back unchanged (no card
changes) or with mistakes (each refused by its sheet, row and column, nothing saved), and
hostile workbooks refused with what to fix. Who may use each route is tried with the other
studio routes in test_studio_api.py."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from realserver import ServerProcess
from test_studio_api import Facilitator, files_of, fork, unique

SHEETS = ("interventions", "events", "scenarios", "roles", "stages")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def ana(server: ServerProcess) -> Facilitator:
    return Facilitator(server, unique("ana"))


def latest(who: Facilitator, deck: str) -> int:
    return who.get(f"/api/studio/decks/{deck}").json()["deck"]["latest"]


def changes(who: Facilitator, deck: str, a: int, b: int) -> list[dict]:
    return who.get(f"/api/studio/decks/{deck}/compare?from={a}&to={b}").json()["changes"]


def refused(answer, code: str = "bad_upload") -> dict:
    assert answer.status_code == 400, answer.text[:300]
    error = answer.json()["error"]
    assert error["code"] == code, error
    return error


def workbook_of(who: Facilitator, deck: str):
    got = who.get(f"/api/studio/decks/{deck}/cards.xlsx")
    assert got.status_code == 200 and got.headers["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(got.content))


def saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column_of(sheet, name: str) -> int:
    return next(c.column for c in sheet[1] if c.value == name)


def test_each_card_type_goes_out_and_comes_back_unchanged(ana):
    deck = fork(ana)["id"]
    for n, sheet in enumerate(SHEETS, start=2):
        got = ana.get(f"/api/studio/decks/{deck}/{sheet}.csv")
        assert got.status_code == 200 and got.headers["Content-Type"].startswith("text/csv")
        assert f'good-governance-r{n - 1}-{sheet}.csv"' in got.headers["Content-Disposition"]
        answer = ana.upload(f"/api/studio/decks/{deck}/{sheet}.csv", got.content, "x.csv")
        assert answer.status_code == 201, answer.text[:500]
        assert answer.json()["revision"]["note"] == f"uploaded {sheet}.csv"
    assert latest(ana, deck) == 6
    assert changes(ana, deck, 1, 6) == []
    # The workbook, through the page's one upload, told from a zip and a CSV by what it is.
    book = ana.get(f"/api/studio/decks/{deck}/cards.xlsx")
    answer = ana.upload(f"/api/studio/decks/{deck}/upload", book.content, "my cards.xlsx")
    assert answer.status_code == 201, answer.text[:500]
    assert answer.json()["kind"] == "xlsx" and answer.json()["sheets"] == list(SHEETS)
    assert changes(ana, deck, 1, 7) == []


def test_a_workbook_with_mistakes_is_refused_cell_by_cell_then_fixed(ana):
    deck = fork(ana)["id"]
    book = workbook_of(ana, deck)
    assert book.sheetnames == ["about", *SHEETS]
    # The first sheet says what goes in each column; it is not read back.
    about = {(r[0], r[1]): r[2] for r in book["about"].iter_rows(min_row=6, values_only=True)}
    assert about["interventions", "rating:<criterion>"] == (
        "one column for each criterion. Ratings, 0 to 5: a whole number, 0 to 5 (empty: a "
        "mistake, unless the deck's settings say missing_ratings: zero, and then the card is "
        "rated 0 there)")
    book["about"]["A1"] = "=1+1"
    cards = book["interventions"]
    assert [c.value for c in cards[1]][:6] == ["id", "name", "description", "why", "tags",
                                                "copies"]
    collective = column_of(cards, "rating:collective")
    cards.cell(5, collective, 9)  # ratings are 0 to 5
    events = book["events"]
    events.cell(3, column_of(events, "kind"), "requirment")
    roles = book["roles"]
    roles.cell(2, column_of(roles, "name"), "=CONCAT(\"Project\", \" lead\")")  # a formula
    stages = book["stages"]
    rules = stages.cell(4, column_of(stages, "rules"))
    kept, rules.value = rules.value, "[{why: broken"
    answer = ana.upload(f"/api/studio/decks/{deck}/upload", saved(book), "cards.xlsx")
    texts = [p["text"] for p in refused(answer, "deck_invalid")["problems"]]
    assert texts == [
        "roles, row 2, column name (B): a formula (=CONCAT(\"Project\", \" lead\")): type "
        "the value itself (start it with ' to keep = as text)",
        "stages, row 4, column rules (F): YAML syntax error: expected ',' or '}', but got "
        "'<stream end>' (check indentation, colons and quotes)"]
    # Cells that could be read are checked with the deck, each problem at its cell.
    roles.cell(2, column_of(roles, "name"), "Project lead")
    rules.value = kept
    answer = ana.upload(f"/api/studio/decks/{deck}/cards.xlsx", saved(book), "cards.xlsx")
    problems = refused(answer, "deck_invalid")["problems"]
    texts = [p["text"] for p in problems]
    assert any(t.startswith("interventions, row 5, column rating:collective (G): ")
               and "9" in t for t in texts), texts
    assert any(t.startswith("events, row 3, column kind (B): 'kind' is 'requirment' (did you "
                            "mean 'requirement'?)") for t in texts), texts
    assert {(p["file"], p["line"]) for p in problems} == {("interventions", 5), ("events", 3)}
    assert latest(ana, deck) == 1  # nothing saved
    cards.cell(5, collective, 4)
    events.cell(3, column_of(events, "kind"), "challenge")
    answer = ana.upload(f"/api/studio/decks/{deck}/upload", saved(book), "cards.xlsx")
    assert answer.status_code == 201, answer.text[:500]
    changed = changes(ana, deck, 1, 2)
    assert {(c["section"], c["kind"]) for c in changed} == {
        ("interventions", "changed"), ("events", "changed"), ("roles", "changed")}
    assert {f for c in changed for f in c["fields"]} == {"ratings", "kind", "name"}


def test_a_sheet_can_add_and_remove_cards(ana):
    deck = fork(ana)["id"]
    text = ana.get(f"/api/studio/decks/{deck}/events.csv").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text, newline="")))
    header = table[0]
    new = dict.fromkeys(header, "")
    new.update({"id": "laptop-stolen", "kind": "challenge", "name": "<b>Data breach</b>",
                "text": "A laptop with the raw data is stolen.", "severity": "2",
                "effects": "[{add: {trust: -2}}]"})
    out = io.StringIO()
    csv.writer(out).writerows([*table, [new[h] for h in header]])
    answer = ana.upload(f"/api/studio/decks/{deck}/upload", out.getvalue().encode(),
                        "good-governance-r1-events.csv")
    assert answer.status_code == 201, answer.text[:500]
    assert answer.json()["sheets"] == ["events"]
    changed = changes(ana, deck, 1, 2)
    assert [c for c in changed if c["section"] == "events"] == [
        {"section": "events", "id": "laptop-stolen", "kind": "added", "fields": []}]
    # Scenarios that name no events draw from all of them, the new one too.
    assert all(c["section"] == "scenarios" and c["fields"] == ["events"]
               for c in changed if c["section"] != "events")
    events = files_of(ana, deck)["events.yaml"]
    # The same id twice: said as the two rows.
    out = io.StringIO()
    csv.writer(out).writerows([*table, table[1]])
    answer = ana.upload(f"/api/studio/decks/{deck}/events.csv", out.getvalue().encode(), "x")
    texts = [p["text"] for p in refused(answer, "deck_invalid")["problems"]]
    assert texts == [f"events.csv, row {len(table) + 1}, column id (A): events: duplicate id "
                     f"'{table[1][0]}' (first used in row 2)"]
    assert '"<b>Data breach</b>"' in events  # a name with HTML is kept as text
    # Taking out a card another part names: the problem is said where that part is.
    gone = [row for row in table if row[0] != "ethics-check"]
    out = io.StringIO()
    csv.writer(out).writerows(gone)
    answer = ana.upload(f"/api/studio/decks/{deck}/events.csv", out.getvalue().encode(),
                        "events.csv")
    texts = [p["text"] for p in refused(answer, "deck_invalid")["problems"]]
    assert texts and all(t.startswith("scenarios.yaml:") and "unknown event 'ethics-check'"
                         in t for t in texts), texts


def test_the_page_upload_tells_a_csv_by_its_name_or_its_header(ana):
    deck = fork(ana)["id"]
    path = f"/api/studio/decks/{deck}/upload"
    answer = ana.upload(path, b"id,name,prompt\r\nplanning,Planning again,Who?\r\n", "mine.csv")
    # Stages, by its header; the other stages are gone, so the deck says what is missing.
    error = refused(answer, "deck_invalid")
    assert any("stage" in p["text"] for p in error["problems"]), error
    answer = ana.upload(path, b"id,name\r\nx,y\r\n", "mine.csv")
    assert "Name the file after them" in refused(answer)["message"]
    answer = ana.upload(path, b"\xff\xfe not utf-8", "events.csv")
    assert "CSV UTF-8" in refused(answer)["message"]
    zipped = ana.get(f"/api/studio/decks/{deck}/export.zip").content
    answer = ana.upload(path, zipped, "good-governance.zip")
    assert answer.status_code == 201 and answer.json()["kind"] == "zip", answer.text[:300]


def _workbook_zip(extra: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A real workbook with entries added or replaced."""
    book = Workbook()
    book.active.title = "stages"
    book.active.append(["id", "name"])
    base = zipfile.ZipFile(io.BytesIO(saved(book)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name in base.namelist():
            if name not in extra:
                z.writestr(name, base.read(name))
        for name, body in extra.items():
            z.writestr(name, body)
    return out.getvalue()


def _renamed_sheet(body: bytes, part: str) -> bytes:
    """A real workbook whose one sheet is `body`, stored under another name (`part`) that
    its rels and content types follow: openpyxl reads the sheet whatever it is named."""
    base = zipfile.ZipFile(io.BytesIO(_workbook_zip({})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in base.namelist():
            data = body if name == "xl/worksheets/sheet1.xml" else base.read(name)
            if name.endswith(".rels") or name == "[Content_Types].xml":
                data = data.replace(b"worksheets/sheet1.xml", part.removeprefix("xl/").encode())
            z.writestr(part if name == "xl/worksheets/sheet1.xml" else name, data)
    return out.getvalue()


def test_hostile_workbooks_are_refused_with_what_to_fix(ana):
    deck = fork(ana)["id"]
    path = f"/api/studio/decks/{deck}/cards.xlsx"
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<si><t>&lol2;</t></si></sst>')
    cells = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="1">' + b'<c r="A1"><v>1</v></c>' * 250_000
             + b"</row></sheetData></worksheet>")  # small zipped, slow to read
    many = Workbook()
    for n in range(25):
        many.create_sheet(f"s{n}")
    tall = Workbook()
    tall.active.title = "events"
    for n in range(402):
        tall.active.append([f"e{n}", "x"])
    wide = Workbook()
    wide.active.title = "stages"
    wide.active.append(["id", "name"])
    wide.active.cell(2, 1500, "far away")
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    for data, name, message in [
        (_workbook_zip({"xl/worksheets/sheet2.xml": b"<" * (40 * 1024 * 1024)}), "bomb.xlsx",
         "over 8 MB unpacked"),
        (_workbook_zip({"xl/worksheets/sheet1.xml": cells}), "cells.xlsx",
         "over 100,000 cells"),
        (_renamed_sheet(cells, "xl/worksheets/sheet1.bin"), "renamed.xlsx",
         "over 100,000 cells"),
        (_renamed_sheet(cells, "xl/cells.dat"), "elsewhere.xlsx", "xl/cells.dat is over 1024 KB"),
        (_workbook_zip({"xl/styles.xml": b"<styleSheet><fonts>" + b"<font><b/></font>" * 70_000
                        + b"</fonts></styleSheet>"}), "styles.xlsx",
         "xl/styles.xml is over 1024 KB"),
        (_workbook_zip({"xl/sharedStrings.xml": laughs}), "laughs.xlsx",
         "declares an XML document type"),
        (saved(many), "many.xlsx", "26 sheets"),
        (saved(tall), "tall.xlsx", "over 400 rows of cards"),
        (saved(wide), "wide.xlsx", "has cells beyond column"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls", "old Excel (.xls)"),
        (b"not a workbook at all", "cards.xlsx", "not an .xlsx workbook"),
        (ods.getvalue(), "cards.ods", "OpenDocument"),
        (_workbook_zip({"xl/workbook.xml": b"<not-a-workbook"}), "broken.xlsx",
         "cannot be read"),
        # The deck zip's path checks hold for a workbook too (one helper makes both).
        (_workbook_zip({"../../outside.xml": b"<x/>"}), "climbing.xlsx", "a path with '..'"),
        (_workbook_zip({"/etc/absolute.xml": b"<x/>"}), "absolute.xlsx", "an absolute path"),
    ]:
        answer = ana.upload(path, data, name)
        assert message in refused(answer)["message"], (name, answer.text[:300])
    too_big = ana.upload(path, b"PK" + b"\0" * (5 * 1024 * 1024), "big.xlsx")
    assert too_big.status_code == 413
    long_cell = b"id,name,prompt\r\nplanning," + b"x" * 30_000 + b",Who?\r\n"
    answer = ana.upload(f"/api/studio/decks/{deck}/stages.csv", long_cell, "stages.csv")
    texts = [p["text"] for p in refused(answer, "deck_invalid")["problems"]]
    assert texts == ["stages.csv, row 2, column name (B): 30000 characters; a cell may hold "
                     "at most 20000"]
    unknown = Workbook()
    unknown.active.title = "Notes"
    answer = ana.upload(path, saved(unknown), "cards.xlsx")
    assert "sheet 'Notes' is not a card type" in refused(answer)["message"]
    assert latest(ana, deck) == 1


def test_uploads_to_a_deck_one_may_not_change_are_refused_before_they_count(ana, server):
    """Another facilitator's deck is unknown to you, and trying it does not use up your own
    uploads a minute: the check comes before the upload is counted or read."""
    deck = fork(ana)["id"]
    bea = Facilitator(server, unique("bea"))
    for path in (f"/api/studio/decks/{deck}/events.csv", f"/api/studio/decks/{deck}/cards.xlsx"):
        for _ in range(10):  # twenty in all: the cap of UPLOADS_PER_MINUTE's default
            answer = bea.upload(path, b"id,name\r\nx,y\r\n", "events.csv")
            assert answer.status_code == 404, answer.text[:300]
            assert answer.json()["error"]["code"] == "unknown_deck"
    own = fork(bea)["id"]
    zipped = bea.get(f"/api/studio/decks/{own}/export.zip").content
    answer = bea.upload(f"/api/studio/decks/{own}/upload", zipped, "good-governance.zip")
    assert answer.status_code == 201, answer.text[:300]
    assert latest(ana, deck) == 1


def test_deep_nesting_is_a_problem_said_where_not_a_crash(ana):
    """Thousands of brackets in a YAML cell or file would exhaust Python's stack: each way in
    (a CSV, a workbook, a zip) answers with the deck's problem, where it is and what to fix."""
    deck = fork(ana)["id"]
    deep = "[" * 5000 + "]" * 5000
    nested = "nested more than 100 levels deep"
    rows = list(csv.reader(io.StringIO(ana.get(f"/api/studio/decks/{deck}/events.csv")
                                       .content.decode("utf-8-sig"))))
    rules = rows[0].index("rules")
    rows[1][rules] = deep
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    answer = ana.upload(f"/api/studio/decks/{deck}/events.csv", out.getvalue().encode(),
                        "events.csv")
    problems = refused(answer, "deck_invalid")["problems"]
    assert [(p["file"], p["line"]) for p in problems] == [("events.csv", 2)], problems
    assert problems[0]["message"].startswith(f"row 2, column rules ({chr(65 + rules)}): "
                                             f"{nested}"), problems
    book = workbook_of(ana, deck)
    book["events"].cell(2, column_of(book["events"], "rules"), deep)
    answer = ana.upload(f"/api/studio/decks/{deck}/cards.xlsx", saved(book), "cards.xlsx")
    problems = refused(answer, "deck_invalid")["problems"]
    assert [p["file"] for p in problems] == ["events"] and nested in problems[0]["message"]
    files = files_of(ana, deck)
    files["events.yaml"] = "events: " + deep + "\n"
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        for name, text in files.items():
            z.writestr(f"d/{name}", text)
    answer = ana.upload(f"/api/studio/decks/{deck}/import", zipped.getvalue(), "d.zip")
    problems = refused(answer, "deck_invalid")["problems"]
    assert [(p["file"], p["line"]) for p in problems] == [("events.yaml", 1)], problems
    assert problems[0]["message"].startswith(nested), problems
    assert latest(ana, deck) == 1


def test_uploads_are_capped_per_facilitator_with_the_wait(ana, server):
    """Twenty uploads a minute each (UPLOADS_PER_MINUTE's default): the next is refused
    before the file is read, saying how long to wait, and another facilitator is not held up."""
    deck = fork(ana)["id"]
    path = f"/api/studio/decks/{deck}/upload"
    for _ in range(20):
        refused(ana.upload(path, b"not a workbook at all", "cards.xlsx"))
    zipped = ana.get(f"/api/studio/decks/{deck}/export.zip").content
    answer = ana.upload(path, zipped, "good-governance.zip")  # would be saved, were it read
    assert answer.status_code == 429, answer.text[:300]
    error = answer.json()["error"]
    assert error["code"] == "too_many_uploads"
    assert re.search(r"wait \d+ seconds, then upload the file again", error["message"]), error
    assert latest(ana, deck) == 1
    bea = Facilitator(server, unique("bea"))
    other = fork(bea)["id"]
    answer = bea.upload(f"/api/studio/decks/{other}/upload", zipped, "good-governance.zip")
    assert answer.status_code == 201, answer.text[:300]
