"""Run the Governance Game server: `python server.py` (or `make run`).

Settings come from the environment: HOST, PORT, DATABASE_URL (default: a SQLite file in
instance/), MESSAGE_QUEUE (a Redis URL, to run several processes), SECRET_KEY, PUBLIC_URL
(the address phones use, for join links and QR codes) and ASYNC_MODE.

ASYNC_MODE defaults to gevent when it is installed (`make run` installs it): one greenlet
per connection rather than a thread, a production WSGI server rather than Werkzeug's
development one, and the lowest latency measured (docs/performance.md). Without gevent, or
with ASYNC_MODE=threading, it runs on threads.
"""

from __future__ import annotations

import importlib.util
import os

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
import gc  # noqa: E402
import logging  # noqa: E402

from game.config import Config  # noqa: E402
from game.web import create_app  # noqa: E402


def main() -> None:
    # Each action copies a game state, so young objects pile up fast; the default thresholds
    # run full collections over every cached table often enough to show in p99 latency.
    gc.set_threshold(20_000, 20, 20)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = Config.from_env(async_mode=ASYNC_MODE)
    app, socketio = create_app(config)
    gc.freeze()  # the decks and the app live as long as the process: no collection scans them
    app.extensions["game"]["start_clock"]()
    print(f"The Governance Game is at http://{config.host}:{config.port}/ (Ctrl+C stops it)",
          flush=True)
    extra: dict = {}
    if config.async_mode == "gevent":
        import signal

        import gevent

        extra["error_log"] = quiet_http_errors()
        # Ctrl+C or a service manager's SIGTERM: stop serving in an orderly way. Left to
        # Python, the KeyboardInterrupt lands in whichever greenlet happens to be running.
        for sig in (signal.SIGINT, signal.SIGTERM):
            gevent.signal_handler(sig, socketio.stop)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C on threads: no traceback
        socketio.run(app, host=config.host, port=config.port, allow_unsafe_werkzeug=True,
                     log_output=False, **extra)
    print("Stopped.", flush=True)


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
