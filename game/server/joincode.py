"""Join codes people read aloud and type on a phone, and the QR code that carries the link."""

from __future__ import annotations

import io
import re
import secrets

import segno

# No look-alikes: no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B, and no U/V pair.
ALPHABET = "ACDEFHJKMNPQRTWXY3479"
LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """What a person typed, as a code: case, spaces and dashes do not matter."""
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()


def display(code: str) -> str:
    """Split in two halves, the way people read codes out: KMP-3QX."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def qr_svg(url: str, title: str) -> str:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False,
                                    svgns=True, title=title, dark="#111", light="#fff")
    return out.getvalue().decode("utf-8")
