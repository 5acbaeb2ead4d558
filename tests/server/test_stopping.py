"""Stopping and refusing to start (issue 16, points 8 and 9): SIGTERM under load answers
every action it applied, a fatal signal leaves its trace in the log, and a database that
cannot be written stops the start with a line that says what to fix."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from realserver import Client, ServerProcess, open_table


@pytest.fixture
def own_server(tmp_path) -> ServerProcess:
    s = ServerProcess(tmp_path)
    s.start()
    yield s
    s.stop()


def key(seat: int, action: dict) -> str:
    return json.dumps({**action, "seat": seat}, sort_keys=True)


def test_sigterm_under_load_answers_every_action_it_applies(own_server, clients):
    """Five players act as fast as they can, and go on doing so after SIGTERM, as players
    who know nothing of it would. Every action in the log was acknowledged; every action
    acknowledged is in the log; every call sent before the signal gets its answer (those in
    flight are finished first). A call sent after it is refused ("restarting") if the server
    reads it before it exits; one that reaches a server already gone (a loaded machine can
    leave a client unaware for a moment that its connection closed) gets no answer, like any
    call to a stopped server, and is not applied."""
    server = own_server
    table = open_table(server, clients, seats=5)
    answered: list[tuple[int, dict, dict]] = []
    unanswered: list[tuple[int, dict, str, float]] = []
    lock = threading.Lock()
    stopped = threading.Event()

    def player(p: Client) -> None:
        while not stopped.is_set():
            game = p.last_view()["game"]
            legal = game["you"]["legal"]
            if "propose" in legal:
                c = game["you"]["hand"][0]
                action = {"type": "propose", "card": c["card"], "group": next(iter(c["costs"]))}
            elif "vote" in legal:
                ids = [x["seat"] for x in game["current"]["proposals"] if "card" in x]
                action = {"type": "vote", "approve": ids[:1]}
            elif "ready" in legal:
                action = {"type": "ready"}
            else:
                time.sleep(0.005)
                continue
            action.update(round=game["round"], phase=game["phase"])
            sent_at = time.monotonic()
            try:
                answer = p.call("act", {"action": action}, timeout=5)
            except Exception as exc:  # the connection closed under the call
                # (its kind says which: TimeoutError, sent and never answered;
                # BadNamespaceError, the connection had closed before it was sent)
                with lock:
                    unanswered.append((p.seat, action, type(exc).__name__,  # type: ignore[arg-type]
                                       sent_at))
                return
            with lock:
                answered.append((p.seat, action, answer))  # type: ignore[arg-type]
            if not answer["ok"]:
                if answer["error"]["code"] == "restarting":
                    return  # the browser would wait for the connection to come back
                time.sleep(0.005)  # a view behind the table: look again

    threads = [threading.Thread(target=player, args=(p,), daemon=True) for p in table.players]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(answered) < 30 and time.monotonic() < deadline:
        time.sleep(0.001)
    assert server.proc is not None
    signalled_at = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(30) == 0
    stopped.set()  # for those with nothing to do, waiting on the others
    for t in threads:
        t.join(10)
    logged = sorted(key(r["seat"], r["action"]) for r in server.action_log(table.id))
    acked = sorted(key(s, a) for s, a, answer in answered if answer["ok"])
    assert acked, "no action was applied before the signal: the test saw no load"
    assert logged == acked  # nothing applied without its answer, nor answered yet not applied
    # Said outright: a call that got no answer was not applied.
    lost = [u for u in unanswered if key(u[0], u[1]) in logged]
    assert not lost, lost
    codes = {answer["error"]["code"] for _s, _a, answer in answered if not answer["ok"]}
    assert codes <= {"restarting", "stale", "wrong_phase", "already_ready", "already_voted",
                     "already_proposed"}, codes
    # What was in flight at the signal was answered: only calls sent after it may have
    # found the server gone.
    early = [u for u in unanswered if u[3] < signalled_at]
    assert not early, early
    assert "Stopped." in server.log_text()


def test_a_fatal_signal_leaves_a_traceback_in_the_log(own_server):
    """SQLite's -shm file becoming unwritable kills the process with SIGBUS; the log then
    at least says so, and where."""
    server = own_server
    assert server.proc is not None
    os.kill(server.proc.pid, signal.SIGBUS)
    server.proc.wait(10)
    assert "Fatal Python error: Bus error" in server.log_text()


@pytest.fixture
def read_only_folder(tmp_path) -> Path:
    """A folder the server cannot write: a read-only mount (as root, whom permissions do not
    stop), or a folder without write permission."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"running as root, and cannot mount a read-only folder: {done.stderr}")
    yield folder
    with contextlib.suppress(Exception):
        subprocess.run(["umount", str(folder)], check=True)


def test_a_database_that_cannot_be_written_stops_the_start_with_what_to_fix(
        tmp_path, read_only_folder):
    server = ServerProcess(tmp_path, database_url=f"sqlite:///{read_only_folder / 'game.db'}")
    with pytest.raises(RuntimeError, match="exited with 2"):
        server.start()
    text = server.log_text()
    assert "cannot start" in text and str(read_only_folder) in text
    assert "Traceback" not in text
