"""The deck studio's JSON routes (/api/studio/...): a signed-in facilitator's own decks, their
revisions, compares, restores and sharing. What each may do is decided in game.server.studio;
every route here asks it, with the signed-in facilitator, before anything else. The routes
are listed in docs/protocol.md."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from game.decks.archive import MAX_DECK_BYTES
from game.decks.edit import EditError, add_item, remove_entry, set_field
from game.decks.rulebuilder import (
    CONDITIONS_AT,
    MAX_DEPTH,
    appended,
    conditioned,
    conditions,
    describe,
    describe_condition,
    entries,
    replaced,
    vocabulary_json,
    written,
)
from game.decks.sections import FORM_KINDS, form_values, sections_json
from game.server.accounts import facilitator_required, require_facilitator
from game.server.api import table_created
from game.server.catalogue import deck_catalogue
from game.server.limits import BadRequest, check_payload
from game.server.services import services
from game.server.studio import (
    Studio,
    deck_files_from,
    note_from,
    problems_json,
)
from game.server.web import json_body
from game.store.decks import DeckRecord, RevisionRecord

studio_api = Blueprint("studio_api", __name__, url_prefix="/api/studio")


def studio() -> Studio:
    found: Studio = current_app.extensions["studio"]
    return found


def init_studio(app: Flask, studio_service: Studio) -> None:
    app.extensions["studio"] = studio_service
    app.register_blueprint(studio_api)
    # First of all the app's hooks: the CSRF check reads the body, under the limit set then.
    app.before_request_funcs.setdefault(None, []).insert(0, larger_bodies)


def larger_bodies() -> None:
    # A whole deck is larger than the app's 64 KB for other requests (JSON escapes included).
    if request.path.startswith("/api/studio/"):
        request.max_content_length = MAX_DECK_BYTES * 2


@studio_api.after_request
def private(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"  # a private deck on a shared computer
    return resp


# A rule the rule editor sends nests up to MAX_DEPTH conditions, each a mapping (and maybe a
# list, and a count's or cost's where) around the next, inside an edit inside the request.
BODY_DEPTH = 12 + 3 * MAX_DEPTH


def _body() -> dict[str, Any]:
    payload = json_body(BODY_DEPTH)
    if not isinstance(payload, dict):
        raise BadRequest("bad_payload", "send a JSON object")
    return payload


def deck_json(record: DeckRecord, who_id: str) -> dict[str, Any]:
    mine = record.owner_id == who_id
    out: dict[str, Any] = {
        "id": record.id, "deck_id": record.slug, "name": record.name,
        "visibility": record.visibility, "latest": record.latest, "mine": mine,
        "forked_from": record.forked_from, "created_at": record.created_at.isoformat(),
    }
    owner = studio().people.get(record.owner_id)
    out["owner"] = owner.user_name if owner else None
    if mine:
        out["shared_with"] = studio().user_names(record.shared_with)
    return out


def revision_json(revision: RevisionRecord, files: bool) -> dict[str, Any]:
    author = studio().people.get(revision.author_id)
    out: dict[str, Any] = {"number": revision.number, "note": revision.note,
                           "author": author.user_name if author else None,
                           "at": revision.at.isoformat()}
    if files:
        out["files"] = revision.files
    return out


@studio_api.get("/decks")
@facilitator_required
def list_decks() -> Response:
    who = require_facilitator()
    return jsonify(ok=True, decks=[deck_json(d, who.id) for d in studio().decks.visible_to(who.id)],
                   shipped=[{"id": d.id, "name": d.name} for d in studio().library.decks.values()])


@studio_api.post("/decks")
@facilitator_required
def create_deck() -> tuple[Response, int]:
    """{"fork": shipped deck id} or {"fork_studio": studio deck id} or {"id", "name"}."""
    who = require_facilitator()
    body = _body()
    if isinstance(body.get("fork"), str):
        record = studio().fork(who, body["fork"], studio=False)
    elif isinstance(body.get("fork_studio"), str):
        record = studio().fork(who, body["fork_studio"], studio=True)
    else:
        record = studio().start(who, body.get("id"), body.get("name"))
    return jsonify(ok=True, deck=deck_json(record, who.id)), 201


@studio_api.get("/decks/<deck_id>")
@facilitator_required
def get_deck(deck_id: str) -> Response:
    who = require_facilitator()
    record = studio().readable(deck_id, who)
    latest = studio().revision(record, record.latest)
    return jsonify(ok=True, deck=deck_json(record, who.id), revision=revision_json(latest, True))


@studio_api.get("/decks/<deck_id>/revisions")
@facilitator_required
def list_revisions(deck_id: str) -> Response:
    who = require_facilitator()
    record = studio().readable(deck_id, who)
    return jsonify(ok=True, revisions=[revision_json(r, False)
                                       for r in studio().decks.revisions(record.id)])


@studio_api.get("/decks/<deck_id>/revisions/<int:number>")
@facilitator_required
def get_revision(deck_id: str, number: int) -> Response:
    who = require_facilitator()
    record = studio().readable(deck_id, who)
    return jsonify(ok=True, revision=revision_json(studio().revision(record, number), True))


@studio_api.post("/decks/<deck_id>/revisions")
@facilitator_required
def save_revision(deck_id: str) -> tuple[Response, int]:
    who = require_facilitator()
    studio().writable(deck_id, who)  # before looking at the body: nothing is checked for others
    body = _body()
    revision = studio().save(who, deck_id, deck_files_from(body.get("files")),
                             note_from(body.get("note")))
    return jsonify(ok=True, revision=revision_json(revision, False)), 201


@studio_api.post("/decks/<deck_id>/restore")
@facilitator_required
def restore_revision(deck_id: str) -> tuple[Response, int]:
    who = require_facilitator()
    studio().writable(deck_id, who)
    revision = studio().restore(who, deck_id, _body().get("revision"))
    return jsonify(ok=True, revision=revision_json(revision, False)), 201


@studio_api.get("/decks/<deck_id>/compare")
@facilitator_required
def compare_revisions(deck_id: str) -> Response:
    who = require_facilitator()
    record = studio().readable(deck_id, who)
    numbers = []
    for key in ("from", "to"):
        numbers.append(revision_arg(key))
    changes = studio().compare(who, record.id, *numbers)
    return jsonify(ok=True, changes=[c.as_json() for c in changes])


@studio_api.post("/decks/<deck_id>/delete")
@facilitator_required
def delete_deck(deck_id: str) -> Response:
    """Owner only, with {"confirm": "<the deck id in deck.yaml>"}: the deck is gone from
    every list and route; tables and workshops playing one of its revisions play on."""
    who = require_facilitator()
    studio().writable(deck_id, who)
    studio().delete(who, deck_id, _body().get("confirm"))
    return jsonify(ok=True)


@studio_api.post("/decks/<deck_id>/sharing")
@facilitator_required
def share_deck(deck_id: str) -> Response:
    who = require_facilitator()
    studio().writable(deck_id, who)
    body = _body()
    record = studio().share(who, deck_id, body.get("visibility"), body.get("shared_with"))
    return jsonify(ok=True, deck=deck_json(record, who.id))


@studio_api.post("/check")
@facilitator_required
def check() -> Response:
    """The loader's problems for a deck being edited, without saving it."""
    require_facilitator()
    files = deck_files_from(_body().get("files"))
    deck, problems = studio().check(files)
    return jsonify(ok=True, valid=deck is not None, problems=problems_json(problems),
                   deck=deck_catalogue(deck) if deck is not None else None,
                   items=form_values(files), rules=written(deck) if deck is not None else None,
                   entries=entries(files), conditions=conditions(files, deck))


