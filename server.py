"""Run the Governance Game server: `python server.py` (or `make run`).

Settings come from the environment: HOST, PORT, DATABASE_URL (default: a SQLite file in
instance/), MESSAGE_QUEUE (a Redis URL, to run several processes), SECRET_KEY, PUBLIC_URL
(the address phones use, for join links and QR codes) and ASYNC_MODE.
"""

from __future__ import annotations

import os

if os.environ.get("ASYNC_MODE") == "gevent":  # must patch before anything imports socket
    from gevent import monkey

    monkey.patch_all()
elif os.environ.get("ASYNC_MODE") == "eventlet":
    import eventlet

    eventlet.monkey_patch()

import gc
import logging

from game.config import Config
from game.web import create_app


def main() -> None:
    # Each action copies a game state, so young objects pile up fast; the default thresholds
    # run full collections over every cached table often enough to show in p99 latency.
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = Config.from_env()
    app, socketio = create_app(config)
    app.extensions["game"]["start_clock"]()
    print(f"The Governance Game is at http://{config.host}:{config.port}/ (Ctrl+C stops it)",
          flush=True)
    socketio.run(app, host=config.host, port=config.port, allow_unsafe_werkzeug=True,
                 log_output=False)


if __name__ == "__main__":
    main()
