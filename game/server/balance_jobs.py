"""Balance reports run by the server as background jobs, without a database.

Each job is a worker process (game/server/balance_worker.py) at the lowest CPU priority
(nice 19), so the tables do not wait for it. A job is watched by a thread (a greenlet under
gevent) that reads the worker's progress lines. At most one job per deck runs at a time, at most
MAX_RUNNING in all, and each plays at most MAX_GAMES games. The last job of each deck,
and the last that made a report, are kept in this process's memory for its page to show; a
restart forgets them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from game.decks.model import Deck
from game.server.config import ROOT
from game.server.limits import BadRequest

log = logging.getLogger(__name__)

MAX_RUNNING = 2  # jobs at once, over every deck
MAX_GAMES = 20_000  # games in one job: about a minute on a busy two-core machine
MIN_GAMES = 100
STOP_GRACE_S = 5.0  # after SIGTERM, how long a worker has to finish its batch


@dataclass
class Job:
    id: str
    token: str  # proof of having started it, to cancel it
    deck: str
    games: int
    players: list[int]
    state: str = "starting"  # starting, running, done, cancelled, failed
    done: int = 0
    total: int = 0
    report: dict | None = None
    error: str = ""
    nice: int | None = None  # the worker's CPU niceness, once it says
    started: float = field(default_factory=time.time)
    finished: float | None = None
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.state in ("starting", "running")

    def public(self) -> dict:
        """What anyone looking at the deck's page may know (not the token)."""
        return {"job": self.id, "deck": self.deck, "state": self.state, "done": self.done,
                "total": self.total or self.games, "games": self.games,
                "players": self.players, "error": self.error, "nice": self.nice,
                "started": self.started, "finished": self.finished}


def check_request(deck: Deck, games: object, players: object) -> tuple[int, list[int]]:
    """The games and player counts asked for, checked, or BadRequest saying what to fix."""
    s = deck.settings
    if isinstance(games, str) and games.strip().isdigit():
        games = int(games)
    if not isinstance(games, int) or isinstance(games, bool) or \
            not MIN_GAMES <= games <= MAX_GAMES:
        raise BadRequest("bad_games", f"games must be a whole number from {MIN_GAMES} to "
                         f"{MAX_GAMES}")
    allowed = list(range(s.seats_min, s.seats_max + 1))
    if not isinstance(players, list) or not players:
        raise BadRequest("bad_players", "choose at least one player count: "
                         f"{', '.join(map(str, allowed))}")
    counts = []
    for p in players:
        if isinstance(p, str) and p.strip().isdigit():
            p = int(p)
        if not isinstance(p, int) or isinstance(p, bool) or p not in allowed:
            raise BadRequest("bad_players", f"player counts for this deck are "
                             f"{', '.join(map(str, allowed))}; {json.dumps(p)[:20]} is not "
                             "one of them")
        counts.append(p)
    counts = sorted(set(counts))
    cells = len(deck.scenarios) * len(counts)
    if games < cells:
        raise BadRequest("bad_games", f"{len(deck.scenarios)} scenarios at {len(counts)} player "
                         f"counts need at least {cells} games, one each")
    return games, counts


def _kill_group(proc: subprocess.Popen) -> None:
    """The worker and the processes it forked."""
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)


class BalanceJobs:
    def __init__(self, *, max_running: int = MAX_RUNNING, python: str = sys.executable):
        self.max_running = max_running
        self.python = python
        self.jobs: dict[str, Job] = {}  # deck id: its running or last ended job
        self.reports: dict[str, Job] = {}  # deck id: its last job that made a report
        self.lock = threading.Lock()

    def get(self, deck_id: str) -> Job | None:
        return self.jobs.get(deck_id)

    def last_report(self, deck_id: str) -> Job | None:
        return self.reports.get(deck_id)

    def start(self, deck: Deck, games: int, players: list[int], key: str | None = None) -> Job:
        """`key` names the job (the deck's id by default; "<studio deck>@<n>" for a studio
        deck's revision, whose deck id a shipped deck may have too)."""
        key = key or deck.id
        with self.lock:
            current = self.jobs.get(key)
            if current and current.running:
                raise BadRequest("balance_running", "a balance report for this deck is "
                                 "already running: wait for it, or cancel it first")
            if sum(j.running for j in self.jobs.values()) >= self.max_running:
                raise BadRequest("balance_full", f"the server is running {self.max_running} "
                                 "balance reports already: try again in a minute")
            job = Job(secrets.token_hex(6), secrets.token_urlsafe(16), key, games, players)
            job.proc = subprocess.Popen(
                [self.python, "-m", "game.server.balance_worker", deck.path, str(games),
                 ",".join(map(str, players))],
                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True,
                start_new_session=True)  # its own process group, to end it with its pool
            self.jobs[key] = job
        threading.Thread(target=self._watch, args=(job,), daemon=True,
                         name=f"balance-{deck.id}").start()
        return job

    def cancel(self, deck_id: str, token: object) -> Job:
        job = self.jobs.get(deck_id)
        if job is None or not job.running:
            raise BadRequest("no_balance_job", "no balance report is running for this deck")
        if not isinstance(token, str) or not secrets.compare_digest(token, job.token):
            raise BadRequest("not_your_job", "only the browser that started this report can "
                             "cancel it")
        self._stop(job)
        return job

    def _stop(self, job: Job) -> None:
        proc = job.proc
        if proc is None or proc.poll() is not None:
            return
        try:  # the worker stops after the batch it is playing
            assert proc.stdin is not None
            proc.stdin.write("cancel\n")
            proc.stdin.flush()
        except (OSError, ValueError):
            pass

        def reap() -> None:
            try:
                proc.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                _kill_group(proc)

        threading.Thread(target=reap, daemon=True).start()

    def stop_all(self) -> None:
        for job in list(self.jobs.values()):
            if job.proc is not None and job.proc.poll() is None:
                _kill_group(job.proc)

    def _watch(self, job: Job) -> None:
        proc = job.proc
        assert proc is not None and proc.stdout is not None
        for line in proc.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "report" in message:
                job.report = message["report"]
            elif "error" in message:
                job.error = str(message["error"])
            elif message.get("cancelled"):
                job.state = "cancelled"
            if "done" in message:
                job.done, job.total = int(message["done"]), int(message["total"])
                job.nice = message.get("nice", job.nice)
                if job.state == "starting":
                    job.state = "running"
        code = proc.wait()
        errors = proc.stderr.read() if proc.stderr else ""
        if job.report is not None:
            job.state = "done"
            self.reports[job.deck] = job
        elif job.state != "cancelled":
            if code < 0:  # killed before it could say so
                job.state = "cancelled"
            else:
                job.state = "failed"
                job.error = job.error or "the report could not be made"
                log.error("balance report for %s failed (exit %s): %s", job.deck, code,
                          errors[-2000:])
        job.finished = time.time()
        job.proc = None
        if proc.stdin:
            with contextlib.suppress(OSError):
                proc.stdin.close()
