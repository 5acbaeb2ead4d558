"""The WebSocket handshake as a browser makes it: browsers offer permessage-deflate, and the
server declines unless WS_COMPRESSION is on (a compressor per connection costs memory and CPU;
see docs/performance.md)."""

from __future__ import annotations

import base64
import os
import socket
import zlib
from collections.abc import Iterator

import pytest
from realserver import ServerProcess


def browser_handshake(port: int) -> tuple[bytes, socket.socket]:
    """Open a WebSocket to the Socket.IO endpoint offering compression, as Chromium does.
    Returns the response head and the socket, positioned after the head."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
    ).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, "the server closed the connection during the handshake"
        head += chunk
    return head, sock


def first_frame(sock: socket.socket) -> tuple[bool, bytes]:
    """(compressed?, payload) of the server's first frame: Engine.IO's open packet."""
    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            assert chunk, "connection closed"
            data += chunk
        return data

    b0, b1 = exactly(2)
    n = b1 & 0x7F
    if n == 126:
        n = int.from_bytes(exactly(2), "big")
    elif n == 127:
        n = int.from_bytes(exactly(8), "big")
    return bool(b0 & 0x40), exactly(n)


@pytest.fixture
def compressing_server(tmp_path) -> Iterator[ServerProcess]:
    s = ServerProcess(tmp_path, env={"WS_COMPRESSION": "on"}, name="compressing")
    s.start()
    yield s
    s.stop()
    assert not s.errors(), s.log_tail(80)


def test_compression_is_declined_by_default(server):
    head, sock = browser_handshake(server.port)
    with sock:
        assert b" 101 " in head.split(b"\r\n")[0], head
        assert b"permessage-deflate" not in head.lower()
        compressed, payload = first_frame(sock)
        assert not compressed
        assert payload.startswith(b'0{"sid":'), payload


def test_compression_is_agreed_when_configured(compressing_server):
    head, sock = browser_handshake(compressing_server.port)
    with sock:
        assert b"permessage-deflate" in head.lower(), head
        compressed, payload = first_frame(sock)
        assert compressed
        text = zlib.decompressobj(-15).decompress(payload + b"\x00\x00\xff\xff")
        assert text.startswith(b'0{"sid":'), text
