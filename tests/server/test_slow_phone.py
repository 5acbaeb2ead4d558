"""A phone that stops reading (a weak link, a frozen tab) holds up nobody, and gets every
view, whole and in order, once it reads again.

The server writes each message straight to its socket when nothing is queued before it, and
hands what a full socket buffer does not take to the connection's writer
(game/server/transport.py, send_directly). Here the table's screen is a bare WebSocket with a
tiny receive buffer that reads nothing while the players play the whole game, on a server
whose WebSockets have small send buffers (WS_SEND_BUFFER), so the screen's views back up
into the server after a few of them: what the screen reads at the end is far more than the
two kernels' buffers hold, so most of it waited in the server."""

from __future__ import annotations

import base64
import json
import os
import socket
from collections.abc import Iterator

import pytest
from realserver import ServerProcess, Table, open_table, play_round


@pytest.fixture
def server(tmp_path) -> Iterator[ServerProcess]:
    s = ServerProcess(tmp_path, env={"WS_SEND_BUFFER": "8192"}, name="small-buffers")
    s.start()
    yield s
    s.stop()  # first: a failed check below must not leave the server running
    assert not s.errors(), s.log_tail(80)


class BareSocket:
    """A Socket.IO client over a raw WebSocket, reading only when asked."""

    def __init__(self, port: int) -> None:
        self.sock = socket.socket()
        # A small window: the server's sends back up after a few views, not after megabytes.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(20)
        self.received = 0  # bytes of frames read
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            assert chunk, "the server closed the connection during the handshake"
            head += chunk
        assert head.startswith(b"HTTP/1.1 101"), head

    def exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            assert chunk, "connection closed"
            data += chunk
        return data

    def read(self) -> str:
        """The next text message (a frame's payload must decode: a torn frame fails here)."""
        b0, b1 = self.exactly(2)
        self.received += 2
        n = b1 & 0x7F
        if n == 126:
            n = int.from_bytes(self.exactly(2), "big")
        elif n == 127:
            n = int.from_bytes(self.exactly(8), "big")
        assert b0 == 0x81, f"expected one whole text frame, got first byte {b0:#x}"
        self.received += n
        return self.exactly(n).decode()

    def send(self, text: str) -> None:
        data = text.encode()
        mask = os.urandom(4)
        assert len(data) < 126
        self.sock.sendall(bytes([0x81, 0x80 | len(data)]) + mask
                          + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


def test_a_screen_that_stops_reading_holds_up_nobody_and_misses_nothing(server, clients):
    table: Table = open_table(server, clients, seats=5)
    slow = BareSocket(server.port)
    assert slow.read().startswith("0")  # Engine.IO's open packet
    slow.send("40")
    assert slow.read().startswith("40")
    slow.send("421" + json.dumps(["hello", {"table": table.id, "screen": table.screen_key}],
                                 separators=(",", ":")))
    # From here on the screen reads nothing: the players play the whole game meanwhile,
    # each action acknowledged and seen by everyone else as usual.
    acted = 0
    rounds = server.public(table.id)["game"]["rounds"]
    for _ in range(rounds):
        acted += len(play_round(table))
    final = server.public(table.id)["game"]
    assert final["phase"] == "ended"
    assert table.screen is not None
    table.screen.wait_version(final["version"])

    slow.received = 0
    versions: list[int] = []
    answered = False
    while not versions or versions[-1] < final["version"]:
        text = slow.read()
        if text == "2":  # Engine.IO's ping, if the game took that long
            continue
        if text.startswith("431"):
            answered = json.loads(text[3:])[0]["ok"]
            continue
        event, message = json.loads(text[2:])
        assert event == "view", text[:80]
        if "game" in message:
            versions.append(message["game"]["version"])
    assert answered
    assert versions == sorted(versions), "a newer view arrived before an older one"
    assert len(set(versions)) >= acted, (len(set(versions)), acted)  # no view of an action lost
    assert versions[-1] == final["version"]
    # 8 KB of send buffer (doubled by the kernel) and 4 KB of receive buffer (the same): all
    # the rest waited in the server while the screen was not reading.
    assert slow.received > 20 * (2 * 8192 + 2 * 4096), slow.received
