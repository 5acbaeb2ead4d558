"""The Flask application: pages, a few HTTP routes, and the Socket.IO server.

`create_app(config)` builds everything; nothing lives at module level, so tests build as
many apps as they like.
"""

from __future__ import annotations

import gzip
import logging
import time
from pathlib import Path

from flask import Flask, Response, abort, jsonify, render_template, request, send_from_directory
from flask_socketio import SocketIO
from werkzeug.middleware.proxy_fix import ProxyFix

from game.decks.model import Deck
from game.engine import attribution, export
from game.engine.debrief import debrief
from game.engine.view import proposals_hidden, view
from game.server import solo
from game.server.config import ROOT, Config
from game.server.drain import Drain
from game.server.joincode import display, qr_svg
from game.server.limits import MAX_NAME, BadRequest, RateLimiter, check_depth, check_payload
from game.server.netaddr import host_of, is_loopback, lan_addresses, own_addresses
from game.server.presence import Presence, SharedPresence
from game.server.sockets import register, seat_room
from game.server.tables import DeckLibrary, Identity, Live, Tables, screen_secret
from game.server.transport import (
    TextPacket,
    guard_websockets,
    limit_new_connections,
    message_queue,
    queue_channel,
    queue_health,
    websocket_options,
)
from game.store.database import Store, StoreError

log = logging.getLogger(__name__)
SEAT_EVENTS = ("presence", "joined", "left")
# What a player or facilitator is told when the database refuses a write. It is true: an
# action is acknowledged only once it is in the log, and a failed one changes nothing.
CANNOT_SAVE = "the server cannot save right now; nothing was lost; try again in a moment"
HEALTH_WRITE_EVERY_S = 1.0  # /healthz writes to the database at most this often
VENDOR = {
    "socket.io.min.js": ROOT / "node_modules" / "socket.io-client" / "dist",
    "axe.min.js": ROOT / "node_modules" / "axe-core",
}


def deck_catalogue(deck) -> dict:
    """Everything public about a deck, for the browser to draw cards from."""
    return {
        "id": deck.id, "name": deck.name, "description": deck.description,
        "criteria": [{"id": c.id, "name": c.name, "description": c.description}
                     for c in deck.criteria.values()],
        "groups": [{"id": g.id, "name": g.name, "description": g.description}
                   for g in deck.groups.values()],
        "tags": [{"id": t.id, "name": t.name, "description": t.description, "coach": t.coach}
                 for t in deck.tags.values()],
        "tracks": [{"id": t.id, "name": t.name, "description": t.description, "min": t.min,
                    "max": t.max, "raised_by": raised_by(deck, t.id)}
                   for t in deck.tracks.values()],
        "stages": [{"id": s.id, "name": s.name, "prompt": s.prompt,
                    "rules": [r.why for r in s.rules]} for s in deck.stages.values()],
        "interventions": [{"id": c.id, "name": c.name, "description": c.description,
                           "ratings": c.ratings, "why": c.why, "tags": sorted(c.tags),
                           "reach": c.reach, "tracks": c.tracks}
                          for c in deck.interventions.values()],
        "roles": [{"id": r.id, "name": r.name, "description": r.description}
                  for r in deck.roles.values()],
        "scenarios": [{"id": s.id, "name": s.name, "context": s.context,
                       "affected": sorted(s.affected), "stages": list(s.stages)}
                      for s in deck.scenarios.values()],
        "difficulties": [{"id": d.id, "name": d.name, "description": d.description}
                         for d in deck.difficulties.values()],
        "settings": {"seats_min": deck.settings.seats_min, "seats_max": deck.settings.seats_max,
                     "decision": deck.settings.decision, "timers": deck.settings.timers,
                     "hand_size": deck.settings.hand_size,
                     "adopt_limit": deck.settings.adopt_limit, "win": deck.settings.win_text},
    }


