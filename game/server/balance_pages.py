"""The balance report of a deck in the browser: `/decks/<deck>/balance`, where <deck> is a
shipped deck's id or a studio deck's revision, "<studio deck>@<n>" (as a table names it).

The page chooses games and player counts and starts a job (game/server/balance_jobs.py);
static/js/balance.js polls its progress, offers to cancel it, and reloads the page when it
ends, which then shows the report: the same figures as `python -m game balance --html`.

    GET  /decks/<deck>/balance              the page (with the last report, if any)
    GET  /decks/balance.css                 the report's styles
    GET  /api/decks/<deck>/balance          the job: state, done, total, ...
    POST /api/decks/<deck>/balance          start one: {"games", "players"} -> 202 and a token
    POST /api/decks/<deck>/balance/cancel   {"token"}: stop it
"""

from __future__ import annotations

import atexit

from flask import Blueprint, Response, jsonify, render_template
from markupsafe import Markup

from game.decks.library import DeckLibrary
from game.engine.balance_report import REPORT_CSS, report_fragment
from game.server.balance_jobs import MAX_GAMES, MIN_GAMES, BalanceJobs, Job, check_request
from game.server.limits import BadRequest, check_payload
from game.server.services import services
from game.server.web import json_body


def balance_blueprint(jobs: BalanceJobs | None = None) -> Blueprint:
    jobs = jobs or BalanceJobs()
    atexit.register(jobs.stop_all)  # no worker outlives the server
    bp = Blueprint("balance", __name__)

    def library() -> DeckLibrary:
        return services().library

    def status(job: Job | None) -> dict:
        return {"ok": True, **(job.public() if job else {"state": "none"})}

    @bp.get("/decks/<deck_id>/balance")
    def page(deck_id: str) -> str:
        deck = library().lookup(deck_id)
        job = jobs.get(deck_id)
        done = jobs.last_report(deck_id)
        report = done.report if done else None
        seats = list(range(deck.settings.seats_min, deck.settings.seats_max + 1))
        return render_template(
            "balance.html", deck=deck, ref=deck_id, job=job, seats=seats, min_games=MIN_GAMES,
            max_games=MAX_GAMES, default_games=min(MAX_GAMES, max(MIN_GAMES, 2000)),
            report=Markup(report_fragment(report)) if report else None)  # escaped inside

    @bp.get("/decks/balance.css")
    def css() -> Response:
        return Response(REPORT_CSS, mimetype="text/css",
                        headers={"Cache-Control": "public, max-age=3600"})

    @bp.get("/api/decks/<deck_id>/balance")
    def job_status(deck_id: str) -> Response:
        library().lookup(deck_id)  # unknown_deck for a deck there is not
        resp = jsonify(status(jobs.get(deck_id)))
        resp.headers["Cache-Control"] = "no-store"
        return resp

    @bp.post("/api/decks/<deck_id>/balance")
    def start(deck_id: str) -> tuple[Response, int]:
        deck = library().lookup(deck_id)
        data = json_body()
        if not isinstance(data, dict) or set(data) - {"games", "players"}:
            raise BadRequest("bad_payload", 'balance report: send an object like {"games": '
                             '2000, "players": [3, 4]} and nothing else')
        games, players = check_request(deck, data.get("games"), data.get("players"))
        job = jobs.start(deck, games, players, key=deck_id)
        return jsonify({**status(job), "token": job.token}), 202

    @bp.post("/api/decks/<deck_id>/balance/cancel")
    def cancel(deck_id: str) -> Response:
        library().lookup(deck_id)
        data = check_payload(json_body(), {"token": (str, True)}, "cancel")
        return jsonify(status(jobs.cancel(deck_id, data["token"])))

    return bp
