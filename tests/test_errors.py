"""Every refusal's code is in the registry (game/errors.py), and the registry is the table in
docs/protocol.md: a code raised anywhere but missing from either fails here."""

from __future__ import annotations

import ast
import re

from game.errors import CODES
from game.server.config import ROOT

REFUSALS = {"BadRequest", "IllegalAction", "GameError"}


def literals(expr: ast.expr) -> list[str]:
    """The codes a code expression can be: "a", or "a" if ... else "b"."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        return literals(expr.body) + literals(expr.orelse)
    return []


def raised_codes() -> dict[str, str]:
    """{code: where} for every code the server's source can refuse with."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "game").rglob("*.py")):
        text = path.read_text()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and node.args and (
                    getattr(node.func, "id", None) in REFUSALS
                    or getattr(node.func, "attr", None) in REFUSALS):
                for code in literals(node.args[0]):
                    found.setdefault(code, f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Dict):  # {"code": "...", "message": ...} answers
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "code" \
                            and isinstance(value, ast.Constant):
                        found.setdefault(value.value, f"{path.name}:{node.lineno}")
        for m in re.finditer(r'"code":"([a-z_]+)"', text):  # answers written as bytes
            found.setdefault(m.group(1), path.name)
    return found


def test_every_raised_code_is_registered():
    raised = raised_codes()
    assert len(raised) > 40  # the scan found the refusals
    missing = {code: where for code, where in raised.items() if code not in CODES}
    assert not missing, f"add these to game/errors.py CODES: {missing}"


def test_every_registered_code_is_used():
    unused = set(CODES) - set(raised_codes())
    assert not unused, f"codes nothing raises: {sorted(unused)}"


def test_the_protocol_documents_every_code():
    doc = (ROOT / "docs" / "protocol.md").read_text()
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", doc, re.M))
    assert rows == {code: str(c.status) for code, c in CODES.items()}
