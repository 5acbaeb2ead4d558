#!/usr/bin/env python
"""A normal player's acknowledgement latency, alone and while one hostile connection floods
the server, in the same run: the ratio is what the hardening issue asks to keep within 2x.

    .venv/bin/python bench/flood.py --calls 200 --kind garbage
    .venv/bin/python bench/flood.py --calls 200 --kind events

It starts `server.py` (SQLite in a temporary folder), seats a player at a table and times
`--calls` acknowledged calls (a `hello`, which reads the table and answers with a full view).
Then a flooder sends, as fast as one connection can, either undecodable packets
(`42["act",{]`, `--kind garbage`: the server closes such a connection, and the flooder
reconnects at once) or well-formed events (`--kind events`), and the same calls are timed
again. One JSON line on stdout: p50 and p99 before and during the flood, their ratios, how
many packets the flooder sent, the server log's size and whether it holds a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
import socketio
import websocket

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed_calls(client: socketio.Client, table: str, token: str, calls: int) -> list[float]:
    out = []
    for _ in range(calls):
        started = time.perf_counter()
        answer = client.call("hello", {"table": table, "token": token}, timeout=30)
        out.append((time.perf_counter() - started) * 1000)
        assert answer["ok"], answer
        time.sleep(0.05)  # a person's pace, well under the 20 events a second limit
    return out


def flood(port: int, kind: str, stop: threading.Event, sent: list[int]) -> None:
    packet = '42["act",{]' if kind == "garbage" else '42["act",{"action":{"type":"ready"}}]'
    url = f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
    while not stop.is_set():
        try:
            ws = websocket.create_connection(url, timeout=5)
            ws.recv()
            ws.send("40")
            ws.recv()
            while not stop.is_set():
                ws.send(packet)
                sent[0] += 1
        except (websocket.WebSocketException, OSError):
            continue  # closed by the server: connect again, as an attacker would


def summary(ms: list[float]) -> dict:
    ordered = sorted(ms)
    return {"p50_ms": round(statistics.median(ordered), 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--kind", choices=("garbage", "events"), default="garbage")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "server.log"
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port),
               "DATABASE_URL": f"sqlite:///{tmp}/game.db", "PYTHONUNBUFFERED": "1"}
        with log_path.open("w") as log:
            server = subprocess.Popen([sys.executable, "server.py"], cwd=ROOT, env=env,
                                      stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if requests.get(base + "/healthz", timeout=1).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            made = requests.post(base + "/api/tables", json={
                "deck": "good-governance", "scenario": "council-chatbot", "seats": 3},
                timeout=10).json()
            player = socketio.Client(reconnection=False)
            player.connect(base, transports=["websocket"])
            joined = player.call("join", {"code": made["code"], "name": "Pat"}, timeout=10)
            table, token = joined["table_id"], joined["token"]
            alone = timed_calls(player, table, token, args.calls)
            stop, sent = threading.Event(), [0]
            flooder = threading.Thread(target=flood, args=(port, args.kind, stop, sent),
                                       daemon=True)
            flooder.start()
            time.sleep(1)
            flooded = timed_calls(player, table, token, args.calls)
            stop.set()
            flooder.join(10)
            player.disconnect()
        finally:
            server.terminate()
            server.wait(10)
        text = log_path.read_text(errors="replace")
    before, during = summary(alone), summary(flooded)
    print(json.dumps({
        "kind": args.kind, "calls": args.calls, "alone": before, "flooded": during,
        "p50_ratio": round(during["p50_ms"] / before["p50_ms"], 2),
        "p99_ratio": round(during["p99_ms"] / before["p99_ms"], 2),
        "flood_packets": sent[0], "server_log_bytes": len(text),
        "tracebacks": text.count("Traceback")}))


if __name__ == "__main__":
    main()
