"""Workshop routes and events: the facilitator's list, form, dashboard and room screen;
the room's join page; and the dashboard's Socket.IO room (`workshop_hello`).

Who may do what: a workshop's facilitators (its owner and co-facilitators, signed in) see,
pace, message and move; anyone with the workshop's code may join it. The work itself is in
game.server.workshops.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_socketio import SocketIO

from game.decks import options
from game.decks.library import parse_ref
from game.engine.results import outcome
from game.errors import GameError
from game.server.accounts import (
    current_facilitator,
    facilitator_for,
    facilitator_required,
    require_facilitator,
)
from game.server.joincode import display, qr_svg
from game.server.limits import BadRequest, check_payload
from game.server.live import Live
from game.server.services import services
from game.server.sockets import Events
from game.server.studio_api import studio
from game.server.web import json_body
from game.server.workshop_debrief import CSV_KINDS, radars, to_csv, workshop_record
from game.server.workshops import Room
from game.store.accounts import Facilitator
from game.store.workshops import WorkshopRecord

workshop_pages = Blueprint("workshops", __name__)


@workshop_pages.after_request
def private(resp: Response) -> Response:
    # Workshop pages and answers name people: never kept by a shared computer or a proxy.
    resp.headers.setdefault("Cache-Control", "no-store")
    return resp


def room() -> Room:
    found = services().room
    assert found is not None
    return found


def online(live: Live) -> frozenset[int]:
    return services().presence.online(live.record.id, range(live.record.seats))


def mine(workshop_id: str) -> WorkshopRecord:
    return room().authorise(current_facilitator(), workshop_id)


# ---- the facilitator's pages ----------------------------------------------------------------


@workshop_pages.get("/workshops")
@facilitator_required
def list_page() -> ResponseReturnValue:
    game = services()
    studio_decks = studio().choices(current_facilitator())
    every = [*game.library.decks.values(), *(d for _g, ds in studio_decks for d in ds)]
    return render_template("workshops.html", decks=game.library.decks.values(),
                           every_deck=every, studio_decks=studio_decks,
                           workshops=listing(), options=options)


def listing() -> list[dict]:
    who = current_facilitator()
    assert who is not None
    out = []
    for w in room().rows.for_facilitator(who.id):
        entry = {"id": w.id, "name": w.name, "date": w.day, "deck": w.deck,
                 "status": w.status, "code": display(w.code), "owner": w.owner_id == who.id}
        if w.status == "ended":  # past workshops keep their results
            lives = room().lives(w)
            entry["results"] = [{"number": n, "won": bool(live.state.phase == "ended" and
                                                          _won(live)),
                                 "total": round(live.state.total(), 2)}
                                for n, live in enumerate(lives, 1)]
        out.append(entry)
    return out


def _won(live: Live) -> bool:
    return bool(outcome(live.state)["won"])


def refused(error: GameError) -> ResponseReturnValue:
    """A page's refusal, as a page saying why (a JSON route answers JSON)."""
    return render_template("workshop_refused.html", error=error), error.status


@workshop_pages.get("/workshops/<workshop_id>")
@facilitator_required
def dashboard_page(workshop_id: str) -> ResponseReturnValue:
    try:
        record = mine(workshop_id)
    except GameError as exc:
        return refused(exc)
    return render_template("workshop.html", workshop=record, code=display(record.code))


@workshop_pages.get("/workshops/<workshop_id>/screen")
@facilitator_required
def screen_page(workshop_id: str) -> ResponseReturnValue:
    try:
        record = mine(workshop_id)
    except GameError as exc:
        return refused(exc)
    return render_template("workshop_screen.html", workshop=record,
                           code=display(record.code),
                           join_host=services().base_url().split("//", 1)[-1])


# ---- the facilitator's API ------------------------------------------------------------------


@workshop_pages.get("/api/workshops")
def list_api() -> Response:
    require_facilitator()
    return jsonify(ok=True, workshops=listing())


