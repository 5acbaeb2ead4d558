"""The paper itself: page sizes, the card grid with its cut marks, the fonts, and text that
fits the box it is given.

Cards are 62 x 86 mm (about a playing card), nine to a page in a 3 x 3 grid with 4 mm gutters,
centred on the page, so A4 and US Letter both keep at least 6 mm of margin for the printer.
Nothing is ever drawn in the gutters: a card that has to be cut out of its neighbour's ink is
a card the table cannot use, and `tests/test_paper.py` checks the gutters stay white.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontpkg
from fontTools.ttLib import TTFont
from fpdf import FPDF

PAPERS = {"a4": ("A4", 210.0, 297.0), "letter": ("Letter", 215.9, 279.4)}
CARD_W, CARD_H = 62.0, 86.0
GUTTER = 4.0
COLUMNS = ROWS = 3
PER_SHEET = COLUMNS * ROWS
PAD = 3.2  # inside a card, between its edge and its words

FONT = "Fira"
FONT_FAMILY = "Fira Sans"  # from the fontpkg-fira-sans package: Latin, Greek and Cyrillic
STYLES = {"": 400, "B": 700, "I": ("italic", 400)}


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def inset(self, d: float) -> Box:
        return Box(self.x + d, self.y + d, self.w - 2 * d, self.h - 2 * d)


@dataclass(frozen=True, slots=True)
class Paper:
    id: str
    format: str
    w: float
    h: float

    @property
    def grid(self) -> Box:
        """Where the nine cards of a sheet go, gutters included."""
        w = COLUMNS * CARD_W + (COLUMNS - 1) * GUTTER
        h = ROWS * CARD_H + (ROWS - 1) * GUTTER
        return Box((self.w - w) / 2, (self.h - h) / 2, w, h)

    def card_box(self, slot: int, *, back: bool = False) -> Box:
        """The box of card `slot` (0 to 8, row by row). On the back of a sheet printed
        double-sided (flipped on the long edge) the columns run the other way."""
        row, col = divmod(slot, COLUMNS)
        if back:
            col = COLUMNS - 1 - col
        g = self.grid
        return Box(g.x + col * (CARD_W + GUTTER), g.y + row * (CARD_H + GUTTER), CARD_W, CARD_H)

    def cut_marks(self) -> list[tuple[float, float, float, float]]:
        """Short lines in the margins, in line with every card edge: (x1, y1, x2, y2)."""
        g = self.grid
        xs = sorted({g.x + c * (CARD_W + GUTTER) + d for c in range(COLUMNS) for d in (0, CARD_W)})
        ys = sorted({g.y + r * (CARD_H + GUTTER) + d for r in range(ROWS) for d in (0, CARD_H)})
        out = []
        v_len, h_len = min(6.0, g.y - 2.0), min(6.0, g.x - 2.0)
        for x in xs:
            out += [(x, g.y - 1 - v_len, x, g.y - 1),
                    (x, g.y + g.h + 1, x, g.y + g.h + 1 + v_len)]
        for y in ys:
            out += [(g.x - 1 - h_len, y, g.x - 1, y),
                    (g.x + g.w + 1, y, g.x + g.w + 1 + h_len, y)]
        return out


def paper(name: str) -> Paper:
    key = name.lower()
    if key not in PAPERS:
        raise ValueError(f"unknown paper {name!r}: choose {' or '.join(PAPERS)}")
    fmt, w, h = PAPERS[key]
    return Paper(key, fmt, w, h)


# ---- fonts and text ------------------------------------------------------------------------


@cache
def font_files() -> dict[str, Path]:
    out = {}
    for style, spec in STYLES.items():
        weight, italic = (spec[1], spec[0]) if isinstance(spec, tuple) else (spec, "normal")
        out[style] = Path(fontpkg.path(FONT_FAMILY, weight=weight, style=italic))
    return out


@cache
def _covered() -> frozenset[int]:
    """The characters every style of the font can draw."""
    maps = [set(TTFont(p, lazy=True).getBestCmap()) for p in font_files().values()]
    return frozenset(set.intersection(*maps))


def new_pdf(p: Paper) -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format=p.format)
    for style, path in font_files().items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_auto_page_break(False)
    pdf.set_margins(15, 15, 15)
    pdf.c_margin = 0  # words start exactly where a box says
    return pdf


def clean(text: str) -> str:
    """Deck text made safe to print as it was typed: a tab becomes a space; a control
    character, or one the font cannot draw, is written out as its code, such as [U+0007],
    so nothing is lost silently and nothing is ever read as markup."""
    covered = _covered()
    out = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") or ord(ch) not in covered:
            out.append(f"[U+{ord(ch):04X}]")
        else:
            out.append(ch)
    return "".join(out)


def line_height(size: float) -> float:
    """Millimetres per line of text set at `size` points."""
    return size * 0.3528 * 1.22
