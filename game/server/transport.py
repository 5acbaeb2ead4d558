"""How messages travel between the server and the phones: the WebSocket options, the
Socket.IO packet and message-queue classes for our JSON-only events, and the queue's health.
Each exists because the library's default cost measurably more (docs/performance.md)."""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Callable
from urllib.parse import urlparse

import simple_websocket
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from limits import RateLimitItemPerSecond
from limits.strategies import FixedWindowRateLimiter
from socketio import RedisManager
from socketio import packet as socketio_packet
from wsproto.events import TextMessage

from game.server import fastjson
from game.server.limits import RateLimiter, SweptMemoryStorage

log = logging.getLogger(__name__)
MAX_MESSAGE = 32 * 1024  # no message of ours comes near this; a view is a few KB
GARBAGE_LIMIT = 3  # undecodable packets a connection may send before it is closed
# The longest wait between attempts to listen to Redis again. The library's own doubles up to
# a minute, during which this process's players see nothing the others do.
RELISTEN_MAX_S = 2.0


class GuardedWebSocket(simple_websocket.Server):
    """simple-websocket's server side with a reader that gives way, and a message budget.

    Its reader reads for as long as bytes keep arriving, and under gevent nothing else runs
    meanwhile: one client streaming packets starved every other table on the server (a
    player's acknowledgement went from milliseconds to time-outs), and a connection the
    server had closed kept being read. Here the reader gives way after every read, and a
    connection that sends more than HARD_LIMIT messages in a second, which no person's phone
    does, is cut off at once, its unread messages dropped."""

    HARD_LIMIT = 400
    _count = 0
    _window_ends = 0.0

    def _handle_events(self):  # called once per read by the reader
        before = len(self.input_buffer)
        keep_going = super()._handle_events()
        now = time.monotonic()
        if now >= self._window_ends:
            self._window_ends, self._count = now + 1.0, 0
        self._count += max(0, len(self.input_buffer) - before)
        if self._count > self.HARD_LIMIT:
            log.warning("a connection sent over %d messages in a second: cut off",
                        self.HARD_LIMIT)
            self.input_buffer.clear()
            self.connected = False
            self.event.set()
            return False  # the reader stops and closes the socket
        time.sleep(0)  # give way (under gevent, the patched sleep yields to other greenlets)
        return keep_going

    # ---- sending: by the connection's writer, or at once by whoever emits ----------------
    sending = False  # the writer is inside send (under gevent: maybe waiting for the socket)

    def send(self, data):
        """The writer's send. The library's writes with `sock.send` and drops whatever a
        full socket buffer did not take; `sendall` waits for room instead. A `Framed` rest
        of a direct write (below) is framed already."""
        self.sending = True
        try:
            if isinstance(data, Framed):
                self.sock.sendall(data)
                return
            if not self.connected:
                raise simple_websocket.ConnectionClosed(self.close_reason, self.close_message)
            self.sock.sendall(self.ws.send(TextMessage(data=str(data))))
        finally:
            self.sending = False

    def send_now(self, text: str) -> Framed | None:
        """Frame `text` and write what the socket takes right now, without waiting: the
        rest (None if nothing is left) is for the writer. Only under gevent, where nothing
        else runs between the framing and the write, so frames go out in the order made."""
        frame = self.ws.send(TextMessage(data=text))
        raw = getattr(self.sock, "_sock", None)  # gevent's socket wraps a non-blocking one
        try:
            sent = raw.send(frame) if raw is not None else 0
        except OSError:  # full (BlockingIOError) or broken: the writer finds out which
            sent = 0
        return Framed(frame[sent:]) if sent < len(frame) else None


class Framed(bytes):
    """The part of a WebSocket frame a direct write left over, queued for the connection's
    writer as if it were a packet (the writer calls `encode()` on what it takes)."""

    def encode(self) -> Framed:
        return self