@workshop_pages.post("/api/workshops")
def create_api() -> tuple[Response, int]:
    who = require_facilitator()
    body = json_body()
    # The list of names may be long: parse_roster bounds it, not check_payload's 200.
    roster = body.pop("roster", None) if isinstance(body, dict) else None
    data = check_payload(body, {
        "name": (str, True), "date": (str, False), "deck": (str, True),
        "scenario": (object, True), "tables": (int, True), "seats": (int, True),
        "options": (dict, False), "seating": (str, False)}, "new workshop")
    deck, revision = deck_choice(who, data["deck"])
    record = room().create(who, {**data, "deck": deck, "revision": revision,
                                 "roster": roster})
    return jsonify(ok=True, workshop=record.id, code=display(record.code),
                   dashboard_url=f"/workshops/{record.id}"), 201


def deck_choice(who: Facilitator, ref: str) -> tuple[str, int | None]:
    """The deck a workshop plays: a shipped deck's id (no revision), or a studio deck the
    facilitator may read (their own, shared with them or published) at one revision, as the
    form's picker names it ("studio:<deck>@<n>") or a table's info does ("<deck>@<n>"), with
    the rights of a single table's (game.server.studio_api.open_table): nobody plays a
    private deck of someone else's."""
    deck_id, number = parse_ref(ref.removeprefix("studio:"))
    if number is None:
        return ref, None
    record = studio().readable(deck_id, who)
    return record.id, studio().revision(record, number).number


@workshop_pages.get("/api/workshops/<workshop_id>")
def overview_api(workshop_id: str) -> Response:
    record = mine(workshop_id)
    return jsonify(ok=True, **room().overview(record, online, facilitator=True))


@workshop_pages.post("/api/workshops/<workshop_id>/facilitators")
def add_facilitator_api(workshop_id: str) -> Response:
    record = mine(workshop_id)
    data = check_payload(json_body(), {"user_name": (str, True)}, "co-facilitator")
    added = room().add_co_facilitator(record, data["user_name"])
    return jsonify(ok=True, added=added.display_name)


@workshop_pages.post("/api/workshops/<workshop_id>/command")
def command_api(workshop_id: str) -> Response:
    record = mine(workshop_id)
    data = check_payload(json_body(), {"command": (str, True), "args": (dict, False),
                                       "tables": (list, False), "seen": (dict, False)},
                         "workshop command")
    results = room().command(record, data["command"], data.get("args") or {},
                             data.get("tables"), data.get("seen"))
    return jsonify(ok=True, results=results)


@workshop_pages.post("/api/workshops/<workshop_id>/message")
def message_api(workshop_id: str) -> Response:
    record = mine(workshop_id)
    data = check_payload(json_body(), {"text": (str, False)}, "message")
    who = current_facilitator()
    assert who is not None
    return jsonify(ok=True, message=room().message(record, data.get("text"), who))


@workshop_pages.post("/api/workshops/<workshop_id>/move")
def move_api(workshop_id: str) -> Response:
    record = mine(workshop_id)
    data = check_payload(json_body(), {"name": (str, True), "table": (int, True)}, "move")
    return jsonify(ok=True, moved=room().move(record, data["name"], data["table"]))


# ---- the cross-table debrief ----------------------------------------------------------------


def readable(workshop_id: str) -> WorkshopRecord:
    """The debrief shows every hand, proposal and vote: the workshop's facilitators may read
    it at any time, everyone else once every table has ended (as for a table's debrief)."""
    game = room()
    record = game.get(workshop_id)
    who = current_facilitator()
    if who is not None and who.id in game.facilitators(record):
        return record
    if record.status != "ended" and not all(
            live.record.status == "ended" for live in game.lives(record)):
        raise BadRequest("not_ended", "the workshop's debrief opens when every table has "
                         "ended; its facilitators can open it sooner from the dashboard")
    return record


