"""A workshop over two server processes sharing PostgreSQL and the Redis message queue, as
behind a load balancer: the dashboard on one process hears the tables played on the other,
the same command sent to both at once is applied once at each table, and a message to the
room reaches phones on both. Skipped without the services, except in CI (CI=true)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from realserver import ServerProcess, propose_first
from workshop_people import Host, cookie_header, join, wait_event

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def pair(tmp_path_factory, pg_database, redis_url) -> Iterator[list[ServerProcess]]:
    work = tmp_path_factory.mktemp("workshop-pair")
    # One secret for both, as deployed processes share one: a session made on one is
    # honoured by the other.
    servers = [ServerProcess(work, database_url=pg_database, name=name, env={
        "MESSAGE_QUEUE": redis_url, "SECRET_KEY": "shared-workshop-secret"})
        for name in ("a", "b")]
    for s in servers:
        s.start()
    yield servers
    for s in servers:
        s.stop()
    for s in servers:
        assert not s.errors(), s.log_tail(80)


def test_a_workshop_split_over_two_processes(pair, clients):
    a, b = pair
    owner = Host(a)
    w = owner.create(tables=2, seats=3)
    on_b = Host.__new__(Host)  # the same browser, its requests now reaching process B
    on_b.__dict__.update(owner.__dict__, url=b.url)
    dash = clients(b.url, headers=cookie_header(owner), label="dashboard on B")
    assert dash.call("workshop_hello", {"workshop": w["workshop"]})["ok"]
    phones = {}
    for i, name in enumerate(("Ana", "Bo", "Cy", "Di")):
        server = (a, b)[i % 2]
        seat = join(server, w["code"], name).json()
        phone = clients(server.url, label=name)
        phone.hello(seat["table"], token=seat["token"])
        phones[name] = phone
    started = on_b.post(f"/api/workshops/{w['workshop']}/command", {"command": "start"})
    assert [r["ok"] for r in started.json()["results"]] == [True, True]
    propose_first(phones["Ana"])  # Ana's phone is on A; the dashboard, on B, hears it
    wait_event(dash, "workshop_table",
               lambda t: t["number"] == 1 and t["last"] == "Ana proposed")

    def pause(host: Host) -> list[dict]:
        return host.post(f"/api/workshops/{w['workshop']}/command",
                         {"command": "pause"}).json()["results"]

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(pause, (owner, on_b)))
    for number in (1, 2):  # one process paused each table; the other was told it was
        answers = sorted("ok" if r["ok"] else r["error"]["code"]
                         for rs in results for r in rs if r["number"] == number)
        assert answers == ["already_paused", "ok"], (number, results)
    for host in (owner, on_b):  # both processes read the tables as paused
        tables = host.get(f"/api/workshops/{w['workshop']}").json()["tables"]
        assert [t["status"] for t in tables] == ["paused", "paused"]
    owner.post(f"/api/workshops/{w['workshop']}/message", {"text": "Five minutes left"})
    for phone in phones.values():
        assert wait_event(phone, "room_message")["text"] == "Five minutes left"