def writes_directly(mode: str, sock: object) -> bool:
    """Whether messages may be written to this WebSocket's socket by whoever sends them.

    Only under gevent, where nothing else runs between framing and writing: gevent's own
    server ("gevent") or gunicorn's gevent worker ("gunicorn", the documented deployment),
    and only on a gevent socket, whose `_sock` is the non-blocking socket underneath. Never
    under TLS (gunicorn --certfile): there `_sock` is the raw TCP socket, and plain frames
    written to it would break the encrypted stream. Stdlib's and gevent's TLS sockets both
    have `getpeercert`; a plain socket has not."""
    return mode in ("gevent", "gunicorn") and hasattr(sock, "_sock") \
        and not hasattr(sock, "getpeercert")


class _GuardedWSGI:
    """Engine.IO's WebSocket adapter (simple-websocket's, for gevent or threads), opening
    a GuardedWebSocket where it would open a plain one; the rest is the adapter's own."""

    def __init__(self, adapter: SimpleWebSocketWSGI, owner: object) -> None:
        self.adapter = adapter
        self.owner = owner  # the Engine.IO socket this WebSocket carries

    def __call__(self, environ, start_response):
        adapter = self.adapter
        adapter.ws = GuardedWebSocket(environ, **adapter.server_args)
        if writes_directly(adapter.ws.mode, adapter.ws.sock):  # see send_directly
            self.owner.guarded = adapter.ws
        answer = adapter.app(adapter)
        if adapter.ws.mode == "gunicorn":
            raise StopIteration()
        if adapter.ws.mode == "werkzeug":
            raise ConnectionError()
        return answer


def guard_websockets(socketio_server, max_message: int = MAX_MESSAGE) -> None:
    """Open WebSockets as GuardedWebSocket, and refuse an oversized message as it arrives.

    Engine.IO checks a message's size only after the WebSocket layer has buffered all of
    it, so one 64 MB frame cost 64 MB of memory first. simple-websocket can count the bytes
    of a message as they come and close the connection with 1009 (message too big) the
    moment they pass the limit; Engine.IO just does not pass it the option."""
    eio = socketio_server.eio
    make = eio._async.get("websocket")
    if make is None:
        return

    def guarded(handler, server):
        adapter = make(handler, server)
        if not isinstance(adapter, SimpleWebSocketWSGI):  # e.g. gevent-websocket's
            return adapter
        adapter.server_args["max_message_size"] = max_message
        return _GuardedWSGI(adapter, getattr(handler, "__self__", None))

    # A copy: the driver's table is shared by every server in the process.
    eio._async = {**eio._async, "websocket": guarded}
    if eio.async_mode == "gevent":
        send_directly(eio)


def send_directly(eio) -> None:
    """Write each message to its WebSocket from the greenlet that sends it, when nothing
    is waiting before it, instead of queueing it for the connection's writer greenlet.

    Queueing cost a queue round trip, a time-out object and two greenlet switches per
    message, six messages per action: about a tenth of the server's time under load, and
    every view waited for the hub to run its writer (docs/performance.md). The write never
    waits: what a full socket buffer (a phone on a slow link) does not take goes to the
    writer as before, and so does every later message until the writer has caught up, so
    one slow phone holds up nobody else and its messages keep their order."""
    queued = eio.send_packet

    def send_packet(sid, pkt):
        sock = eio.sockets.get(sid)
        ws = getattr(sock, "guarded", None)
        if ws is None or ws.sending or not ws.connected or sock.closed \
                or not sock.upgraded or sock.upgrading or not sock.queue.empty():
            return queued(sid, pkt)
        if not sock.check_ping_timeout():
            return None  # gone quiet: the library has closed it, as its own send would
        text = pkt.encode()
        if not isinstance(text, str):  # binary: none of ours, but the writer knows how
            return queued(sid, pkt)
        try:
            rest = ws.send_now(text)
        except Exception:  # could not frame (the connection is closing): nothing written
            return queued(sid, pkt)
        if rest is not None:
            sock.queue.put(rest)
        return None

    eio.send_packet = send_packet


