"""Names, nesting and rate limits: the checks every request passes before the game sees it."""

from __future__ import annotations

import json
import time

import pytest

from game.server.limits import BadRequest, RateLimiter, SweptMemoryStorage, check_depth, clean_name


@pytest.mark.parametrize(("sent", "kept"), [
    ("  Bob   Smith ", "Bob Smith"),
    ("\uff2a\uff4f\uff45", "Joe"),  # full-width letters are the letters they look like
    ("\ufb01ona", "fiona"),  # a ligature too
    ("Siân Ŵyn", "Siân Ŵyn"),
    ("山田はなこ", "山田はなこ"),  # kanji and hiragana are written together
    ("Ann\u200b", "Ann"),  # an invisible character is dropped
])
def test_names_are_normalised(sent, kept):
    assert clean_name(sent) == kept


@pytest.mark.parametrize(("sent", "words"), [
    ("\u0410lice", "alphabets"),  # a Cyrillic А in a Latin name
    ("Bob\u03bf", "alphabets"),  # a Greek ο
    ("x" * 25, "at most 24"),
    ("   ", "type a name"),
    (42, "text"),
])
def test_bad_names_are_refused_with_a_reason(sent, words):
    with pytest.raises(BadRequest) as refused:
        clean_name(sent)
    assert refused.value.code == "bad_name" and words in refused.value.message


def test_nesting_is_refused_before_anything_recurses_into_it():
    check_depth({"action": {"type": "vote", "approve": [0, 1]}}, "act")
    for deep in (json.loads("[" * 50 + "]" * 50), json.loads('{"a":' * 13 + "1" + "}" * 13)):
        with pytest.raises(BadRequest) as refused:
            check_depth(deep, "act")
        assert refused.value.code == "too_deep"


def test_a_rate_limit_counts_per_key_and_forgets():
    limit = RateLimiter(2, 1.0)
    assert limit.hit("a") and limit.hit("a") and not limit.hit("a")
    assert limit.hit("b")  # another key has its own count
    assert 0 < limit.blocked_for("a") <= 2.0
    limit.clear("a")  # a connection that has gone is forgotten at once ...
    assert limit.blocked_for("a") == 0 and limit.hit("a")
    for n in range(1000):
        limit.hit(f"idle{n}")
    counters = limit.limiter.storage.storage  # the in-memory counters, one or two per key
    assert len(counters) >= 1000
    time.sleep(2.5)  # ... and every key once its windows have passed: memory does not grow
    assert limit.hit("a") and limit.hit("a")  # (a sweep starts with the storage's next use
    # and runs a second later; on a busy machine, later still: wait for it, then check)
    deadline = time.monotonic() + SweptMemoryStorage.SWEEP_S + 10
    while time.monotonic() < deadline and any("/a/" not in k for k in list(counters)):
        time.sleep(0.1)
    assert set(counters) <= {k for k in counters if "/a/" in k}, len(counters)
