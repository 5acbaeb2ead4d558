"""Which WebSockets the server writes to straight from the sending greenlet
(game/server/transport.py, writes_directly). gunicorn is not installed here, so the decision
is tested with the sockets each server hands simple-websocket: gevent's own server and
gunicorn's gevent worker (mode "gunicorn", the documented deployment) hand a gevent socket,
which must be written directly; gunicorn with --certfile hands a TLS socket, stdlib's or
gevent's, whose raw socket underneath must never get plain frames."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import gevent.socket
import gevent.ssl
import pytest

from game.server.transport import writes_directly


@pytest.fixture
def pair() -> Iterator[tuple]:
    a, b = gevent.socket.socketpair()
    yield a, b
    a.close()
    b.close()


@pytest.mark.parametrize("mode", ["gevent", "gunicorn"])
def test_a_gevent_socket_is_written_directly(pair, mode):
    assert writes_directly(mode, pair[0])


@pytest.mark.parametrize("mode", ["werkzeug", "eventlet", "unknown"])
def test_other_servers_keep_the_writer(pair, mode):
    assert not writes_directly(mode, pair[0])


def test_a_plain_stdlib_socket_keeps_the_writer():
    # gunicorn's sync or threaded worker: no greenlets, so no direct writes.
    a, b = socket.socketpair()
    with a, b:
        assert not writes_directly("gunicorn", a)


@pytest.mark.parametrize("context", [ssl.SSLContext, gevent.ssl.SSLContext])
def test_a_tls_socket_is_never_written_directly(pair, context):
    tls = context(ssl.PROTOCOL_TLS_SERVER).wrap_socket(
        pair[0], server_side=True, do_handshake_on_connect=False)
    try:
        assert not writes_directly("gunicorn", tls)
        assert not writes_directly("gevent", tls)
    finally:
        tls.close()