class PacketGuard:
    """Stands between Engine.IO and Socket.IO for every message a client sends.

    A flood is dropped here, before decoding, within a budget of packets per connection per
    second; a packet that does not decode is a client's mistake, not a server error: past
    GARBAGE_LIMIT of them the connection is closed, with one line in the log. Without this,
    one connection sending garbage as fast as it could wrote two tracebacks per packet and
    slowed every table on the server."""

    def __init__(self, socketio_server, packets_per_second: int) -> None:
        self.server = socketio_server
        self.deliver = socketio_server._handle_eio_message
        self.budget = RateLimitItemPerSecond(packets_per_second, 1, namespace="packets")
        self.garbage = RateLimitItemPerSecond(GARBAGE_LIMIT, 60, namespace="garbage")
        self.limiter = FixedWindowRateLimiter(SweptMemoryStorage())
        socketio_server.eio.on("message", self.message)

    def message(self, eio_sid: str, data: object) -> None:
        if eio_sid not in self.server.eio.sockets:
            return  # closed: packets that were already on their way are dropped unread
        if not self.limiter.hit(self.budget, eio_sid):
            return  # over budget: dropped unread (the "too_fast" answer is for slower excess)
        try:
            self.deliver(eio_sid, data)
        except (ValueError, TypeError, KeyError, IndexError) as exc:  # the decode failed
            if not self.limiter.hit(self.garbage, eio_sid):
                log.warning("connection %s sent %d packets that do not decode (%s): closed",
                            eio_sid[:8], GARBAGE_LIMIT + 1, type(exc).__name__)
                self.server.eio.disconnect(eio_sid)

    def forget(self, sid: str) -> None:
        """The connection has gone: its counts go too (they would expire anyway)."""
        eio_sid = None
        with contextlib.suppress(Exception):
            eio_sid = self.server.manager.eio_sid_from_sid(sid, "/")
        if eio_sid:
            self.limiter.clear(self.budget, eio_sid)
            self.limiter.clear(self.garbage, eio_sid)


