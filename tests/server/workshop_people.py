"""Facilitators and room members of a workshop, as the server tests use them: a signed-in
browser (cookie jar, CSRF token from the workshops page) and phones joining with the code."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import requests
from realserver import DECK, NO_TIMERS, SCENARIO, Client, ServerProcess

PASSWORD = "purple tulip orbit 42"


def unique(prefix: str) -> str:
    return f"{prefix}{os.urandom(3).hex()}"


class Host:
    """A facilitator's browser: signed up and in, sending JSON with the CSRF header."""

    def __init__(self, server: ServerProcess, user_name: str | None = None):
        self.url = server.url
        self.http = requests.Session()
        self.user_name = user_name or unique("fac")
        page = self.http.get(self.url + "/signup", timeout=10)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        signed = self.http.post(self.url + "/signup", data={
            "user_name": self.user_name, "display_name": self.user_name.title(),
            "email": "", "password": PASSWORD, "csrf_token": token},
            allow_redirects=False, timeout=30)
        assert signed.status_code == 303, signed.text[:300]
        self.csrf = self.token()

    def token(self) -> str:
        page = self.http.get(self.url + "/workshops", timeout=10)
        assert page.status_code == 200, page.text[:300]
        return re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)[1]

    def post(self, path: str, body: object, *, csrf: bool = True) -> requests.Response:
        headers = {"X-CSRFToken": self.csrf} if csrf else {}
        return self.http.post(self.url + path, json=body, headers=headers, timeout=30)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.url + path, allow_redirects=False, timeout=30)

    def create(self, tables: int = 2, seats: int = 3, **extra: object) -> dict:
        body = {"name": "Data day", "date": "2026-11-27", "deck": DECK, "scenario": SCENARIO,
                "tables": tables, "seats": seats, "options": NO_TIMERS, **extra}
        res = self.post("/api/workshops", body)
        assert res.status_code == 201, res.text
        return {**res.json(), **self.get(f"/api/workshops/{res.json()['workshop']}").json()}


def device() -> str:
    return os.urandom(18).hex()


def join(server: ServerProcess, code: str, name: str, dev: str | None = None,
         **extra: object) -> requests.Response:
    return requests.post(server.url + "/api/w/join", json={
        "code": code, "name": name, "device": dev or device(), **extra}, timeout=30)


def wait_event(client: Client, event: str, test: Callable[[dict], bool] = lambda m: True,
               timeout: float = 10.0) -> dict:
    """The first `event` the client received (or receives) that passes `test`."""
    def found() -> dict | None:
        return next((args[0] for name, args in client.others  # type: ignore[misc]
                     if name == event and args and test(args[0])), None)  # type: ignore[index]

    with client.cond:
        client.cond.wait_for(lambda: found() is not None, timeout=timeout)
        message = found()
    assert message is not None, f"no {event} came: {client.others[-5:]}"
    return message


def cookie_header(host: Host) -> dict[str, str]:
    """The facilitator's session cookie, for a Socket.IO handshake (as a browser sends it)."""
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in host.http.cookies)}


def seat_everyone(server: ServerProcess, workshop: dict, names: list[str],
                  make: Callable[..., Client]) -> dict[str, Client]:
    """Join each name with its own phone and say hello at the table it was given."""
    phones = {}
    for name in names:
        seat = join(server, workshop["code"], name).json()
        phone = make(server.url, label=name)
        phone.hello(seat["table"], token=seat["token"])
        phones[name] = phone
    return phones
