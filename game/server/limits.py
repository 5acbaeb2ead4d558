"""Limits on what people send: payload checking, names, and rates."""

from __future__ import annotations

import threading
import time
import unicodedata

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter, SlidingWindowCounterRateLimiter

from game.errors import GameError

MAX_NAME = 24
MAX_DEPTH = 12  # no payload of ours nests deeper than 4; JSON bombs nest thousands deep
# Scripts that share a name in normal writing (Japanese mixes these three).
SCRIPT_FAMILIES = {"HIRAGANA": "HAN", "KATAKANA": "HAN", "CJK": "HAN"}


# A request refused before it reaches the rules: the game's one error type, by its older name.
BadRequest = GameError


def clean_name(value: object) -> str:
    """A display name: NFKC-normalised (so full-width and ligature look-alikes become the
    letters they look like), trimmed, inner spaces collapsed, no control characters, 1 to
    MAX_NAME long, and in one script: "Аlice" with a Cyrillic А beside a Latin "Alice" is
    refused, since at a table the two read as the same person."""
    if not isinstance(value, str):
        raise BadRequest("bad_name", "your name must be text")
    text = unicodedata.normalize("NFKC", value)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())
    if not text:
        raise BadRequest("bad_name", "type a name so the table knows who you are")
    if len(text) > MAX_NAME:
        raise BadRequest("bad_name", f"that name is {len(text)} characters; use at most "
                         f"{MAX_NAME}")
    scripts = {script for ch in text if (script := _script(ch))}
    if len(scripts) > 1:
        raise BadRequest("bad_name", "that name mixes letters from different alphabets ("
                         + ", ".join(sorted(s.title() for s in scripts))
                         + "), so it could pass for someone else's: use one alphabet")
    return text


def _script(ch: str) -> str | None:
    """The script of a letter, from its Unicode name ("CYRILLIC CAPITAL LETTER A" ->
    CYRILLIC); None for digits, spaces, punctuation and marks, which every script uses."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    word = unicodedata.name(ch, "").split(" ", 1)[0]
    return SCRIPT_FAMILIES.get(word, word) or None


def check_depth(value: object, what: str, limit: int = MAX_DEPTH) -> None:
    """Refuse objects nested deeper than `limit`, before anything recurses into them."""
    level = [value]
    for _ in range(limit + 1):
        level = [v for item in level
                 for v in (item.values() if isinstance(item, dict)
                           else item if isinstance(item, list) else ())]
        if not level:
            return
    raise BadRequest("too_deep", f"{what}: that is nested too deeply to be a request of this "
                     f"game (at most {limit} levels)")


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


class SweptMemoryStorage(MemoryStorage):
    """The `limits` package's in-memory storage, sweeping out expired counters once a second
    instead of every 10 ms. Its sweep is a new timer thread (a greenlet under gevent) that
    walks every key, restarted after any hit while hits keep coming: with 1,000 connections
    and a counter or two each, a sixth of the server's time under load (docs/performance.md).
    An expired counter is already dropped when it is next read, so the sweep only frees the
    memory of keys nobody uses any more, which can wait a second."""

    SWEEP_S = 1.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # the base class's private hook
        if not self.timer.is_alive():
            self.timer = threading.Timer(self.SWEEP_S,  # the base class's private sweep
                                         self._MemoryStorage__expire_events)  # type: ignore[attr-defined]
            self.timer.daemon = True
            self.timer.start()


class RateLimiter:
    """At most `limit` hits per `window` seconds per key, in a sliding window.

    Counting is the `limits` package's: in memory by default, or in Redis (`storage` a
    redis:// URL) so that several server processes share one count and a guesser gets no
    more tries by reaching another process. A sliding window keeps two counters per key,
    which expire on their own: a key nobody uses is forgotten (its moving-window strategy
    keeps an empty list per key in memory for good).

    `exact` counts each hit in a moving window instead: a sliding window's count is weighted
    down when its hits straddle two windows, so "5 wrong passwords" could let a 6th through,
    and a wait would end early. Worth an empty list per key where every hit matters and keys
    are few (sign-ins, which the per-address cap keeps few)."""

    def __init__(self, limit: int, window: float, storage: str | Storage | None = None,
                 name: str = "game", *, exact: bool = False):
        self.item = RateLimitItemPerSecond(limit, max(1, round(window)), namespace=name)
        store: Storage = (storage_from_string(storage) if isinstance(storage, str)  # type: ignore[assignment]
                          else storage or SweptMemoryStorage())
        strategy = MovingWindowRateLimiter if exact else SlidingWindowCounterRateLimiter
        self.limiter: MovingWindowRateLimiter | SlidingWindowCounterRateLimiter = strategy(store)

    def blocked_for(self, *key: str) -> float:
        """Seconds until `key` may try again (0 if it may now). Does not count a hit."""
        if self.limiter.test(self.item, *key):
            return 0.0
        reset = self.limiter.get_window_stats(self.item, *key).reset_time
        return max(0.1, reset - time.time())

    def hit(self, *key: str) -> bool:
        """Count a hit; False if the key is over its limit (the hit is then not counted)."""
        return self.limiter.hit(self.item, *key)

    def clear(self, *key: str) -> None:
        self.limiter.clear(self.item, *key)