def websocket_options(wsgi_app, compression: bool, send_buffer: int = 0):
    """Set up WebSocket connections before the Socket.IO server takes them.

    Nagle's algorithm off: a view is several small frames in a row; with Nagle on, the last
    one can wait for the client's delayed ACK (~40 ms).

    Compression (permessage-deflate) only if configured: browsers offer it and
    simple-websocket accepts whatever is offered, but a compressor per connection costs about
    200 KB and ~0.7 ms of CPU per action at a table of five (docs/performance.md). As in
    Node's Socket.IO, it is off unless asked for; taking the client's offer out of the
    handshake is how to decline it.

    `send_buffer`, if set, caps the kernel's send buffer of each WebSocket (by default the
    system grows it to megabytes for a client that stops reading): past it, messages wait
    in the connection's queue in the server (see send_directly)."""

    def app(environ, start_response):
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            if not compression:
                environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
            sock = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
            if sock is None:  # gevent's server keeps it inside the input stream
                sock = getattr(getattr(environ.get("wsgi.input"), "raw", None), "_sock", None)
            with contextlib.suppress(OSError, AttributeError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if send_buffer:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
        return wsgi_app(environ, start_response)

    return app


def limit_new_connections(wsgi_app, per_minute: int, storage: str | None = None,
                          prefix: str = "game"):
    """At most `per_minute` new Socket.IO connections a minute from one address, refused
    with 429 before any handshake work. A client cut off for flooding would otherwise come
    back at once, a hundred times a second, and each connection costs the server more than
    the packets that got it cut off. A room's phones all reconnecting at once after a Wi-Fi
    drop (one address at a venue) fit well within the default."""
    if not per_minute:
        return wsgi_app
    # (prefix: the deployment's channel, so two deployments on one Redis count apart)
    # Counted exactly (a moving window): a sliding window's estimate drops as a minute turns
    # over, and let a ninth connection in under a limit of eight.
    limit = RateLimiter(per_minute, 60.0, storage, name=f"{prefix}:connects", exact=True)
    body = (b'{"ok":false,"error":{"code":"too_many_connections","message":"too many new '
            b'connections from this address: wait a minute and reload the page"}}')

    def app(environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/socket.io") \
                and "sid=" not in environ.get("QUERY_STRING", "") \
                and not limit.hit(environ.get("REMOTE_ADDR") or "?"):
            start_response("429 Too Many Requests", [("Content-Type", "application/json"),
                                                     ("Content-Length", str(len(body))),
                                                     ("Retry-After", "60")])
            return [body]
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

    # Set by the server: called with the room of a message that could not be published,
    # and when listening resumes after a failure (messages sent meanwhile never arrived).
    on_lost: Callable[[str], None] = staticmethod(lambda room: None)
    on_back: Callable[[], None] = staticmethod(lambda: None)
    _publish_down = False

    def _publish(self, data):
        """Publish, retrying once on a fresh connection. A failure is logged once per outage,
        with its cause, and reported through on_lost so the view can be sent again."""
        for attempt in range(2):
            try:
                if not self.connected:
                    self._redis_connect()
                result = self.redis.publish(self.channel, self.json.dumps(data))
            except Exception as exc:
                self.connected = False
                if attempt == 0:
                    continue
                if not self._publish_down:
                    self._publish_down = True
                    log.warning("cannot send views to the other processes through Redis "
                                "(%s: %s); they will be sent again when it is back",
                                type(exc).__name__, exc)
                if isinstance(data, dict) and isinstance(data.get("room"), str):
                    self.on_lost(data["room"])
                return None
            if self._publish_down:
                self._publish_down = False
                log.info("sending views through Redis again")
            return result
        return None

    def _redis_listen_with_retries(self):
        """The library's loop, with a short wait between attempts, one log line per outage
        rather than one per attempt, and on_back once listening again."""
        wait, failed = 0.25, False
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                if failed:
                    log.info("listening to Redis again; sending current views")
                    failed, wait = False, 0.25
                    self.on_back()
                yield from self.pubsub.listen()
            except Exception as exc:
                if not failed:
                    log.warning("lost Redis (%s: %s): views from other processes are not "
                                "arriving; trying again", type(exc).__name__, exc)
                failed = True
                time.sleep(wait)
                wait = min(wait * 2, RELISTEN_MAX_S)

    def _listen(self):
        mine = fastjson.dumps({"host_id": self.host_id})[:-1].encode()  # '{"host_id":"..."'
        for message in super()._listen():
            if not (isinstance(message, bytes) and message.startswith(mine)):
                yield message


def queue_channel(url: str, name: str | None = None) -> str:
    """The pub/sub channel of a deployment. Redis delivers a channel's messages to every
    subscriber whatever database it selected, so the database number must be part of the
    name, or two deployments sharing a Redis would receive each other's seat views.
    MESSAGE_QUEUE_CHANNEL (`name`) sets it outright."""
    if name:
        return name
    path = urlparse(url).path.strip("/")
    database = int(path) if path.isdigit() else 0
    return f"governance-game:{database}"


def message_queue(url: str, channel: str) -> TextQueue:
    """The Socket.IO client manager for MESSAGE_QUEUE. Presence lives in Redis too
    (game/server/presence.py), so only a Redis URL will do."""
    if not url.startswith(("redis://", "rediss://")):
        raise ValueError("MESSAGE_QUEUE must be a Redis URL (redis:// or rediss://), "
                         f"not {url.split(':', 1)[0]}:...")
    return TextQueue(url, channel=channel, json=fastjson)


def queue_health(url: str) -> dict:
    started = time.perf_counter()
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
    except Exception as exc:  # any failure means "not healthy", with the reason
        return {"ok": False, "error": type(exc).__name__}
