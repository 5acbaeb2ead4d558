"""Print and play: every shipped deck, and decks written to strain the layout, printed to PDF
and read back with Poppler (pdftoppm for the pictures, pdftotext for the words, pdffonts for
the fonts), the way a person would look at what comes out of the printer.

Without Poppler these tests skip, except in CI (CI=true), where a missing tool is a failure.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from fixtures.gamekit import CARDS, FIXTURES, deck_at
from PIL import Image, ImageChops, ImageDraw

from game import cli
from game.paper import render
from game.paper.cards import PAD
from game.paper.sheet import paper

TOOLS = ("pdftoppm", "pdftotext", "pdffonts")
DPI = 60
SHIPPED = sorted(p for p in CARDS.iterdir() if p.is_dir())
STRAINED = [FIXTURES / "long-texts", FIXTURES / "markup", FIXTURES / "tiny",
            FIXTURES / "minimal.yaml"]  # at the limits, odd characters, small decks


@pytest.fixture(scope="session", autouse=True)
def poppler() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} missing: CI must install poppler-utils")
        pytest.skip(f"{', '.join(missing)} missing: apt-get install poppler-utils")


@cache
def printed(folder: Path, paper_name: str = "a4"):
    """The deck's layout and the PDF written to a scratch folder (once per test run)."""
    job = render(deck_at(folder), paper_name)
    out = Path(os.environ.get("PYTEST_PAPER_DIR", "/tmp")) / f"test-paper-{os.getpid()}"
    out.mkdir(exist_ok=True)
    pdf = out / f"{folder.name}-{paper_name}.pdf"
    pdf.write_bytes(bytes(job.pdf.output()))
    return job, pdf


def pages(pdf: Path, tmp: Path) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(tmp / "p")],
                   check=True, timeout=120)
    return [Image.open(p).convert("L") for p in sorted(tmp.glob("p-*.png"))]


def ink(image: Image.Image, box: tuple[float, float, float, float], page_w: float) -> int:
    """Pixels darker than paper inside `box` (x1, y1, x2, y2 in mm)."""
    scale = image.width / page_w
    x1, y1, x2, y2 = (round(v * scale) for v in box)
    if x2 <= x1 or y2 <= y1:
        return 0
    crop = image.crop((x1, y1, x2, y2))
    return sum(n for value, n in enumerate(crop.histogram()) if value < 200)


def words(pdf: Path, first: int | None = None) -> list[tuple[float, float, str]]:
    """Every word on the pages (or on page `first`) with its centre, in mm."""
    args = ["pdftotext", "-bbox"]
    if first:
        args += ["-f", str(first), "-l", str(first)]
    out = subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True,
                         text=True, timeout=60).stdout
    found = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                         r'yMax="([\d.]+)">(.*?)</word>', out):
        x1, y1, x2, y2 = (float(v) * 25.4 / 72 for v in m.groups()[:4])
        found.append(((x1 + x2) / 2, (y1 + y2) / 2, html.unescape(m.group(5))))
    return found


def squash(text: str) -> str:
    """Text without any white space, so a name wrapped over lines still matches."""
    return re.sub(r"\s+", "", text)


def cards_words(job, pdf: Path) -> list[list[tuple[float, float, str]]]:
    """The words inside each card box on the front sheets, card by card."""
    out = []
    for page, side in job.card_pages:
        if side != "front":
            continue
        on_page = words(pdf, page)
        for slot in range(9):
            b = job.paper.card_box(slot)
            inside = [w for w in on_page if b.x < w[0] < b.x + b.w and b.y < w[1] < b.y + b.h]
            if inside:  # in reading order: line by line, each from the left
                out.append(sorted(inside, key=lambda w: (round(w[1], 1), w[0])))
    return out


def text_of(card: list[tuple[float, float, str]]) -> str:
    return squash(" ".join(w for _, _, w in card))


def beside(card: list[tuple[float, float, str]], number: int) -> list[str]:
    """What is written to the right of each ring holding `number` on a card, down to the
    next ring in that column: the group's name printed beside its cost."""
    out = []
    for x, y, w in card:
        if w != str(number):
            continue
        rings = sorted(b for a, b, t in card if t.isdigit() and abs(a - x) < 1)
        below = [r for r in rings if r > y + 1]
        end = below[0] - 2 if below else float("inf")
        near = sorted((b, a, t) for a, b, t in card if a > x + 1 and y - 2 <= b < end)
        out.append(squash(" ".join(t for _, _, t in near)))
    return out


# ---- the pictures --------------------------------------------------------------------------


