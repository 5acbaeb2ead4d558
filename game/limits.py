"""Limits on what people send: payload checking, names, and rates."""

from __future__ import annotations

import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable

MAX_NAME = 40


class BadRequest(Exception):
    """A request we refuse, with a code for programs and a message for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def clean_name(value: object) -> str:
    """A display name: trimmed, inner spaces collapsed, no control characters, 1-24 long."""
    if not isinstance(value, str):
        raise BadRequest("bad_name", "your name must be text")
    text = " ".join(value.split())
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    if not text:
        raise BadRequest("bad_name", "type a name so the table knows who you are")
    if len(text) > MAX_NAME:
        raise BadRequest("bad_name", f"that name is {len(text)} characters; use at most "
                         f"{MAX_NAME}")
    return text


Spec = dict[str, tuple[type | tuple[type, ...], bool]]


def check_payload(payload: object, spec: Spec, what: str) -> dict:
    """Check an incoming object against `spec` ({key: (type, required)}): it must be an
    object, hold no unknown keys, and have every required key with the right type."""
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise BadRequest("bad_payload", f"{what}: send an object like {{\"key\": value}}")
    extra = sorted(set(payload) - set(spec))
    if extra:
        raise BadRequest("bad_payload", f"{what}: unexpected field(s): {', '.join(extra)}")
    for key, (kind, required) in spec.items():
        if key not in payload or payload[key] is None:
            if required:
                raise BadRequest("bad_payload", f"{what}: '{key}' is missing")
            continue
        value = payload[key]
        bad_bool = isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple)
                                                            else (kind,))
        if bad_bool or not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__
                                                                         for k in kind)
            raise BadRequest("bad_payload", f"{what}: '{key}' must be {names}")
        if isinstance(value, str) and len(value) > 200:
            raise BadRequest("bad_payload", f"{what}: '{key}' is too long")
    return payload


class RateLimiter:
    """At most `limit` hits per `window` seconds per key (a sliding window)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.hits: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        q = self.hits.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked_for(self, key: str) -> float:
        """Seconds until `key` may try again (0 if it may now). Does not count a hit."""
        with self.lock:
            now = self.clock()
            q = self._trim(key, now)
            if len(q) < self.limit:
                return 0.0
            return max(0.1, q[0] + self.window - now)

    def hit(self, key: str) -> bool:
        """Count a hit; False if the key is over its limit."""
        with self.lock:
            now = self.clock()
            q = self._trim(key, now)
            if len(q) >= self.limit:
                return False
            q.append(now)
            if len(self.hits) > 50_000:  # forget idle clients rather than grow without end
                for k in [k for k, v in self.hits.items() if not v][:10_000]:
                    del self.hits[k]
            return True
