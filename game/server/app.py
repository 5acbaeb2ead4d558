"""The Flask application and its Socket.IO server, wired together.

`create_app(config)` builds everything; nothing lives at module level, so tests build as
many apps as they like. The routes are in `pages` and `api`, the Socket.IO events in
`sockets`, sending views in `broadcast`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from flask_socketio import SocketIO
from werkzeug.middleware.proxy_fix import ProxyFix

from game.decks.library import DeckLibrary
from game.server import web
from game.server.accounts import init_accounts
from game.server.api import api
from game.server.balance_pages import balance_blueprint
from game.server.broadcast import Broadcast
from game.server.config import ROOT, Config, secret_key
from game.server.drain import Drain
from game.server.learn import learn
from game.server.limits import MAX_NAME, RateLimiter
from game.server.pages import pages
from game.server.presence import Presence, SharedPresence
from game.server.services import Services
from game.server.sockets import register
from game.server.studio import Studio
from game.server.studio_api import init_studio
from game.server.studio_files import studio_files
from game.server.studio_pages import studio_pages
from game.server.tables import Tables
from game.server.transport import (
    TextPacket,
    guard_websockets,
    limit_new_connections,
    message_queue,
    queue_channel,
    websocket_options,
)
from game.server.workshop_routes import register_workshop_events, workshop_pages
from game.server.workshops import Room
from game.store.database import Store

log = logging.getLogger(__name__)
CLOCK_TICK_S = 0.5  # phase timers are checked this often
BEAT_EVERY_TICKS = 20  # presence is refreshed every 10 s


def create_app(config: Config | None = None) -> tuple[Flask, SocketIO]:
    config = config or Config.from_env()
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    app.config.update(SECRET_KEY=secret_key(config), MAX_CONTENT_LENGTH=64 * 1024,
                      JSON_SORT_KEYS=False, GAME=config)
    app.jinja_env.globals["MAX_NAME"] = MAX_NAME  # the join form's hint and maxlength
    if config.database_url.startswith("sqlite:///"):
        Path(config.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True,
                                                                          exist_ok=True)
    store = Store(config.database_url)
    init_accounts(app, store, config)  # facilitators' sign-in, session cookies and CSRF
    library = DeckLibrary(config.cards_dir)
    uploads = (RateLimiter(config.uploads_per_minute, 60.0, config.message_queue,
                           name="uploads") if config.uploads_per_minute else None)  # 0: no cap
    studio = Studio(store, library, uploads=uploads)
    library.resolver = studio.deck_at  # tables made with a studio deck's revision
    # Routed by table (ROUTING=table), a table's connections all reach the process that owns
    # it, which plays it like a lone process: no views through Redis, presence counted here.
    # Redis, if given, then only shares the rate limits between processes.
    routed = config.routing == "table"
    channel = (queue_channel(config.message_queue, config.message_queue_channel)
               if config.message_queue else "game")
    queue = {}
    if config.message_queue and not routed:
        queue["client_manager"] = message_queue(config.message_queue, channel)
    socketio = SocketIO(app, async_mode=config.async_mode, max_http_buffer_size=32 * 1024,
                        ping_interval=10, ping_timeout=20, json=None, serializer=TextPacket,
                        **queue)
    # Outermost last: a trusted proxy's headers are read first, so the checks inside see
    # the client's own address and the host name it asked for.
    wsgi = websocket_options(app.wsgi_app, config.ws_compression, config.ws_send_buffer)
    wsgi = limit_new_connections(wsgi, config.connects_per_minute, config.message_queue,
                                 channel)
    wsgi = web.only_hosts(wsgi, web.allowed_hosts(config))
    proxies = config.trusted_proxies
    if proxies:  # behind that many proxies: take the client's address from X-Forwarded-For
        wsgi = ProxyFix(wsgi, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.wsgi_app = wsgi  # type: ignore[method-assign]
    guard_websockets(socketio.server)
    presence = (SharedPresence(config.message_queue, channel)
                if config.message_queue and queue else Presence())

    shared = bool(queue)
    broadcast = Broadcast(socketio, presence, shared=shared)
    tables = Tables(store, library, publish=broadcast.publish,
                    max_cached=config.max_tables_cached, shared=shared,
                    held=broadcast.held if routed else None)
    broadcast.tables = tables
    if config.message_queue:
        socketio.server.manager.on_lost = broadcast.views_lost
        socketio.server.manager.on_back = broadcast.listening_again
    drain = Drain()
    wrong_codes = RateLimiter(config.join_failures_per_minute * 10, 600.0,
                              config.message_queue,
                              name=f"{channel}:wrong-code-addr")
    room = Room(store, tables, library, app.config["SECRET_KEY"], emit=socketio.emit,
                listening=broadcast.listening)
    broadcast.published = room.table_changed
    events = register(socketio, tables, presence, broadcast.table_info, broadcast.seat_view,
             join_limit=config.join_failures_per_minute,
             events_per_second=config.events_per_second,
             connections_per_address=config.connections_per_address,
             viewers_per_table=config.viewers_per_table, limit_storage=config.message_queue,
             limit_prefix=channel,
             drain=drain, cannot_save=web.CANNOT_SAVE,
             wrong_codes_here=wrong_codes, routed=routed)
    register_workshop_events(app, socketio, events)

    def start_clock() -> None:
        def loop() -> None:
            ticks = 0
            while True:
                socketio.sleep(CLOCK_TICK_S)
                ticks += 1
                try:
                    tables.tick()
                    if broadcast.behind:
                        broadcast.catch_up()
                    if ticks % BEAT_EVERY_TICKS == 0:
                        presence.beat()
                except Exception:
                    log.exception("timer tick failed")

        socketio.start_background_task(loop)

    app.extensions["game"] = Services(
        config=config, store=store, library=library, tables=tables, socketio=socketio,
        presence=presence, drain=drain, broadcast=broadcast, wrong_codes=wrong_codes,
        create_limit=RateLimiter(config.tables_per_minute, 60.0), start_clock=start_clock,
        room=room)
    web.install(app)
    app.register_blueprint(pages)
    app.register_blueprint(learn)
    app.register_blueprint(api)
    app.register_blueprint(workshop_pages)  # /workshops, /w: a room of tables
    app.register_blueprint(balance_blueprint())  # /decks/<deck>/balance: bot games, no tables
    init_studio(app, studio)  # /api/studio: facilitators' own decks
    app.register_blueprint(studio_files)  # /api/studio: their downloads and uploads
    app.register_blueprint(studio_pages)  # /studio: the pages that edit them
    return app, socketio
