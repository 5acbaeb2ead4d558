"""Card faces and backs: interventions, events, roles and secret objectives.

Every face is drawn by one function that can also only measure (a dry run), so the size a
card is measured at is the size it is drawn at. A face that does not fit at full size is
set smaller, down to a floor that stays readable; past that its longest text is shortened,
and the whole text is printed at the end of the document instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from fpdf import FPDF

from game.decks.model import Deck, Event, Intervention, Role
from game.decks.wording import effect_words, rule_words
from game.paper.sheet import FONT, PAD, Box, clean, line_height

INK = (20, 20, 20)
MUTED = (70, 70, 70)
EDGE = (110, 110, 110)
SCALES = (1.25, 1.15, 1.06, 1.0, 0.94, 0.88, 0.82, 0.77)  # largest first; the last is the
# smallest type a card may use (about 5.2 points for its small print)
SIZE = {"title": 10.5, "body": 7.6, "small": 6.8, "label": 6.6}

# Kinds of card: the word printed on it, a pale tint and a shape. The tint tells kinds apart
# in colour; the word and the shape tell them apart when printed in black and white.
KINDS = {
    "intervention": ("Intervention", (214, 236, 232), "circle"),
    "requirement": ("Requirement", (255, 238, 204), "square"),
    "challenge": ("Challenge", (250, 218, 218), "triangle"),
    "change": ("Change", (224, 228, 248), "diamond"),
    "role": ("Role", (234, 224, 245), "hexagon"),
    "objective": ("Secret objective", (225, 225, 225), "square"),
}
BACKS = {  # one back per pile: every event shares one, so drawing one tells nothing
    "intervention": ("Intervention", (214, 236, 232), "circle"),
    "event": ("Event", (255, 238, 204), "hexagon"),
    "role": ("Role", (234, 224, 245), "triangle"),
    "objective": ("Secret objective", (200, 200, 200), "square"),
}


# ---- measuring and drawing -----------------------------------------------------------------


class Pen:
    """Writes down a box from the top; with `dry` it only measures. With a `limit` (a y),
    a block that would pass it is left out, and so is everything after it (`cut`)."""

    def __init__(self, pdf: FPDF, box: Box, scale: float, dry: bool,
                 limit: float | None = None):
        self.pdf, self.box, self.s, self.dry, self.limit = pdf, box, scale, dry, limit
        self.y = box.y
        self.cut = False

    @property
    def used(self) -> float:
        return self.y - self.box.y

    def _room(self, h: float) -> bool:
        """Whether a block `h` high may be written here; if not, stop writing."""
        if self.cut or (self.limit is not None and self.y + h > self.limit):
            self.cut = True
        return not self.cut

    def lines(self, text: str, style: str, pt: float, w: float) -> list[str]:
        """`text` broken into lines `w` wide, as fpdf2 breaks them; kept per document, since
        a card is measured at several sizes and then drawn, and copies are drawn again."""
        cache = self.pdf.__dict__.setdefault("_paper_lines", {})
        key = (text, style, round(pt, 3), round(w, 3))
        out = cache.get(key)
        if out is None:
            self.pdf.set_font(FONT, style, pt)
            out = cache[key] = self.pdf.multi_cell(w, line_height(pt), text, align="L",
                                                   dry_run=True, output="LINES")
        return out

    def write(self, lines: list[str], x: float, y: float, w: float, style: str,
              pt: float) -> None:
        """Draw lines already broken by `lines`."""
        pdf, lh = self.pdf, line_height(pt)
        pdf.set_font(FONT, style, pt)
        for i, line in enumerate(lines):
            pdf.set_xy(x, y + i * lh)
            pdf.cell(w, lh, line, align="L")

    def para(self, text: str, size: str = "body", style: str = "", *, gap: float = 1.0,
             color: tuple[int, int, int] = INK, indent: float = 0.0) -> None:
        text = text.strip()
        if not text:
            return
        pt = SIZE[size] * self.s
        lh = line_height(pt)
        w = self.box.w - indent
        lines = self.lines(text, style, pt, w)
        if not self._room(len(lines) * lh):
            return
        if not self.dry:
            self.pdf.set_text_color(*color)
            self.write(lines, self.box.x + indent, self.y, w, style, pt)
        self.y += len(lines) * lh + gap * self.s

    def space(self, mm: float) -> None:
        self.y += mm * self.s

    def band(self, text: str, tint: tuple[int, int, int], shape: str) -> None:
        """The strip at the top of a face saying what kind of card it is."""
        pt = SIZE["label"] * self.s
        h = line_height(pt) + 2.2 * self.s
        if not self.dry:
            pdf, b = self.pdf, self.box
            pdf.set_fill_color(*tint)
            pdf.rect(b.x - PAD + 0.4, b.y - PAD + 0.4, b.w + 2 * PAD - 0.8, h + PAD - 0.4,
                     style="F")
            icon = h - 1.6 * self.s
            shape_at(pdf, shape, b.x, self.y + 0.8 * self.s, icon, INK)
            pdf.set_font(FONT, "B", pt)
            pdf.set_text_color(*INK)
            pdf.set_xy(b.x + icon + 1.5, self.y + 1.1 * self.s)
            pdf.cell(b.w - icon - 1.5, line_height(pt), text.upper(), align="L")
        self.y += h + 1.8 * self.s

    def pips(self, label: str, filled: int, out_of: int, size: str = "small") -> None:
        """A name and a row of dots, `filled` of them solid: a rating read by shape, not
        colour."""
        pt = SIZE[size] * self.s
        lh = line_height(pt)
        d = 2.5 * self.s
        step = d + 0.8 * self.s
        row_w = out_of * step
        w = self.box.w - row_w - 1.5
        lines = self.lines(label, "", pt, w)
        h = max(len(lines) * lh, d + 0.4)
        if not self._room(h):
            return
        if not self.dry:
            pdf = self.pdf
            pdf.set_text_color(*INK)
            self.write(lines, self.box.x, self.y, w, "", pt)
            x = self.box.x + self.box.w - row_w + 0.8 * self.s
            top = self.y + (lh - d) / 2
            pdf.set_draw_color(*INK)
            pdf.set_line_width(0.25)
            pdf.set_fill_color(*INK)
            for i in range(out_of):
                pdf.ellipse(x + i * step, top, d, d, style="DF" if i < filled else "D")
        self.y += h + 0.6 * self.s

    def costs(self, rows: list[tuple[str, int]]) -> None:
        """Each group a card can reach, with what it costs in a ring, as on the paper cards."""
        pt = SIZE["small"] * self.s
        lh = line_height(pt)
        d = 4.4 * self.s
        for name, cost in rows:
            w = self.box.w - d - 1.5
            lines = self.lines(name, "", pt, w)
            h = max(len(lines) * lh, d)
            if not self._room(h):
                return
            if not self.dry:
                pdf = self.pdf
                pdf.set_draw_color(*INK)
                pdf.set_line_width(0.35)
                pdf.ellipse(self.box.x, self.y, d, d, style="D")
                pdf.set_font(FONT, "B", pt * 1.1)
                pdf.set_text_color(*INK)
                pdf.set_xy(self.box.x, self.y + (d - line_height(pt * 1.1)) / 2)
                pdf.cell(d, line_height(pt * 1.1), str(cost), align="C")
                self.write(lines, self.box.x + d + 1.5,
                           self.y + max(0.0, (d - len(lines) * lh) / 2), w, "", pt)
            self.y += h + 0.7 * self.s


def shape_at(pdf: FPDF, shape: str, x: float, y: float, size: float,
             color: tuple[int, int, int], fill: bool = True) -> None:
    """A small shape in the box (x, y, size, size)."""
    pdf.set_draw_color(*color)
    pdf.set_fill_color(*color)
    pdf.set_line_width(0.3)
    style = "DF" if fill else "D"
    cx, cy, r = x + size / 2, y + size / 2, size / 2
    if shape == "circle":
        pdf.ellipse(x, y, size, size, style=style)
        return
    if shape == "square":
        pdf.rect(x + size * 0.08, y + size * 0.08, size * 0.84, size * 0.84, style=style)
        return
    sides, turn = {"triangle": (3, -90), "diamond": (4, -90), "hexagon": (6, 0)}[shape]
    points = [(cx + r * math.cos(math.radians(turn + i * 360 / sides)),
               cy + r * math.sin(math.radians(turn + i * 360 / sides))) for i in range(sides)]
    pdf.polygon(points, style=style)


# ---- faces ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Face:
    """One card to print: what pile its back belongs to, and how to draw its front. `texts`
    holds the long texts the front may shorten to fit."""

    pile: str
    name: str
    draw: Callable[[Pen, dict[str, str]], None]
    texts: dict[str, str]


def intervention_face(deck: Deck, card: Intervention) -> Face:
    def draw(pen: Pen, t: dict[str, str]) -> None:
        word, tint, shape = KINDS["intervention"]
        pen.band(word, tint, shape)
        pen.para(clean(card.name), "title", "B", gap=1.2)
        pen.para(t["description"], gap=1.4)
        for crit in deck.rated_criteria():
            pen.pips(clean(deck.criteria[crit].name), card.ratings.get(crit, 0), 5)
        pen.space(0.6)
        pen.para(t["why"], "small", "I", color=MUTED, gap=1.2)
        if card.tags:
            names = [clean(deck.tags[g].name) for g in sorted(card.tags)]
            pen.para("Tags: " + " · ".join(names), "small", gap=1.0)
        if card.tracks:
            pen.para("Adopting it also: " + clean(_track_moves(deck, card.tracks)), "small",
                     gap=1.0)
        pen.para("Reach and cost", "small", "B", gap=0.6)
        pen.costs([(clean(deck.groups[g].name), cost) for g, cost in card.reach.items()])

    return Face("intervention", card.name, draw,
                {"description": clean(card.description), "why": clean(card.why)})


def event_face(deck: Deck, event: Event) -> Face:
    def draw(pen: Pen, t: dict[str, str]) -> None:
        word, tint, shape = KINDS[event.kind]
        pen.band(f"{word} · severity {event.severity} of 3", tint, shape)
        pen.para(clean(event.name), "title", "B", gap=1.2)
        pen.para(t["text"], gap=1.6)
        later = event.when == "after_scoring"
        if later:  # it is drawn at another moment than the others: say so first
            pen.para("Drawn after the round is scored, the last round too", "small", "B",
                     gap=1.0)
        if event.effects:
            pen.para("When it is drawn", "small", "B", gap=0.5)
            for e in event.effects:
                pen.para(clean(effect_words(deck, e)), "small", gap=0.8)
            pen.space(0.6)
        if event.rules:
            pen.para("This round it scores", "small", "B", gap=0.5)
            for rule in event.rules:
                pen.para(clean(rule.why), "small", "I", color=MUTED, gap=0.3)
                pen.para(clean(rule_words(deck, rule)), "small", gap=1.0)
        if event.stages is not None:
            names = [clean(s.name) for s in deck.stages.values() if s.id in event.stages]
            pen.para("Drawn only in: " + ", ".join(names), "small", color=MUTED)

    return Face("event", event.name, draw, {"text": clean(event.text)})


def role_face(deck: Deck, role: Role) -> Face:
    def draw(pen: Pen, t: dict[str, str]) -> None:
        word, tint, shape = KINDS["role"]
        pen.band(word, tint, shape)
        pen.para(clean(role.name), "title", "B", gap=1.2)
        pen.para(t["description"], gap=1.6)
        ability = role.ability
        if ability:
            when = f"in the {ability.phase} phase" if ability.phase else "at any time"
            pen.para(f"Ability: {clean(ability.name)}", "body", "B", gap=0.4)
            pen.para(f"Once per game, {when}.", "small", color=MUTED, gap=0.6)
            pen.para(t["ability"], "small", gap=0.8)
            for e in ability.effects:
                pen.para(clean(effect_words(deck, e, one_seat=True)), "small", "I",
                         color=MUTED, gap=0.6)
        if role.objective:
            pen.space(0.8)
            pen.para("Your secret objective is on its own card: keep it hidden.", "small",
                     color=MUTED)

    texts = {"description": clean(role.description)}
    if role.ability:
        texts["ability"] = clean(role.ability.text)
    return Face("role", role.name, draw, texts)


def objective_face(deck: Deck, role: Role) -> Face:
    assert role.objective is not None
    objective = role.objective

    def draw(pen: Pen, t: dict[str, str]) -> None:
        word, tint, shape = KINDS["objective"]
        pen.band(word, tint, shape)
        pen.para(clean(role.name), "title", "B", gap=1.2)
        pen.para("Keep this card hidden until the end of the game.", "small", color=MUTED,
                 gap=1.4)
        pen.para(t["text"], gap=1.6)
        pen.para("Met if, at the end:", "small", "B", gap=0.4)
        pen.para(clean(objective.condition.text), "small")

    return Face("objective", f"{role.name}: secret objective", draw,
                {"text": clean(objective.text)})


def _track_moves(deck: Deck, moves: dict[str, int]) -> str:
    return ", ".join(f"{n:+d} {deck.tracks[t].name}" for t, n in moves.items())


def faces(deck: Deck) -> dict[str, list[Face]]:
    """Every card to cut out, pile by pile, with as many copies as the deck holds."""
    out: dict[str, list[Face]] = {"intervention": [], "event": [], "role": [], "objective": []}
    for card in deck.interventions.values():
        out["intervention"] += [intervention_face(deck, card)] * card.copies
    for event in deck.events.values():
        out["event"].append(event_face(deck, event))
    for role in deck.roles.values():
        out["role"].append(role_face(deck, role))
        if role.objective:
            out["objective"].append(objective_face(deck, role))
    return out


# ---- fitting a face to its box -------------------------------------------------------------

CONTINUED = "… continued at the end of this document"
SHORT = 12  # words: a text this short is never shortened
CLIPPED_WORDS = 30  # words kept of each text on a card too full even without its texts


@dataclass(frozen=True, slots=True)
class Fit:
    """How a face goes on its card: the type scale, the texts (shortened or whole), and
    whether the face had to be cut off before its end (`clipped`)."""

    scale: float
    texts: dict[str, str]
    shortened: bool = False
    clipped: bool = False


def fit(pdf: FPDF, box: Box, face: Face) -> Fit:
    """Set the face smaller until it fits, down to the smallest scale; then shorten its long
    texts, longest first; then, as a last resort, leave out what does not fit below a line
    saying it is continued at the end (where the whole card is printed). Long texts are
    shortened by the same share, so each keeps its beginning."""
    inner = box.inset(PAD)
    lo, hi = 0, len(SCALES)  # the largest scale that fits, by bisection: smaller type is shorter
    while lo < hi:
        mid = (lo + hi) // 2
        if _height(pdf, inner, SCALES[mid], face, face.texts) <= inner.h:
            hi = mid
        else:
            lo = mid + 1
    if lo < len(SCALES):
        return Fit(SCALES[lo], face.texts)
    scale = SCALES[-1]
    words = {k: t.split(" ") for k, t in face.texts.items()}

    def keep(share: int) -> dict[str, str]:  # `share` fortieths of each long text's words
        return {k: t if len(words[k]) <= SHORT
                else _shortened(words[k], len(words[k]) * share // 40)
                for k, t in face.texts.items()}

    lo, hi = 0, 39  # the largest share that fits
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _height(pdf, inner, scale, face, keep(mid)) <= inner.h:
            lo = mid
        else:
            hi = mid - 1
    texts = keep(lo)
    if _height(pdf, inner, scale, face, texts) <= inner.h:
        return Fit(scale, texts, shortened=True)
    # Even the bare card is too tall: keep the start of its texts and cut off its end.
    texts = {k: t if len(words[k]) <= CLIPPED_WORDS else _shortened(words[k], CLIPPED_WORDS)
             for k, t in face.texts.items()}
    return Fit(scale, texts, shortened=True, clipped=True)


def _shortened(words: list[str], n: int) -> str:
    return " ".join(words[:n]) + " … (continued at the end)"


def _height(pdf: FPDF, inner: Box, scale: float, face: Face, texts: dict[str, str]) -> float:
    pen = Pen(pdf, inner, scale, dry=True)
    face.draw(pen, texts)
    return pen.used


def draw_face(pdf: FPDF, box: Box, face: Face, how: Fit) -> None:
    inner = box.inset(PAD)
    limit = None
    if how.clipped:  # keep room at the bottom for the line that says where the rest is
        limit = inner.y + inner.h - 2 * line_height(SIZE["small"] * how.scale) - 1
    pen = Pen(pdf, inner, how.scale, dry=False, limit=limit)
    face.draw(pen, how.texts)
    if pen.cut:
        pen.limit = None
        pen.cut = False
        pen.para(CONTINUED, "small", "B", gap=0)
    outline(pdf, box)  # last, so the coloured band at the top does not cover it


def draw_whole(pdf: FPDF, box: Box, face: Face, *, dry: bool) -> float:
    """The whole face, nothing shortened, in a box as wide as `box` and as tall as it needs
    (for the end of the document). Returns its height."""
    pen = Pen(pdf, box.inset(PAD), 1.0, dry=dry)
    face.draw(pen, face.texts)
    height = pen.used + 2 * PAD
    if not dry:
        outline(pdf, Box(box.x, box.y, box.w, height))
    return height


def outline(pdf: FPDF, box: Box) -> None:
    pdf.set_draw_color(*EDGE)
    pdf.set_line_width(0.3)
    pdf.rect(box.x, box.y, box.w, box.h, style="D", round_corners=True, corner_radius=2.5)


def draw_back(pdf: FPDF, box: Box, pile: str, deck_name: str) -> None:
    word, tint, shape = BACKS[pile]
    pdf.set_fill_color(*tint)
    pdf.set_draw_color(*EDGE)
    pdf.set_line_width(0.3)
    pdf.rect(box.x, box.y, box.w, box.h, style="DF", round_corners=True, corner_radius=2.5)
    inner = box.inset(4)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.6)
    pdf.rect(inner.x, inner.y, inner.w, inner.h, style="D", round_corners=True,
             corner_radius=2)
    size = 22.0
    shape_at(pdf, shape, box.x + (box.w - size) / 2, box.y + box.h / 2 - size - 2, size, INK)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 12)
    pdf.set_xy(inner.x + 2, box.y + box.h / 2 + 4)
    pdf.multi_cell(inner.w - 4, line_height(12), word.upper(), align="C")
    pdf.set_font(FONT, "", 7)
    pdf.set_xy(inner.x + 2, inner.y + inner.h - 10)
    pdf.multi_cell(inner.w - 4, line_height(7), clean(deck_name), align="C")

