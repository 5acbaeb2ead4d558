"""Tables: one group playing one game. Opening, joining, acting, pacing, recovering.

No Flask here. The web layer says who is asking and passes payloads through; this module
decides whether they may, hands actions to the engine, appends each accepted action to
the store's log *before* anyone is told it happened, lets bots take their turns, and calls
`publish` so every seat gets its own view.

A table's game state is the fold of its log over the deck and seed. Each process keeps a
folded copy per table and, before every change, folds in any actions another process
appended; two processes appending the same seq is a conflict the store refuses, and the
loser folds and tries again.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from game.decks.loader import check_deck
from game.decks.model import TABLE_OPTIONS, Deck
from game.engine import attribution
from game.engine import bots as bot_players
from game.engine.actions import GameState, IllegalAction, new_game, step
from game.server.joincode import new_code, normalise
from game.server.limits import BadRequest, check_depth, clean_name
from game.store.database import (
    UNDO,
    UNSET,
    Conflict,
    SeatRecord,
    Store,
    StoreError,
    TableRecord,
    in_effect,
)

log = logging.getLogger(__name__)

DEFAULT_DECK = "good-governance"
STATUSES = ("lobby", "playing", "paused", "ended")
TIMED_PHASES = ("proposal", "discussion", "vote")
# Appends lost to another process before giving up. Each loss means that process appended
# first, so the table moved on; with several processes acting at once, two tries were too few.
COMMIT_TRIES = 5
# The facilitator's commands and the arguments each takes (anything else is refused).
COMMAND_ARGS: dict[str, tuple[str, ...]] = {
    "start": (), "pause": (), "resume": (), "end": (), "new_code": (),
    "advance": ("round", "phase"), "skip_timer": (), "extend": ("seconds",),
    "add_bot": ("seat",), "remove_seat": ("seat",), "set_timers": ("timers",),
}


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(secret: object, stored: str | None) -> bool:
    return isinstance(secret, str) and bool(stored) and hmac.compare_digest(
        digest(secret), stored or "")


def screen_secret(record: TableRecord) -> str:
    """The table screen's own secret, for its link: it shows the join code all game long,
    which a spectator who only knows the table's id must not read. Derived from the
    facilitator key's hash, so it needs no column and only the server can make it."""
    return hmac.new(record.facilitator_key_hash.encode(), b"table screen",
                    hashlib.sha256).hexdigest()[:24]


@dataclass(frozen=True)
class Identity:
    """Who is on the other end: a seat, the facilitator, the table's own screen, or a
    viewer (a spectator who knows only the table's id).

    A seat's identity names its holder, the hash of the token that took the seat: when the
    seat is freed and someone else takes it, a connection still speaking for the old holder
    can neither act for the seat nor receive its views."""

    kind: str  # "seat" | "facilitator" | "screen" | "viewer"
    table_id: str
    seat: int | None = None
    holder: str | None = None


@dataclass
class Live:
    """A table held in this process: its records and its folded game state."""

    record: TableRecord
    seats: list[SeatRecord]
    state: GameState
    seq: int
    lock: threading.RLock = field(default_factory=threading.RLock)
    timer: dict | None = None  # {"round", "phase", "ends_at" | "remaining"}
    bot_lines: list[dict] = field(default_factory=list)  # what bots said, newest last
    loaded_at: float = field(default_factory=time.monotonic)
    # Who held each seat as it acted; replaced, never changed in place, like the state.
    acts: attribution.Acts = field(default_factory=dict)
    # What follows an action (bots' turns, a new timer) could not be saved: the clock
    # tries again, since nothing else might touch this table.
    unsettled: bool = False
    tick_failing: bool = False  # the clock's last attempt at this table could not save

    def snapshot(self) -> Live:
        """This table as it is now, for building views from one state while the table moves
        on: the game state is never changed in place once a Live holds it (changes go to a
        copy that then replaces it), so a shallow copy is enough."""
        with self.lock:
            return replace(self, bot_lines=list(self.bot_lines))


class DeckLibrary:
    """Every valid deck under the cards folder, loaded once."""

    def __init__(self, root: Path):
        self.root = root
        self.decks: dict[str, Deck] = {}
        self.problems: dict[str, list[str]] = {}
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            deck, problems = check_deck(folder)
            if deck is None:
                self.problems[folder.name] = [str(p) for p in problems]
                log.warning("deck %s skipped: %d problems", folder.name, len(problems))
            else:
                self.decks[deck.id] = deck
        # The default deck comes first, so pickers open on it.
        if DEFAULT_DECK in self.decks:
            self.decks = {DEFAULT_DECK: self.decks[DEFAULT_DECK],
                          **{k: v for k, v in self.decks.items() if k != DEFAULT_DECK}}

    def get(self, deck_id: object) -> Deck:
        if not isinstance(deck_id, str) or deck_id not in self.decks:
            raise BadRequest("unknown_deck", f"there is no deck {deck_id!r}; choose one of: "
                             + ", ".join(self.decks))
        return self.decks[deck_id]


