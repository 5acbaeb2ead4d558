"""The deck studio's downloads and uploads (/api/studio/...): a deck as a zip of its YAML
folder, its cards as a CSV file per card type or as one workbook (.xlsx), and an upload of
any of these as the deck's next revision (or, for a zip, as a new deck). What each
facilitator may do is asked of game.server.studio first, as on every studio route. The
routes are listed in docs/protocol.md; the sheets' columns are in docs/decks.md.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from flask import Blueprint, Response, jsonify, request

from game.decks.archive import MAX_DECK_BYTES, OLE, to_zip
from game.decks.sheetfiles import from_csv, to_csv, which_sheet
from game.decks.sheets import (
    ABOUT,
    CARD_SHEETS,
    CellProblem,
    Rows,
    Sheet,
    SheetError,
    about_table,
    merge,
    numbered,
    read_rows,
    rows,
    to_cells,
)
from game.decks.workbook import from_xlsx, to_xlsx
from game.decks.yamlfile import Problem
from game.server.accounts import facilitator_required, require_facilitator
from game.server.limits import BadRequest
from game.server.studio import Studio, problems_json
from game.server.studio_api import deck_json, revision_arg, revision_json, studio
from game.store.accounts import Facilitator
from game.store.decks import DeckRecord, RevisionRecord

studio_files = Blueprint("studio_files", __name__, url_prefix="/api/studio")

SHEET = "<any(" + ", ".join(CARD_SHEETS) + "):sheet>"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@studio_files.after_request
def private(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"  # a private deck on a shared computer
    return resp


def _upload() -> tuple[bytes, str]:
    """The uploaded file (the form's `file` field, or the body itself) and its name,
    counted against the facilitator's uploads a minute before anything reads it."""
    studio().count_upload(require_facilitator())
    upload = request.files.get("file")
    if upload is not None:
        return upload.read(), upload.filename or "the upload"
    data = request.get_data(cache=False)
    if not data:
        raise BadRequest("bad_upload", "choose a file to upload: a deck's folder as a .zip, "
                         "its cards as an .xlsx workbook, or one card type as .csv")
    return data, "the upload"


def _download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _asked(record: DeckRecord) -> RevisionRecord:
    """The revision a download asks for (?revision=n), else the latest."""
    asked = revision_arg("revision")
    return studio().revision(record, record.latest if asked == "" else asked)


# ---- a deck's folder as a zip ------------------------------------------------------------

@studio_files.get("/decks/<deck_id>/export.zip")
@facilitator_required
def export_zip(deck_id: str) -> Response:
    """The deck's folder as a zip (?revision=n, else the latest), for `python -m game
    validate` and for cards/."""
    record = studio().readable(deck_id, require_facilitator())
    revision = _asked(record)
    return _download(to_zip(record.slug, revision.files), "application/zip",
                     f"{record.slug}-r{revision.number}.zip")


@studio_files.post("/decks/<deck_id>/import")
@facilitator_required
def import_zip(deck_id: str) -> tuple[Response, int]:
    """A zip of a deck's folder saved as the deck's next revision."""
    who = require_facilitator()
    studio().writable(deck_id, who)
    data, filename = _upload()
    files = studio().uploaded(data)
    revision = studio().save(who, deck_id, files, f"uploaded {filename[:100]}")
    return jsonify(ok=True, revision=revision_json(revision, False)), 201


@studio_files.post("/import")
@facilitator_required
def import_new() -> tuple[Response, int]:
    """A zip of a deck's folder as a new deck of the facilitator's own."""
    who = require_facilitator()
    data, filename = _upload()
    record = studio().start_from(who, studio().uploaded(data), f"uploaded {filename[:100]}")
    return jsonify(ok=True, deck=deck_json(record, who.id)), 201


# ---- the cards as spreadsheets -----------------------------------------------------------

@studio_files.get(f"/decks/<deck_id>/{SHEET}.csv")
@facilitator_required
def export_csv(deck_id: str, sheet: str) -> Response:
    """One card type's sheet (?revision=n, else the latest) as CSV."""
    record = studio().readable(deck_id, require_facilitator())
    revision = _asked(record)
    deck = studio().deck_at(record.id, revision.number)
    return _download(to_csv(rows(sheet, deck, revision.files)), "text/csv",
                     f"{record.slug}-r{revision.number}-{sheet}.csv")


@studio_files.get("/decks/<deck_id>/cards.xlsx")
@facilitator_required
def export_xlsx(deck_id: str) -> Response:
    """Every card type's sheet in one workbook (?revision=n, else the latest)."""
    record = studio().readable(deck_id, require_facilitator())
    revision = _asked(record)
    deck = studio().deck_at(record.id, revision.number)
    tables = {ABOUT: about_table(), **{s: rows(s, deck, revision.files) for s in CARD_SHEETS}}
    return _download(to_xlsx(tables), XLSX_TYPE,
                     f"{record.slug}-r{revision.number}-cards.xlsx")


def _save_sheets(service: Studio, who: Facilitator, record: DeckRecord,
                read: Sequence[tuple[str, str, Rows]], found: Sequence[CellProblem],
                note: str) -> RevisionRecord:
    """Replace the deck's cards of each sheet read (card type, label, rows) with the sheet's,
    and save that as the next revision; every problem, with a cell or with the deck, is
    refused at once, each cell by its sheet, row and column."""
    # Read again: the upload came in since `record` was read, and another tab may have saved
    # a revision meanwhile, which these sheets must be merged into, not past.
    record = service.writable(record.id, who)
    latest = service.revision(record, record.latest)
    deck = service.deck_at(record.id, latest.number)
    try:
        sheets: list[Sheet] = [read_rows(s, label, table, deck) for s, label, table in read]
    except SheetError as exc:
        raise BadRequest("bad_upload", str(exc)) from None
    problems: list[Problem] = [*found, *(p for s in sheets for p in s.problems)]
    files = merge(latest.files, sheets) if not problems else {}
    if not problems:
        _deck, checked = service.check(files)
        problems = to_cells(checked, sheets)
    if problems:
        raise BadRequest("deck_invalid", f"the upload has {len(problems)} problem"
                         f"{'s' * (len(problems) != 1)}: fix them and upload it again",
                         problems=problems_json(problems))
    return service.save(who, record.id, files, note)


def _csv(who: Facilitator, record: DeckRecord, data: bytes, filename: str,
         sheet: str | None) -> tuple[RevisionRecord, str]:
    if len(data) > MAX_DECK_BYTES:
        raise BadRequest("bad_upload", f"the sheet is over {MAX_DECK_BYTES // 1024} KB; a "
                         "deck's cards come to far less")
    try:
        table = numbered(from_csv(data, f"{sheet}.csv" if sheet else filename[:80]))
        if sheet is None:
            deck = studio().deck_at(record.id, record.latest)
            sheet = which_sheet(filename, table[0][1] if table else [], deck)
    except SheetError as exc:
        raise BadRequest("bad_upload", str(exc)) from None
    label = f"{sheet}.csv"
    return _save_sheets(studio(), who, record, [(sheet, label, table)], [],
                       f"uploaded {label}"), sheet


def _xlsx(who: Facilitator, record: DeckRecord, data: bytes,
          filename: str) -> tuple[RevisionRecord, list[str]]:
    try:
        book, found = from_xlsx(data)
    except SheetError as exc:
        raise BadRequest("bad_upload", str(exc)) from None
    read: list[tuple[str, str, Rows]] = []
    for name, table in book.items():
        section = name.strip().lower()
        if section not in CARD_SHEETS:
            raise BadRequest("bad_upload", f"the workbook's sheet {name[:40]!r} is not a card "
                             f"type: name each sheet {', '.join(CARD_SHEETS)} (or {ABOUT}, "
                             "which is not read), or delete it")
        if section in [s for s, _l, _t in read]:
            raise BadRequest("bad_upload", f"the workbook has two sheets of {section}: keep one")
        read.append((section, name, table))
    if not read:
        raise BadRequest("bad_upload", "the workbook has no sheet of cards: name each sheet "
                         f"after its cards ({', '.join(CARD_SHEETS)})")
    revision = _save_sheets(studio(), who, record, read, found,
                           f"uploaded {filename[:100]}")
    return revision, [s for s, _l, _t in read]


@studio_files.post(f"/decks/<deck_id>/{SHEET}.csv")
@facilitator_required
def import_csv(deck_id: str, sheet: str) -> tuple[Response, int]:
    """A sheet of one card type, replacing the deck's cards of that type, saved as the next
    revision."""
    who = require_facilitator()
    record = studio().writable(deck_id, who)  # before the upload is counted or read
    data, filename = _upload()
    revision, _sheet = _csv(who, record, data, filename, sheet)
    return jsonify(ok=True, revision=revision_json(revision, False)), 201


@studio_files.post("/decks/<deck_id>/cards.xlsx")
@facilitator_required
def import_xlsx(deck_id: str) -> tuple[Response, int]:
    """A workbook whose sheets replace the deck's cards of their types, saved as the next
    revision; card types without a sheet are kept as they are."""
    who = require_facilitator()
    record = studio().writable(deck_id, who)  # before the upload is counted or read
    data, filename = _upload()
    revision, _sheets = _xlsx(who, record, data, filename)
    return jsonify(ok=True, revision=revision_json(revision, False)), 201


def kind_of(data: bytes, filename: str) -> str:
    """What an upload is, from its bytes first and its name after: "zip" (a deck's folder),
    "xlsx" (a workbook, or what may have meant to be one) or "csv"."""
    name = filename.lower()
    if data.startswith(b"PK"):
        try:
            entries = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            entries = set()
        if "xl/workbook.xml" in entries or "mimetype" in entries:
            return "xlsx"
        return "xlsx" if name.endswith((".xlsx", ".ods")) else "zip"
    if data.startswith(OLE) or name.endswith((".xlsx", ".xls", ".ods")):
        return "xlsx"
    return "zip" if name.endswith(".zip") else "csv"


@studio_files.post("/decks/<deck_id>/upload")
@facilitator_required
def upload(deck_id: str) -> tuple[Response, int]:
    """The studio page's one upload: a deck's folder as a zip, its cards as a workbook, or
    one card type as CSV (which, by the file's name or else its header), each saved as the
    next revision. {revision, kind, sheets}: what was read, for the page to say."""
    who = require_facilitator()
    record = studio().writable(deck_id, who)  # before the upload is counted or read
    data, filename = _upload()
    kind = kind_of(data, filename)
    if kind == "zip":
        revision = studio().save(who, record.id, studio().uploaded(data),
                                 f"uploaded {filename[:100]}")
        sheets: list[str] = []
    elif kind == "xlsx":
        revision, sheets = _xlsx(who, record, data, filename)
    else:
        revision, sheet = _csv(who, record, data, filename, None)
        sheets = [sheet]
    return jsonify(ok=True, revision=revision_json(revision, False), kind=kind,
                   sheets=sheets), 201
