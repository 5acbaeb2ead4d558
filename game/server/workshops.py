"""Workshops: one room, many tables, one code, run by signed-in facilitators.

A workshop opens ordinary tables (game.server.tables) and ties them together: people join
with the workshop's code and are seated by its seating mode; its facilitators pace every
table at once with the tables' own commands (game.server.commands), each applied to each
table once; its dashboard hears a small summary whenever one of its tables publishes.

No Flask here: routes (game.server.workshop_routes) say who is asking.

Seat tokens are made again rather than kept: a person's token at a table is an HMAC of the
server's secret, their device's hash and the table's id. So a person who reloads, or whom
the facilitator moved, gets their seat's token by joining again with the same device and
name, and the database keeps no token, only its hash as for every seat.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime

from game.decks.library import DeckLibrary, deck_ref
from game.engine.results import outcome, target_met
from game.errors import GameError
from game.server import timers
from game.server.identity import Identity, digest
from game.server.joincode import display, new_code, normalise
from game.server.limits import BadRequest, check_depth, clean_name
from game.server.live import Live
from game.server.tables import Tables
from game.store.accounts import Facilitator, Facilitators
from game.store.database import Conflict, Store
from game.store.records import StoreError
from game.store.workshops import Person, WorkshopRecord, Workshops

log = logging.getLogger(__name__)
SEATING = ("even", "pick", "list")
MAX_TABLES = 20
MAX_WORKSHOP_NAME = 80
MAX_MESSAGE = 200
STUCK_AFTER_S = 60  # someone away this long at a playing table: the dashboard flags it
DEVICE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Commands the dashboard sends to tables (game.server.commands' names).
ROOM_COMMANDS = ("start", "pause", "resume", "advance", "extend", "end")


class Room:
    """What the server knows of the workshops: creating, seating, pacing, summarising."""

    def __init__(self, store: Store, tables: Tables, library: DeckLibrary, secret: str,
                 *, emit: Callable[..., None] = lambda *a, **k: None,
                 listening: Callable[[str], bool] = lambda room: True) -> None:
        self.rows = Workshops(store)
        self.people = Facilitators(store)
        self.tables = tables
        self.library = library
        self.secret = secret.encode()
        self.emit = emit
        self.listening = listening  # whether a room may have listeners (see Broadcast)
        # table id -> workshop id (or None): asked at every publish, so kept here.
        self.owners: OrderedDict[str, tuple[str, int] | None] = OrderedDict()
        self.lock = threading.Lock()
        self.last: dict[str, str] = {}  # table id -> its last action, in words
        # (table id, seat) -> when this process first saw the seat's holder away.
        self.away: dict[tuple[str, int], float] = {}

    # ---- secrets made again ----------------------------------------------------------------

    def _mac(self, *parts: str) -> str:
        return hmac.new(self.secret, "\x1f".join(parts).encode(),
                        hashlib.sha256).hexdigest()[:40]

    def table_key(self, workshop_id: str, number: int) -> str:
        """The facilitator key of a workshop's table, for its console link."""
        return self._mac("workshop table key", workshop_id, str(number))

    def seat_token(self, device_hash: str, table_id: str) -> str:
        return self._mac("workshop seat", device_hash, table_id)

    # ---- creating and finding --------------------------------------------------------------

    def create(self, owner: Facilitator, data: dict) -> WorkshopRecord:
        check_depth(data, "workshop")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip() \
                or len(name.strip()) > MAX_WORKSHOP_NAME:
            raise BadRequest("bad_workshop", f"give the workshop a name of 1 to "
                             f"{MAX_WORKSHOP_NAME} characters")
        day = data.get("date") or date.today().isoformat()
        try:
            day = date.fromisoformat(day).isoformat() if isinstance(day, str) else None
        except ValueError:
            day = None
        if day is None:
            raise BadRequest("bad_workshop", "the date must be written like 2026-11-27")
        count = data.get("tables")
        if isinstance(count, bool) or not isinstance(count, int) \
                or not 1 <= count <= MAX_TABLES:
            raise BadRequest("bad_workshop", f"a workshop has 1 to {MAX_TABLES} tables")
        # A shipped deck, or (`revision` given) a studio deck at that revision: the route has
        # checked that the facilitator may read it, as for a single table.
        revision = data.get("revision")
        deck = self.library.get(data.get("deck"), revision)
        deck_name = deck.id if revision is None else deck_ref(str(data["deck"]), revision)
        scenario = data.get("scenario")
        scenarios = scenario if isinstance(scenario, list) else [scenario] * count
        if len(scenarios) != count:
            raise BadRequest("bad_workshop", f"give one scenario for all tables, or one "
                             f"for each of the {count} tables")
        for sc in scenarios:  # all checked before any table opens
            if not isinstance(sc, str) or sc not in deck.scenarios:
                raise BadRequest("unknown_scenario", f"deck {deck.name} has no scenario "
                                 f"{str(sc)[:40]!r}; choose one of: "
                                 + ", ".join(deck.scenarios))
        seating = data.get("seating", "even")
        if seating not in SEATING:
            raise BadRequest("bad_workshop", "seating must be one of: " + ", ".join(SEATING))
        roster = parse_roster(data.get("roster") or "", count) if seating == "list" else []
        seats = data.get("seats")
        if isinstance(seats, bool) or not isinstance(seats, int):
            raise BadRequest("bad_seats", "give the number of seats at each table")
        options = data.get("options") or {}
        wid = secrets.token_urlsafe(9)
        # The tables first: each checks the deck, scenario, seats and options as a single
        # table does, and a refusal says which.
        opened: list[Live] = []
        for number, sc in enumerate(scenarios, 1):
            live, _ = self.tables.create(data["deck"] if revision is not None else deck.id, sc,
                                         seats, options, revision=revision,
                                         key=self.table_key(wid, number))
            opened.append(live)
        settings = {"scenarios": scenarios, "seats": seats,
                    "options": opened[0].record.options, "seating": seating,
                    "roster": roster, "deck_revision": revision}
        for _ in range(20):
            record = WorkshopRecord(id=wid, code=new_code(), owner_id=owner.id,
                                    name=name.strip(), day=day, deck=deck_name,
                                    settings=settings, status="open",
                                    created_at=datetime.now(UTC))
            try:
                self.rows.create(record, [live.record.id for live in opened])
            except Conflict:
                continue  # the code was taken: draw another
            return record
        raise BadRequest("busy", "could not find a free join code; try again")

    def get(self, workshop_id: object) -> WorkshopRecord:
        record = self.rows.get(workshop_id) if isinstance(workshop_id, str) \
            and len(workshop_id) <= 40 else None
        if record is None:
            raise GameError("unknown_workshop", "no such workshop: check the link")
        return record

    def find_code(self, code: object) -> WorkshopRecord:
        text = normalise(code) if isinstance(code, str) else ""
        record = self.rows.find_by_code(text) if text else None
        if record is None:
            raise BadRequest("bad_code", "no workshop has that code: check it on the room "
                             "screen (letters and digits, like KMP-3QX)")
        return record

    def facilitators(self, record: WorkshopRecord) -> set[str]:
        return {record.owner_id, *self.rows.co_facilitators(record.id)}

    def authorise(self, who: Facilitator | None, workshop_id: object) -> WorkshopRecord:
        """The workshop, if `who` runs it (owner or co-facilitator)."""
        if who is None:
            raise GameError("not_signed_in", "sign in as a facilitator first (at /signin)")
        record = self.get(workshop_id)
        if who.id not in self.facilitators(record):
            raise GameError("not_workshop_facilitator", "only this workshop's facilitators "
                            "can do that: ask its owner to add you by your user name")
        return record

    def add_co_facilitator(self, record: WorkshopRecord, user_name: object) -> Facilitator:
        found = self.people.find(user_name) if isinstance(user_name, str) \
            and 0 < len(user_name) <= 200 else None
        if found is None:
            raise GameError("unknown_facilitator", "no facilitator has that user name: they "
                            "sign up first, then you add them")
        if found.id in self.facilitators(record):
            raise GameError("already_facilitator", f"{found.display_name} already runs this "
                            "workshop")
        try:
            self.rows.add_facilitator(record.id, found.id)
        except Conflict:
            raise GameError("already_facilitator", f"{found.display_name} already runs this "
                            "workshop") from None
        return found

    def lives(self, record: WorkshopRecord) -> list[Live]:
        return [self.tables.current(t) for t in self.rows.tables(record.id)]

    # ---- seating ---------------------------------------------------------------------------

    def join(self, code: object, name: object, device: object,
             table: object = None) -> dict:
        """Seat a person (or hand a returning one their seat again)."""
        record = self.find_code(code)
        if not isinstance(device, str) or not DEVICE.fullmatch(device):
            raise BadRequest("bad_device", "this browser's id is missing or malformed: "
                             "reload the join page")
        clean = clean_name(name)
        device_hash = digest(device)
        people = self.rows.people(record.id)
        table_ids = self.rows.tables(record.id)
        mine = next((p for p in people if p.device_hash == device_hash), None)
        if mine is not None:
            if mine.name.casefold() != clean.casefold():
                raise BadRequest("already_joined", f"this device already has a seat in this "
                                 f"workshop, as {mine.name} at table {mine.table_number}: one "
                                 "seat per person. Join with that name to get back to it")
            if self._holds(mine, table_ids):
                return self._handover(record, mine, table_ids)
            # Their seat was freed (they left, or the facilitator freed it): a handover
            # would give a token no seat holds, so they are seated afresh.
            self.rows.remove_person(record.id, mine.device_hash)
            people = [p for p in people if p is not mine]
        if any(p.name.casefold() == clean.casefold() for p in people):
            raise BadRequest("name_taken", f"someone in this workshop is already called "
                             f"{clean}: add an initial")
        if record.status == "ended":
            raise BadRequest("game_over", "this workshop has ended")
        number = self._choose(record, clean, table, table_ids)
        table_id = table_ids[number - 1]
        live = self.tables.get(table_id)
        live, seat, _ = self.tables.join(live.record.code, clean,
                                         token=self.seat_token(device_hash, table_id))
        person = Person(record.id, device_hash, clean, number, seat, datetime.now(UTC))
        try:
            self.rows.add_person(person)
        except Conflict:  # the same device or name, a moment ago through another request
            self.tables.leave(Identity("seat", table_id, seat,
                                       digest(self.seat_token(device_hash, table_id))))
            raise BadRequest("already_joined", "this device or this name took a seat in "
                             "this workshop a moment ago: join again to get back to it") from None
        return self._handover(record, person, table_ids)

    def _holds(self, person: Person, table_ids: list[str]) -> bool:
        """Whether the person's seat is still theirs."""
        table_id = table_ids[person.table_number - 1]
        seats = self.tables.current(table_id).seats
        token = self.seat_token(person.device_hash, table_id)
        return 0 <= person.seat < len(seats) and seats[person.seat].kind == "human" \
            and seats[person.seat].token_hash == digest(token)

    def _handover(self, record: WorkshopRecord, person: Person, table_ids: list[str]) -> dict:
        table_id = table_ids[person.table_number - 1]
        token = self.seat_token(person.device_hash, table_id)
        return {"workshop": record.id, "table": table_id, "number": person.table_number,
                "seat": person.seat, "token": token, "name": person.name,
                "play_url": f"/play/{table_id}#token={token}"}

    def free_seats(self, record: WorkshopRecord) -> list[dict]:
        out = []
        for number, table_id in enumerate(self.rows.tables(record.id), 1):
            live = self.tables.current(table_id)
            out.append({"number": number, "free": sum(s.kind == "empty" for s in live.seats),
                        "seats": live.record.seats, "status": live.record.status})
        return out

    def _choose(self, record: WorkshopRecord, name: str, table: object,
                table_ids: list[str]) -> int:
        free = {f["number"]: f["free"] for f in self.free_seats(record)
                if f["status"] != "ended"}
        if not any(free.values()):
            raise BadRequest("workshop_full", "every seat at every table of this workshop is "
                             "taken: ask the facilitator to free a seat for you, or follow "
                             "the game on the room screen")
        seating = record.settings.get("seating")
        if seating == "list":
            listed = {n.casefold(): t for n, t in record.settings.get("roster", [])}
            number = listed.get(name.casefold())
            if number is None:
                raise BadRequest("not_on_list", f"{name} is not on this workshop's list: "
                                 "type your name as the facilitator wrote it, or ask them to "
                                 "add you")
        elif seating == "pick":
            if isinstance(table, bool) or not isinstance(table, int) \
                    or table not in free:
                raise BadRequest("pick_table", f"choose a table from 1 to {len(table_ids)}")
            number = table
        else:  # fill tables evenly: the table with the most free seats, the lowest first
            number = max(sorted(free), key=lambda n: free[n])
        if not free.get(number):
            raise BadRequest("table_full", f"every seat at table {number} is taken: "
                             + ("choose another table" if seating == "pick" else
                                "ask the facilitator to free a seat or move you"))
        return number

    def move(self, record: WorkshopRecord, name: object, to: object) -> dict:
        """Move a seated person to another table, before the game starts at either."""
        people = {p.name.casefold(): p for p in self.rows.people(record.id)}
        person = people.get(name.casefold()) if isinstance(name, str) else None
        if person is None:
            raise BadRequest("unknown_person", "nobody of that name has joined this workshop")
        table_ids = self.rows.tables(record.id)
        if isinstance(to, bool) or not isinstance(to, int) or not 1 <= to <= len(table_ids):
            raise BadRequest("pick_table", f"choose a table from 1 to {len(table_ids)}")
        if to == person.table_number:
            raise BadRequest("pick_table", f"{person.name} is already at table {to}")
        src, dst = table_ids[person.table_number - 1], table_ids[to - 1]
        for table_id in (src, dst):
            if self.tables.current(table_id).record.status != "lobby":
                raise BadRequest("already_started", "people can be moved only before their "
                                 "tables start")
        target = self.tables.current(dst)
        if not any(s.kind == "empty" for s in target.seats):
            raise BadRequest("table_full", f"every seat at table {to} is taken")
        # The new seat first: if it cannot be taken (someone took the last one meanwhile, or
        # the database refuses), the person keeps the seat they had.
        new_token = self.seat_token(person.device_hash, dst)
        _, seat, _ = self.tables.join(target.record.code, person.name, token=new_token)
        try:
            self.rows.move_person(record.id, person.device_hash, to, seat)
        except StoreError:
            self.tables.leave(Identity("seat", dst, seat, digest(new_token)))
            raise
        self.tables.leave(Identity("seat", src, person.seat,
                                   digest(self.seat_token(person.device_hash, src))), "moved")
        return {"name": person.name, "number": to, "seat": seat}

    # ---- pacing ----------------------------------------------------------------------------

    def command(self, record: WorkshopRecord, command: object, args: object,
                numbers: object = None, seen: object = None) -> list[dict]:
        """One facilitator command to the chosen tables (all by default), each once. A table
        that cannot take it (already paused, not started) says why; the others go on.
        `seen` ({"<number>": {"round", "phase"}}, what the dashboard showed) stamps
        "advance" per table, so that a second click, or a co-facilitator's click at the same
        moment, meets a table already moved on as stale instead of moving it twice."""
        if seen is not None and not (isinstance(seen, dict) and all(
                isinstance(v, dict) and set(v) == {"round", "phase"} for v in seen.values())):
            raise BadRequest("bad_payload", 'seen must be like {"1": {"round": 1, '
                             '"phase": "proposal"}}')
        if command not in ROOM_COMMANDS:
            raise BadRequest("unknown_command", "workshop commands are: "
                             + ", ".join(ROOM_COMMANDS))
        if not isinstance(args, dict):
            raise BadRequest("bad_payload", "args must be an object")
        table_ids = self.rows.tables(record.id)
        chosen = range(1, len(table_ids) + 1) if numbers is None else numbers
        if not isinstance(chosen, (list, range)) or not all(
                isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= len(table_ids)
                for n in chosen):
            raise BadRequest("pick_table", f"tables are numbered 1 to {len(table_ids)}")
        results = []
        for number in dict.fromkeys(chosen):  # each table once, whatever was sent
            table_id = table_ids[number - 1]
            these = dict(args)
            if command == "advance" and seen and str(number) in seen:
                these = dict(seen[str(number)])
            elif command == "advance" and "round" not in these:
                # Moving on "from where the table is now": stamped, so that the command
                # meets a table that moved on meanwhile as stale rather than moving twice.
                state = self.tables.current(table_id).state
                these = {"round": state.round.number, "phase": state.phase}
            try:
                self.tables.facilitate(Identity("facilitator", table_id), command, these)
                results.append({"number": number, "ok": True})
            except BadRequest as exc:
                results.append({"number": number, "ok": False,
                                "error": {"code": exc.code, "message": exc.message}})
            except StoreError as exc:  # this table is unchanged; those before it did change
                log.error("workshop %s table %d: %s: %s", record.id, number, command, exc)
                results.append({"number": number, "ok": False, "error": {
                    "code": "cannot_save", "message": "the server could not save this "
                    "table's change; nothing changed at this table: try it again"}})
        if command == "start" and record.status == "open":
            self.rows.set_status(record.id, "playing")
        return results

    def message(self, record: WorkshopRecord, text: object, sender: Facilitator) -> dict:
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_MESSAGE:
            raise BadRequest("bad_message", f"a message is 1 to {MAX_MESSAGE} characters")
        note = {"text": " ".join(text.split()), "from": sender.display_name,
                "at": datetime.now(UTC).isoformat(timespec="seconds")}
        for table_id in self.rows.tables(record.id):
            self.emit("room_message", note, to=f"t:{table_id}")  # phones, screens, consoles
        self.emit("room_message", note, to=f"w:{record.id}")
        return note

    # ---- what the dashboard shows ----------------------------------------------------------

    def place_of(self, table_id: str) -> tuple[str, int] | None:
        """The workshop a table is in, and its number there (None: a table on its own)."""
        with self.lock:
            if table_id in self.owners:
                self.owners.move_to_end(table_id)
                return self.owners[table_id]
        found = self.rows.place_of(table_id)
        with self.lock:
            self.owners[table_id] = found
            while len(self.owners) > 5000:
                self.owners.popitem(last=False)
        return found

    def table_changed(self, live: Live, events: list[dict], online: frozenset[int]) -> None:
        """Called after every publish: a workshop's dashboard hears of its table. The
        table's own views are out already; a failure here only delays the dashboard's."""
        try:
            place = self.place_of(live.record.id)
        except StoreError as exc:
            log.warning("cannot tell table %s's workshop (%s)", live.record.id, exc)
            return
        if place is not None:
            workshop_id, number = place
            said = last_said(live, events)
            if said:
                with self.lock:
                    self.last[live.record.id] = said
            if not self.listening(f"w:{workshop_id}"):
                self._away(live, online)  # no dashboard open: only note who went away
                return
            self.emit("workshop_table", {**self.summary(live, online), "number": number},
                      to=f"w:{workshop_id}")

    def _away(self, live: Live, online: frozenset[int]) -> dict[int, float]:
        """Each seated person without a connection, and since when this process saw it."""
        now = self.tables.clock()
        out = {}
        with self.lock:
            for s in live.seats:
                key = (live.record.id, s.seat)
                if s.kind != "human" or s.seat in online:
                    self.away.pop(key, None)
                else:
                    out[s.seat] = self.away.setdefault(key, now)
        return out

    def summary(self, live: Live, online: frozenset[int]) -> dict:
        """One table at a glance: what the dashboard and the room screen show of it."""
        state, rec = live.state, live.record
        now = self.tables.clock()
        away = self._away(live, online)
        seats = []
        for s in live.seats:
            since = away.get(s.seat)
            seats.append({"seat": s.seat, "name": s.name, "kind": s.kind,
                          "here": since is None,
                          "away_s": None if since is None else round(now - since)})
        rnd = state.round
        deck = state.deck
        won = outcome(state)["won"] if state.phase == "ended" else None
        return {
            "table": rec.id, "code": display(rec.code), "status": rec.status,
            # The table's view version: a dashboard fed by two processes can tell the newer
            # of two summaries, and a benchmark which action a summary reports.
            "version": state.version,
            "phase": state.phase, "round": rnd.number, "decision": state.settings.decision,
            "timer": timers.for_screen(live.timer, now),
            "seats": seats,
            "missing": [s["name"] for s in seats if s["kind"] == "human" and not s["here"]],
            "scores": [{"criterion": c, "name": deck.criteria[c].name,
                        "score": state.scores[c], "target": state.scenario.targets.get(c),
                        "met": target_met(state, c)}
                       for c in deck.criteria],
            "tracks": [{"track": t, "name": deck.tracks[t].name, "value": v,
                        "min": deck.tracks[t].min, "max": deck.tracks[t].max}
                       for t, v in state.tracks.items()],
            "total": round(state.total(), 2),
            "win": state.settings.win_text, "won": won, "last": self.last.get(rec.id),
            # A playing table with someone away this long is flagged as stuck (the
            # dashboard adds the seconds since this summary, as its clock runs).
            "stuck_after_s": STUCK_AFTER_S if rec.status in ("playing", "paused") else None,
        }

    def overview(self, record: WorkshopRecord, online: Callable[[Live], frozenset[int]],
                 *, facilitator: bool) -> dict:
        lives = self.lives(record)
        tables = []
        for number, live in enumerate(lives, 1):
            entry = {**self.summary(live, online(live)), "number": number}
            if facilitator:
                entry["console"] = (f"/facilitate/{live.record.id}"
                                    f"#key={self.table_key(record.id, number)}")
            tables.append(entry)
        if record.status != "ended" and lives and all(
                live.record.status == "ended" for live in lives):
            self.rows.set_status(record.id, "ended")
            record = self.get(record.id)
        out = {"id": record.id, "name": record.name, "date": record.day,
               "deck": record.deck, "code": display(record.code), "status": record.status,
               "seating": record.settings.get("seating"), "tables": tables}
        if facilitator:
            out["people"] = [{"name": p.name, "number": p.table_number, "seat": p.seat}
                             for p in self.rows.people(record.id)]
        return out


