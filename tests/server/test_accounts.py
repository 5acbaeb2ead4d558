"""Facilitator accounts through a real server, as a browser uses them: forms with CSRF
tokens, a cookie kept by requests.Session, redirects. Sign up, sign in, wrong and limited
sign-ins, sign out here and everywhere, the cookie's flags, and bad input."""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from realserver import ServerProcess

PASSWORD = "purple tulip orbit 42"


class Visitor:
    """One browser: its own cookie jar, filling in and sending the account forms."""

    def __init__(self, server: ServerProcess):
        self.url = server.url
        self.http = requests.Session()

    def token(self, path: str = "/signin") -> str:
        page = self.http.get(self.url + path, timeout=10)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found, f"no CSRF token on {path}: {page.status_code} {page.text[:300]}"
        return found.group(1)

    def post(self, path: str, data: dict, *, token: str | None = "fetch",
             form: str | None = None) -> requests.Response:
        if token == "fetch":
            token = self.token(form or path)
        body = {**data, **({"csrf_token": token} if token is not None else {})}
        return self.http.post(self.url + path, data=body, allow_redirects=False, timeout=30)

    def sign_up(self, user_name: str, display_name: str = "Ana", password: str = PASSWORD,
                email: str = "", **extra: str) -> requests.Response:
        return self.post("/signup", {"user_name": user_name, "display_name": display_name,
                                     "email": email, "password": password, **extra})

    def sign_in(self, login: str, password: str = PASSWORD, **extra: str) -> requests.Response:
        return self.post("/signin", {"login": login, "password": password, **extra})

    def signed_in_as(self) -> str | None:
        """The user name on /account, or None when it sends this browser to sign in."""
        page = self.http.get(self.url + "/account", allow_redirects=False, timeout=10)
        if page.status_code == 303:
            assert page.headers["Location"] == "/signin?next=%2Faccount", page.headers
            return None
        assert page.status_code == 200, page.text[:300]
        return html.unescape(re.search(r'id="account-user-name">([^<]*)<', page.text)[1])


def field_error(page: requests.Response, field: str) -> str:
    """The error shown under a field, which must also be marked invalid."""
    text = page.text
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', text)
    assert found, f"no error paragraph for {field}"
    control = re.search(rf'<input id="{field}"[^>]*>', text, re.S)
    assert control and 'aria-invalid="true"' in control[0], f"{field} not marked invalid"
    assert f"{field}-error" in control[0]  # aria-describedby ties the message to the field
    return html.unescape(found[1])


def unique(prefix: str) -> str:
    return f"{prefix}{os.urandom(3).hex()}"


