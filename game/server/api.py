"""The HTTP API: health, decks, opening tables and solo games, join codes, QR codes, and a
table's debrief and exports. Live play goes over Socket.IO (game/server/sockets.py)."""

from __future__ import annotations

import time

from flask import Blueprint, Response, jsonify, request

from game.decks.library import deck_ref
from game.engine import export
from game.engine.debrief import debrief
from game.engine.view import view
from game.server import solo
from game.server.catalogue import deck_catalogue, deck_summary
from game.server.identity import Identity, screen_secret
from game.server.joincode import display, qr_svg
from game.server.limits import BadRequest, check_payload
from game.server.live import Live
from game.server.services import services
from game.server.transport import queue_health
from game.server.web import json_body

api = Blueprint("api", __name__)
HEALTH_WRITE_EVERY_S = 1.0  # /healthz writes to the database at most this often


@api.get("/healthz")
def healthz() -> tuple[Response, int]:
    # A write, not just a read: with the disk full or the database read-only, reads succeed
    # and every action fails. At most one write a second, however often asked.
    game = services()
    now = time.monotonic()
    if game.health is None or now - game.health[0] >= HEALTH_WRITE_EVERY_S:
        game.health = (now, game.store.health(write=True))
    db = game.health[1]
    out = {"ok": db["ok"], "database": db, "decks": sorted(game.library.decks),
           "async_mode": game.socketio.async_mode, "routing": game.config.routing}
    if game.config.message_queue:
        out["queue"] = queue_health(game.config.message_queue)
        out["ok"] = out["ok"] and out["queue"]["ok"]
    return jsonify(out), 200 if out["ok"] else 503


@api.get("/api/decks")
def decks() -> Response:
    return jsonify([deck_summary(d) for d in services().library.decks.values()])


@api.get("/api/decks/<deck_id>")
def deck(deck_id: str) -> Response:
    # A table's deck: a shipped one, or "<studio deck>@<n>", which only a table's info
    # names (the players must see its cards; the studio deck's id is not guessable).
    return jsonify(deck_catalogue(services().library.lookup(deck_id)))


@api.get("/api/decks/<deck_id>/print.pdf")
def deck_pdf(deck_id: str) -> Response:
    # Imported at the first print, not at start-up: fpdf and fontTools were a quarter of the
    # server's start, which is what players wait on after a crash.
    from game.paper import print_deck
    from game.paper.sheet import PAPERS

    game = services()
    deck = game.library.lookup(deck_id)  # a shipped deck, or "<studio deck>@<n>"
    paper = request.args.get("paper", "a4")
    if paper not in PAPERS:
        raise BadRequest("bad_paper", f"there is no paper {paper[:20]!r}: use ?paper=a4 "
                         "or ?paper=letter")
    data = game.printed.get((deck_id, paper))  # decks are loaded once, so print them once
    if data is None:
        # Without the secret objectives: this link is open to every player, and the
        # facilitator prints those with `python -m game print`.
        data = game.printed[deck_id, paper] = print_deck(deck, paper, objectives=False)
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{deck.id}-{paper}.pdf"',
        "Cache-Control": "public, max-age=3600"})


@api.post("/api/tables")
def create_table() -> tuple[Response, int]:
    game = services()
    if not game.may_open():
        raise BadRequest("too_fast", "too many tables opened from here: wait a minute")
    data = check_payload(json_body(), {"deck": (str, True), "scenario": (str, True),
                                       "seats": (int, True), "options": (dict, False)},
                         "new table")
    live, key = game.tables.create(data["deck"], data["scenario"], data["seats"],
                                   data.get("options"))
    return table_created(live, key)


def table_created(live: Live, key: str) -> tuple[Response, int]:
    """The answer to opening a table: its links, its code and the facilitator's key."""
    game = services()
    rec = live.record
    url = game.base_url()
    screen = screen_secret(rec)
    return jsonify(ok=True, table=rec.id, code=display(rec.code), key=key,
                   join_url=f"{url}/join/{rec.code}",
                   screen_url=f"{url}/screen/{rec.id}#screen={screen}",
                   facilitator_url=f"{url}/facilitate/{rec.id}#key={key}",
                   qr_url=f"/api/tables/{rec.id}/qr.svg?screen={screen}"), 201