@pytest.mark.parametrize("folder", [*SHIPPED, *STRAINED], ids=lambda p: p.name)
def test_every_page_has_ink_and_no_card_spills_out_of_its_box(folder, tmp_path):
    job, pdf = printed(folder)
    images = pages(pdf, tmp_path)
    assert len(images) == job.pdf.page
    for number, image in enumerate(images, 1):
        assert ink(image, (0, 0, job.paper.w, job.paper.h), job.paper.w) > 200, \
            f"page {number} is blank"
    for number, side in job.card_pages:
        _check_sheet(images[number - 1], job.paper, side == "back", f"page {number}")


def _check_sheet(image: Image.Image, p, back: bool, where: str) -> None:
    """Ink outside the cards only on the cut marks; on a front, none in the padding along
    each card's right and bottom edges, where words that do not fit would run."""
    scale = image.width / p.w
    edge = 0.9  # mm either side of a drawn line, for anti-aliasing

    def px(box):
        return [round(v * scale) for v in box]

    forbidden = Image.new("L", image.size, 255)
    draw = ImageDraw.Draw(forbidden)
    for slot in range(9):
        b = p.card_box(slot)
        draw.rectangle(px((b.x - edge, b.y - edge, b.x + b.w + edge, b.y + b.h + edge)), fill=0)
    for x1, y1, x2, y2 in p.cut_marks():
        draw.rectangle(px((min(x1, x2) - edge, min(y1, y2) - edge, max(x1, x2) + edge,
                           max(y1, y2) + edge)), fill=0)
    if not back:
        for slot in range(9):
            b = p.card_box(slot)
            draw.rectangle(px((b.x + b.w - PAD + 0.5, b.y + 14, b.x + b.w - edge,
                               b.y + b.h - 4)), fill=255)  # right padding, below the band
            draw.rectangle(px((b.x + 4, b.y + b.h - PAD + 0.5, b.x + b.w - 4,
                               b.y + b.h - edge)), fill=255)  # bottom padding
    dark = image.point(lambda v: 255 if v < 200 else 0)
    spill = ImageChops.multiply(dark, forbidden).getbbox()
    if spill:
        x, y = spill[0] / scale, spill[1] / scale
        where_on = next((f"card {s + 1}" for s in range(9) if _inside(p.card_box(s), x, y)),
                        "outside the cards")
        raise AssertionError(f"{where}: ink where none belongs, {where_on}, at "
                             f"{x:.0f} mm across and {y:.0f} mm down")


def _inside(b, x: float, y: float) -> bool:
    return b.x <= x <= b.x + b.w and b.y <= y <= b.y + b.h


def test_the_check_sees_a_card_that_spills(tmp_path):
    """The picture check itself: a sheet with words pushed past a card's edge fails it."""
    from game.paper.sheet import FONT, new_pdf

    p = paper("a4")
    pdf = new_pdf(p)
    pdf.add_page()
    b = p.card_box(4)
    pdf.set_font(FONT, "", 9)
    pdf.text(b.x + b.w - 6, b.y + 40, "overflowing words")
    path = tmp_path / "spill.pdf"
    path.write_bytes(bytes(pdf.output()))
    image = pages(path, tmp_path)[0]
    with pytest.raises(AssertionError, match="ink where none belongs, card 5"):
        _check_sheet(image, p, False, "page 1")


@pytest.mark.parametrize("folder", SHIPPED[:1], ids=lambda p: p.name)
def test_us_letter_keeps_the_cards_inside_the_page(folder, tmp_path):
    job, pdf = printed(folder, "letter")
    images = pages(pdf, tmp_path)
    assert images[0].width < images[0].height
    assert abs(images[0].width / images[0].height - 215.9 / 279.4) < 0.01
    for number, side in job.card_pages[:4]:
        _check_sheet(images[number - 1], job.paper, side == "back", f"page {number}")


def test_backs_line_up_with_their_fronts_when_flipped_on_the_long_edge():
    p = paper("a4")
    for slot in range(9):
        front, back = p.card_box(slot), p.card_box(slot, back=True)
        assert back.y == front.y
        assert abs((back.x + back.w / 2) - (p.w - (front.x + front.w / 2))) < 1e-9


# ---- the words -----------------------------------------------------------------------------