SIGNIN_WINDOW_S = 20
# The lock test's own window: room for three Argon2 checks on a loaded machine (about 1 s
# each at worst on two workers), short because the test then waits the lock out.
LOCK_WINDOW_S = 10


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Three wrong sign-ins per name in a SIGNIN_WINDOW_S window (room for a busy machine to
    make four Argon2 checks inside it); no cap per address or on sign-ups
    (every test comes from 127.0.0.1; those caps have a server of their own below)."""
    s = ServerProcess(tmp_path_factory.mktemp("accounts"), name="accounts", env={
        "SIGNIN_WINDOW": str(SIGNIN_WINDOW_S), "SIGNIN_FAILURES_PER_NAME": "3",
        "SIGNIN_FAILURES_PER_ADDRESS": "0", "SIGNUPS_PER_HOUR": "0"})
    s.start()
    yield s
    s.stop()
    assert not s.errors(), s.log_tail(80)


@pytest.fixture
def visitor(accounts_server: ServerProcess) -> Visitor:
    return Visitor(accounts_server)


def test_sign_up_signs_in_and_the_account_page_shows_the_name_as_text(visitor):
    name = unique("ana")
    made = visitor.sign_up(name, display_name="<b>Ana</b> <script>alert(1)</script>",
                           email=f"{name}@example.org")
    assert made.status_code == 303 and made.headers["Location"] == "/account", made.text[:300]
    assert visitor.signed_in_as() == name
    page = visitor.http.get(visitor.url + "/account", timeout=10)
    assert "&lt;b&gt;Ana&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<b>Ana</b>" not in page.text and "<script>alert" not in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_the_session_cookie_is_http_only_same_site_lax_and_not_secure_over_http(visitor):
    made = visitor.sign_up(unique("cookie"))
    cookie = made.headers["Set-Cookie"]
    assert cookie.startswith("session="), cookie
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite", "expires", "path"} <= flags, cookie
    assert "SameSite=Lax" in cookie
    assert "secure" not in flags  # this server is plain http: a Secure cookie would be lost


def test_sign_in_with_user_name_or_email_in_any_case(accounts_server):
    name = unique("Bo.")
    Visitor(accounts_server).sign_up(name, email=f"{name}@Example.org")
    for login in (name, name.upper(), f"{name.lower()}@example.org"):
        v = Visitor(accounts_server)
        done = v.sign_in(login)
        assert done.status_code == 303 and done.headers["Location"] == "/account", login
        assert v.signed_in_as() == name


def test_a_wrong_password_or_unknown_name_is_refused_next_to_the_password(accounts_server,
                                                                         visitor):
    name = unique("cy")
    Visitor(accounts_server).sign_up(name)
    for login, password in ((name, "not the password at all"), (unique("nobody"), PASSWORD)):
        page = visitor.sign_in(login, password)
        assert page.status_code == 400
        assert "do not match an account" in field_error(page, "password")
        assert f'value="{login}"' in page.text  # the name stays typed
        assert password not in page.text  # the password is never sent back
        assert visitor.signed_in_as() is None


def test_a_taken_user_name_or_email_is_refused_next_to_its_field(accounts_server):
    name = unique("dee")
    Visitor(accounts_server).sign_up(name, email=f"{name}@example.org")
    again = Visitor(accounts_server)
    page = again.sign_up(name.upper(), display_name="Another")
    assert page.status_code == 409
    assert "another facilitator has that user name" in field_error(page, "user_name").lower()
    assert 'value="Another"' in page.text  # what was typed stays
    page = again.sign_up(unique("dee"), email=f"{name.upper()}@EXAMPLE.ORG")
    assert page.status_code == 409
    assert "already uses that e-mail" in field_error(page, "email")
    assert again.signed_in_as() is None


@pytest.mark.parametrize(("field", "value", "says"), [
    ("user_name", "ab", "at least 3"),
    ("user_name", "ana lopez", "only letters a to z"),
    ("user_name", "ana@home", "only letters a to z"),
    ("user_name", "x" * 33, "at most 32"),
    ("user_name", "x" * 5000, "far more than this field takes"),
    ("display_name", " \t ", "type the name"),
    ("display_name", "x" * 61, "at most 60"),
    ("email", "not-an-address", "does not look like an e-mail"),
    ("password", "short pass", "at least 12"),
    ("password", "p" * 257, "at most 256"),
])
def test_bad_sign_up_fields_are_refused_next_to_the_field(visitor, field, value, says):
    data = {"user_name": unique("eve"), "display_name": "Eve", "email": "",
            "password": PASSWORD, field: value}
    page = visitor.post("/signup", data)
    assert page.status_code == 400, page.text[:300]
    assert says.lower() in field_error(page, field).lower()
    assert "needs a change" in page.text  # the summary at the top, announced
    assert visitor.signed_in_as() is None


def test_a_64_character_password_and_one_of_the_user_names_letters_are_fine(accounts_server,
                                                                           visitor):
    name = unique("fay")
    long_password = "correct horse battery staple " * 2 + "abcdef"  # 64 characters
    assert len(long_password) == 64
    assert visitor.sign_up(name, password=long_password).status_code == 303
    v = Visitor(accounts_server)
    assert v.sign_in(name, long_password).status_code == 303
    page = Visitor(accounts_server).sign_up(unique("gus"), password="gusgusgusgus1")
    assert page.status_code == 303


def test_the_password_may_not_be_the_user_name(visitor):
    name = unique("hal") + "xyz"
    page = visitor.sign_up(name, password=name.upper())
    assert "must not be your user name" in field_error(page, "password")


def test_a_body_over_64_kb_is_refused_whole(visitor):
    page = visitor.post("/signup", {"user_name": "x" * 70_000, "display_name": "X",
                                    "password": PASSWORD})
    assert page.status_code == 413
    assert page.json()["error"]["code"] == "too_large"


def test_forms_without_the_right_csrf_token_change_nothing(accounts_server):
    name = unique("ivy")
    owner = Visitor(accounts_server)
    owner.sign_up(name)
    for token in (None, "", "wrong-token", Visitor(accounts_server).token()):
        stranger = Visitor(accounts_server)
        page = stranger.post("/signup", {"user_name": unique("jo"), "display_name": "Jo",
                                         "password": PASSWORD}, token=token)
        assert page.status_code == 400 and "Nothing was changed" in page.text, token
        page = stranger.post("/signin", {"login": name, "password": PASSWORD}, token=token)
        assert page.status_code == 400 and stranger.signed_in_as() is None, token
        # The signed-in owner, tricked by a page elsewhere into posting without the token:
        for path in ("/signout", "/signout-everywhere"):
            page = owner.post(path, {}, token=token)
            assert page.status_code == 400, (path, token)
            assert owner.signed_in_as() == name, (path, token)
    # A script sending JSON with the cookie gets the refusal in JSON.
    answer = owner.http.post(owner.url + "/signout", json={}, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "bad_csrf"
    assert owner.signed_in_as() == name


def test_the_token_routes_need_no_csrf_token_even_with_the_cookie(visitor):
    visitor.sign_up(unique("kim"))
    table = visitor.http.post(visitor.url + "/api/tables", json={
        "deck": "good-governance", "scenario": "council-chatbot", "seats": 4}, timeout=10)
    assert table.status_code == 201, table.text


def test_sign_out_ends_this_browsers_session_only(accounts_server):
    name = unique("lee")
    here, there = Visitor(accounts_server), Visitor(accounts_server)
    here.sign_up(name)
    there.sign_in(name)
    out = here.post("/signout", {}, form="/account")
    assert out.status_code == 303 and out.headers["Location"] == "/signin?signed_out=here"
    assert here.signed_in_as() is None
    assert there.signed_in_as() == name


def test_sign_out_everywhere_ends_every_session_and_a_new_sign_in_works(accounts_server):
    name = unique("max")
    laptop, phone, old_cookie = (Visitor(accounts_server), Visitor(accounts_server),
                                 Visitor(accounts_server))
    laptop.sign_up(name)
    phone.sign_in(name)
    old_cookie.http.cookies.update(phone.http.cookies)  # a copy, as a thief would keep
    out = laptop.post("/signout-everywhere", {}, form="/account")
    assert out.status_code == 303
    assert out.headers["Location"] == "/signin?signed_out=everywhere"
    assert laptop.signed_in_as() is None
    assert phone.signed_in_as() is None
    assert old_cookie.signed_in_as() is None
    assert phone.sign_in(name).status_code == 303
    assert phone.signed_in_as() == name
    # Signed out, the button leads to signing in (not back to a form's target, which
    # only answers POST).
    gone = old_cookie.post("/signout-everywhere", {}, form="/signin")
    assert gone.status_code == 303 and gone.headers["Location"] == "/signin"


@pytest.mark.parametrize(("asked", "lands"), [
    ("/new", "/new"),
    ("/account?tab=decks", "/account?tab=decks"),
    ("https://evil.example/", "/account"),
    ("//evil.example/", "/account"),
    ("/\\evil.example", "/account"),
    ("javascript:alert(1)", "/account"),
])
def test_after_signing_in_only_a_path_on_this_server_is_followed(accounts_server, asked,
                                                                 lands):
    name = unique("ned")
    Visitor(accounts_server).sign_up(name)
    v = Visitor(accounts_server)
    done = v.post("/signin", {"login": name, "password": PASSWORD, "next": asked},
                  form="/signin")
    assert done.status_code == 303 and done.headers["Location"] == lands


def test_a_page_for_facilitators_sends_a_visitor_to_sign_in_and_back(visitor):
    away = visitor.http.get(visitor.url + "/account", allow_redirects=False, timeout=10)
    assert away.headers["Location"] == "/signin?next=%2Faccount"
    page = visitor.http.get(visitor.url + away.headers["Location"], timeout=10)
    assert 'name="next" value="/account"' in page.text


def test_the_home_page_offers_a_discreet_sign_in_and_needs_no_cookie(visitor):
    home = visitor.http.get(visitor.url + "/", timeout=10)
    assert '<a href="/signin">Facilitator sign in</a>' in home.text
    assert "Set-Cookie" not in home.headers  # players are never given a session


def test_passwords_never_reach_the_log(accounts_server, visitor):
    visitor.sign_up(unique("quin"), password="unmistakable-pass-9271")
    visitor.sign_in("nobody-here", "another-unmistakable-7720")
    log = accounts_server.log_text()
    assert "unmistakable-pass-9271" not in log and "another-unmistakable-7720" not in log


# ---- settings of their own: a server per test ---------------------------------------------


def start(tmp: Path, name: str, **env: str) -> ServerProcess:
    s = ServerProcess(tmp, name=name, env=env)
    s.start()
    return s


def test_https_servers_send_a_secure_host_only_cookie_and_cap_addresses(tmp_path):
    server = start(tmp_path, "https", SECURE_COOKIES="on", SIGNIN_WINDOW="60",
                   SIGNIN_FAILURES_PER_NAME="0", SIGNIN_FAILURES_PER_ADDRESS="4",
                   SIGNUPS_PER_HOUR="1")
    try:
        http = requests.Session()
        page = http.get(server.url + "/signup", timeout=10)
        # The test speaks http, so requests would not send a Secure cookie back: by hand.
        cookie = page.headers["Set-Cookie"]
        assert cookie.startswith("__Host-session=") and "; Secure" in cookie, cookie
        assert "Domain=" not in cookie and "Path=/" in cookie
        jar = {"Cookie": cookie.split(";")[0]}
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]

        def post(path: str, data: dict) -> requests.Response:
            return http.post(server.url + path, data={**data, "csrf_token": token},
                             headers=jar, allow_redirects=False, timeout=30)

        assert post("/signup", {"user_name": "rae", "display_name": "Rae",
                                "password": PASSWORD}).status_code == 303
        second = post("/signup", {"user_name": "sam", "display_name": "Sam",
                                  "password": PASSWORD})
        assert second.status_code == 429 and "accounts were made from this network" in \
            second.text
        # Four wrong sign-ins from one address, each for another name: then every name is
        # refused from here, the right password too.
        for i in range(4):
            assert post("/signin", {"login": f"guess{i}", "password": "wrong password"}
                        ).status_code == 400
        locked = post("/signin", {"login": "rae", "password": PASSWORD})
        assert locked.status_code == 429 and "from this network" in locked.text
    finally:
        server.stop()
    assert not server.errors(), server.log_tail(60)


def test_too_many_wrong_passwords_lock_the_name_until_the_wait_it_gives(tmp_path):
    """On a server of its own with a shorter window: the test waits the lock out, and the
    module's window stays long enough for its tests that make many Argon2 checks."""
    accounts_server = start(tmp_path, "locking", SIGNIN_WINDOW=str(LOCK_WINDOW_S),
                            SIGNIN_FAILURES_PER_NAME="3", SIGNIN_FAILURES_PER_ADDRESS="0")
    try:
        _locks_until_the_wait_it_gives(accounts_server)
    finally:
        accounts_server.stop()
    assert not accounts_server.errors(), accounts_server.log_tail(60)