# What the dashboard says a table did last, from the events its publish carried.
SAID = {"proposed": "{who} proposed", "passed": "{who} passed", "voted": "{who} voted",
        "decided": "the chair decided", "resolved": "round {round} was decided",
        "round": "round {round} began", "advanced": "moved on from the {phase} phase",
        "timeout": "the {phase} timer ran out", "started": "the game started",
        "paused": "paused", "resumed": "resumed", "ended": "the game ended",
        "table_ended": "the game ended", "joined": "{who} sat down", "left": "{who} left",
        "ready": "{who} is ready"}


def last_said(live: Live, events: list[dict]) -> str | None:
    for event in reversed(events):
        text = SAID.get(event.get("type", ""))
        if text is None:
            continue
        seat = event.get("seat")
        who = (live.seats[seat].name if isinstance(seat, int) and 0 <= seat < len(live.seats)
               else None) or (f"seat {seat + 1}" if isinstance(seat, int) else "someone")
        return text.format(who=who, round=event.get("number", live.state.round.number),
                           phase=event.get("phase", live.state.phase))
    return None


def parse_roster(text: object, tables: int) -> list[list]:
    """"Name, table" lines (a tab or a comma between) as [[name, table], ...]."""
    if not isinstance(text, str) or len(text) > 20_000:
        raise BadRequest("bad_roster", "paste the list as text, one person a line")
    out: list[list] = []
    seen: set[str] = set()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, sep, table = line.replace("\t", ",").rpartition(",")
        if not sep or not table.strip().isdigit():
            raise BadRequest("bad_roster", f"line {n}: write a name, a comma and a table "
                             f"number, like: Ana Lopez, 2")
        number = int(table)
        if not 1 <= number <= tables:
            raise BadRequest("bad_roster", f"line {n}: table {number} does not exist "
                             f"(tables 1 to {tables})")
        try:
            clean = clean_name(name)
        except BadRequest as exc:
            raise BadRequest("bad_roster", f"line {n}: {exc.message}") from None
        if clean.casefold() in seen:
            raise BadRequest("bad_roster", f"line {n}: {clean} is on the list twice")
        seen.add(clean.casefold())
        out.append([clean, number])
    if not out:
        raise BadRequest("bad_roster", "the list is empty: one person a line, like: Ana, 1")
    return out
