"""Facilitators' passwords: Argon2id through argon2-cffi.

Why argon2-cffi: Argon2id won the Password Hashing Competition and is what RFC 9106 and
OWASP recommend first; argon2-cffi is its maintained Python binding (the reference C code),
whose PasswordHasher defaults to RFC 9106's low-memory profile (64 MiB, 3 passes) and can
tell when a stored hash was made with weaker parameters (`check_needs_rehash`). pwdlib
wraps the same binding; one library fewer does the same here.

A hash costs about a fifth of a second of one core and 64 MiB. Under gevent that would stop
every game in the process for as long, so hashing runs on an operating-system thread of
gevent's pool, and the greenlet that asked waits without holding anyone else up.

Passwords are never logged, stored or echoed: only `hash_password`'s result is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")
_hasher = PasswordHasher()


def _off_loop(fn: Callable[..., T], *args: object) -> T:
    """fn(*args) on a real thread when gevent has patched threading, else right here (the
    C code lets go of the GIL, so other threads run meanwhile)."""
    try:
        from gevent import get_hub, monkey
    except ImportError:
        return fn(*args)
    if not monkey.is_module_patched("threading"):
        return fn(*args)
    return get_hub().threadpool.apply(fn, args)


def hash_password(password: str) -> str:
    return _off_loop(_hasher.hash, password)


@cache
def _decoy() -> str:
    return _hasher.hash("a password nobody has, to spend the time a real check takes")


def check_password(stored: str | None, password: str) -> tuple[bool, str | None]:
    """(whether `password` matches `stored`, a new hash to keep if `stored` was made with
    older parameters). With no stored hash (no such account) a decoy is checked, so that a
    wrong name takes as long to refuse as a wrong password."""

    def check() -> tuple[bool, str | None]:
        try:
            _hasher.verify(stored or _decoy(), password)
        except (VerificationError, InvalidHashError):
            return False, None
        if stored is None:
            return False, None
        if _hasher.check_needs_rehash(stored):
            return True, _hasher.hash(password)
        return True, None

    return _off_loop(check)