def _locks_until_the_wait_it_gives(accounts_server: ServerProcess) -> None:
    name = unique("oz")
    Visitor(accounts_server).sign_up(name)
    guesser = Visitor(accounts_server)
    for _ in range(3):
        assert guesser.sign_in(name, "a wrong password").status_code == 400
    locked = guesser.sign_in(name.upper(), "a wrong password")  # any case: the same name
    assert locked.status_code == 429, locked.text[:300]
    said = html.unescape(re.search(r'id="form-problem">([^<]*)<', locked.text)[1])
    wait = int(re.search(r"wait (\d+) seconds", said)[1])
    assert "Too many wrong passwords" in said and 1 <= wait <= LOCK_WINDOW_S + 1, said
    # While locked, even the right password is not checked.
    owner = Visitor(accounts_server)
    assert owner.sign_in(name).status_code == 429
    assert owner.signed_in_as() is None
    # Another account from the same address is not locked (no cap per address here).
    other = unique("pam")
    assert Visitor(accounts_server).sign_up(other).status_code == 303
    assert Visitor(accounts_server).sign_in(other).status_code == 303
    time.sleep(wait)
    assert owner.sign_in(name).status_code == 303
    assert owner.signed_in_as() == name


def test_the_kept_secret_key_keeps_facilitators_signed_in_across_a_restart(tmp_path):
    instance = tmp_path / "instance"
    server = start(tmp_path, "kept", SECRET_KEY="", INSTANCE_DIR=str(instance))
    try:
        visitor = Visitor(server)
        visitor.sign_up("tess")
        key = instance / "secret_key"
        assert key.stat().st_mode & 0o777 == 0o600
        made = key.read_text()
        server.stop()
        server.start()
        assert visitor.signed_in_as() == "tess"
        assert key.read_text() == made
        server.stop()
        # SECRET_KEY from the environment wins: the kept key's cookies no longer pass.
        server.extra_env["SECRET_KEY"] = "another key from the environment"
        server.start()
        assert visitor.signed_in_as() is None
    finally:
        server.stop()
    assert not server.errors(), server.log_tail(60)