def _file(record: WorkshopRecord, ext: str) -> dict[str, str]:
    name = export_name(record, ext)
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def export_name(record: WorkshopRecord, ext: str) -> str:
    return f"governance-workshop-{record.code}-{record.day}.{ext}"


@workshop_pages.get("/workshops/<workshop_id>/debrief")
def debrief_page(workshop_id: str) -> ResponseReturnValue:
    try:
        record = readable(workshop_id)
    except GameError as exc:
        return refused(exc)
    data = workshop_record(room(), record)
    return render_template("workshop_debrief.html", w=data, kinds=CSV_KINDS,
                           radars=radars(data["comparison"]))


@workshop_pages.get("/api/workshops/<workshop_id>/export.json")
def export_json(workshop_id: str) -> Response:
    record = readable(workshop_id)
    resp = jsonify(workshop_record(room(), record))
    resp.headers.update(_file(record, "json"))
    return resp


@workshop_pages.get("/api/workshops/<workshop_id>/report.pdf")
def report_pdf(workshop_id: str) -> Response:
    # Imported at the first report, as the deck printer is: fpdf slows the server's start.
    from game.paper.report import report

    record = readable(workshop_id)
    data = report(workshop_record(room(), record))
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{export_name(record, "pdf")}"'})


@workshop_pages.get("/api/workshops/<workshop_id>/<kind>.csv")
def export_csv(workshop_id: str, kind: str) -> Response:
    if kind not in CSV_KINDS:
        raise BadRequest("bad_export", "the workshop's CSV files are: "
                         + ", ".join(f"{k}.csv" for k in CSV_KINDS))
    record = readable(workshop_id)
    text = to_csv(kind, workshop_record(room(), record)["tables"])
    return Response(text, mimetype="text/csv", headers=_file(record, f"{kind}.csv"))


# ---- the room: joining with the workshop's code ---------------------------------------------


@workshop_pages.get("/w")
@workshop_pages.get("/w/<code>")
def join_page(code: str = "") -> str:
    return render_template("workshop_join.html", code=code[:12])


def _found(code: str) -> WorkshopRecord:
    """The workshop with this code; wrong codes count against the address as for tables."""
    return services().by_code(room().find_code, code, "room screen")


@workshop_pages.get("/api/w/<code>")
def room_api(code: str) -> Response:
    record = _found(code)
    return jsonify(ok=True, name=record.name, code=display(record.code),
                   seating=record.settings.get("seating"), status=record.status,
                   tables=room().free_seats(record))


@workshop_pages.get("/api/w/<code>/qr.svg")
def room_qr(code: str) -> Response:
    record = _found(code)
    svg = qr_svg(f"{services().base_url()}/w/{record.code}",
                 f"Workshop code {display(record.code)}")
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=600"})


@workshop_pages.post("/api/w/join")
def join_api() -> Response:
    data = check_payload(json_body(), {"code": (str, True), "name": (str, True),
                                       "device": (str, True), "table": (int, False)},
                         "join workshop")
    record = _found(data["code"])
    return jsonify(ok=True, **room().join(record.code, data["name"], data["device"],
                                          data.get("table")))


# ---- the dashboard's live room --------------------------------------------------------------


def register_workshop_events(app: Flask, socketio: SocketIO, events: Events) -> None:
    """`workshop_hello` {workshop}: a facilitator's connection (its session cookie, sent with
    the handshake) joins the workshop's room and gets the overview; `workshop_table` then
    brings it each table's summary as the table changes."""
    server = socketio.server

    def hello(sid: str, data: dict) -> dict:
        who = facilitator_for(app, server.get_environ(sid) or {})
        game = app.extensions["game"]
        record = game.room.authorise(who, data["workshop"])
        overview = game.room.overview(record, lambda live: game.presence.online(
            live.record.id, range(live.record.seats)), facilitator=True)
        server.enter_room(sid, f"w:{record.id}")
        return overview

    spec = {"workshop": (str, True)}
    server.on("workshop_hello", events._handler("workshop_hello", spec, hello))
