#!/usr/bin/env python
"""Load test: N tables of 5 simulated players over real WebSocket connections.

    .venv/bin/python bench/load.py --tables 200 --interval 5 --duration 60
    .venv/bin/python bench/load.py --tables 200 --interval 0.5 --duration 60 --async-mode gevent

It starts `server.py` (one process, SQLite in a temporary folder unless --database-url),
seats 5 players at each table, connects every player over its own WebSocket (Engine.IO 4 /
Socket.IO 5, the protocol the browser speaks) and has each player act about once every
--interval seconds. It reports:

- latency from the moment an action was due to the moment the *last* of the table's five
  seats received the view that includes it (p50, p95, p99), and to the acknowledgement;
  timed from when the action was due rather than when it was sent, so a server that falls
  behind shows as latency rather than as fewer actions (no "coordinated omission");
- actions per second completed; errors (refusals, time-outs, dropped connections);
- the server's CPU (1.0 = one core busy) and its peak resident memory.

Each table has one action in flight at a time, as at a real table where people take turns
through the phases, so at most `tables` actions are in flight. When a table's game ends, its
players move to a fresh table (set up before the run, see `provision`) and play on.

The server is pinned to CPU 0 and this client to CPU 1 (--no-pin to let them share), so the
client's own work does not eat into the server's core. The client is a small asyncio
implementation of the Socket.IO protocol rather than python-socketio, to keep 1,000 sockets
on one core: it reads only the `version` of most views and parses a view in full only when
that seat is about to act.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import requests  # noqa: E402

VERSION = re.compile(r'"version":\s*(\d+)')
DECK, SCENARIO, SEATS = "good-governance", "council-chatbot", 5
NO_TIMERS = {"timers": {"proposal": 0, "discussion": 0, "vote": 0}}
ACTIONS_PER_GAME = 4 * SEATS * 5  # four phases, five seats, five rounds
ASYNC_MODES = ("gevent", "threading", "eventlet")  # server.py patches for the green ones


# ---- setting up tables ------------------------------------------------------------------


def provision(database_url: str, count: int) -> list[tuple[str, list[str]]]:
    """Open `count` tables with all five seats taken and the game started, straight through
    the server's own Tables and Store (opening tables over HTTP is limited to 30 a minute per
    address). Returns [(table id, [seat tokens])]."""
    from game.decks.library import DeckLibrary
    from game.server.identity import digest
    from game.server.tables import Tables
    from game.store.database import Store

    store = Store(database_url)
    tables = Tables(store, DeckLibrary(ROOT / "cards"))
    out = []
    for _ in range(count):
        live, _key = tables.create(DECK, SCENARIO, SEATS, NO_TIMERS)
        tokens = [secrets.token_urlsafe(24) for _ in range(SEATS)]
        for seat, token in enumerate(tokens):
            store.update_seat(live.record.id, seat, name=f"Player {seat + 1}",
                              token_hash=digest(token), kind="human")
        store.set_status(live.record.id, "playing")  # what "start" does at a table of humans
        out.append((live.record.id, tokens))
    store.close()
    return out


# ---- a minimal Socket.IO client over one WebSocket ---------------------------------------


class Closed(Exception):
    pass


class Conn:
    """One player's WebSocket, speaking Engine.IO 4 / Socket.IO 5 (websocket transport)."""

    def __init__(self, run: Run, table: TableRun, seat: int):
        self.run, self.table, self.seat = run, table, seat
        self.reader: asyncio.StreamReader
        self.writer: asyncio.StreamWriter
        self.pending: dict[int, asyncio.Future] = {}
        self.next_id = 0
        self.version = -1
        self.last: str | dict | None = None  # newest view: raw text, or a parsed game
        self.task: asyncio.Task | None = None
        self.inflate = None  # a zlib decompressor once permessage-deflate is agreed
        self.headers = ""  # more handshake headers ("Cookie: ...\r\n"), as a browser sends

    async def connect(self, host: str, port: int) -> None:
        self.reader, self.writer = await asyncio.open_connection(host, port, limit=2**22)
        key = base64.b64encode(os.urandom(16)).decode()
        # Browsers offer permessage-deflate (RFC 7692); --deflate does the same. A server
        # started with WS_COMPRESSION=on accepts, and then compresses every message.
        offer = "Sec-WebSocket-Extensions: permessage-deflate\r\n" if self.run.args.deflate \
            else ""
        # --table-query names the table in the URL, as the browser does, for a proxy that
        # routes by table (ROUTING=table, deploy/haproxy.cfg).
        table = f"&table={self.table.id}" if self.run.args.table_query else ""
        self.writer.write((
            f"GET /socket.io/?EIO=4&transport=websocket{table} HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"{offer}{self.headers}Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise Closed(head.split(b"\r\n", 1)[0].decode())
        if b"permessage-deflate" in head.lower():
            self.inflate = zlib.decompressobj(-15)  # one per connection: context takeover
        opened = await self.read_message()
        assert opened.startswith("0{"), opened
        self.send_text("40")
        connected = await self.read_message()
        assert connected.startswith("40"), connected
        self.task = asyncio.create_task(self.read_loop())

    def send_text(self, text: str) -> None:
        data = text.encode()
        n = len(data)
        head = bytearray([0x81])
        if n < 126:
            head.append(0x80 | n)
        elif n < 65536:
            head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else:
            head += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        stream = (mask * (n // 4 + 1))[:n]
        masked = (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")
        self.writer.write(bytes(head) + mask + masked)

    async def read_message(self) -> str:
        parts: list[bytes] = []
        compressed = False
        while True:
            b0, b1 = await self.reader.readexactly(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if b0 & 0x40:  # RSV1: this message is compressed
                compressed = True
            if n == 126:
                n = int.from_bytes(await self.reader.readexactly(2), "big")
            elif n == 127:
                n = int.from_bytes(await self.reader.readexactly(8), "big")
            if b1 & 0x80:
                await self.reader.readexactly(4)  # servers do not mask; ignore if they did
            payload = await self.reader.readexactly(n) if n else b""
            if opcode == 0x8:
                raise Closed("closed by the server")
            if opcode == 0x9:  # WebSocket ping
                self.writer.write(bytes([0x8A, 0x80]) + b"\0\0\0\0")
                continue
            if opcode == 0xA:
                continue
            parts.append(payload)
            if b0 & 0x80:
                data = b"".join(parts)
                if compressed:
                    assert self.inflate is not None, "compressed without agreeing to it"
                    data = self.inflate.decompress(data + b"\x00\x00\xff\xff")
                return data.decode()

    async def read_loop(self) -> None:
        try:
            while True:
                text = await self.read_message()
                if text == "2":  # Engine.IO ping
                    self.send_text("3")
                elif text.startswith("42"):
                    self.on_event(text)
                elif text.startswith("43"):
                    i = 2
                    while text[i].isdigit():
                        i += 1
                    future = self.pending.pop(int(text[2:i]), None)
                    if future and not future.done():
                        future.set_result(json.loads(text[i:])[0])
                elif text.startswith("41") or text == "1":
                    raise Closed("disconnected by the server")
        except (Closed, asyncio.IncompleteReadError, ConnectionError) as exc:
            if not self.run.stopping:
                self.run.errors["disconnected"] = self.run.errors.get("disconnected", 0) + 1
                self.run.note(f"seat {self.seat} of {self.table.id}: {exc}")
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(Closed(str(exc)))

    def on_event(self, text: str) -> None:
        if not text.startswith('42["view"'):
            return
        m = VERSION.search(text)
        if m is None:
            return
        version = int(m.group(1))
        if version >= self.version:
            self.version, self.last = version, text
        self.table.on_view(self, version)

    def call(self, event: str, data: dict) -> asyncio.Future:
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        self.send_text(f"42{self.next_id}" + json.dumps([event, data], separators=(",", ":")))
        return future

    def game(self) -> dict:
        """The newest game view this seat has, parsed now if it was kept raw."""
        if isinstance(self.last, str):
            self.last = json.loads(self.last[2:])[1]["game"]
        assert isinstance(self.last, dict)
        return self.last

    def close(self) -> None:
        if self.task:
            self.task.cancel()
        self.writer.close()


# ---- one table, driven at a rate ---------------------------------------------------------


@dataclass
class TableRun:
    id: str
    tokens: list[str]
    conns: list[Conn] = field(default_factory=list)
    expected: int | None = None
    arrived: int = 0
    complete: asyncio.Event = field(default_factory=asyncio.Event)
    turn: int = 0

    def on_view(self, conn: Conn, version: int) -> None:
        if self.expected is None or version < self.expected or getattr(conn, "_got", False):
            return
        conn._got = True  # type: ignore[attr-defined]
        self.arrived += 1
        if self.arrived == len(self.conns):
            self.complete.set()

    def next_action(self) -> tuple[Conn, dict] | None:
        """The next seat (round the table) with something to do, and what it does."""
        found = next_move(self.conns, self.turn)
        if found is None:
            return None
        self.turn, conn, action = found
        return conn, action


def move(game: dict) -> dict | None:
    """What a seat does with its view: propose the first card it can pay for, else pass;
    back up to two proposals the budget can pay; say it is ready; None when it has nothing
    to do. What the budget cannot pay is the view's to say (`over_budget`), as on a phone:
    proposing it anyway is refused (`cannot_afford`), a right answer counted as an error."""
    legal = game["you"]["legal"]
    if "propose" in legal or "pass" in legal:
        for card in game["you"]["hand"] if "propose" in legal else []:
            payable = [g for g in card["costs"] if g not in card.get("over_budget", [])]
            if payable:
                return {"type": "propose", "card": card["card"], "group": payable[0]}
        return {"type": "pass"} if "pass" in legal else None
    if "vote" in legal:
        return {"type": "vote",
                "approve": [p["seat"] for p in game["current"]["proposals"]
                            if "card" in p and not p.get("over_budget")][:2]}
    if "ready" in legal:
        return {"type": "ready"}
    return None


def next_move(seats: list, turn: int) -> tuple[int, Any, dict] | None:
    """From `turn` round the table, the first seat with something to do: the next turn, the
    seat and its action."""
    n = len(seats)
    for k in range(n):
        seat = seats[(turn + k) % n]
        action = move(seat.game())
        if action is not None:
            return (turn + k + 1) % n, seat, action
    return None


class Run:
    def __init__(self, args: argparse.Namespace, host: str, port: int,
                 pool: list[tuple[str, list[str]]]):
        self.args, self.host, self.port = args, host, port
        self.pool = pool
        self.stopping = False
        self.errors: dict[str, int] = {}
        self.samples: list[tuple[float, float, float]] = []  # (due, acked, last seat's view)
        self.service: list[float] = []  # from sending to the last seat's view
        self.notes: list[str] = []
        self.measure_from = 0.0
        self.measure_to = 0.0
        self.games_finished = 0

    def note(self, text: str) -> None:
        if len(self.notes) < 20:
            self.notes.append(text)

    def error(self, code: str) -> None:
        self.errors[code] = self.errors.get(code, 0) + 1

    async def seat(self, table: TableRun, fresh: bool) -> None:
        """Say hello with each seat's token (on the players' existing sockets if not fresh)."""
        answers = await asyncio.gather(*(
            c.call("hello", {"table": table.id, "token": table.tokens[c.seat]})
            for c in table.conns))
        for c, answer in zip(table.conns, answers, strict=True):
            if not answer.get("ok"):
                raise RuntimeError(f"hello refused: {answer}")
            c.version, c.last = answer["game"]["version"], answer["game"]

    async def play(self, table: TableRun, start_at: float) -> None:
        period = self.args.interval / SEATS  # five players, each acting every `interval`
        due = start_at
        loop = asyncio.get_running_loop()
        while not self.stopping:
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.stopping:
                return
            choice = table.next_action()
            if choice is None:  # the game has ended: the players move to a new table
                self.games_finished += 1
                if not self.pool:
                    self.note("ran out of provisioned tables")
                    return
                table.id, table.tokens = self.pool.pop()
                table.turn = 0
                if self.args.table_query:  # the new table may live in another process
                    for c in table.conns:
                        c.close()
                    table.conns = [Conn(self, table, s) for s in range(SEATS)]
                    for c in table.conns:
                        await c.connect(self.host, self.port)
                await self.seat(table, fresh=False)
                due = loop.time() + period
                continue
            conn, action = choice
            version = max(c.version for c in table.conns)
            table.expected, table.arrived = version + 1, 0
            table.complete.clear()
            for c in table.conns:
                c._got = False  # type: ignore[attr-defined]
                if c.version >= table.expected:
                    table.on_view(c, c.version)
            sent = loop.time()
            try:
                # As the browser does, the acting seat asks for its own view in the answer.
                answer = await asyncio.wait_for(
                    conn.call("act", {"action": action, "view": True}), self.args.timeout)
                acked = loop.time()
                mine = answer.get("view")
                if mine and "game" in mine and mine["game"]["version"] >= conn.version:
                    conn.version, conn.last = mine["game"]["version"], mine["game"]
                    table.on_view(conn, conn.version)
                if not answer.get("ok"):
                    self.error(answer["error"]["code"])
                    self.note(f"{table.id}: {action} -> {answer['error']}")
                    await asyncio.sleep(period)
                    await self.seat(table, fresh=False)  # look again
                    due = loop.time() + period
                    continue
                await asyncio.wait_for(table.complete.wait(), self.args.timeout)
                done = loop.time()
            except (TimeoutError, Closed) as exc:
                self.error("timeout" if isinstance(exc, TimeoutError) else "disconnected")
                return
            if self.measure_from <= sent < self.measure_to:
                self.samples.append((due, acked, done))
                self.service.append(done - sent)
            table.expected = None
            due += period
            if due < loop.time() - 10 * self.args.interval:  # hopelessly behind: say so
                self.error("behind_schedule")
                due = loop.time()


# ---- running it --------------------------------------------------------------------------


def start_server(args: argparse.Namespace, port: int, database_url: str,
                 log_path: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("MESSAGE_QUEUE", "REDIS_URL")}
    # Every simulated phone comes from 127.0.0.1: lift the per-address connection caps.
    env.update(HOST="127.0.0.1", PORT=str(port), DATABASE_URL=database_url,
               ASYNC_MODE=args.async_mode, PYTHONUNBUFFERED="1", CONNECTIONS_PER_ADDRESS="0",
               CONNECTS_PER_MINUTE="0")
    if args.message_queue:
        env["MESSAGE_QUEUE"] = args.message_queue
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, "server.py"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    if args.pin:
        os.sched_setaffinity(proc.pid, {0})
        os.sched_setaffinity(0, {1})
    url = f"http://127.0.0.1:{port}/healthz"
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit(f"the server exited; see {log_path}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"the server did not start; see {log_path}")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


class Processes:
    """One or more server processes, read as one: CPU times and memory summed."""

    def __init__(self, pids: list[int]):
        self.procs = [psutil.Process(p) for p in pids]

    def cpu_times(self):
        times = [p.cpu_times() for p in self.procs]
        return type("Times", (), {"user": sum(t.user for t in times),
                                  "system": sum(t.system for t in times)})()

    def memory_info(self):
        return type("Mem", (), {"rss": sum(p.memory_info().rss for p in self.procs)})()


async def main_async(args: argparse.Namespace, host: str, port: int, pids: list[int],
                     pool: list[tuple[str, list[str]]]) -> dict:
    run = Run(args, host, port, pool)
    server = Processes(pids) if pids else None
    me = psutil.Process()
    peak_rss = 0
    loop = asyncio.get_running_loop()

    async def watch_memory() -> None:
        nonlocal peak_rss
        while not run.stopping:
            if server:
                try:
                    peak_rss = max(peak_rss, server.memory_info().rss)
                except psutil.NoSuchProcess:
                    return
            await asyncio.sleep(0.25)

    watcher = asyncio.create_task(watch_memory())
    tables = [TableRun(*pool.pop()) for _ in range(args.tables)]
    started = time.perf_counter()
    gate = asyncio.Semaphore(64)

    async def connect(t: TableRun) -> None:
        async with gate:
            t.conns = [Conn(run, t, s) for s in range(SEATS)]
            for c in t.conns:
                await c.connect(host, port)
            await run.seat(t, fresh=True)

    await asyncio.gather(*(connect(t) for t in tables))
    connect_s = time.perf_counter() - started
    # The load generator must not add pauses of its own to what it measures: its 1,000
    # connections are long-lived, so keep the collector off them and make it run rarely.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 50)
    print(f"{args.tables * SEATS} connections open in {connect_s:.1f}s", flush=True)
    now = loop.time()
    run.measure_from = now + args.warmup
    run.measure_to = run.measure_from + args.duration
    cpu0 = server.cpu_times() if server else None
    me0 = me.cpu_times()
    period = args.interval / SEATS
    players = [asyncio.create_task(run.play(t, now + random.uniform(0, period)))
               for t in tables]
    await asyncio.sleep(args.warmup)
    cpu_start = server.cpu_times() if server else None
    me_start = me.cpu_times()
    await asyncio.sleep(args.duration)
    cpu_end = server.cpu_times() if server else None
    me_end = me.cpu_times()
    rss_end = server.memory_info().rss if server else 0
    run.stopping = True
    await asyncio.sleep(min(2.0, args.timeout))
    for p in players:
        p.cancel()
    watcher.cancel()
    for t in tables:
        for c in t.conns:
            c.close()
    del cpu0, me0

    to_view = [(done - due) * 1000 for due, _acked, done in run.samples]
    to_ack = [(acked - due) * 1000 for due, acked, _done in run.samples]

    def busy(a, b) -> float:
        return (b.user + b.system - a.user - a.system) / args.duration

    result = {
        "async_mode": args.async_mode, "tables": args.tables,
        "connections": args.tables * SEATS, "interval_s": args.interval,
        "offered_actions_per_s": round(args.tables * SEATS / args.interval, 1),
        "duration_s": args.duration, "database": args.database_kind,
        "deflate": args.deflate,
        "actions": len(run.samples),
        "actions_per_s": round(len(run.samples) / args.duration, 1),
        "latency_ms": {f"p{p}": round(percentile(to_view, p), 2) for p in (50, 95, 99)}
        | {"max": round(max(to_view, default=float("nan")), 2)},
        "ack_ms": {f"p{p}": round(percentile(to_ack, p), 2) for p in (50, 95, 99)},
        "from_send_ms": {f"p{p}": round(percentile([x * 1000 for x in run.service], p), 2)
                         for p in (50, 95, 99)},
        "errors": sum(run.errors.values()), "error_kinds": run.errors,
        "games_finished": run.games_finished,
        "server_cpu": round(busy(cpu_start, cpu_end), 3) if server else None,
        "server_peak_rss_mb": round(peak_rss / 2**20, 1) if server else None,
        "server_rss_end_mb": round(rss_end / 2**20, 1) if server else None,
        "client_cpu": round(busy(me_start, me_end), 3),
        "connect_s": round(connect_s, 1),
        "notes": run.notes,
    }
    if to_view:
        result["latency_ms"]["mean"] = round(statistics.fmean(to_view), 2)
    # A timeline in 5 s steps, to tell a steady state from a stall and its backlog.
    steps: dict[int, list[float]] = {}
    for due, _acked, done in run.samples:
        steps.setdefault(int((done - run.measure_from) // 5), []).append((done - due) * 1000)
    result["timeline"] = [f"{k * 5:>3}s: {len(v) / 5:6.1f}/s p99 {percentile(v, 99):8.1f} ms"
                          for k, v in sorted(steps.items())]
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, default=200)
    ap.add_argument("--interval", type=float, default=5.0,
                    help="seconds between one player's actions (default 5)")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds measured")
    ap.add_argument("--warmup", type=float, default=10.0, help="seconds before measuring")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--async-mode", choices=ASYNC_MODES, default="gevent")
    ap.add_argument("--database-url", help="default: SQLite in a temporary folder")
    ap.add_argument("--message-queue", help="a Redis URL, as MESSAGE_QUEUE")
    ap.add_argument("--url", help="use this running server instead of starting one "
                    "(give --database-url of its database, for setting up tables)")
    ap.add_argument("--pid", help="with --url: the server's pid, for CPU and memory (several, "
                    "comma-separated, are added up)")
    ap.add_argument("--table-query", action="store_true",
                    help="name the table in each connection's URL (?table=), as the browser "
                    "does, for servers behind a proxy routing by table")
    ap.add_argument("--no-pin", dest="pin", action="store_false",
                    help="do not pin the server to CPU 0 and the client to CPU 1")
    ap.add_argument("--deflate", action="store_true",
                    help="offer permessage-deflate as browsers do (a server with "
                    "WS_COMPRESSION=on then compresses every message)")
    ap.add_argument("--json", type=Path, help="also write the result here")
    args = ap.parse_args()
    if args.pin and (os.cpu_count() or 1) < 2:
        args.pin = False

    with tempfile.TemporaryDirectory(prefix="gg-bench-") as tmp:
        database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
        args.database_kind = database_url.split(":", 1)[0].split("+")[0]
        run_s = args.warmup + args.duration + 5
        per_table = ACTIONS_PER_GAME / (SEATS / args.interval)  # seconds a game lasts
        count = args.tables * (int(run_s / per_table) + 2)
        t0 = time.perf_counter()
        pool = provision(database_url, count)
        print(f"{count} tables set up in {time.perf_counter() - t0:.1f}s", flush=True)
        proc = None
        if args.url:
            host, _, port = args.url.removeprefix("http://").rstrip("/").partition(":")
            pids = [int(p) for p in (args.pid or "").split(",") if p]
        else:
            host, port = "127.0.0.1", _free_port()
            proc = start_server(args, port, database_url, Path(tmp) / "server.log")
            pids = [proc.pid]
        try:
            result = asyncio.run(main_async(args, host, int(port), pids, pool))
        finally:
            if proc:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                log = (Path(tmp) / "server.log").read_text(errors="replace")
                if "Traceback" in log:
                    print("the server logged errors:\n" + log[-3000:], file=sys.stderr)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