def test_changing_the_password_needs_the_current_one_and_signs_out_everywhere_else(
        accounts_server):
    name, new = unique("ruth"), "a brand new passphrase 77"
    laptop, phone = Visitor(accounts_server), Visitor(accounts_server)
    laptop.sign_up(name)
    phone.sign_in(name)

    def change(who: Visitor, current: str, password: str, again: str) -> requests.Response:
        return who.post("/account/password", {"current_password": current,
                                               "password": password, "password_again": again},
                        form="/account")

    # Each mistake next to its field, and nothing changed.
    wrong = change(laptop, "not my password at all", new, new)
    assert wrong.status_code == 400
    assert "not your current password" in field_error(wrong, "current_password")
    short = change(laptop, PASSWORD, "short", "short")
    assert short.status_code == 400 and "at least 12" in field_error(short, "password")
    same = change(laptop, PASSWORD, PASSWORD, PASSWORD)
    assert "current password" in field_error(same, "password")
    typo = change(laptop, PASSWORD, new, new + "x")
    assert "differ" in field_error(typo, "password_again")
    assert PASSWORD not in typo.text and new not in typo.text  # never sent back
    assert phone.signed_in_as() == name  # nothing changed so far

    done = change(laptop, PASSWORD, new, new)
    assert done.status_code == 303 and done.headers["Location"] == "/account?password=changed"
    page = laptop.http.get(accounts_server.url + "/account?password=changed", timeout=10)
    assert 'id="password-changed"' in page.text
    assert laptop.signed_in_as() == name  # this browser stays signed in ...
    assert phone.signed_in_as() is None  # ... every other one is signed out
    assert Visitor(accounts_server).sign_in(name).status_code == 400  # the old one is gone
    # The change cleared the wrong guess made before it, as a good sign-in does: two wrong
    # sign-ins since then leave the account open (three lock it).
    assert Visitor(accounts_server).sign_in(name, "yet another wrong one").status_code == 400
    assert Visitor(accounts_server).sign_in(name, new).status_code == 303