def table_options(deck: Deck, raw: object) -> dict:
    """Check a facilitator's table options against the deck; return the clean set."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise BadRequest("bad_options", "options must be an object")
    allowed = (*TABLE_OPTIONS, "bots", "difficulty")
    out: dict = {}
    for key, value in raw.items():
        if key not in allowed:
            raise BadRequest("bad_options", f"unknown option {key!r}; options are: "
                             + ", ".join(allowed))
        choices = {"deal": ("hidden", "open"), "discard": ("adopted", "proposed"),
                   "decision": ("majority", "consensus", "chair"),
                   "bots": ("none", *bot_players.BOT_KINDS)}
        if key in choices:
            if value not in choices[key]:
                raise BadRequest("bad_options", f"option {key} must be one of: "
                                 + ", ".join(choices[key]))
        elif key in ("hand_size", "adopt_limit"):
            hi = 10 if key == "hand_size" else 8
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= hi:
                raise BadRequest("bad_options", f"option {key} must be a whole number from 1 to "
                                 f"{hi}")
        elif key == "chair":
            if value not in ("rotate", "learner") and value not in deck.roles:
                raise BadRequest("bad_options", "option chair must be 'rotate', 'learner' (the "
                                 "first seat) or a role id")
        elif key == "difficulty":
            if value not in deck.difficulties:
                raise BadRequest("bad_options", "difficulty must be one of: "
                                 + ", ".join(deck.difficulties))
        elif key == "timers":
            if not isinstance(value, dict) or set(value) - set(TIMED_PHASES):
                raise BadRequest("bad_options", "timers must look like {\"proposal\": 120, "
                                 "\"discussion\": 180, \"vote\": 60}")
            for phase, seconds in value.items():
                if isinstance(seconds, bool) or not isinstance(seconds, int) \
                        or not 0 <= seconds <= 3600:
                    raise BadRequest("bad_options", f"timer for {phase} must be 0 to 3600 "
                                     "seconds (0: no timer)")
        out[key] = value
    if out.get("hand_size", deck.settings.hand_size) * deck.settings.seats_max > sum(
            c.copies for c in deck.interventions.values()):
        raise BadRequest("bad_options", "that hand size needs more cards than the deck has")
    return out


def engine_options(options: dict) -> dict:
    return {k: v for k, v in options.items() if k in TABLE_OPTIONS}


class Tables:
    def __init__(self, store: Store, library: DeckLibrary, *,
                 publish: Callable[[Live, list[dict]], None] | None = None,
                 clock: Callable[[], float] = time.time, max_cached: int = 2000,
                 shared: bool = True, held: Callable[[str], bool] | None = None):
        # shared: other processes may write to the same tables (several server processes
        # behind a message queue), so every change first folds in what they appended.
        self.shared = shared
        # held (a proxy routes each table to one process, ROUTING=table): whether this
        # process has a connection to the table now. Only then is its copy the table as it
        # is; a copy it kept from before may have moved on in another process since (the
        # table was served there while this process was down), so it is folded afresh.
        self.held = held
        self.store = store
        self.library = library
        self.publish = publish or (lambda live, events: None)
        self.clock = clock
        self.max_cached = max_cached
        self.cache: OrderedDict[str, Live] = OrderedDict()
        self.cache_lock = threading.Lock()
        # Called when a seat's holder loses it (they left, or the facilitator freed it), so
        # the transport can cut off every connection still speaking for that holder.
        self.seat_lost: Callable[[Live, SeatRecord, str], None] = lambda live, seat, why: None

    # ---- opening and loading ---------------------------------------------------------------

    def create(self, deck_id: object, scenario: object, seats: object, options: object = None,
               *, mode: str = "table", seed: int | None = None) -> tuple[Live, str]:
        """Open a table. Returns it and the facilitator key (shown once, stored hashed)."""
        deck = self.library.get(deck_id)
        if not isinstance(scenario, str) or scenario not in deck.scenarios:
            raise BadRequest("unknown_scenario", f"deck {deck.id} has no scenario {scenario!r}; "
                             "choose one of: " + ", ".join(deck.scenarios))
        s = deck.settings
        if isinstance(seats, bool) or not isinstance(seats, int) \
                or not s.seats_min <= seats <= s.seats_max:
            raise BadRequest("bad_seats", f"this deck is for {s.seats_min} to {s.seats_max} "
                             "seats")
        opts = table_options(deck, options)
        seed = secrets.randbits(48) if seed is None else seed
        new_game(deck, scenario, seats, seed, difficulty=opts.get("difficulty"),
                 options=engine_options(opts))  # fails early if the options cannot play
        key = secrets.token_urlsafe(24)
        for _ in range(20):
            record = TableRecord(
                id=secrets.token_urlsafe(9), code=new_code(), deck=deck.id, scenario=scenario,
                seats=seats, seed=seed, options=opts, facilitator_key_hash=digest(key),
                status="lobby", created_at=datetime.now(UTC), mode=mode)
            seat_rows = [SeatRecord(record.id, i, None, None, "empty", None)
                         for i in range(seats)]
            try:
                self.store.create_table(record, seat_rows)
                break
            except Conflict:
                continue  # the code was taken: draw another
        else:
            raise BadRequest("busy", "could not find a free join code; try again")
        return self.get(record.id), key

    def get(self, table_id: object) -> Live:
        if not isinstance(table_id, str) or len(table_id) > 40:
            raise BadRequest("unknown_table", "no such table")
        with self.cache_lock:
            live = self.cache.get(table_id)
            if live is not None and self.held is not None and not self.held(table_id):
                del self.cache[table_id]
                live = None
            if live is not None:
                self.cache.move_to_end(table_id)
                return live
        record = self.store.get_table(table_id)
        if record is None:
            raise BadRequest("unknown_table", "no such table: check the link or the code")
        live = self._fold(record)
        with self.cache_lock:
            live = self.cache.setdefault(table_id, live)
            while len(self.cache) > self.max_cached:
                self.cache.popitem(last=False)
        return live

    def reload(self, table_id: str) -> Live:
        """Forget this process's copy and fold the table again from the store."""
        with self.cache_lock:
            self.cache.pop(table_id, None)
        return self.get(table_id)

    def current(self, table_id: object) -> Live:
        """The table as the store has it now: this process's copy with whatever other
        processes changed folded in (what get() returns may lag behind them)."""
        live = self.get(table_id)
        with live.lock:
            self._refresh(live)
        return live

    def _fold(self, record: TableRecord) -> Live:
        deck = self.library.get(record.deck)
        rows = self.store.actions(record.id)
        seq = rows[-1].seq if rows else 0  # undo rows count: the next append follows them
        at = 1
        acts: attribution.Acts = {}
        try:
            state = new_game(deck, record.scenario, record.seats, record.seed,
                             difficulty=record.options.get("difficulty"),
                             options=engine_options(record.options))
            for row in in_effect(rows):
                at = row.seq
                attribution.note(acts, state, row.action)
                step(state, attribution.for_engine(row.action))
        except IllegalAction as exc:
            # The log is kept as it is; the deck changed under it (a card, scenario or
            # difficulty renamed or removed while the table was open).
            log.error("table %s cannot be rebuilt at action %d: %s", record.id, at,
                      exc.message)
            raise BadRequest("deck_changed", f"this table's game cannot be rebuilt because "
                             f"deck '{deck.id}' changed since it was opened ({exc.message}). "
                             "Nothing is lost: restore the deck as it was, or open a new "
                             "table.") from None
        live = Live(record, self.store.seats(record.id), state, seq, acts=acts)
        live.timer = record.timer
        self._derive(live)
        return live

    def _derive(self, live: Live) -> None:
        """Make the table's row agree with its log. Every action now stores its status and
        timer with it, but a database written by an older version, or by a process killed
        between the two writes it used to make, may hold a table whose last action ended
        the game while its status says "playing", or a timer left from a phase the game has
        left (which would never fire). The log is the truth: correct the row from it."""
        if not self._row_lags(live):
            return
        # The row may have been read just before another process appended an action (and
        # its row): read it again, and correct it only if no action came in since.
        record = self.store.get_table(live.record.id)
        if record is None or self.store.last_seq(live.record.id) != live.seq:
            return  # the table is moving on; the next change reads it again
        live.record, live.timer = record, record.timer
        if not self._row_lags(live):
            return
        if live.state.phase == "ended":
            log.warning("table %s: its log ends the game but its status was %s; ended it",
                        live.record.id, live.record.status)
            live.record = replace(live.record, status="ended")
            live.timer = None
            self._write_row(live, status="ended")
            return
        self._sync_timer(live, save=False)
        log.warning("table %s: its timer was for another phase than its log's; started "
                    "this phase's", live.record.id)
        self._write_row(live)

    def _row_lags(self, live: Live) -> bool:
        status = live.record.status
        if live.state.phase == "ended":
            return status != "ended"
        return status in ("playing", "paused") and \
            self._timer_for(live, live.state, status) != live.timer

    def _write_row(self, live: Live, *, status: str | None = None) -> None:
        """Save a correction of the table's row; if it fails, the next load corrects again."""
        try:
            self.store.update_table(live.record.id, status=status, timer=live.timer)
        except StoreError as exc:
            log.warning("table %s: cannot save its corrected row (%s)", live.record.id, exc)
            return
        live.record = replace(live.record, timer=live.timer)

    def _refresh(self, live: Live) -> None:
        """Fold in actions other processes appended, and their seat and status changes.
        A lone process (no message queue) is the only writer, so it skips the reads."""
        if not self.shared:
            return
        record = self.store.get_table(live.record.id)
        rows = self.store.actions(live.record.id, after=live.seq)
        if any(row.action.get("type") == UNDO for row in rows):
            # A solo undo took back actions this copy holds: fold the whole log again.
            fresh = self._fold(record or live.record)
            live.state, live.seq, live.acts = fresh.state, fresh.seq, fresh.acts
        elif rows:
            # On a copy: views being sent may still be reading the state this replaces.
            state, acts = live.state.copy(), dict(live.acts)
            for row in rows:
                attribution.note(acts, state, row.action)
                step(state, attribution.for_engine(row.action))
            live.state, live.seq, live.acts = state, rows[-1].seq, acts
        if record is not None:
            live.record = record
            live.timer = record.timer
        live.seats = self.store.seats(live.record.id)
        self._derive(live)

    # ---- who is asking ---------------------------------------------------------------------

    def identify(self, table_id: object, *, token: object = None, key: object = None,
                 screen: object = None) -> Identity:
        live = self.current(table_id)  # a seat may have been taken through another process
        if key is not None:
            if not same_secret(key, live.record.facilitator_key_hash):
                raise BadRequest("bad_key", "that facilitator key is not right for this table")
            return Identity("facilitator", live.record.id)
        if token is not None:
            for seat in live.seats:
                if seat.kind == "human" and same_secret(token, seat.token_hash):
                    return Identity("seat", live.record.id, seat.seat, seat.token_hash)
            raise BadRequest("bad_token", "this device no longer holds a seat at that table: "
                             "join again with the code")
        if screen is not None:
            if not (isinstance(screen, str)
                    and hmac.compare_digest(screen, screen_secret(live.record))):
                raise BadRequest("bad_key", "that table screen link is not right: open it "
                                 "again from the facilitator's console")
            return Identity("screen", live.record.id)
        return Identity("viewer", live.record.id)

    def holding(self, live: Live, ident: Identity) -> SeatRecord:
        """The seat `ident` speaks for, if its holder still holds it. Call under the lock,
        after a refresh: the seat may have been freed or retaken through another process."""
        if ident.kind != "seat" or ident.seat is None:
            raise BadRequest("not_seated", "only a seated player can do that; the facilitator "
                             "uses the console")
        seat = live.seats[ident.seat]
        if seat.kind != "human" or seat.token_hash != ident.holder:
            raise BadRequest("seat_lost", "this device no longer holds that seat: join again "
                             "with the table's code")
        return seat

    def find_code(self, code: object) -> TableRecord:
        text = normalise(code) if isinstance(code, str) else ""
        record = self.store.find_by_code(text) if text else None
        if record is None:
            raise BadRequest("bad_code", "no table has that code: check it with your "
                             "facilitator (letters and digits, like KMP-3QX)")
        return record

    def join(self, code: object, name: object) -> tuple[Live, int, str]:
        """Take a free seat at the table with this code. Returns the seat and its token."""
        record = self.find_code(code)
        clean = clean_name(name)
        live = self.get(record.id)
        with live.lock:
            self._refresh(live)
            if live.record.status == "ended":
                raise BadRequest("game_over", "that game has ended; ask for a new code")
            taken = {s.name.casefold() for s in live.seats if s.name and s.kind == "human"}
            if clean.casefold() in taken:
                raise BadRequest("name_taken", f"someone at this table is already called "
                                 f"{clean}: add an initial")
            free = [s for s in live.seats if s.kind == "empty"]
            if not free:
                raise BadRequest("table_full", "every seat at this table is taken")
            seat = free[0].seat
            token = secrets.token_urlsafe(24)
            self.store.update_seat(record.id, seat, name=clean, token_hash=digest(token),
                                   kind="human")
            live.seats = self.store.seats(record.id)
        self.publish(live, [{"type": "joined", "seat": seat}])
        return live, seat, token

    def leave(self, ident: Identity) -> None:
        live = self.get(ident.table_id)
        with live.lock:
            self._refresh(live)
            seat = self.holding(live, ident)
            self.store.update_seat(live.record.id, seat.seat, name=None, token_hash=None,
                                   kind="empty")
            live.seats = self.store.seats(live.record.id)
        self.seat_lost(live, seat, "left")
        self.publish(live, [{"type": "left", "seat": seat.seat}])

    # ---- playing ---------------------------------------------------------------------------

    def act(self, ident: Identity, action: object) -> list[dict]:
        """A seat's game action: check who, hand it to the engine, log it, tell everyone."""
        if ident.kind != "seat" or ident.seat is None:
            raise BadRequest("not_seated", "only a seated player can do that; the facilitator "
                             "uses the console")
        if not isinstance(action, dict):
            raise BadRequest("bad_action", "an action must be an object with a 'type'")
        check_depth(action, "action")
        if len(repr(action)) > 1000:  # no move is this long; and refusals quote what was sent
            raise BadRequest("bad_action", "that action is too long to be a move in this game")
        if "seat" in action and action["seat"] != ident.seat:
            raise BadRequest("not_your_seat", "you can only act for your own seat")
        if action.get("type") == "advance":
            raise BadRequest("not_facilitator", "only the facilitator moves the table on")
        live = self.get(ident.table_id)
        with live.lock:
            self._refresh(live)
            self.holding(live, ident)
            self._need_playing(live)
            events = self._commit(live, {**action, "seat": ident.seat}, ident.seat)
            events += self._after_change(live)
        self.publish(live, events)
        return events

    def _need_playing(self, live: Live) -> None:
        status = live.record.status
        if status == "lobby":
            raise BadRequest("not_started", "the game has not started yet: the facilitator "
                             "starts it when the table is ready")
        if status == "paused":
            raise BadRequest("paused", "the facilitator has paused the game")
        if status == "ended":
            raise BadRequest("game_over", "the game has ended")

    def _commit(self, live: Live, action: dict, seat: int | None) -> list[dict]:
        """Apply on a copy, append to the log, then keep the copy. What the action makes of
        the table's row (the game ended, a new phase's timer) is written in the same
        transaction as the action: told "applied" or "not applied", the player is right,
        whatever fails. On a conflict another process got there first: fold its actions
        in and try again (COMMIT_TRIES in all)."""
        if seat is not None:  # the log says who held the seat, for the debrief
            row = live.seats[seat]
            action = {**action, attribution.STAMP: attribution.stamp(
                row.kind, row.name, seat, row.token_hash)}
        for attempt in range(COMMIT_TRIES):
            new_state = live.state.copy()
            try:
                events = step(new_state, attribution.for_engine(action))
            except IllegalAction as exc:
                raise BadRequest(exc.code, exc.message) from None
            ends = new_state.phase == "ended" and live.record.status != "ended"
            status = "ended" if ends else live.record.status
            timer = self._timer_for(live, new_state, status)
            try:
                self.store.append(live.record.id, live.seq + 1, seat, action,
                                  status="ended" if ends else None,
                                  timer=timer if timer != live.record.timer else UNSET)
            except Conflict:
                if attempt == COMMIT_TRIES - 1:
                    raise BadRequest("conflict", "the table changed as you acted: look again "
                                     "and retry") from None
                if self.shared:
                    self._refresh(live)
                else:  # routed: another process served the table meanwhile; take its log
                    fresh = self._fold(self.store.get_table(live.record.id))  # type: ignore[arg-type]
                    live.record, live.seats = fresh.record, fresh.seats
                    live.state, live.seq, live.timer = fresh.state, fresh.seq, fresh.timer
                    self._derive(live)
                continue
            acts = dict(live.acts)
            attribution.note(acts, live.state, action)
            live.state, live.acts = new_state, acts
            live.seq += 1
            live.timer = timer
            live.record = replace(live.record, status=status, timer=timer)
            if ends:
                events.append({"type": "table_ended"})
                if live.record.mode == "solo":
                    self._record_solo(live)
            return events
        raise AssertionError("unreachable")

    def _after_change(self, live: Live) -> list[dict]:
        """Bots take their turns; a phase entered without an action (the game started or
        resumed) gets its timer. Each bot's move is saved like a player's. If saving fails
        here, what was saved before stands and is shown: the clock tries the rest again."""
        events: list[dict] = []
        try:
            self._run_bots(live, events)
            self._sync_timer(live)
        except StoreError as exc:
            log.warning("table %s: cannot save what follows its last action (%s); "
                        "trying again shortly", live.record.id, exc)
            live.unsettled = True
        else:
            live.unsettled = False
        return events

    def _record_solo(self, live: Live) -> None:
        from game.engine.actions import outcome

        opts = live.record.options
        won = outcome(live.state)["won"]
        try:
            self.store.add_solo_record(live.record.browser_id or "", live.record.deck,
                                       live.record.scenario, opts.get("difficulty") or "",
                                       round(live.state.total(), 2), bool(won), live.record.id)
        except StoreError as exc:  # the game itself is saved; only the practice record is not
            log.warning("table %s: cannot save the solo record (%s)", live.record.id, exc)

    def undo(self, ident: Identity) -> list[dict]:
        """Solo practice only: take back the learner's last choice, and everything the bots
        did after it, by appending an undo row that names it and folding the log again. The
        log only grows, so other processes see the undo as they see any new action."""
        live = self.get(ident.table_id)
        if live.record.mode != "solo" or ident.kind != "seat":
            raise BadRequest("not_solo", "undo is only for solo practice")
        with live.lock:
            self._refresh(live)
            self.holding(live, ident)
            if live.record.status == "ended":
                raise BadRequest("game_over", "the game has ended: start a new one to try again")
            rows = self.store.actions(live.record.id)
            mine = [r for r in in_effect(rows)
                    if r.seat == ident.seat and r.action.get("type") != "ready"]
            if not mine:
                raise BadRequest("nothing_to_undo", "there is nothing of yours to undo yet")
            try:
                self.store.append(live.record.id, rows[-1].seq + 1, ident.seat,
                                  {"type": UNDO, "from_seq": mine[-1].seq})
            except Conflict:
                raise BadRequest("conflict", "the table changed as you acted: look again "
                                 "and retry") from None
            fresh = self._fold(self.store.get_table(live.record.id))  # type: ignore[arg-type]
            live.record = fresh.record
            live.state, live.seq, live.acts = fresh.state, fresh.seq, fresh.acts
            live.bot_lines = [b for b in live.bot_lines
                              if b["round"] <= live.state.round.number][-20:]
            self._sync_timer(live)
            events = [{"type": "undone", "seat": ident.seat}]
        self.publish(live, events)
        return events

    def bot_kind(self, live: Live) -> str:
        kind = live.record.options.get("bots")
        if kind in bot_players.BOT_KINDS:
            return kind
        difficulty = live.state.difficulty
        return difficulty.bots if difficulty else "greedy"

    def _run_bots(self, live: Live, events: list[dict]) -> None:
        """Bots move until none has anything to do, adding what happened to `events` (kept
        up to a failure, which propagates)."""
        if live.record.status != "playing":
            return
        seats = {s.seat: self.bot_kind(live) for s in live.seats if s.kind == "bot"}
        for _ in range(500):
            moved = False
            for seat, kind in seats.items():
                choice = bot_players.choose(live.state, seat, kind)
                if choice is None:
                    continue
                events += self._commit(live, choice.action, seat)
                live.bot_lines.append({"seat": seat, "round": live.state.round.number,
                                       "type": choice.action["type"], "says": choice.reason})
                del live.bot_lines[:-40]
                moved = True
                break
            if not moved:
                break

    # ---- the facilitator -------------------------------------------------------------------

    def facilitate(self, ident: Identity, command: str, args: dict) -> list[dict]:
        if ident.kind != "facilitator":
            raise BadRequest("not_facilitator", "only the facilitator can do that")
        if command not in COMMAND_ARGS:
            raise BadRequest("unknown_command", f"unknown facilitator command {command[:40]!r}; "
                             "commands are: " + ", ".join(COMMAND_ARGS))
        allowed = COMMAND_ARGS[command]
        extra = sorted(set(args) - set(allowed))
        if extra:
            raise BadRequest("bad_payload", f"{command} takes "
                             + (", ".join(allowed) if allowed else "no arguments")
                             + f"; not: {', '.join(map(str, extra))[:80]}")
        check_depth(args, command)
        live = self.get(ident.table_id)
        lost: list[SeatRecord] = []
        with live.lock:
            self._refresh(live)
            if command == "remove_seat" and isinstance(args.get("seat"), int) \
                    and 0 <= args["seat"] < len(live.seats):
                lost = [live.seats[args["seat"]]]
            events = self._facilitate(live, command, args)
        for seat in lost:
            if seat.kind == "human":
                self.seat_lost(live, seat, "seat_removed")
        self.publish(live, events)
        return events

    def _facilitate(self, live: Live, command: str, args: dict) -> list[dict]:
        status = live.record.status
        if command == "start":
            if status != "lobby":
                raise BadRequest("already_started", "the game has already started")
            if live.record.options.get("bots", "none") != "none":
                for s in live.seats:
                    if s.kind == "empty":
                        self.store.update_seat(live.record.id, s.seat, kind="bot",
                                               name=f"Bot {s.seat + 1}")
                live.seats = self.store.seats(live.record.id)
            self._set_status(live, "playing")
            return [{"type": "started"}, *self._after_change(live)]
        if command == "end":
            if status == "ended":
                raise BadRequest("game_over", "the game has already ended")
            self._set_status(live, "ended")
            return [{"type": "table_ended"}]
        if status in ("lobby", "ended") and command in ("pause", "resume", "advance",
                                                         "extend", "skip_timer"):
            raise BadRequest("not_started" if status == "lobby" else "game_over",
                             "the game is not being played right now")
        if command == "pause":
            if status == "paused":
                raise BadRequest("already_paused", "the game is already paused")
            if live.timer and "ends_at" in live.timer:
                live.timer = {**live.timer, "remaining": max(0.0, live.timer["ends_at"]
                                                             - self.clock())}
                del live.timer["ends_at"]
            self._set_status(live, "paused")
            return [{"type": "paused"}]
        if command == "resume":
            if status != "paused":
                raise BadRequest("not_paused", "the game is not paused")
            if live.timer and "remaining" in live.timer:
                live.timer = {**live.timer, "ends_at": self.clock() + live.timer["remaining"]}
                del live.timer["remaining"]
            self._set_status(live, "playing")
            return [{"type": "resumed"}, *self._after_change(live)]
        if command == "advance":
            if status == "paused":
                raise BadRequest("paused", "resume the game first")
            # Stamped like a player's action: a click meant for the phase the console showed
            # must not move on a phase that has just begun (the engine refuses it as stale).
            if "round" not in args or "phase" not in args:
                raise BadRequest("bad_payload", "advance needs the 'round' and 'phase' you are "
                                 "moving on from")
            return self._advance(live, {"round": args["round"], "phase": args["phase"]},
                                 by="facilitator")
        if command == "skip_timer":
            # Stop this phase's countdown; the phase goes on until people act or the
            # facilitator moves on ("advance" is the command that moves on now).
            t = live.timer
            if not t or t.get("stopped"):
                raise BadRequest("no_timer", "there is no timer running in this phase")
            live.timer = {"round": t["round"], "phase": t["phase"], "stopped": True}
            self._save_timer(live)
            return [{"type": "timer", "stopped": True}]
        if command == "new_code":
            if status == "ended":
                raise BadRequest("game_over", "the game has ended")
            self._new_code(live)
            return [{"type": "new_code"}]
        if command == "extend":
            seconds = args.get("seconds", 60)
            if isinstance(seconds, bool) or not isinstance(seconds, int) \
                    or not 1 <= seconds <= 1800:
                raise BadRequest("bad_payload", "extend by 1 to 1800 seconds")
            if not live.timer or live.timer.get("stopped"):
                raise BadRequest("no_timer", "there is no timer running in this phase")
            field_name = "ends_at" if "ends_at" in live.timer else "remaining"
            live.timer = {**live.timer, field_name: live.timer[field_name] + seconds}
            self._save_timer(live)
            return [{"type": "timer", "extended": seconds}]
        if command in ("add_bot", "remove_seat"):
            seat = args.get("seat")
            if isinstance(seat, bool) or not isinstance(seat, int) \
                    or not 0 <= seat < live.record.seats:
                raise BadRequest("bad_seat", f"seat must be 0 to {live.record.seats - 1}")
            row = live.seats[seat]
            if command == "add_bot":
                if row.kind != "empty":
                    raise BadRequest("seat_taken", "a bot can only take an empty seat")
                self.store.update_seat(live.record.id, seat, kind="bot", name=f"Bot {seat + 1}",
                                       token_hash=None)
            else:
                if row.kind == "empty":
                    raise BadRequest("seat_empty", "that seat is already empty")
                self.store.update_seat(live.record.id, seat, kind="empty", name=None,
                                       token_hash=None)
            live.seats = self.store.seats(live.record.id)
            return [{"type": command, "seat": seat}, *self._after_change(live)]
        if command == "set_timers":
            timers = args.get("timers")
            deck = self.library.get(live.record.deck)
            clean = table_options(deck, {"timers": timers})["timers"]
            options = {**live.record.options,
                       "timers": {**live.record.options.get("timers", {}), **clean}}
            self.store.set_options(live.record.id, options)
            live.record = replace(live.record, options=options)
            return [{"type": "timers_set"}]
        raise BadRequest("unknown_command", f"unknown facilitator command {command!r}")

    def _new_code(self, live: Live) -> None:
        """A fresh join code, so that someone the facilitator removed (or anyone the old
        code reached) cannot take a seat again; seated players keep their seats."""
        for _ in range(20):
            code = new_code()
            try:
                self.store.set_code(live.record.id, code)
                break
            except Conflict:
                continue
        else:
            raise BadRequest("busy", "could not find a free join code; try again")
        live.record = replace(live.record, code=code)

    def _advance(self, live: Live, stamp: dict | None = None, *,
                 by: str = "facilitator") -> list[dict]:
        # The log says who moved on (the facilitator or the timer), for the players' notices.
        action = {"type": "advance", **(stamp or {}), attribution.STAMP: {"kind": by}}
        events = self._commit(live, action, None)
        return events + self._after_change(live)

    def _set_status(self, live: Live, status: str) -> None:
        """The status and the timer (paused, resumed, cleared) in one write."""
        self.store.update_table(live.record.id, status=status, timer=live.timer)
        live.record = replace(live.record, status=status, timer=live.timer)

    # ---- timers ----------------------------------------------------------------------------

    def timer_length(self, live: Live, phase: str) -> int:
        timers = {**live.state.deck.settings.timers, **live.record.options.get("timers", {})}
        return int(timers.get(phase, 0))

    def _timer_for(self, live: Live, state: GameState, status: str) -> dict | None:
        """The timer the table has once in `state`: the one running if the phase is the
        same, else a fresh one for a timed phase (none when not playing)."""
        key = {"round": state.round.number, "phase": state.phase}
        if live.timer and {k: live.timer.get(k) for k in key} == key:
            return live.timer
        seconds = self.timer_length(live, state.phase) if state.phase in TIMED_PHASES else 0
        if seconds and status == "playing":
            return {**key, "ends_at": self.clock() + seconds, "length": seconds}
        if seconds and status == "paused":
            return {**key, "remaining": float(seconds), "length": seconds}
        return None

    def _sync_timer(self, live: Live, *, save: bool = True) -> None:
        """Start a fresh timer when the table enters a new timed phase."""
        live.timer = self._timer_for(live, live.state, live.record.status)
        if save:
            self._save_timer(live)

    def _save_timer(self, live: Live) -> None:
        if live.timer != live.record.timer:
            self.store.update_table(live.record.id, timer=live.timer)
            live.record = replace(live.record, timer=live.timer)

    def tick(self) -> int:
        """Advance every cached table whose phase timer has run out, and finish what could
        not be saved after an action (bots' turns). Returns how many timers fired. A table
        the database fails for is tried again at the next tick; the others go on."""
        now = self.clock()
        fired = 0
        with self.cache_lock:
            tables = list(self.cache.values())
        for live in tables:
            if self.held is not None and not self.held(live.record.id):
                continue  # routed: the process holding the table keeps its time
            try:
                fired += self._tick_one(live, now)
            except StoreError as exc:
                if not live.tick_failing:
                    log.warning("table %s: cannot save its timer's move (%s); trying again "
                                "at every tick", live.record.id, exc)
                live.tick_failing = True
            else:
                live.tick_failing = False
        return fired

    def _tick_one(self, live: Live, now: float) -> int:
        if live.unsettled:
            with live.lock:
                self._refresh(live)
                events = self._after_change(live)
            if not live.unsettled:
                self.publish(live, events)
        t = live.timer
        if not t or "ends_at" not in t or t["ends_at"] > now \
                or live.record.status != "playing":
            return 0
        with live.lock:
            self._refresh(live)
            t = live.timer
            if not t or "ends_at" not in t or t["ends_at"] > now \
                    or live.record.status != "playing":
                return 0
            try:
                events = self._advance(live, {"round": t["round"], "phase": t["phase"]},
                                       by="timer")
            except BadRequest:  # another process advanced it first
                live.timer = None
                return 0
            events.insert(0, {"type": "timeout", "phase": t["phase"]})
        self.publish(live, events)
        return 1

    def timer_view(self, live: Live) -> dict | None:
        t = live.timer
        if not t or t.get("stopped"):
            return None
        out = {"phase": t["phase"], "round": t["round"], "length": t.get("length")}
        if "ends_at" in t:
            out["remaining"] = max(0.0, round(t["ends_at"] - self.clock(), 1))
        else:
            out["remaining"] = round(t.get("remaining", 0.0), 1)
            out["paused"] = True
        return out
