"""The deck studio's pages: /studio (a facilitator's decks, fork one, start one) and
/studio/<deck> (the editor, which works through the JSON routes of game.server.studio_api).
Only signed-in facilitators reach them; a deck they may not read is a plain 404."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request
from flask.typing import ResponseReturnValue

from game.decks.sheets import CARD_SHEETS
from game.errors import GameError
from game.server.accounts import facilitator_required, require_facilitator
from game.server.studio_api import studio

studio_pages = Blueprint("studio_pages", __name__)


@studio_pages.after_request
def private(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _list_page(error: str | None = None, status: int = 200) -> ResponseReturnValue:
    who = require_facilitator()
    decks = studio().decks.visible_to(who.id)
    owners = {d.owner_id: studio().people.get(d.owner_id) for d in decks}
    return render_template("studio.html", facilitator=who, error=error,
                           mine=[d for d in decks if d.owner_id == who.id],
                           others=[d for d in decks if d.owner_id != who.id],
                           owners={k: (v.user_name if v else "?") for k, v in owners.items()},
                           shipped=studio().library.decks.values()), status


@studio_pages.get("/studio")
@facilitator_required
def studio_list() -> ResponseReturnValue:
    return _list_page()


@studio_pages.post("/studio")
@facilitator_required
def studio_create() -> ResponseReturnValue:
    """The two forms of /studio: fork a shipped deck, or start from the template."""
    who = require_facilitator()
    try:
        if request.form.get("action") == "fork":
            record = studio().fork(who, request.form.get("deck", ""), studio=False)
        else:
            record = studio().start(who, request.form.get("id", "").strip(),
                                    request.form.get("name", ""))
    except GameError as exc:
        return _list_page(exc.message, 400)
    return redirect(f"/studio/{record.id}", 303)


@studio_pages.get("/studio/<deck_id>")
@facilitator_required
def studio_deck(deck_id: str) -> ResponseReturnValue:
    who = require_facilitator()
    try:
        record = studio().readable(deck_id, who)
    except GameError:
        abort(404)
    mine = record.owner_id == who.id
    return render_template("studio_deck.html", record=record, mine=mine, sheets=CARD_SHEETS,
                           shared_with=studio().user_names(record.shared_with) if mine else [])
