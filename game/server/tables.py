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

import hmac
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from game.decks.library import DeckLibrary
from game.decks.options import bot_kind, check_table_options, engine_options
from game.engine import attribution
from game.engine import bots as bot_players
from game.engine.actions import IllegalAction, new_game, step
from game.engine.results import outcome
from game.server import commands, ticking, timers
from game.server.identity import Identity, digest, same_secret, screen_secret
from game.server.joincode import new_code, normalise
from game.server.limits import BadRequest, check_depth, clean_name
from game.server.live import Live, Reply
from game.store.database import Store
from game.store.records import UNDO, UNSET, Conflict, SeatRecord, StoreError, TableRecord, in_effect

log = logging.getLogger(__name__)

STATUSES = ("lobby", "playing", "paused", "ended")
# Appends lost to another process before giving up. Each loss means that process appended
# first, so the table moved on; with several processes acting at once, two tries were too few.
COMMIT_TRIES = 5


class Tables:
    def __init__(self, store: Store, library: DeckLibrary, *,
                 publish: Callable[..., None] | None = None,
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
        self.publish = publish or (lambda live, events, reply=None: None)
        self.clock = clock
        self.max_cached = max_cached
        self.cache: OrderedDict[str, Live] = OrderedDict()
        self.cache_lock = threading.Lock()
        # Called when a seat's holder loses it (they left, or the facilitator freed it), so
        # the transport can cut off every connection still speaking for that holder.
        self.seat_lost: Callable[[Live, SeatRecord, str], None] = lambda live, seat, why: None

    # ---- opening and loading ---------------------------------------------------------------

    def create(self, deck_id: object, scenario: str, seats: int, options: object = None,
               *, mode: str = "table", seed: int | None = None,
               revision: int | None = None,
               key: str | None = None) -> tuple[Live, str]:
        """Open a table. Returns it and the facilitator key (shown once, stored hashed; a
        workshop passes a key it can make again for its facilitators). With `revision`,
        `deck_id` is a studio deck's id (its reader checked by the caller), and the table
        plays that revision for good, whatever is saved after."""
        deck = self.library.get(deck_id, revision)
        opts = check_table_options(deck, options)
        seed = secrets.randbits(48) if seed is None else seed
        # The engine checks the scenario, the seats and the options, as for every game.
        new_game(deck, scenario, seats, seed, difficulty=opts.get("difficulty"),
                 options=engine_options(opts))
        key = key or secrets.token_urlsafe(24)
        for _ in range(20):
            record = TableRecord(
                id=secrets.token_urlsafe(9), code=new_code(),
                deck=deck.id if revision is None else str(deck_id), deck_revision=revision,
                scenario=scenario,
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
        deck = self.library.get(record.deck, record.deck_revision)
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
            timers.timer_for(live, live.state, status, self.clock()) != live.timer

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

    def join(self, code: object, name: object, *,
             token: str | None = None) -> tuple[Live, int, str]:
        """Take a free seat at the table with this code. Returns the seat and its token (a
        workshop passes the token it can make again for the person it seats)."""
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
            token = token or secrets.token_urlsafe(24)
            self.store.update_seat(record.id, seat, name=clean, token_hash=digest(token),
                                   kind="human")
            live.seats = self.store.seats(record.id)
        self.publish(live, [{"type": "joined", "seat": seat}])
        return live, seat, token

    def leave(self, ident: Identity, why: str = "left") -> None:
        live = self.get(ident.table_id)
        with live.lock:
            self._refresh(live)
            seat = self.holding(live, ident)
            self.store.update_seat(live.record.id, seat.seat, name=None, token_hash=None,
                                   kind="empty")
            live.seats = self.store.seats(live.record.id)
        self.seat_lost(live, seat, why)
        self.publish(live, [{"type": "left", "seat": seat.seat}])

    # ---- playing ---------------------------------------------------------------------------

    def act(self, ident: Identity, action: object, reply: Reply | None = None) -> list[dict]:
        """A seat's game action: check who, hand it to the engine, log it, tell everyone
        (the actor in `reply`, if given)."""
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
            events += self.after_change(live)
        self.publish(live, events, reply)
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
            timer = timers.timer_for(live, new_state, status, self.clock())
            try:
                self.store.append(live.record.id, live.seq + 1, seat, action,
                                  status="ended" if ends else None,
                                  timer=timer if timer != live.record.timer else UNSET)
            except Conflict:
                if attempt == COMMIT_TRIES - 1:
                    raise BadRequest("conflict", "the table changed as you acted: look again "
                                     "and retry") from None
                self._catch_up(live)
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

    def _catch_up(self, live: Live) -> None:
        """After a conflict: take in what another process wrote to the table."""
        if self.shared:
            self._refresh(live)
            return
        # Routed: another process served the table meanwhile; take its log.
        fresh = self._fold(self.store.get_table(live.record.id))  # type: ignore[arg-type]
        live.record, live.seats = fresh.record, fresh.seats
        live.state, live.seq, live.timer = fresh.state, fresh.seq, fresh.timer
        self._derive(live)

    def after_change(self, live: Live) -> list[dict]:
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
        return bot_kind(live.record.options.get("bots"), live.state.difficulty)

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
        commands.check(command, args)
        live = self.get(ident.table_id)
        lost: list[SeatRecord] = []
        with live.lock:
            self._refresh(live)
            if command == "remove_seat" and isinstance(args.get("seat"), int) \
                    and 0 <= args["seat"] < len(live.seats):
                lost = [live.seats[args["seat"]]]
            for attempt in range(COMMIT_TRIES):
                try:
                    events = commands.run(self, live, command, args)
                    break
                except Conflict:
                    # Another process changed the status first (two facilitators, or one
                    # command sent to both): read the table again; the command then says
                    # why it no longer applies ("already paused"), or applies once.
                    if attempt == COMMIT_TRIES - 1:
                        raise BadRequest("conflict", "the table changed as you acted: "
                                         "look again and retry") from None
                    self._catch_up(live)
        for seat in lost:
            if seat.kind == "human":
                self.seat_lost(live, seat, "seat_removed")
        self.publish(live, events)
        return events

    def renew_code(self, live: Live) -> None:
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

    def advance(self, live: Live, stamp: dict | None = None, *,
                 by: str = "facilitator") -> list[dict]:
        # The log says who moved on (the facilitator or the timer), for the players' notices.
        action = {"type": "advance", **(stamp or {}), attribution.STAMP: {"kind": by}}
        events = self._commit(live, action, None)
        return events + self.after_change(live)

    def set_status(self, live: Live, status: str) -> None:
        """The status and the timer (paused, resumed, cleared) in one write, if the status is
        still the one this copy holds (Conflict otherwise: see facilitate)."""
        self.store.update_table(live.record.id, status=status, timer=live.timer,
                                expect_status=live.record.status)
        live.record = replace(live.record, status=status, timer=live.timer)

    # ---- timers ----------------------------------------------------------------------------

    def _sync_timer(self, live: Live, *, save: bool = True) -> None:
        """Start a fresh timer when the table enters a new timed phase."""
        live.timer = timers.timer_for(live, live.state, live.record.status, self.clock())
        if save:
            self.save_timer(live)

    def save_timer(self, live: Live) -> None:
        if live.timer != live.record.timer:
            self.store.update_table(live.record.id, timer=live.timer)
            live.record = replace(live.record, timer=live.timer)

    def tick(self) -> int:
        """Advance every cached table whose phase timer has run out (game/server/ticking.py).
        Returns how many timers fired."""
        return ticking.tick(self)