def test_a_stolen_session_cannot_guess_the_password_without_limit(accounts_server):
    name = unique("sam")
    thief = Visitor(accounts_server)
    thief.sign_up(name)
    for _ in range(3):
        answer = thief.post("/account/password", {"current_password": "guess number one!",
                                                  "password": "whatever else 123456",
                                                  "password_again": "whatever else 123456"},
                            form="/account")
        assert answer.status_code == 400
    locked = thief.post("/account/password", {"current_password": PASSWORD,
                                              "password": "whatever else 123456",
                                              "password_again": "whatever else 123456"},
                        form="/account")
    assert locked.status_code == 429, locked.text[:300]
    said = html.unescape(re.search(r'id="form-problem">([^<]*)<', locked.text)[1])
    assert "Too many wrong passwords" in said
    # One count per account: the guesses through the form lock signing in too.
    assert Visitor(accounts_server).sign_in(name).status_code == 429


def test_changing_the_password_needs_a_session_and_a_csrf_token(accounts_server):
    name = unique("tia")
    owner, stranger = Visitor(accounts_server), Visitor(accounts_server)
    owner.sign_up(name)
    body = {"current_password": PASSWORD, "password": "another good phrase 9",
            "password_again": "another good phrase 9"}
    away = stranger.post("/account/password", body, form="/signin")
    assert away.status_code == 303 and away.headers["Location"].startswith("/signin")
    forged = owner.post("/account/password", body, token=None)
    assert forged.status_code == 400 and "out of date" in forged.text
    assert Visitor(accounts_server).sign_in(name).status_code == 303  # still the old one
