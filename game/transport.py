"""How messages travel between the server and the phones: the WebSocket options, the
Socket.IO packet and message-queue classes for our JSON-only events, and the queue's health.
Each exists because the library's default cost measurably more (docs/performance.md)."""

from __future__ import annotations

import contextlib
import socket
import time

from socketio import RedisManager
from socketio import packet as socketio_packet

from game import fastjson


def websocket_options(wsgi_app, compression: bool):
    """Set up WebSocket connections before the Socket.IO server takes them.

    Nagle's algorithm off: a view is several small frames in a row; with Nagle on, the last
    one can wait for the client's delayed ACK (~40 ms).

    Compression (permessage-deflate) only if configured: browsers offer it and
    simple-websocket accepts whatever is offered, but a compressor per connection costs about
    200 KB and ~0.7 ms of CPU per action at a table of five (docs/performance.md). As in
    Node's Socket.IO, it is off unless asked for; taking the client's offer out of the
    handshake is how to decline it."""

    def app(environ, start_response):
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            if not compression:
                environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
            sock = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
            if sock is None:  # gevent's server keeps it inside the input stream
                sock = getattr(getattr(environ.get("wsgi.input"), "raw", None), "_sock", None)
            with contextlib.suppress(OSError, AttributeError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return wsgi_app(environ, start_response)

    return app


class TextPacket(socketio_packet.Packet):
    """Socket.IO packets without binary attachments. Our events carry JSON only, and
    python-socketio otherwise walks every outgoing view looking for bytes: a fifth of the
    server's time under load (see docs/performance.md)."""

    uses_binary_events = False
    json = fastjson


class TextQueue(RedisManager):
    """python-socketio's Redis manager (several processes sharing tables) for JSON-only
    events. Its emit walks every message looking for binary data, the same slow walk as
    TextPacket avoids, before publishing: an eighth of a sharing process's time under load.
    Here an emit without a callback is published as it is, encoded with orjson; anything
    else goes the library's own way. The message is the library's own format, which every
    process (and its listener) reads back.

    Redis sends each process its own messages too, which the library parses in full only to
    drop them. Ours start with the sender's id, so the listener drops them unparsed."""

    def emit(self, event, data, namespace=None, room=None, skip_sid=None, callback=None,
             to=None, **kwargs):
        if callback is not None or kwargs.get("ignore_queue") or isinstance(data, tuple):
            return super().emit(event, data, namespace=namespace, room=room,
                                skip_sid=skip_sid, callback=callback, to=to, **kwargs)
        message = {"host_id": self.host_id, "method": "emit", "event": event, "data": [data],
                   "binary": False, "namespace": namespace or "/", "room": to or room,
                   "skip_sid": skip_sid, "callback": None}
        self._handle_emit(message)  # to this process's own connections
        self._publish(message)  # and to the other processes'
        return None

    def _listen(self):
        mine = fastjson.dumps({"host_id": self.host_id})[:-1].encode()  # '{"host_id":"..."'
        for message in super()._listen():
            if not (isinstance(message, bytes) and message.startswith(mine)):
                yield message


def message_queue(url: str) -> TextQueue:
    """The Socket.IO client manager for MESSAGE_QUEUE. Presence lives in Redis too
    (game/presence.py), so only a Redis URL will do."""
    if not url.startswith(("redis://", "rediss://")):
        raise ValueError("MESSAGE_QUEUE must be a Redis URL (redis:// or rediss://), "
                         f"not {url.split(':', 1)[0]}:...")
    return TextQueue(url, channel="flask-socketio", json=fastjson)


def queue_health(url: str) -> dict:
    started = time.perf_counter()
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
    except Exception as exc:  # any failure means "not healthy", with the reason
        return {"ok": False, "error": type(exc).__name__}
