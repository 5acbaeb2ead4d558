"""Print and play: any deck as a PDF to print, cut out and play on a table with no screens.

`print_deck(deck, "a4")` returns the PDF's bytes: a contents page saying what to cut and how
many of each, the rules summary and a score sheet for the game master, the scenarios, one
sheet per stage, the track boards, then the cards nine to a page with cut marks, each sheet
followed by its backs for double-sided printing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fpdf import FPDF

from game.decks.model import Deck
from game.paper.cards import (
    INK,
    MUTED,
    Face,
    draw_back,
    draw_face,
    draw_whole,
    faces,
    fit,
)
from game.paper.pages import (
    MARGIN,
    Writer,
    rules_summary,
    scenario_sheets,
    score_sheet,
    stage_sheets,
    track_boards,
)
from game.paper.sheet import FONT, PER_SHEET, Box, Paper, clean, line_height, new_pdf, paper

__all__ = ["PILES", "Printing", "print_deck", "render"]

PILES = {  # the heading of each pile's sheets in the contents
    "intervention": "Intervention cards",
    "event": "Event cards",
    "role": "Role and secret objective cards",
}


@dataclass(slots=True)
class Section:
    title: str
    first: int
    pages: int = 0
    what: str = ""


@dataclass(slots=True)
class Printing:
    deck: Deck
    paper: Paper
    backs: bool
    pdf: FPDF
    sections: list[Section] = field(default_factory=list)
    shortened: list[Face] = field(default_factory=list)  # printed whole at the end
    card_pages: list[tuple[int, str]] = field(default_factory=list)  # (page, front or back)

    def section(self, title: str, what: str = "", *, fresh: bool = False) -> Section:
        """Start a section on the next page (on this one, if it is `fresh`: still empty)."""
        s = Section(title, self.pdf.page + (0 if fresh else 1), what=what)
        self.sections.append(s)
        return s

    def close(self, s: Section) -> None:
        s.pages = self.pdf.page - s.first + 1


def print_deck(deck: Deck, paper_name: str = "a4", *, backs: bool = True,
               objectives: bool = True) -> bytes:
    """The printable deck as PDF bytes. `backs`: follow each card sheet with its backs.
    `objectives`: include the secret objective cards (the server's public link leaves them
    out: a player at a browser table could read every role's objective there)."""
    job = render(deck, paper_name, backs=backs, objectives=objectives)
    return bytes(job.pdf.output())


def render(deck: Deck, paper_name: str = "a4", *, backs: bool = True,
           objectives: bool = True) -> Printing:
    """Lay the deck out; the PDF is `.pdf.output()`, and `.card_pages` says which pages hold
    cards (the tests check those for ink where no ink should be)."""
    p = paper(paper_name)
    pdf = new_pdf(p)
    pdf.set_title(clean(f"{deck.name}: print and play"))
    pdf.set_subject(clean(deck.description)[:500])
    pdf.set_creator("The Governance Game")
    job = Printing(deck, p, backs, pdf)
    w = Writer(pdf, p)

    pdf.add_page()
    pdf.insert_toc_placeholder(lambda pdf, _outline: _contents(job), pages=1)
    w.fresh = True  # the placeholder has turned to a new page already
    s = job.section("Rules summary", "read it out; keep it by the game master", fresh=True)
    rules_summary(w, deck)
    job.close(s)
    s = job.section("Score sheet", "one per table, for the game master")
    score_sheet(w, deck)
    job.close(s)
    s = job.section("Scenarios", "choose one")
    scenario_sheets(w, deck)
    job.close(s)
    s = job.section("Stage sheets", f"{len(deck.stages)}, one per stage: do not cut")
    stage_sheets(w, deck)
    job.close(s)
    if deck.tracks:
        s = job.section("Track boards", f"{len(deck.tracks)}: put a token on each")
        track_boards(w, deck)
        job.close(s)
    piles = faces(deck)
    secret = piles.pop("objective")
    piles["role"] = piles["role"] + (secret if objectives else [])
    for pile, title in PILES.items():
        cards = piles[pile]
        if cards:
            s = job.section(title, _cut_words(pile, cards))
            _card_sheets(job, cards)
            job.close(s)
    if job.shortened:
        s = job.section("Cards in full", "the cards that are shortened where they are cut out")
        _cards_in_full(job, w)
        job.close(s)
    return job


def _cut_words(pile: str, cards: list[Face]) -> str:
    counts: dict[str, int] = {}
    for f in cards:
        counts[f.name] = counts.get(f.name, 0) + 1
    extra = [f"{name} ×{n}" for name, n in counts.items() if n > 1]
    total = f"cut out {len(cards)} card{'s' if len(cards) != 1 else ''}"
    if pile == "role":
        roles = sum(1 for f in cards if f.pile == "role")
        total += f": {roles} roles and {len(cards) - roles} secret objectives"
    if extra:
        total += f" (including {', '.join(extra)})"
    return total


def _card_sheets(job: Printing, cards: list[Face]) -> None:
    pdf, p = job.pdf, job.paper
    for start in range(0, len(cards), PER_SHEET):
        sheet = cards[start:start + PER_SHEET]
        pdf.add_page()
        job.card_pages.append((pdf.page, "front"))
        _cut_marks(pdf, p)
        for slot, face in enumerate(sheet):
            box = p.card_box(slot)
            how = fit(pdf, box, face)
            draw_face(pdf, box, face, how)
            if how.shortened and all(f is not face for f in job.shortened):
                job.shortened.append(face)
        if job.backs:
            pdf.add_page()
            job.card_pages.append((pdf.page, "back"))
            _cut_marks(pdf, p)
            for slot, face in enumerate(sheet):
                draw_back(pdf, p.card_box(slot, back=True), face.pile, job.deck.name)


def _cut_marks(pdf: FPDF, p: Paper) -> None:
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.25)
    for x1, y1, x2, y2 in p.cut_marks():
        pdf.line(x1, y1, x2, y2)


