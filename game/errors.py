"""Every refusal the game can give, in one registry: its code (for programs), the HTTP status
it has on an HTTP route, and what it means (for docs/protocol.md, which a test keeps in step
with this table). The message a person reads is written where the refusal is raised, since
it can say exactly what was wrong and what to do."""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    status: int
    meaning: str


CODES: dict[str, Code] = {
    # what was sent
    "bad_payload": Code(400, "the event's object has a missing, unknown or mistyped field"),
    "bad_action": Code(400, "an action that is not an object with a known shape"),
    "too_deep": Code(400, "JSON nested more deeply than any request of the game"),
    "too_large": Code(413, "a request body over 64 KB"),
    "unknown_event": Code(400, "a Socket.IO event the server does not have"),
    "reserved_event": Code(400, "a client sent `connect` or `disconnect`, the connection's own"),
    "unknown_command": Code(400, "a facilitator command that does not exist"),
    "unknown_action": Code(400, "a game action type that does not exist"),
    "bad_host": Code(400, "the Host header names a host the server does not answer to"),
    # who is asking
    "not_joined": Code(400, "the connection has not said hello to a table"),
    "wrong_table": Code(400, "routed by table, the connection was opened for another table"),
    "bad_token": Code(403, "the seat token is not (or no longer) a seat's at this table"),
    "bad_key": Code(403, "the facilitator key or the screen link's secret is wrong"),
    "not_facilitator": Code(403, "only the facilitator may do that"),
    "not_seated": Code(403, "only a seated player may do that"),
    "not_your_seat": Code(403, "an action for another seat"),
    "seat_lost": Code(403, "this connection's seat has been freed or taken by someone else"),
    "seat_removed": Code(403, "the facilitator freed this connection's seat at this table"),
    "not_ended": Code(403, "the debrief opens when the game ends (or with the key)"),
    # facilitator accounts
    "not_signed_in": Code(401, "only a signed-in facilitator may do that"),
    "bad_csrf": Code(400, "a form or request that relies on the sign-in cookie came without "
                     "this session's CSRF token (out of date, or sent from another site)"),
    "bad_account": Code(400, "a sign-up field that is missing, too long or not allowed"),
    "account_taken": Code(409, "another facilitator has that user name or e-mail"),
    "bad_signin": Code(400, "a sign-in whose name and password match no account"),
    "too_many_signins": Code(429, "too many wrong sign-ins for that account or from here"),
    "too_many_signups": Code(429, "too many new accounts from this address in an hour"),
    "too_many_uploads": Code(429, "too many uploads to the studio in a minute"),
    # workshops
    "unknown_workshop": Code(404, "no workshop has that id"),
    "not_workshop_facilitator": Code(403, "only the workshop's owner and co-facilitators "
                                      "may do that"),
    "unknown_facilitator": Code(404, "no facilitator has that user name"),
    "already_facilitator": Code(409, "that facilitator already runs the workshop"),
    "bad_workshop": Code(400, "a new workshop's name, date, number of tables or "
                          "seating that is missing or out of bounds"),
    "bad_roster": Code(400, "an \"assign by list\" line that is not a name, a comma "
                        "and a table number"),
    "bad_device": Code(400, "the join page's browser id is missing or malformed"),
    "already_joined": Code(409, "this device (or this name) already has a seat in the workshop"),
    "workshop_full": Code(409, "every seat at every table of the workshop is taken"),
    "not_on_list": Code(403, "seating by list, and the name is not on the facilitator's list"),
    "pick_table": Code(400, "a table number that the workshop does not have (or "
                        "none, when people pick)"),
    "unknown_person": Code(404, "nobody of that name has joined the workshop"),
    "bad_export": Code(400, "a workshop export that does not exist"),
    "bad_message": Code(400, "a message to the room that is empty or over 200 characters"),
    # finding and joining a table
    "unknown_table": Code(404, "no table has that id"),
    "unknown_deck": Code(404, "no deck has that id"),
    "bad_paper": Code(400, "a paper size for the printed deck other than a4 or letter"),
    "unknown_scenario": Code(404, "the deck has no scenario with that id"),
    "unknown_difficulty": Code(404, "the deck has no difficulty with that id"),
    "bad_code": Code(400, "no table has that join code"),
    "bad_name": Code(400, "a name that is empty, too long, or mixes alphabets"),
    "name_taken": Code(400, "someone at the table already has that name"),
    "table_full": Code(400, "every seat is taken"),
    "already_seated": Code(400, "this connection already holds a seat"),
    "bad_seats": Code(400, "a number of seats the deck is not for"),
    "bad_options": Code(400, "a table option that is unknown or out of bounds"),
    "bad_variant": Code(400, "a solo variant that does not exist"),
    "bad_browser_id": Code(400, "a solo browser id that is not of the right form"),
    "bad_games": Code(400, "a balance report's number of games that is not a whole number "
                      "in bounds"),
    "bad_players": Code(400, "a balance report's player counts that the deck is not for"),
    "balance_running": Code(409, "a balance report for that deck is already running"),
    "no_balance_job": Code(409, "no balance report is running for that deck"),
    "not_your_job": Code(403, "a balance report may be cancelled only with the token its "
                         "start returned"),
    "not_your_deck": Code(403, "a studio deck shared with you or published: only its owner "
                          "may change it"),
    "unknown_revision": Code(404, "the studio deck has no revision with that number"),
    "deck_invalid": Code(400, "a studio deck that does not pass the deck check; `problems` "
                         "lists each with file and line"),
    "bad_deck_files": Code(400, "a studio deck's files, id or name that are not of the right "
                           "form"),
    "bad_note": Code(400, "a revision's note that is not text or is too long"),
    "bad_sharing": Code(400, "a visibility that does not exist, or a user name no "
                        "facilitator has"),
    "deck_taken": Code(409, "the facilitator already has a studio deck with that id"),
    "bad_edit": Code(400, "a studio form's change that cannot be made to the deck's YAML"),
    "bad_confirm": Code(400, "deleting a studio deck without typing its deck id to confirm"),
    "bad_upload": Code(400, "an uploaded deck (zip) or spreadsheet (CSV or workbook) that "
                       "cannot be read; the message says what to fix"),
    "deck_changed": Code(409, "the table's deck changed so that its log no longer fits it"),
    # the state of the table
    "not_started": Code(409, "the game has not started"),
    "already_started": Code(409, "the game has already started"),
    "paused": Code(409, "the game is paused"),
    "already_paused": Code(409, "the game is already paused"),
    "not_paused": Code(409, "the game is not paused"),
    "game_over": Code(409, "the game has ended"),
    "no_timer": Code(409, "no countdown is running in this phase"),
    "seat_taken": Code(409, "that seat is not empty"),
    "seat_empty": Code(409, "that seat is already empty"),
    "bad_seat": Code(400, "a seat number outside the table"),
    "not_solo": Code(409, "undo and the closing reflection are only for solo practice"),
    "not_finished": Code(409, "the closing reflection opens when the solo game has ended"),
    "already_answered": Code(409, "that question of the reflection has been answered; the "
                             "first answer is kept"),
    "nothing_to_undo": Code(409, "the learner has made no choice to take back"),
    "stale": Code(409, "an action or command meant for a round or phase that has passed"),
    "conflict": Code(409, "another process changed the table at the same moment"),
    # the rules
    "wrong_phase": Code(409, "that action is not open in this phase"),
    "already_proposed": Code(409, "the seat has proposed this round"),
    "already_ready": Code(409, "the seat has said it is ready"),
    "already_voted": Code(409, "the seat has voted this round"),
    "not_in_hand": Code(400, "a card the seat does not hold"),
    "bad_group": Code(400, "a group the card cannot reach"),
    "bad_proposal": Code(400, "a vote or decision naming a proposal that is not there"),
    "over_budget": Code(409, "the plan, or a proposal a vote backs, costs more than the "
                        "budget left"),
    "cannot_afford": Code(409, "a proposal that costs more than the budget left"),
    "bad_answer": Code(400, "a reflection answer naming a question or a choice that is "
                       "not there"),
    "bad_reason": Code(400, "a case for a proposal naming no criterion or track of the deck"),
    "over_limit": Code(409, "more interventions than the round may adopt"),
    "not_chair": Code(403, "only the chair decides"),
    "chair_decides": Code(409, "the chair decides this table's plan: there is no vote"),
    "no_ability": Code(409, "the seat's role has no ability"),
    "ability_used": Code(409, "the seat has used its ability"),
    # limits and the server
    "too_fast": Code(429, "more than 20 events a second, or too many tables opened"),
    "too_many_attempts": Code(429, "too many wrong join codes from here"),
    "too_many_viewers": Code(429, "the table has as many spectators as it allows"),
    "too_many_connections": Code(429, "too many new connections from this address"),
    "balance_full": Code(503, "the server runs as many balance reports at once as it allows"),
    "busy": Code(503, "no free join code could be drawn; try again"),
    "cannot_save": Code(503, "the database cannot save right now (full, read-only, "
                        "unreachable); nothing was applied"),
    "restarting": Code(503, "the server is stopping; nothing was applied: retry once "
                       "reconnected"),
    "server_error": Code(500, "the server failed; the action was not applied"),
}


class GameError(Exception):
    """A refusal: `code` (a key of CODES) for programs, `message` for the person."""

    def __init__(self, code: str, message: str, **details: object):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details  # more for programs, such as a deck's problems with their lines

    @property
    def status(self) -> int:
        known = CODES.get(self.code)
        return known.status if known else 400

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, **self.details}
