"""Run the Governance Game server: `python server.py` (or `make run`).

Settings come from the environment: HOST, PORT, DATABASE_URL (default: a SQLite file in
instance/), MESSAGE_QUEUE (a Redis URL, to run several processes) and MESSAGE_QUEUE_CHANNEL,
SECRET_KEY, PUBLIC_URL (the address phones use, for join links and QR codes) and ASYNC_MODE.

SIGTERM and Ctrl+C drain: no new connections, every event started is answered, then exit.

ASYNC_MODE defaults to gevent when it is installed (`make run` installs it): one greenlet
per connection rather than a thread, a production WSGI server rather than Werkzeug's
development one, and the lowest latency measured (docs/performance.md). Without gevent, or
with ASYNC_MODE=threading, it runs on threads.
"""

from __future__ import annotations

import gc

# No collections while starting: importing and loading the decks allocate a great deal that
# lives as long as the process, and scanning it again and again was a tenth of start-up.
# Collection resumes once the app is built (main).
gc.disable()

import importlib.util  # noqa: E402
import os  # noqa: E402

ASYNC_MODE = os.environ.get("ASYNC_MODE") or (
    "gevent" if importlib.util.find_spec("gevent") else "threading")
if ASYNC_MODE == "gevent":  # must patch before anything imports socket
    from gevent import monkey

    monkey.patch_all()
elif ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()

# Imported only now, after patching.
import contextlib  # noqa: E402
import faulthandler  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from game.server.app import create_app  # noqa: E402
from game.server.config import Config  # noqa: E402
from game.store.diskcheck import low_space, unwritable  # noqa: E402

log = logging.getLogger("game.server")
# How long no event may come in before a stopping server closes its connections.
QUIET_S = 0.25


def main() -> None:
    # Each action copies a game state, so young objects pile up fast; the default thresholds
    # run full collections over every cached table often enough to show in p99 latency.
    gc.set_threshold(20_000, 20, 20)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    # A fatal signal (SIGBUS when SQLite's memory-mapped -shm file cannot be written, say)
    # leaves a traceback in the log rather than nothing.
    faulthandler.enable()
    config = Config.from_env(async_mode=ASYNC_MODE)
    problem = unwritable(config.database_url)
    if problem:
        log.error("cannot start: %s", problem)
        sys.exit(2)
    warning = low_space(config.database_url)
    if warning:
        log.warning("%s", warning)
    app, socketio = create_app(config)
    gc.freeze()  # the decks and the app live as long as the process: no collection scans them
    gc.enable()
    app.extensions["game"].start_clock()
    print(f"The Governance Game is at http://{config.host}:{config.port}/ (Ctrl+C stops it)",
          flush=True)
    extra: dict = {}
    drain = app.extensions["game"].drain
    if config.async_mode == "gevent":
        import gevent

        extra["error_log"] = quiet_http_errors()

        def stop() -> None:
            # Stop taking connections, answer every event already started, then stop.
            socketio.wsgi_server.stop_accepting()
            finish(drain, socketio, gevent.sleep)
            socketio.stop()

        # Ctrl+C or a service manager's SIGTERM. Left to Python, the KeyboardInterrupt lands
        # in whichever greenlet happens to be running.
        for sig in (signal.SIGINT, signal.SIGTERM):
            gevent.signal_handler(sig, lambda: gevent.spawn(stop))
    else:
        def stop_threads(_sig: int, _frame: object) -> None:
            # Runs in the main thread, which serves no requests: while it waits, the
            # request threads finish what they started.
            finish(drain, socketio, time.sleep)
            raise KeyboardInterrupt

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, stop_threads)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C on threads: no traceback
        socketio.run(app, host=config.host, port=config.port, allow_unsafe_werkzeug=True,
                     log_output=False, **extra)
    print("Stopped.", flush=True)


def finish(drain, socketio, sleep) -> None:
    """Let in-flight events finish, then give their answers a moment to be written."""
    if drain.closing:
        return
    log.info("stopping: answering the %d events in flight first", drain.busy)
    if not drain.close(sleep):
        log.warning("stopping with %d events still unanswered", drain.busy)
    deadline = time.monotonic() + 2.0
    sockets = socketio.server.eio.sockets
    # Until the answers queued for their connections' writers are out, and no event has
    # come in for a moment: a phone whose move was answered just before the signal sends
    # its next one at once, and that one must be refused ("restarting") rather than left
    # unread in its socket when the server exits.
    while time.monotonic() < deadline and (
            any(not s.queue.empty() for s in list(sockets.values()))
            or time.monotonic() - drain.last_event < QUIET_S):
        sleep(0.01)
    sleep(0.05)  # and the last one written


class _WebSocketLeftovers(logging.Filter):
    """gevent's WSGI server reads the bytes a browser sends as it closes a WebSocket as if
    they began a new HTTP request, and logs each as a bad request: noise in a facilitator's
    terminal. Other errors still show."""

    SIGNS = ("Invalid HTTP method", "Expected GET method", "Invalid http version")

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return not any(sign in text for sign in self.SIGNS)


def quiet_http_errors() -> logging.Logger:
    logger = logging.getLogger("game.http")
    logger.addFilter(_WebSocketLeftovers())
    return logger


if __name__ == "__main__":
    main()
