"""Guessing join codes: after 10 wrong codes in a minute a client is turned away, even with
the right code, on a new connection, or claiming to be someone else."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from realserver import ServerProcess


@pytest.fixture
def fresh_server(tmp_path, request) -> Iterator[ServerProcess]:
    # Its own, so other tests' wrong codes do not count here.
    s = ServerProcess(tmp_path, env=getattr(request, "param", None))
    s.start()
    yield s
    s.stop()
    assert not s.errors(), s.log_tail(80)


def test_wrong_codes_are_limited_per_client(fresh_server, clients):
    server = fresh_server
    table = server.create_table(seats=5)
    guesser = clients(server.url, label="guesser")
    for i in range(10):
        answer = guesser.call("join", {"code": f"AAA-AA{'ACDEFHJKMN'[i]}", "name": "Eve"})
        assert answer["error"]["code"] == "bad_code", (i, answer)
    # The 11th attempt is refused before the code is even looked at: the right code too.
    blocked = guesser.call("join", {"code": table["code"], "name": "Eve"})
    assert blocked["error"]["code"] == "too_many_attempts", blocked
    assert "wait" in blocked["error"]["message"]
    # A new connection from the same place is the same client.
    again = clients(server.url, label="again")
    assert again.call("join", {"code": table["code"], "name": "Eve"})["error"]["code"] == \
        "too_many_attempts"
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
    for i in range(12):  # twelve good joins (4 tables x 3 seats) from one address
        answer = c.call("join", {"code": codes[i // 3].lower().replace("-", " "),
                                 "name": f"P{i}"})
        assert answer["ok"], (i, answer)
    time.sleep(1.05)  # (20 messages a second is the flood limit)
    for _ in range(9):
        assert c.call("join", {"code": "ZZZ-ZZZ", "name": "Z"})["error"]["code"] == "bad_code"
    # Nine wrong: one more guess is still allowed, then no more.
    assert c.call("join", {"code": "ZZZ-ZZZ", "name": "Z"})["error"]["code"] == "bad_code"
    assert c.call("join", {"code": "ZZZ-ZZZ", "name": "Z"})["error"]["code"] == \
        "too_many_attempts"


@pytest.mark.parametrize("fresh_server", [{"TRUSTED_PROXIES": "1"}], indirect=True)
def test_behind_a_trusted_proxy_each_client_has_its_own_count(fresh_server, clients):
    """With TRUSTED_PROXIES=1 the address the proxy adds last is the client; one client's
    wrong guesses do not lock out the others at the same venue."""
    server = fresh_server
    table = server.create_table(seats=5)

    def via_proxy(client_ip: str, sent: str | None = None):
        # What the proxy forwards: whatever the client sent, then the address it saw.
        chain = f"{sent}, {client_ip}" if sent else client_ip
        return clients(server.url, label=client_ip, headers={"X-Forwarded-For": chain})

    eve = via_proxy("203.0.113.66")
    for _ in range(10):
        assert eve.call("join", {"code": "ZZZ-ZZZ", "name": "Eve"})["error"]["code"] == \
            "bad_code"
    assert eve.call("join", {"code": table["code"], "name": "Eve"})["error"]["code"] == \
        "too_many_attempts"
    # Eve cannot get round it by writing a header of her own ...
    eve2 = via_proxy("203.0.113.66", sent="198.51.100.1")
    assert eve2.call("join", {"code": table["code"], "name": "Eve"})["error"]["code"] == \
        "too_many_attempts"
    # ... while someone else behind the same proxy joins as usual.
    ann = via_proxy("203.0.113.7")
    assert ann.call("join", {"code": table["code"], "name": "Ann"})["ok"]