@pytest.mark.parametrize("folder", [*SHIPPED, *STRAINED], ids=lambda p: p.name)
def test_every_card_shows_its_name_and_costs(folder):
    deck = deck_at(folder)
    job, pdf = printed(folder)
    printed_cards = cards_words(job, pdf)
    cards = [text_of(c) for c in printed_cards]
    for card in deck.interventions.values():
        mine = [c for c in printed_cards
                if text_of(c).startswith("INTERVENTION" + squash(card.name))]
        assert len(mine) >= card.copies, f"{card.name!r} printed {len(mine)} times"
        for words_on_card in mine:
            for group, cost in card.reach.items():
                name = squash(deck.groups[group].name)
                assert any(name in line for line in beside(words_on_card, cost)), \
                    f"{card.name!r}: no cost {cost} beside {deck.groups[group].name!r}"
    for event in deck.events.values():
        assert any(squash(event.name) in t for t in cards if "SEVERITY" in t), event.name
    for role in deck.roles.values():
        assert sum(squash(role.name) in t for t in cards) == 1 + (role.objective is not None)


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda p: p.name)
def test_the_contents_page_counts_what_to_cut(folder):
    deck = deck_at(folder)
    job, pdf = printed(folder)
    first = " ".join(w for _, _, w in words(pdf, 1))
    copies = sum(c.copies for c in deck.interventions.values())
    assert f"cut out {copies} cards" in first
    assert f"cut out {len(deck.events)} cards" in first
    for s in job.sections:
        assert s.title in first
    # The stage sheets and the rules are there, in words drawn from the deck.
    everything = squash(" ".join(w for _, _, w in words(pdf)))
    for stage in deck.stages.values():
        assert squash(stage.name) in everything
    for track in deck.tracks.values():
        assert squash(f"{track.name}: from {track.min} to {track.max}") in everything


def test_rules_are_printed_in_the_words_the_engine_plays_them():
    _, pdf = printed(CARDS / "good-governance-classic")
    text = " ".join(w for _, _, w in words(pdf))
    assert ("Each intervention adopted this round, if it reaches Technologists: +3 Points."
            in text)
    assert ("Each intervention adopted this round: +1 Points per Participatory or Powerful "
            "star (whichever is higher)." in text)
    assert "The table wins together if, at the end, Points is at least 20." in text


def test_markup_and_control_characters_print_as_typed():
    _, pdf = printed(FIXTURES / "markup")
    text = " ".join(w for _, _, w in words(pdf))
    for typed in ("<b>Markup</b>", "<script>alert('x')</script>", "**not", "{{",
                  "<img", "onerror=alert(1)>", '<a href="javascript:alert(1)">click</a>',
                  "</div><div>Rali", "<em>now</em>.", "%PDF-1.4", "endobj", "&amp;"):
        assert typed in text, typed
    # Control characters, and ones no font draws, are written out, never dropped.
    for code in ("[U+0007]", "[U+0001][U+0002]", "[U+001B]", "[U+007F]", "[U+200B]",
                 "[U+200F]"):
        assert code in text, code
    assert "Tab here" in text  # a tab is a space
    for welsh in ("ŵ", "ŷ", "é", "Gŵyr", "Ŷ", "Ŵ", "naïve", "café"):
        assert welsh in text, welsh


def test_fonts_are_embedded(tmp_path):
    _, pdf = printed(FIXTURES / "markup")
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True,
                         timeout=60).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    for line in out:
        assert re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$", line), line  # emb, sub


def test_a_shortened_card_is_printed_whole_at_the_end():
    deck = deck_at(FIXTURES / "long-texts")
    job, pdf = printed(FIXTURES / "long-texts")
    assert {f.name for f in job.shortened} >= {"Pneumonoultramicroscopicsilicovolcanoconiosis"
                                               "andotherwordsthatneverend"}
    text = squash(" ".join(w for _, _, w in words(pdf)))
    for card in deck.interventions.values():
        assert squash(card.description) in text, card.name  # whole, somewhere
    event = deck.events["everything-at-once"]
    assert squash(event.text) in text
    assert squash("Nothing lasting was agreed, and everyone noticed.") in text


# ---- the command line ----------------------------------------------------------------------


def test_the_command_writes_a_pdf(tmp_path, capsys):
    out = tmp_path / "deck.pdf"
    assert cli.main(["print", str(FIXTURES / "markup"), "-o", str(out), "--paper", "letter",
                     "--no-backs"]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert "US Letter" in capsys.readouterr().out
    info = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(out), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    assert "Letter" in info and "without card backs" in info


def test_the_command_refuses_a_broken_deck_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "deck.pdf"
    assert cli.main(["print", str(FIXTURES / "broken" / "unknown-key.yaml"), "-o",
                     str(out)]) == 1
    err = capsys.readouterr().err
    assert "unknown key 'efects'" in err and "fix the problems above first" in err
    assert not out.exists()



@pytest.mark.parametrize(("folder", "columns", "absent"), [
    (CARDS / "good-governance", ["Collective", "Powerful", "Budget", "Trust", "Delivery"], []),
    # The first paper game scores only points: no criterion can move, so none has a column.
    (CARDS / "good-governance-classic", ["Budget", "Points"],
     ["Deliberative", "Scalable", "Weighted total", "Objectives"]),
], ids=["good-governance", "classic"])
def test_the_score_sheet_has_a_column_for_what_can_score(folder, columns, absent):
    job, pdf = printed(folder)
    page = next(s.first for s in job.sections if s.title == "Score sheet")
    text = " ".join(w for _, _, w in words(pdf, page))
    assert text.startswith("Score sheet")
    for word in columns:
        assert word in text, word
    for word in absent:
        assert word.split()[0] not in text, word