@studio_api.get("/forms")
@facilitator_required
def forms() -> Response:
    """What the studio's forms are drawn from: every section's fields (game/decks/sections.py)
    and the vocabulary's words, with where each is allowed (game/decks/rulebuilder.py)."""
    require_facilitator()
    return jsonify(ok=True, sections=sections_json(), form_kinds=FORM_KINDS,
                   vocabulary=vocabulary_json())


@studio_api.post("/rule")
@facilitator_required
def rule_words() -> Response:
    """A rule (or an event's effect) the rule editor is building, written into a copy of the
    deck and checked: {"files", "section", "id", "field", "item"} -> {words, problems,
    others}. With "index", the item takes the place of that rule (from 0), as it would when
    an edited rule is saved back. Nothing is saved."""
    require_facilitator()
    body = _body()
    files = deck_files_from(body.get("files"))
    section, ident, field, item = (body.get(k) for k in ("section", "id", "field", "item"))
    if not all(isinstance(v, str) for v in (section, ident, field)):
        raise BadRequest("bad_edit", "say which rules to add to: 'section', 'id' and 'field'")
    try:
        if (section, field) in CONDITIONS_AT:  # a win or an objective: one condition
            got = describe_condition(files, section, ident, field, item)  # type: ignore[arg-type]
        else:
            got = describe(files, section, ident, field, item,  # type: ignore[arg-type]
                           body.get("index"))
    except EditError as exc:
        raise BadRequest("bad_edit", str(exc)) from None
    return jsonify(ok=True, words=got.words, problems=problems_json(got.problems),
                   others=got.others)