def raised_by(deck: Deck, track: str, most: int = 6) -> list[dict]:
    """The cards that raise a track when adopted, most first: how players can move it."""
    cards = sorted((c for c in deck.interventions.values() if c.tracks.get(track, 0) > 0),
                   key=lambda c: (-c.tracks[track], c.name))
    return [{"card": c.id, "name": c.name, "amount": c.tracks[track]} for c in cards[:most]]


def create_app(config: Config | None = None) -> tuple[Flask, SocketIO]:
    config = config or Config.from_env()
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    app.config.update(SECRET_KEY=config.secret_key, MAX_CONTENT_LENGTH=64 * 1024,
                      JSON_SORT_KEYS=False, GAME=config)
    app.jinja_env.globals["MAX_NAME"] = MAX_NAME  # the join form's hint and maxlength
    if config.database_url.startswith("sqlite:///"):
        Path(config.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True,
                                                                          exist_ok=True)
    store = Store(config.database_url)
    library = DeckLibrary(config.cards_dir)
    # Routed by table (ROUTING=table), a table's connections all reach the process that owns
    # it, which plays it like a lone process: no views through Redis, presence counted here.
    # Redis, if given, then only shares the rate limits between processes.
    routed = config.routing == "table"
    queue = {}
    channel = None
    if config.message_queue:
        channel = queue_channel(config.message_queue, config.message_queue_channel)
    if config.message_queue and not routed:
        queue["client_manager"] = message_queue(config.message_queue, channel)
    socketio = SocketIO(app, async_mode=config.async_mode, max_http_buffer_size=32 * 1024,
                        ping_interval=10, ping_timeout=20, json=None, serializer=TextPacket,
                        **queue)
    # Outermost last: a trusted proxy's headers are read first, so the checks inside see
    # the client's own address and the host name it asked for.
    wsgi = websocket_options(app.wsgi_app, config.ws_compression)
    wsgi = limit_new_connections(wsgi, config.connects_per_minute, config.message_queue,
                                 channel or "game")
    wsgi = only_hosts(wsgi, allowed_hosts(config))
    proxies = config.trusted_proxies
    if proxies:  # behind that many proxies: take the client's address from X-Forwarded-For
        wsgi = ProxyFix(wsgi, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.wsgi_app = wsgi  # type: ignore[method-assign]
    guard_websockets(socketio.server)
    presence = (SharedPresence(config.message_queue, channel or "gg")
                if queue else Presence())

    def base_url() -> str:
        if config.public_url:
            return config.public_url
        try:
            return request.host_url.rstrip("/")
        except RuntimeError:
            return f"http://{config.host}:{config.port}"

    def table_info(live: Live, ident: Identity | None,
                   online: frozenset[int] | None = None) -> dict:
        rec = live.record
        if online is None:
            online = presence.online(rec.id, range(rec.seats))
        seats = [{"seat": s.seat, "name": s.name, "kind": s.kind,
                  "connected": s.kind == "bot" or s.seat in online}
                 for s in live.seats]
        info = {"id": rec.id, "deck": rec.deck, "scenario": rec.scenario, "mode": rec.mode,
                "status": rec.status, "seats": seats, "timer": tables.timer_view(live),
                "bots_say": bots_said(live),
                "options": {k: v for k, v in rec.options.items() if not k.startswith("_")}}
        kind = ident.kind if ident else "viewer"
        # The join code lets anyone take an empty seat: it is for the facilitator and the
        # table's own screen, and for everyone while the table is still filling up.
        if kind in ("facilitator", "screen") or rec.status == "lobby":
            info["code"] = display(rec.code)
            info["join_path"] = f"/join/{rec.code}"
        if kind == "facilitator":
            info["screen_key"] = screen_secret(rec)
            info["screen_path"] = f"/screen/{rec.id}#screen={info['screen_key']}"
        return info

    def bots_said(live: Live) -> list[dict]:
        """What bots said, less what would give away a proposal still hidden this round."""
        state = live.state
        hidden = proposals_hidden(state)
        out = []
        for line in live.bot_lines[-12:]:
            if hidden and line["round"] == state.rounds[-1].number \
                    and line["type"] in ("propose", "pass"):
                line = {**line, "says": "I have made my choice for this round."}
            out.append(line)
        return out

    shared = bool(queue)
    rooms = socketio.server.manager.rooms

    def held(table_id: str) -> bool:
        return bool(rooms.get("/", {}).get(f"t:{table_id}"))

    def listening(room: str) -> bool:
        # With a message queue, listeners may be on other processes: always send. A lone
        # process knows its rooms, and skips building views nobody would receive.
        return shared or bool(rooms.get("/", {}).get(room))

    def publish(live: Live, events: list[dict]) -> None:
        # Every part of every message from one state: building them takes Redis round trips,
        # during which (under gevent) another action may change the table.
        live = live.snapshot()
        base = f"t:{live.record.id}"
        # Who is connected, joining or leaving changes the seats, not the game: send only
        # the table part then, so a reconnecting phone does not cost everyone a full view.
        seats_only = bool(events) and all(e["type"] in SEAT_EVENTS for e in events)
        game = None if seats_only else view(live.state, None, acts=live.acts)
        online = presence.online(live.record.id, range(live.record.seats))
        public = {"table": table_info(live, None, online), "events": events}
        if game is not None:
            public["game"] = game
        if listening(f"{base}:viewers"):
            socketio.emit("view", public, to=f"{base}:viewers")
        if listening(f"{base}:screen"):
            socketio.emit("view", {**public, "table": table_info(live, Identity(
                "screen", live.record.id), online)}, to=f"{base}:screen")
        if listening(f"{base}:facilitator"):
            socketio.emit("view", {**public, "table": table_info(live, Identity(
                "facilitator", live.record.id), online)}, to=f"{base}:facilitator")
        seat_table = table_info(live, Identity("seat", live.record.id, 0), online)
        for seat in range(live.record.seats):
            room = seat_room(live.record.id, seat, live.seats[seat].token_hash)
            if live.seats[seat].kind != "human" or not listening(room):
                continue  # a bot plays in this process, an absent player gets a view on return
            message = {"table": seat_table, "events": events}
            if game is not None:
                message["game"] = seat_view(live, seat, game)
            socketio.emit("view", message, to=room)

    def seat_view(live: Live, seat: int, public: dict | None = None) -> dict:
        row = live.seats[seat]
        game = view(live.state, seat, public, acts=live.acts,
                    holder=attribution.stamp(row.kind, row.name, seat, row.token_hash))
        if live.record.mode == "solo":
            game["coach"] = solo.coach(live.state, seat)
        return game

    tables = Tables(store, library, publish=publish, max_cached=config.max_tables_cached,
                    shared=shared, held=held if routed else None)
    drain = Drain()
    # Wrong join codes per address, shared by the socket's "join" and the HTTP look-up.
    wrong_codes = RateLimiter(config.join_failures_per_minute * 10, 600.0,
                              config.message_queue,
                              name=f"{channel or 'game'}:wrong-code-addr")
    app.extensions["game"] = {"store": store, "tables": tables, "library": library,
                              "socketio": socketio, "presence": presence, "drain": drain}
    register(socketio, tables, presence, table_info, seat_view,
             join_limit=config.join_failures_per_minute,
             events_per_second=config.events_per_second,
             connections_per_address=config.connections_per_address,
             viewers_per_table=config.viewers_per_table, limit_storage=config.message_queue,
             limit_prefix=channel or "game",
             drain=drain, cannot_save=CANNOT_SAVE,
             wrong_codes_here=wrong_codes, routed=routed)
    create_limit = RateLimiter(config.tables_per_minute, 60.0)

    def may_open() -> bool:
        return not config.tables_per_minute or create_limit.hit(request.remote_addr or "?")

    def start_clock() -> None:
        def loop() -> None:
            ticks = 0
            while True:
                socketio.sleep(0.5)
                ticks += 1
                try:
                    tables.tick()
                    if behind:
                        catch_up()
                    if ticks % 20 == 0:  # every 10 s
                        presence.beat()
                except Exception:
                    log.exception("timer tick failed")

        socketio.start_background_task(loop)

    app.extensions["game"]["start_clock"] = start_clock

    # ---- catching up after a message-queue outage ------------------------------------------
    behind: set[str] = set()  # tables whose latest views some connections may have missed

    def views_lost(room: str) -> None:
        """A view could not go through Redis: the other processes' players missed it."""
        if room.startswith("t:"):
            behind.add(room.split(":")[1])

    def listening_again() -> None:
        """This process missed whatever was published while it could not listen: send its
        connections the current view of every table they are at."""
        behind.update(room.split(":")[1] for room in list(rooms.get("/", {}))
                      if isinstance(room, str) and room.startswith("t:"))

    def catch_up() -> None:
        for table_id in list(behind):
            behind.discard(table_id)
            try:
                publish(tables.current(table_id), [])
            except (BadRequest, StoreError) as exc:
                log.warning("cannot send table %s its current view (%s)", table_id, exc)

    manager = socketio.server.manager
    if config.message_queue:
        manager.on_lost = views_lost
        manager.on_back = listening_again

    @app.errorhandler(BadRequest)
    def bad_request(exc: BadRequest):
        return jsonify(ok=False, error=exc.as_dict()), exc.status

    @app.errorhandler(StoreError)
    def cannot_save(exc: StoreError):
        log.error("database error on %s %s: %s", request.method, request.path, exc)
        return jsonify(ok=False, error={"code": "cannot_save", "message": CANNOT_SAVE}), 503

    @app.errorhandler(413)
    def too_large(_exc):
        return jsonify(ok=False, error={"code": "too_large", "message":
                                        "that request is too large"}), 413

    @app.after_request
    def headers(resp: Response) -> Response:
        compress(resp)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith("/api/tables") and not request.path.endswith(".svg"):
            # Keys, tokens, hands in a finished game's debrief: never kept by a shared
            # computer's browser or a proxy on the way.
            resp.headers["Cache-Control"] = "no-store"
        resp.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                "script-src 'self'; connect-src 'self' ws: wss:; "
                                "frame-ancestors 'none'")
        return resp

    # ---- pages -----------------------------------------------------------------------------

    @app.get("/")
    def home():
        return render_template("home.html", decks=library.decks.values())

    @app.get("/join")
    @app.get("/join/<code>")
    def join_page(code: str = ""):
        return render_template("join.html", code=code[:12])

    def network() -> dict:
        """Opened at a loopback address (and no PUBLIC_URL), the join links and QR codes
        would send phones to themselves: say so, and offer this machine's LAN addresses."""
        host = request.host
        if config.public_url or not is_loopback(host):
            return {"loopback": False}
        port = host.rsplit(":", 1)[1] if host.rsplit(":", 1)[-1].isdigit() and \
            not host.endswith("]") else str(config.port)
        return {"loopback": True, "host": host, "path": request.full_path.rstrip("?"),
                "listening_lan": not is_loopback(config.host),
                "lan": [f"http://{ip}:{port}" for ip in lan_addresses()[:3]]}

    @app.get("/new")
    def new_table_page():
        return render_template("new.html", decks=library.decks.values(), network=network())

    # The pages of one table: each is a shell its script fills over Socket.IO.
    @app.get("/<any(play, screen, facilitate, debrief):page>/<table_id>")
    def table_page(page: str, table_id: str):
        tables.get(table_id)  # an unknown table gets a 404 now, not a blank page
        return render_template(f"{page}.html", table_id=table_id,
                               network=network() if page == "screen" else None)

    @app.get("/practice")
    def practice_page():
        return render_template("practice.html", decks=library.decks.values())

    @app.get("/vendor/<name>")
    def vendor(name: str):
        folder = VENDOR.get(name)
        if folder is None:
            abort(404)
        if not (folder / name).exists():
            log.error("%s missing: run `make setup` (npm ci)", name)
            abort(404)
        return send_from_directory(folder, name, max_age=3600)

    # ---- API -------------------------------------------------------------------------------

    last_probe: dict = {}

    @app.get("/healthz")
    def healthz():
        # A write, not just a read: with the disk full or the database read-only, reads
        # succeed and every action fails. At most one write a second, however often asked.
        now = time.monotonic()
        if now - last_probe.get("at", -HEALTH_WRITE_EVERY_S) >= HEALTH_WRITE_EVERY_S:
            last_probe.update(at=now, result=store.health(write=True))
        db = last_probe["result"]
        out = {"ok": db["ok"], "database": db, "decks": sorted(library.decks),
               "async_mode": socketio.async_mode, "routing": config.routing}
        if config.message_queue:
            out["queue"] = queue_health(config.message_queue)
            out["ok"] = out["ok"] and out["queue"]["ok"]
        return jsonify(out), 200 if out["ok"] else 503

    @app.get("/api/decks")
    def decks():
        return jsonify([{"id": d.id, "name": d.name, "description": d.description,
                         "seats": [d.settings.seats_min, d.settings.seats_max],
                         "scenarios": [{"id": s.id, "name": s.name}
                                       for s in d.scenarios.values()],
                         "difficulties": [{"id": x.id, "name": x.name}
                                          for x in d.difficulties.values()]}
                        for d in library.decks.values()])

    @app.get("/api/decks/<deck_id>")
    def deck(deck_id: str):
        return jsonify(deck_catalogue(library.get(deck_id)))

    printed: dict[tuple[str, str], bytes] = {}  # decks are loaded once, so print them once

    @app.get("/api/decks/<deck_id>/print.pdf")
    def deck_pdf(deck_id: str):
        # Imported at the first print, not at start-up: fpdf and fontTools were a quarter of
        # the server's start, which is what players wait on after a crash.
        from game.paper import print_deck
        from game.paper.sheet import PAPERS

        deck = library.get(deck_id)
        paper = request.args.get("paper", "a4")
        if paper not in PAPERS:
            raise BadRequest("bad_paper", f"there is no paper {paper[:20]!r}: use ?paper=a4 "
                             "or ?paper=letter")
        data = printed.get((deck.id, paper))
        if data is None:
            # Without the secret objectives: this link is open to every player, and the
            # facilitator prints those with `python -m game print`.
            data = printed[deck.id, paper] = print_deck(deck, paper, objectives=False)
        return Response(data, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{deck.id}-{paper}.pdf"',
            "Cache-Control": "public, max-age=3600"})

    @app.post("/api/tables")
    def create_table():
        if not may_open():
            raise BadRequest("too_fast", "too many tables opened from here: wait a minute")
        data = check_payload(json_body(), {"deck": (str, True), "scenario": (str, True),
                                       "seats": (int, True), "options": (dict, False)},
                             "new table")
        live, key = tables.create(data["deck"], data["scenario"], data["seats"],
                                  data.get("options"))
        rec = live.record
        url = base_url()
        screen = screen_secret(rec)
        return jsonify(ok=True, table=rec.id, code=display(rec.code), key=key,
                       join_url=f"{url}/join/{rec.code}",
                       screen_url=f"{url}/screen/{rec.id}#screen={screen}",
                       facilitator_url=f"{url}/facilitate/{rec.id}#key={key}",
                       qr_url=f"/api/tables/{rec.id}/qr.svg?screen={screen}"), 201

    @app.get("/api/codes/<code>")
    def find_code(code: str):
        """Which table a join code opens. The join page asks this first, so that its
        connection can name the table and a proxy routing by table (ROUTING=table) sends it
        to the process that plays it. Wrong codes count against the address as in "join"."""
        address = request.remote_addr or "?"
        wait = wrong_codes.blocked_for(address)
        if wait:
            raise BadRequest("too_many_attempts", f"too many wrong codes from here: wait "
                             f"{int(wait) + 1} seconds, then type the code exactly as the table "
                             "screen shows it, or scan its QR code")
        try:
            record = tables.find_code(code[:20])
        except BadRequest:
            wrong_codes.hit(address)
            raise
        return jsonify(ok=True, table=record.id)

    @app.post("/api/solo")
    def start_solo():
        if not may_open():
            raise BadRequest("too_fast", "too many games started from here: wait a minute")
        data = check_payload(json_body(), {
            "deck": (str, True), "scenario": (str, True), "difficulty": (str, False),
            "variant": (str, False), "browser_id": (str, True)}, "solo practice")
        live, token = solo.start(tables, data["deck"], data["scenario"], data.get("difficulty"),
                                 data.get("variant") or "team", data["browser_id"])
        play = f"/play/{live.record.id}"
        return jsonify(ok=True, table=live.record.id, token=token, play_url=play,
                       resume_url=f"{base_url()}{play}#token={token}"), 201

    @app.get("/api/solo/records")
    def solo_records():
        return jsonify(solo.records(tables, request.args.get("browser_id")))

    def asker(table_id: str) -> Identity:
        """Who an HTTP request is from: the facilitator (key in the X-Facilitator-Key
        header or the `key` parameter), the table screen (`screen`), or anyone."""
        return tables.identify(table_id, key=request.headers.get("X-Facilitator-Key")
                               or request.args.get("key"),
                               screen=request.args.get("screen"))

    @app.get("/api/tables/<table_id>/qr.svg")
    def qr(table_id: str):
        rec = tables.get(table_id).record
        if rec.status != "lobby" and asker(table_id).kind == "viewer":
            raise BadRequest("bad_key", "the join code is shown on the table screen and the "
                             "facilitator's console once the game has started")
        svg = qr_svg(f"{base_url()}/join/{rec.code}", f"Join code {display(rec.code)}")
        return Response(svg, mimetype="image/svg+xml",
                        headers={"Cache-Control": "private, max-age=600"})

    def debrief_for(table_id: str) -> tuple[Live, dict]:
        """The debrief reveals hands, proposals and secret objectives: everyone may read it
        once the table has ended; before that, only the facilitator (key in the
        X-Facilitator-Key header or the `key` query parameter)."""
        live = tables.current(table_id)
        if live.record.status != "ended":
            key = request.headers.get("X-Facilitator-Key") or request.args.get("key")
            if key is None:
                raise BadRequest("not_ended", "the debrief opens when the game ends; the "
                                 "facilitator can open it sooner from the console")
            tables.identify(table_id, key=key)
        d = debrief(live.state, live.acts)
        d["table"] = {"id": live.record.id, "code": display(live.record.code),
                      "date": live.record.created_at.date().isoformat()}
        return live, d

    def export_for(table_id: str) -> tuple[Live, dict]:
        live, d = debrief_for(table_id)
        rec = live.record
        meta = {"id": rec.id, "code": display(rec.code), "created_at": rec.created_at,
                "seats": [{"seat": s.seat, "name": s.name, "kind": s.kind} for s in live.seats]}
        return live, export.record(d, meta, live.state.deck)

    def attachment(live: Live, ext: str) -> dict:
        name = export.file_name(live.record.code, live.record.created_at, ext)
        return {"Content-Disposition": f'attachment; filename="{name}"'}

    def json_body() -> object:
        """The request's JSON, refused with a clear error if it nests deeper than any
        request of ours (Python's parser would otherwise recurse until it fails)."""
        try:
            payload = request.get_json(silent=True)
        except RecursionError:
            raise BadRequest("too_deep", "that JSON is nested too deeply to be a request of "
                             "this game") from None
        check_depth(payload, "request")
        return payload

    @app.get("/api/tables/<table_id>/debrief.json")
    def debrief_json(table_id: str):
        return jsonify(debrief_for(table_id)[1])

    @app.get("/api/tables/<table_id>/export.json")
    def export_json(table_id: str):
        live, rec = export_for(table_id)
        resp = jsonify(rec)
        resp.headers.update(attachment(live, "json"))
        return resp

    @app.get("/api/tables/<table_id>/debrief.csv")
    def debrief_csv(table_id: str):
        live, rec = export_for(table_id)
        return Response(export.to_csv(rec), mimetype="text/csv",
                        headers=attachment(live, "csv"))

    @app.get("/api/tables/<table_id>")
    def table_state(table_id: str):
        live = tables.current(table_id)
        return jsonify(table=table_info(live, asker(table_id)),
                       game=view(live.state, None, acts=live.acts))

    return app, socketio


COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")
_gzipped: dict[tuple[str, str], bytes] = {}


def compress(resp: Response) -> None:
    """Gzip text answers for phones on poor venue wifi (about a third of the bytes). Static
    files are compressed once and kept, keyed by their ETag."""
    if (resp.status_code != 200 or "gzip" not in request.headers.get("Accept-Encoding", "")
            or "Content-Encoding" in resp.headers
            or not (resp.mimetype or "").startswith(COMPRESSIBLE)):
        return
    resp.direct_passthrough = False
    body = resp.get_data()
    if len(body) < 1024:
        return
    etag = resp.headers.get("ETag")
    key = (request.path, etag) if etag else None
    packed = _gzipped.get(key) if key else None
    if packed is None:
        packed = gzip.compress(body, compresslevel=6)
        if key and len(_gzipped) < 256:
            _gzipped[key] = packed
    resp.set_data(packed)
    resp.headers["Content-Encoding"] = "gzip"
    resp.headers["Content-Length"] = str(len(packed))
    resp.vary.add("Accept-Encoding")


def allowed_hosts(config: Config) -> frozenset[str] | None:
    """The host names the server answers to: this machine's own addresses and names,
    PUBLIC_URL's host, and ALLOWED_HOSTS (a leading dot allows subdomains). None (no check)
    if ALLOWED_HOSTS is "*". Other names are refused: a page on a stranger's domain that
    resolves to this server (DNS rebinding) must not reach the game, and a forged Host
    header must not end up in join links and QR codes."""
    if config.allowed_hosts == ("*",):
        return None
    names = set(own_addresses()) | {h.strip().lower() for h in config.allowed_hosts}
    if config.public_url:
        names.add(host_of(config.public_url.split("://", 1)[-1].split("/", 1)[0]))
    if config.host not in ("0.0.0.0", "::", ""):
        names.add(host_of(config.host))
    return frozenset(n for n in names if n)


def only_hosts(wsgi_app, allowed: frozenset[str] | None):
    """Refuse requests (pages, API and Socket.IO alike) whose Host is not allowed."""
    if allowed is None:
        return wsgi_app
    suffixes = tuple(n for n in allowed if n.startswith("."))

    def app(environ, start_response):
        host = host_of(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "")
        if host in allowed or (suffixes and host.endswith(suffixes)):
            return wsgi_app(environ, start_response)
        body = (b'{"ok":false,"error":{"code":"bad_host","message":"this server does not '
                b'answer to that host name; use its own address, or add the name to '
                b'ALLOWED_HOSTS"}}')
        start_response("400 Bad Request", [("Content-Type", "application/json"),
                                           ("Content-Length", str(len(body)))])
        return [body]

    return app
