"""The deck pages link to a printable PDF of every deck, served by the real server."""

from __future__ import annotations

import re

import requests
from realserver import REPO


def test_the_deck_pages_link_to_a_pdf_of_every_deck(server):
    decks = requests.get(f"{server.url}/api/decks", timeout=10).json()
    assert "good-governance-classic" in {d["id"] for d in decks}
    for page in ("/new", "/practice"):
        body = requests.get(f"{server.url}{page}", timeout=10).text
        links = set(re.findall(r'href="(/api/decks/[^"]+/print\.pdf\?paper=(?:a4|letter))"',
                               body))
        assert links == {f"/api/decks/{d['id']}/print.pdf?paper={p}"
                         for d in decks for p in ("a4", "letter")}, page
        assert "Print this deck" in body


def test_the_pdf_is_served_for_each_paper(server):
    for paper in ("a4", "letter"):
        r = requests.get(f"{server.url}/api/decks/good-governance-classic/print.pdf",
                         params={"paper": paper}, timeout=60)
        assert r.status_code == 200
        assert r.headers["Content-Type"] == "application/pdf"
        assert f'filename="good-governance-classic-{paper}.pdf"' in \
            r.headers["Content-Disposition"]
        assert r.content.startswith(b"%PDF-") and len(r.content) > 20_000
    default = requests.get(f"{server.url}/api/decks/ai-at-work/print.pdf", timeout=60)
    assert default.status_code == 200 and b"/MediaBox [0 0 595.28 841.89]" in default.content


def test_a_bad_paper_or_deck_gets_a_clear_error(server):
    r = requests.get(f"{server.url}/api/decks/good-governance/print.pdf",
                     params={"paper": "a5"}, timeout=10)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "bad_paper" and "?paper=letter" in error["message"]
    r = requests.get(f"{server.url}/api/decks/no-such-deck/print.pdf", timeout=10)
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_deck"


def test_the_public_pdf_keeps_the_secret_objectives_out(server, tmp_path):
    """At a browser table every role is on show: a PDF anyone can fetch must not pair them
    with their secret objectives. The facilitator's command line prints those cards."""
    import shutil
    import subprocess
    import sys

    if shutil.which("pdftotext") is None:
        from fixtures.services import need_service

        need_service("pdftotext (poppler-utils) is not installed")
    r = requests.get(f"{server.url}/api/decks/good-governance/print.pdf", timeout=60)
    served = tmp_path / "served.pdf"
    served.write_bytes(r.content)
    printed = tmp_path / "printed.pdf"
    subprocess.run([sys.executable, "-m", "game", "print", "cards/good-governance", "-o",
                    str(printed)], check=True, cwd=REPO, capture_output=True)

    def words(pdf):
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
        return " ".join(text.split())

    secret = "End the game with delivery at 11 or more."
    assert secret in words(printed)
    assert secret not in words(served) and "Role" in words(served)