@studio_api.post("/edit")
@facilitator_required
def edit() -> Response:
    """A form's changes made to the deck's YAML text: {"files", "edits": [{"op": "set",
    "section", "id", "field", "value"} (with "key": that key inside a part such as a role's
    ability), {"op": "add", "section", "item"} or {"op": "append",
    "section", "id", "field", "item"} (a rule or an effect), {"op": "replace", "section",
    "id", "field", "index", "item"} (a rule changed in its place), {"op": "condition",
    "section", "id", "field", "value"} (a win or an objective's condition) or {"op": "remove",
    "section", "id", "field", "index"}]}. Answers the changed files, for the YAML view to
    show; nothing is saved. Any facilitator may ask (it changes no stored deck): saving the
    result is the owner's alone."""
    require_facilitator()
    body = _body()
    files = deck_files_from(body.get("files"))
    edits = body.get("edits")
    if not isinstance(edits, list) or not 0 < len(edits) <= 50:
        raise BadRequest("bad_edit", "'edits' is a list of at most 50 changes")
    for at, change in enumerate(edits):
        try:
            files = _one_edit(files, change)
        except EditError as exc:  # which edit it was, for a form to show why beside its field
            about = {"field": exc.field} if exc.field else {}
            raise BadRequest("bad_edit", str(exc), edit=at, **about) from None
    return jsonify(ok=True, files=deck_files_from(files))


def _one_edit(files: dict[str, str], change: object) -> dict[str, str]:
    """`files` with one edit of POST /api/studio/edit made; EditError says why it cannot be."""
    if not isinstance(change, dict):
        raise EditError("each edit is an object")
    section = change.get("section")
    if not isinstance(section, str):
        raise EditError("each edit names its 'section'")
    op, ident, field, item = (change.get(k) for k in ("op", "id", "field", "item"))
    if op == "set" and isinstance(field, str) and (ident is None or isinstance(ident, str)):
        return set_field(files, section, ident, field, change.get("value"), change.get("key"))
    if op == "add" and isinstance(item, dict):
        return add_item(files, section, item)
    if op == "append" and isinstance(ident, str) and isinstance(field, str):
        return appended(files, section, ident, field, item)
    if op == "condition" and isinstance(field, str) and (ident is None or isinstance(ident, str)):
        return conditioned(files, section, ident or "", field, change.get("value"))
    if op == "replace" and isinstance(ident, str) and isinstance(field, str):
        return replaced(files, section, ident, field, change.get("index"), item,
                        change.get("was"))
    if op == "remove" and isinstance(ident, str) and isinstance(field, str):
        return remove_entry(files, section, ident, field, change.get("index"))
    raise EditError("an edit is {op: set, section, id, field, value}, {op: add, section, "
                    "item: {id, ...}}, {op: append, section, id, field, item}, {op: replace, "
                    "section, id, field, index, item}, {op: condition, section, id, field, "
                    "value} or {op: remove, section, id, field, index}")


@studio_api.post("/decks/<deck_id>/tables")
@facilitator_required
def open_table(deck_id: str) -> tuple[Response, int]:
    """Open a table that plays one revision of a deck the facilitator may read, for good:
    later saves do not change it. The answer is that of POST /api/tables."""
    who = require_facilitator()
    record = studio().readable(deck_id, who)
    game = services()
    if not game.may_open():
        raise BadRequest("too_fast", "too many tables opened from here: wait a minute")
    data = check_payload(json_body(), {"revision": (int, False), "scenario": (str, True),
                                       "seats": (int, True), "options": (dict, False)},
                         "new table")
    revision = studio().revision(record, data.get("revision", record.latest))
    live, key = game.tables.create(record.id, data["scenario"], data["seats"],
                                   data.get("options"), revision=revision.number)
    return table_created(live, key)


def revision_arg(key: str) -> int | str:
    """A revision named in the query: its number, or the text as sent (the studio says
    what is wrong with it), or "" when absent."""
    value = request.args.get(key, "")
    return int(value) if value.isdigit() else value