@api.get("/api/codes/<code>")
def find_code(code: str) -> Response:
    """Which table a join code opens. The join page asks this first, so that its connection
    can name the table and a proxy routing by table (ROUTING=table) sends it to the process
    that plays it. Wrong codes count against the address as in "join"."""
    game = services()
    record = game.by_code(game.tables.find_code, code, "table screen")
    return jsonify(ok=True, table=record.id)


@api.post("/api/solo")
def start_solo() -> tuple[Response, int]:
    game = services()
    if not game.may_open():
        raise BadRequest("too_fast", "too many games started from here: wait a minute")
    data = check_payload(json_body(), {
        "deck": (str, True), "scenario": (str, True), "difficulty": (str, False),
        "variant": (str, False), "browser_id": (str, True)}, "solo practice")
    live, token = solo.start(game.tables, data["deck"], data["scenario"],
                             data.get("difficulty"), data.get("variant") or "team",
                             data["browser_id"])
    play = f"/play/{live.record.id}"
    return jsonify(ok=True, table=live.record.id, token=token, play_url=play,
                   resume_url=f"{game.base_url()}{play}#token={token}"), 201


@api.get("/api/solo/records")
def solo_records() -> Response:
    return jsonify(solo.records(services().tables, request.args.get("browser_id")))


def facilitator_key() -> str | None:
    return request.headers.get("X-Facilitator-Key") or request.args.get("key")


def asker(table_id: str) -> Identity:
    """Who an HTTP request is from: the facilitator (key in the X-Facilitator-Key header or
    the `key` parameter), the table screen (`screen`), or anyone."""
    return services().tables.identify(table_id, key=facilitator_key(),
                                      screen=request.args.get("screen"))


@api.get("/api/tables/<table_id>/qr.svg")
def qr(table_id: str) -> Response:
    game = services()
    rec = game.tables.get(table_id).record
    if rec.status != "lobby" and asker(table_id).kind == "viewer":
        raise BadRequest("bad_key", "the join code is shown on the table screen and the "
                         "facilitator's console once the game has started")
    svg = qr_svg(f"{game.base_url()}/join/{rec.code}", f"Join code {display(rec.code)}")
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=600"})


def debrief_for(table_id: str) -> tuple[Live, dict]:
    """The debrief reveals hands, proposals and secret objectives: everyone may read it once
    the table has ended; before that, only the facilitator."""
    tables = services().tables
    live = tables.current(table_id)
    if live.record.status != "ended":
        key = facilitator_key()
        if key is None:
            raise BadRequest("not_ended", "the debrief opens when the game ends; the "
                             "facilitator can open it sooner from the console")
        tables.identify(table_id, key=key)
    d = debrief(live.state, live.acts)
    if live.record.deck_revision is not None:  # the catalogue the debrief page loads
        d["deck"] = deck_ref(live.record.deck, live.record.deck_revision)
    d["table"] = {"id": live.record.id, "code": display(live.record.code),
                  "date": live.record.created_at.date().isoformat()}
    return live, d


def table_export(live: Live, d: dict | None = None) -> dict:
    """A table's whole record for the exports: its debrief (`d`, or made now) with its code,
    date and who sat where."""
    rec = live.record
    meta = {"id": rec.id, "code": display(rec.code), "created_at": rec.created_at,
            "seats": [{"seat": s.seat, "name": s.name, "kind": s.kind} for s in live.seats]}
    d = d if d is not None else debrief(live.state, live.acts)
    return export.record(d, meta, live.state.deck)


def export_for(table_id: str) -> tuple[Live, dict]:
    live, d = debrief_for(table_id)
    return live, table_export(live, d)


def attachment(live: Live, ext: str) -> dict:
    name = export.file_name(live.record.code, live.record.created_at, ext)
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@api.get("/api/tables/<table_id>/debrief.json")
def debrief_json(table_id: str) -> Response:
    return jsonify(debrief_for(table_id)[1])


@api.get("/api/tables/<table_id>/export.json")
def export_json(table_id: str) -> Response:
    live, rec = export_for(table_id)
    resp = jsonify(rec)
    resp.headers.update(attachment(live, "json"))
    return resp


@api.get("/api/tables/<table_id>/debrief.csv")
def debrief_csv(table_id: str) -> Response:
    live, rec = export_for(table_id)
    return Response(export.to_csv(rec), mimetype="text/csv", headers=attachment(live, "csv"))


@api.get("/api/tables/<table_id>")
def table_state(table_id: str) -> Response:
    live = services().tables.current(table_id)
    return jsonify(table=services().broadcast.table_info(live, asker(table_id)),
                   game=view(live.state, None, acts=live.acts))
