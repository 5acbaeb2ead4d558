#!/usr/bin/env python
"""A workshop at the issue's limit: 12 tables of 6 phones, each table's screen and console,
the dashboard and the room screen (98 connections), real Socket.IO clients playing.

    .venv/bin/python bench/workshop.py                  # one process, SQLite
    .venv/bin/python bench/workshop.py --two            # two processes, PostgreSQL + Redis

It starts the server (or two, sharing a fresh PostgreSQL database and Redis, the phones,
screens and consoles spread over both, the dashboard on one and the room screen on the
other), signs a facilitator up, creates the workshop, seats 72 people with its code as
phones do (`/api/w/join`), starts every table from the dashboard's "start all", and has each
player act about once every --interval seconds (one action in flight per table, as people
take turns), with bench/load.py's Socket.IO client. It reports:

- from each action's acknowledgement (the acting phone's) to the dashboard hearing of it
  (the first `workshop_table` summary of that table whose `version` includes the action):
  p50, p99 and max, in milliseconds. The dashboard can hear before the phone's
  acknowledgement arrives (both follow the same publish): those count as negative;
- then "pause all" and "resume all" (with --two, sent to both processes at once, as two
  facilitators clicking together): that each table answered "ok" to exactly one of them,
  that each table's screen heard exactly one `paused` (then `resumed`) event, and the time
  from sending the command to the last screen hearing it.

Nothing here is asserted as a pass or fail of speed: it prints what it measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402
from load import Closed, Conn, percentile  # noqa: E402
from scaleout import free_port, wait_ok  # noqa: E402

DECK, SCENARIO = "good-governance", "council-chatbot"
PASSWORD = "purple tulip orbit 42"


# ---- the clients -----------------------------------------------------------------------------


class Watcher(Conn):
    """A connection that keeps every event it hears (screens, consoles, the dashboard and the
    room screen): each parsed, with when it came."""

    def __init__(self, bench: Bench, label: str, cookie: str = ""):
        super().__init__(bench, Table(0, label), 0)  # type: ignore[arg-type]
        self.label = label
        if cookie:
            self.headers = f"Cookie: {cookie}\r\n"
        self.heard: list[tuple[float, str, dict]] = []

    def on_event(self, text: str) -> None:
        name, *args = json.loads(text[2:])
        data = args[0] if args else {}
        if name == "view":  # only what is read back: a whole view is ~20 kB, many a second
            data = {"events": data.get("events") or []}
        self.heard.append((time.monotonic(), name, data))


class Phone(Conn):
    """A seated person's phone: keeps its newest view, as load.py's players do."""

    def __init__(self, bench: Bench, table: Table, seat: int, token: str):
        super().__init__(bench, table, seat)  # type: ignore[arg-type]
        self.token = token


@dataclass
class Table:
    number: int
    id: str
    phones: list[Phone] = field(default_factory=list)
    expected: int | None = None
    # (version the action made, when the phone's acknowledgement came)
    acks: list[tuple[int, float]] = field(default_factory=list)
    turn: int = 0

    def on_view(self, conn: Conn, version: int) -> None:
        pass  # the phones keep their newest view; the dashboard's timing is what is read

    def next_action(self) -> tuple[Phone, dict] | None:
        """The next seat round the table with something to do, and what it does."""
        found = load.next_move(self.phones, self.turn)
        if found is None:
            return None
        self.turn, phone, action = found
        return phone, action


class Bench:
    """What load.py's connections expect of their run, and this benchmark's own state."""

    def __init__(self, args: argparse.Namespace):
        args.deflate = args.table_query = False  # what load.py's connections ask of a run
        self.args = args
        self.stopping = False
        self.errors: dict[str, int] = {}
        self.notes: list[str] = []

    def note(self, text: str) -> None:
        if len(self.notes) < 20:
            self.notes.append(text)

    def error(self, code: str) -> None:
        self.errors[code] = self.errors.get(code, 0) + 1


# ---- the facilitator, over HTTP -----------------------------------------------------------


class Facilitator:
    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()
        self.user_name = f"bench{os.urandom(3).hex()}"
        page = self.http.get(url + "/signup", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]  # type: ignore[index]
        done = self.http.post(url + "/signup", allow_redirects=False, timeout=30, data={
            "user_name": self.user_name, "display_name": "Bench", "email": "",
            "password": PASSWORD, "csrf_token": token})
        if done.status_code != 303:
            raise SystemExit(f"could not sign up: {done.status_code} {done.text[:300]}")
        page = self.http.get(url + "/workshops", timeout=10).text
        self.csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"',
                              page)[1]  # type: ignore[index]

    def post(self, path: str, body: object, url: str | None = None) -> dict:
        res = self.http.post((url or self.url) + path, json=body, timeout=60,
                             headers={"X-CSRFToken": self.csrf})
        data = res.json()
        if not data.get("ok"):
            raise SystemExit(f"{path}: {res.status_code} {data}")
        return data

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)


# ---- the servers ---------------------------------------------------------------------------


def start_servers(count: int, database_url: str, redis: str | None, work: Path
                  ) -> tuple[list[subprocess.Popen], list[str]]:
    procs, urls = [], []
    for i in range(count):
        port = free_port()
        env = {k: v for k, v in os.environ.items()
               if k not in ("MESSAGE_QUEUE", "REDIS_URL", "ROUTING", "TRUSTED_PROXIES")}
        # Every simulated phone comes from 127.0.0.1: lift the per-address caps. One secret
        # for both processes, as deployed ones share it: a session made on one is good on both.
        env.update(HOST="127.0.0.1", PORT=str(port), DATABASE_URL=database_url,
                   PYTHONUNBUFFERED="1", CONNECTIONS_PER_ADDRESS="0", CONNECTS_PER_MINUTE="0",
                   SECRET_KEY="bench-workshop-shared-secret")
        if redis:
            env["MESSAGE_QUEUE"] = redis
        log = work / f"server-{i}.log"
        proc = subprocess.Popen([sys.executable, "server.py"], cwd=ROOT, env=env,
                                stdout=log.open("w"), stderr=subprocess.STDOUT)
        procs.append(proc)
        wait_ok(f"http://127.0.0.1:{port}/healthz", proc, log)
        urls.append(f"http://127.0.0.1:{port}")
    return procs, urls


def hostport(url: str) -> tuple[str, int]:
    host, _, port = url.removeprefix("http://").partition(":")
    return host, int(port)


async def call(conn: Conn, event: str, data: dict, timeout: float = 30) -> dict:
    answer = await asyncio.wait_for(conn.call(event, data), timeout)
    if not answer.get("ok", True):
        raise SystemExit(f"{event} refused: {answer}")
    return answer


# ---- the run -------------------------------------------------------------------------------


async def run(args: argparse.Namespace, urls: list[str]) -> dict:
    bench = Bench(args)
    host = Facilitator(urls[0])
    options = {"timers": {"proposal": 0, "discussion": 0, "vote": 0}, "bots": "none"}
    made = host.post("/api/workshops", {
        "name": "Bench workshop", "deck": DECK, "scenario": SCENARIO, "tables": args.tables,
        "seats": args.seats, "options": options, "seating": "even"})
    wid = made["workshop"]
    at = {i: urls[i % len(urls)] for i in range(len(urls))}

    def where(i: int) -> str:
        return at[i % len(urls)]

    # Seat everyone with the workshop's code, as phones do, spread over the processes.
    seats = []
    for i in range(args.tables * args.seats):
        res = requests.post(where(i) + "/api/w/join", json={
            "code": made["code"], "name": f"Person {i + 1}", "device": os.urandom(18).hex()},
            timeout=30)
        if res.status_code != 200:
            raise SystemExit(f"join {i + 1}: {res.status_code} {res.text[:300]}")
        seats.append(res.json())
    overview = host.http.get(f"{urls[0]}/api/workshops/{wid}", timeout=30).json()
    tables = [Table(t["number"], t["table"]) for t in overview["tables"]]
    by_id = {t.id: t for t in tables}

    started = time.perf_counter()
    gate = asyncio.Semaphore(32)
    consoles: list[Watcher] = []
    screens: dict[int, Watcher] = {}

    async def connect(conn: Conn, url: str) -> Conn:
        async with gate:
            await conn.connect(*hostport(url))
            return conn

    # Each table's console (the dashboard's link, with the table's key), then its screen
    # (the screen's secret, which the console is told).
    for t, entry in zip(tables, overview["tables"], strict=True):
        key = entry["console"].split("#key=", 1)[1]
        console = Watcher(bench, f"console {t.number}")
        await connect(console, where(t.number))
        hello = await call(console, "hello", {"table": t.id, "key": key})
        consoles.append(console)
        screen = Watcher(bench, f"screen {t.number}")
        await connect(screen, where(t.number + 1))
        await call(screen, "hello", {"table": t.id, "screen": hello["table"]["screen_key"]})
        screens[t.number] = screen
    dashboard = Watcher(bench, "dashboard", host.cookie())
    await connect(dashboard, urls[-1])
    await call(dashboard, "workshop_hello", {"workshop": wid})
    room = Watcher(bench, "room screen", host.cookie())
    await connect(room, urls[0])
    await call(room, "workshop_hello", {"workshop": wid})

    async def seat(i: int, s: dict) -> None:
        t = by_id[s["table"]]
        phone = Phone(bench, t, s["seat"], s["token"])
        await connect(phone, where(i))
        answer = await call(phone, "hello", {"table": t.id, "token": s["token"]})
        phone.version, phone.last = answer["game"]["version"], answer["game"]
        t.phones.append(phone)

    await asyncio.gather(*(seat(i, s) for i, s in enumerate(seats)))
    for t in tables:
        t.phones.sort(key=lambda p: p.seat)
    connections = sum(len(t.phones) for t in tables) + len(consoles) + len(screens) + 2
    connect_s = time.perf_counter() - started
    print(f"{connections} connections open in {connect_s:.1f}s", flush=True)

    results = host.post(f"/api/workshops/{wid}/command", {"command": "start"})["results"]
    if not all(r["ok"] for r in results):
        raise SystemExit(f"start all: {results}")
    await asyncio.sleep(1.0)  # every phone hears the start
    for t in tables:
        for p in t.phones:
            answer = await call(p, "hello", {"table": t.id, "token": p.token})
            p.version, p.last = answer["game"]["version"], answer["game"]

    loop = asyncio.get_running_loop()

    async def play(t: Table) -> None:
        period = args.interval / len(t.phones)
        due = loop.time() + period * (t.number / len(tables))
        while not bench.stopping:
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if bench.stopping:
                return
            choice = t.next_action()
            if choice is None:  # the game ended
                return
            phone, action = choice
            expected = max(p.version for p in t.phones) + 1
            try:
                answer = await asyncio.wait_for(phone.call("act", {"action": action}),
                                                args.timeout)
            except (TimeoutError, Closed) as exc:
                bench.error("timeout" if isinstance(exc, TimeoutError) else "disconnected")
                return
            acked = time.monotonic()
            if not answer.get("ok"):
                bench.error(answer["error"]["code"])
                bench.note(f"table {t.number}: {action} -> {answer['error']}")
                if action["type"] != "propose":
                    return
                # The budget cannot pay for the first card: pass instead, as a person would.
                answer = await asyncio.wait_for(phone.call("act", {"action": {"type": "pass"}}),
                                                args.timeout)
                acked = time.monotonic()
                if not answer.get("ok"):
                    bench.error(answer["error"]["code"])
                    return
            t.acks.append((expected, acked))
            # Wait for every phone at the table to have the new view before the next turn.
            for _ in range(int(args.timeout * 50)):
                if all(p.version >= expected for p in t.phones):
                    break
                await asyncio.sleep(0.02)
            due += period

    players = [asyncio.create_task(play(t)) for t in tables]
    await asyncio.sleep(args.duration)
    bench.stopping = True
    await asyncio.gather(*players, return_exceptions=True)
    await asyncio.sleep(1.0)  # the last summaries reach the dashboard

    # From each acknowledgement to the dashboard's first summary of that table that has it.
    heard: dict[str, list[tuple[float, int]]] = {}
    for when, name, data in dashboard.heard:
        if name == "workshop_table":
            heard.setdefault(data["table"], []).append((when, data["version"]))
    delays, missed = [], 0
    for t in tables:
        for expected, acked in t.acks:
            got = next((when for when, v in heard.get(t.id, []) if v >= expected), None)
            if got is None:
                missed += 1
            else:
                delays.append((got - acked) * 1000)
    actions = sum(len(t.acks) for t in tables)

    pacing = {}
    for command, event, status in (("pause", "paused", "paused"),
                                   ("resume", "resumed", "playing")):
        pacing[command] = await room_command(host, wid, urls, command, event, status,
                                             screens, dashboard, tables)

    bench.stopping = True
    for conn in [*consoles, *screens.values(), dashboard, room,
                 *(p for t in tables for p in t.phones)]:
        conn.close()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "processes": len(urls), "database": args.database_kind,
        "tables": args.tables, "seats": args.seats, "connections": connections,
        "interval_s": args.interval, "duration_s": args.duration,
        "actions": actions, "actions_per_s": round(actions / args.duration, 1),
        "ack_to_dashboard_ms": {
            "p50": round(percentile(delays, 50), 1), "p99": round(percentile(delays, 99), 1),
            "max": round(max(delays, default=float("nan")), 1),
            "min": round(min(delays, default=float("nan")), 1),
            "over_1s": sum(d > 1000 for d in delays), "never_heard": missed},
        "pause_all": pacing["pause"], "resume_all": pacing["resume"],
        "errors": bench.errors, "notes": bench.notes,
    }


async def room_command(host: Facilitator, wid: str, urls: list[str], command: str,
                       event: str, status: str, screens: dict[int, Watcher],
                       dashboard: Watcher, tables: list[Table]) -> dict:
    """One command to every table (to every process at once), and what reached each."""
    marks = {n: len(s.heard) for n, s in screens.items()}
    dash_mark = len(dashboard.heard)
    sent = time.monotonic()
    with ThreadPoolExecutor(len(urls)) as pool:
        answers = list(pool.map(lambda url: host.post(
            f"/api/workshops/{wid}/command", {"command": command}, url=url)["results"], urls))
    await asyncio.sleep(2.0)
    applied = {t.number: sum(r["ok"] for rs in answers for r in rs if r["number"] == t.number)
               for t in tables}
    heard_by_screen = {n: [when for when, name, data in s.heard[marks[n]:] if name == "view"
                           and any(e.get("type") == event for e in data.get("events", []))]
                       for n, s in screens.items()}
    dash_status = {}
    for _when, name, data in dashboard.heard[dash_mark:]:
        if name == "workshop_table":
            dash_status[data["number"]] = data["status"]
    last = max((w for ws in heard_by_screen.values() for w in ws), default=None)
    return {
        "sent_to_processes": len(urls),
        "tables_that_took_it_once": sum(v == 1 for v in applied.values()),
        "screens_that_heard_it_once": sum(len(v) == 1 for v in heard_by_screen.values()),
        "dashboard_shows_it": sum(dash_status.get(t.number) == status for t in tables),
        "tables": len(tables),
        "refusals": sorted({r["error"]["code"] for rs in answers for r in rs if not r["ok"]}),
        "to_last_screen_ms": None if last is None else round((last - sent) * 1000, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, default=12)
    ap.add_argument("--seats", type=int, default=6)
    ap.add_argument("--interval", type=float, default=5.0,
                    help="seconds between one player's actions (default 5)")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of play measured")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--two", action="store_true",
                    help="two server processes sharing PostgreSQL and Redis")
    ap.add_argument("--database-url",
                    default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                    help="with --two: a PostgreSQL database it may CREATE DATABASE from")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/13",
                    help="with --two: the message queue (a database number of its own)")
    ap.add_argument("--json", type=Path, help="also write the result here")
    args = ap.parse_args()
    admin = name = None
    with tempfile.TemporaryDirectory(prefix="gg-workshop-") as tmp:
        work = Path(tmp)
        if args.two:  # a fresh database per run, as bench/scaleout.py makes
            import psycopg

            name = f"gg_bench_{uuid.uuid4().hex[:10]}"
            admin = args.database_url.replace("postgresql+psycopg://", "postgresql://", 1)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            database_url = f"{args.database_url.rpartition('/')[0]}/{name}"
        else:
            database_url = f"sqlite:///{work}/bench.db"
        args.database_kind = database_url.split(":", 1)[0].split("+")[0]
        procs: list[subprocess.Popen] = []
        try:
            procs, urls = start_servers(2 if args.two else 1, database_url,
                                        args.redis if args.two else None, work)
            result = asyncio.run(run(args, urls))
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
            for log in work.glob("server-*.log"):
                text = log.read_text(errors="replace")
                if "Traceback" in text:
                    print(f"{log.name} logged errors:\n{text[-3000:]}", file=sys.stderr)
            if admin and name:
                import psycopg

                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
