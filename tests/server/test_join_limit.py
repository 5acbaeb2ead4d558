"""Guessing join codes. A connection that types 10 wrong codes in a minute is turned away,
even with the right code; the other people at the same venue (one shared address) are not.
An address as a whole has a larger, slower budget (100 wrong codes in ten minutes), so that
opening new connections buys a guesser only so many tries."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from realserver import ServerProcess

WRONG = [f"AAA-A{a}{b}" for a in "ACDEFHJKMN" for b in "ACDEFHJKMN"]  # 100 codes no table has


@pytest.fixture
def fresh_server(tmp_path, request) -> Iterator[ServerProcess]:
    # Its own, so other tests' wrong codes do not count here.
    s = ServerProcess(tmp_path, env=getattr(request, "param", None))
    s.start()
    yield s
    s.stop()
    assert not s.errors(), s.log_tail(80)


def test_wrong_codes_lock_out_the_guesser_and_not_the_room(fresh_server, clients):
    server = fresh_server
    table = server.create_table(seats=5)
    guesser = clients(server.url, label="guesser")
    for i in range(10):
        answer = guesser.call("join", {"code": WRONG[i], "name": "Eve"})
        assert answer["error"]["code"] == "bad_code", (i, answer)
    # The 11th attempt is refused before the code is even looked at: the right code too.
    blocked = guesser.call("join", {"code": table["code"], "name": "Eve"})
    assert blocked["error"]["code"] == "too_many_attempts", blocked
    assert "wait" in blocked["error"]["message"] and "QR" in blocked["error"]["message"]
    assert [s["kind"] for s in server.table_row(table["table"])["seats"]] == ["empty"] * 5
    # Someone else at the same venue, on the same address, joins as usual.
    ann = clients(server.url, label="ann")
    assert ann.call("join", {"code": table["code"], "name": "Ann"})["ok"]


def test_an_address_has_a_larger_slower_budget(fresh_server, clients):
    server = fresh_server
    table = server.create_table(seats=5)
    for n in range(10):  # a guesser who opens a new connection every ten guesses
        c = clients(server.url, label=f"guesser{n}")
        for code in WRONG[n * 10:(n + 1) * 10]:
            assert c.call("join", {"code": code, "name": "Eve"})["error"]["code"] == "bad_code"
        c.close()
    fresh = clients(server.url, label="fresh")
    answer = fresh.call("join", {"code": table["code"], "name": "Eve"})
    assert answer["error"]["code"] == "too_many_attempts", answer
    # Claiming to be forwarded for someone else does not reset the count.
    for fake in ("203.0.113.9", "198.51.100.7, 127.0.0.1"):
        spoof = clients(server.url, label="spoof", headers={"X-Forwarded-For": fake})
        answer = spoof.call("join", {"code": table["code"], "name": "Eve"})
        assert answer["error"]["code"] == "too_many_attempts", (fake, answer)
    assert [s["kind"] for s in server.table_row(table["table"])["seats"]] == ["empty"] * 5
    # People who already hold a seat are not affected: a seat token is not a guess.
    viewer = clients(server.url, label="viewer")
    assert viewer.hello(table["table"])["you"]["kind"] == "viewer"


def test_right_codes_do_not_count_against_a_client(fresh_server, clients):
    server = fresh_server
    codes = [server.create_table(seats=3)["code"] for _ in range(4)]
    c = clients(server.url, label="host")
    for i in range(12):  # twelve good joins from one connection, leaving each seat again
        answer = c.call("join", {"code": codes[i // 3].lower().replace("-", " "),
                                 "name": f"P{i}"})
        assert answer["ok"], (i, answer)
        assert c.call("leave", {})["ok"]
        time.sleep(0.1)  # (20 messages a second is the flood limit)
    time.sleep(1.05)  # (20 messages a second is the flood limit)
    for _ in range(9):
        assert c.call("join", {"code": "ZZZ-ZZZ", "name": "Z"})["error"]["code"] == "bad_code"
    # Nine wrong: one more guess is still allowed, then no more.
    assert c.call("join", {"code": "ZZZ-ZZZ", "name": "Z"})["error"]["code"] == "bad_code"
    assert c.call("join", {"code": "ZZZ-ZZZ", "name": "Z"})["error"]["code"] == \
        "too_many_attempts"


@pytest.mark.parametrize("fresh_server", [{"TRUSTED_PROXIES": "1"}], indirect=True)
def test_behind_a_trusted_proxy_each_client_has_its_own_budget(fresh_server, clients):
    """With TRUSTED_PROXIES=1 the address the proxy adds last is the client; one client's
    wrong guesses do not lock out the others at the same venue."""
    server = fresh_server
    table = server.create_table(seats=5)

    def via_proxy(client_ip: str, sent: str | None = None):
        # What the proxy forwards: whatever the client sent, then the address it saw.
        chain = f"{sent}, {client_ip}" if sent else client_ip
        return clients(server.url, label=client_ip, headers={"X-Forwarded-For": chain})

    for n in range(10):
        eve = via_proxy("203.0.113.66")
        for code in WRONG[n * 10:(n + 1) * 10]:
            assert eve.call("join", {"code": code, "name": "Eve"})["error"]["code"] == \
                "bad_code"
        eve.close()
    # Eve cannot get round it by writing a header of her own ...
    eve2 = via_proxy("203.0.113.66", sent="198.51.100.1")
    assert eve2.call("join", {"code": table["code"], "name": "Eve"})["error"]["code"] == \
        "too_many_attempts"
    # ... while someone else behind the same proxy joins as usual.
    ann = via_proxy("203.0.113.7")
    assert ann.call("join", {"code": table["code"], "name": "Ann"})["ok"]