def _cards_in_full(job: Printing, w: Writer) -> None:
    """The cards too long for a card, each drawn whole in a wider box."""
    w.page()
    w.heading("Cards in full", 15)
    w.text("These cards had too much to say for their size: they are shortened there, and "
           "printed whole here. Keep this page with the deck.", 9.5, color=MUTED, gap=3)
    w.done()
    pdf, width = job.pdf, min(120.0, w.width)
    for face in job.shortened:
        box = Box(MARGIN, pdf.get_y(), width, job.paper.h - MARGIN - pdf.get_y())
        height = draw_whole(pdf, box, face, dry=True)
        if height > box.h:
            pdf.add_page()
            box = Box(MARGIN, MARGIN, width, job.paper.h - 2 * MARGIN)
        draw_whole(pdf, box, face, dry=False)
        pdf.set_xy(MARGIN, box.y + height + 5)


def _contents(job: Printing) -> None:
    pdf, deck = job.pdf, job.deck
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 20)
    width = job.paper.w - 2 * MARGIN
    pdf.multi_cell(width, line_height(20), clean(deck.name), align="L",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(width, line_height(11), f"Print and play · {job.paper.format} · deck "
                   f"version {deck.version}", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(width, line_height(12), "Contents: what to print, cut and keep",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for s in job.sections:
        pages = f"page {s.first}" if s.pages == 1 else f"pages {s.first}–{s.first + s.pages - 1}"
        pdf.set_font(FONT, "B", 10.5)
        pdf.set_x(MARGIN)
        pdf.cell(95, line_height(10.5), s.title)
        pdf.set_font(FONT, "", 10.5)
        pdf.cell(width - 95, line_height(10.5), pages, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(width - 4, line_height(9), clean(s.what), align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
        pdf.ln(1.6)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(width, line_height(11), "Printing", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    if job.backs:
        tip = ("Print double-sided, flipping on the long edge, at 100% (actual size): each "
               "card sheet is followed by its backs. Printing single-sided? Leave out the "
               "back pages, or print again without backs (python -m game print ... "
               "--no-backs).")
    else:
        tip = "Printed without card backs: print single-sided at 100% (actual size)."
    tip += (" Cut along the marks in the margins; the cards are spaced so a cut a little off "
            "the line spoils nothing. Each kind of card has its own word and shape, so the "
            "deck works printed in black and white.")
    pdf.multi_cell(width, line_height(9.5), tip, align="L", new_x="LMARGIN", new_y="NEXT")
    _legend(pdf, width)


def _legend(pdf: FPDF, width: float) -> None:
    """What the dots and rings on a card mean."""
    pdf.ln(3)
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(width, line_height(9.5), "On an intervention card, solid dots are its "
                   "rating on each criterion (out of 5), and the number in a ring is what it "
                   "costs to reach the group named beside it.", align="L",
                   new_x="LMARGIN", new_y="NEXT")

