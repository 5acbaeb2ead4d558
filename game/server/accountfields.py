"""What a facilitator may type into the account forms, checked field by field so that each
mistake is shown next to its own field. Every message says what to change."""

from __future__ import annotations

import re
import unicodedata

from game.errors import GameError

USER_NAME_MIN, USER_NAME_MAX = 3, 32
DISPLAY_NAME_MAX = 60
EMAIL_MAX = 254  # the longest address SMTP can carry
# At least 12: NIST SP 800-63B asks for 8 at the least and 15 for a password that is the only
# factor; a short passphrase of three words passes 12. The most is far above any passphrase
# (and above the 64 a password manager may make) and keeps the hashing of a request bounded.
PASSWORD_MIN, PASSWORD_MAX = 12, 256
FIELD_MAX = 1024  # anything longer is refused before it is looked at

USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

Errors = dict[str, GameError]


def _text(form: dict[str, str], key: str) -> str:
    return form.get(key, "")


def user_name(value: str, errors: Errors) -> str:
    value = value.strip()
    if not value:
        errors["user_name"] = GameError("bad_account", "choose a user name to sign in with")
    elif len(value) > USER_NAME_MAX:
        errors["user_name"] = GameError("bad_account", f"that user name is {len(value)} "
                                        f"characters; use at most {USER_NAME_MAX}")
    elif len(value) < USER_NAME_MIN:
        errors["user_name"] = GameError("bad_account", f"use at least {USER_NAME_MIN} "
                                        "characters for the user name")
    elif not USER_NAME.fullmatch(value):
        errors["user_name"] = GameError("bad_account", "use only letters a to z, digits, dots, "
                                        "dashes and underscores, starting with a letter or "
                                        "digit")
    return value


def display_name(value: str, errors: Errors) -> str:
    # NFKC and no control characters, as player names (game.server.limits.clean_name), but
    # longer and in any mix of scripts: it is shown, never used to sign in.
    text = unicodedata.normalize("NFKC", value)
    text = " ".join("".join(ch for ch in text if unicodedata.category(ch)[0] != "C").split())
    if not text:
        errors["display_name"] = GameError("bad_account", "type the name players and other "
                                           "facilitators will see")
    elif len(text) > DISPLAY_NAME_MAX:
        errors["display_name"] = GameError("bad_account", f"that name is {len(text)} "
                                           f"characters; use at most {DISPLAY_NAME_MAX}")
    return text


def email(value: str, errors: Errors) -> str | None:
    value = value.strip()
    if not value:
        return None
    if len(value) > EMAIL_MAX:
        errors["email"] = GameError("bad_account", f"that address is {len(value)} characters; "
                                    f"an e-mail address has at most {EMAIL_MAX}")
    elif not EMAIL.fullmatch(value):
        errors["email"] = GameError("bad_account", "that does not look like an e-mail address "
                                    "(name@example.org); or leave it empty")
    return value


def new_password(value: str, name: str, errors: Errors) -> str:
    # Never stripped or changed: the password is exactly what was typed.
    if len(value) < PASSWORD_MIN:
        errors["password"] = GameError("bad_account", f"that is {len(value)} characters; use "
                                       f"at least {PASSWORD_MIN}")
    elif len(value) > PASSWORD_MAX:
        errors["password"] = GameError("bad_account", f"that password is {len(value)} "
                                       f"characters; use at most {PASSWORD_MAX}")
    elif name and value.casefold() == name.casefold():
        errors["password"] = GameError("bad_account", "the password must not be your user "
                                       "name")
    return value


def signup(form: dict[str, str]) -> tuple[dict[str, str | None], Errors]:
    """The sign-up form's values, cleaned, and an error per field that is wrong."""
    errors: Errors = {}
    for key in ("user_name", "display_name", "email", "password"):
        if len(_text(form, key)) > FIELD_MAX:
            errors[key] = GameError("bad_account", f"that is {len(_text(form, key))} "
                                    "characters, far more than this field takes")
    values: dict[str, str | None] = {}
    if "user_name" not in errors:
        values["user_name"] = user_name(_text(form, "user_name"), errors)
    if "display_name" not in errors:
        values["display_name"] = display_name(_text(form, "display_name"), errors)
    if "email" not in errors:
        values["email"] = email(_text(form, "email"), errors)
    if "password" not in errors:
        values["password"] = new_password(_text(form, "password"),
                                          values.get("user_name") or "", errors)
    return values, errors
