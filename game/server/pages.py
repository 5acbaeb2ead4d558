"""The HTML pages. Each table page is a shell its script fills over Socket.IO."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, render_template, request, send_from_directory

from game.decks import options
from game.decks.library import parse_ref
from game.server.config import ROOT
from game.server.netaddr import is_loopback, lan_addresses
from game.server.services import services

log = logging.getLogger(__name__)
pages = Blueprint("pages", __name__)
VENDOR = {
    "socket.io.min.js": ROOT / "node_modules" / "socket.io-client" / "dist",
    "axe.min.js": ROOT / "node_modules" / "axe-core",
}


@pages.get("/")
def home() -> str:
    return render_template("home.html", decks=services().library.decks.values())


@pages.get("/join")
@pages.get("/join/<code>")
def join_page(code: str = "") -> str:
    return render_template("join.html", code=code[:12])


def network() -> dict:
    """Opened at a loopback address (and no PUBLIC_URL), the join links and QR codes would
    send phones to themselves: say so, and offer this machine's LAN addresses."""
    config = services().config
    host = request.host
    if config.public_url or not is_loopback(host):
        return {"loopback": False}
    port = host.rsplit(":", 1)[1] if host.rsplit(":", 1)[-1].isdigit() and \
        not host.endswith("]") else str(config.port)
    return {"loopback": True, "host": host, "path": request.full_path.rstrip("?"),
            "listening_lan": not is_loopback(config.host),
            "lan": [f"http://{ip}:{port}" for ip in lan_addresses()[:3]]}


@pages.get("/new")
def new_table_page() -> str:
    from game.server.accounts import current_facilitator
    from game.server.studio_api import studio

    # ?deck= picks the deck: a shipped one, or (from the studio's list of revisions) a
    # studio deck's revision, which is offered even when it is not the latest.
    chosen = request.args.get("deck", "")[:120]
    ref = parse_ref(chosen.removeprefix("studio:"))
    also = (ref[0], ref[1]) if chosen.startswith("studio:") and ref[1] is not None else None
    studio_decks = studio().choices(current_facilitator(), also)
    every = [*services().library.decks.values(), *(d for _g, ds in studio_decks for d in ds)]
    return render_template("new.html", decks=services().library.decks.values(),
                           every_deck=every, studio_decks=studio_decks, chosen=chosen,
                           network=network(), options=options)


@pages.get("/<any(play, screen, facilitate, debrief):page>/<table_id>")
def table_page(page: str, table_id: str) -> str:
    services().tables.get(table_id)  # an unknown table gets a 404 now, not a blank page
    return render_template(f"{page}.html", table_id=table_id,
                           network=network() if page == "screen" else None)


@pages.get("/practice")
def practice_page() -> str:
    return render_template("practice.html", decks=services().library.decks.values())


@pages.get("/vendor/<name>")
def vendor(name: str) -> Response:
    folder = VENDOR.get(name)
    if folder is None:
        abort(404)
    if not (folder / name).exists():
        log.error("%s missing: run `make setup` (npm ci)", name)
        abort(404)
    return send_from_directory(folder, name, max_age=3600)
