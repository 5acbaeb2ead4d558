"""The pages that are read rather than cut: the rules summary, the score sheet, the
scenarios, one sheet per stage and the track boards."""

from __future__ import annotations

from fpdf import FPDF

from game.decks.model import Criterion, Deck, Scenario, Settings, Track
from game.decks.wording import rule_words, win_words
from game.paper.cards import INK, MUTED
from game.paper.sheet import FONT, Paper, clean, line_height

MARGIN = 15.0


class Writer:
    """Flowing text on full pages, starting a new page when one is full."""

    def __init__(self, pdf: FPDF, paper: Paper):
        self.pdf, self.paper = pdf, paper
        self.width = paper.w - 2 * MARGIN
        self.fresh = False  # the current page is empty and may be written on as it is

    def page(self) -> None:
        if self.fresh:
            self.fresh = False
        else:
            self.pdf.add_page()
        self.pdf.set_auto_page_break(True, margin=MARGIN)
        self.pdf.set_xy(MARGIN, MARGIN)

    def room(self, mm: float) -> None:
        """Start a new page unless `mm` more fit on this one."""
        if self.pdf.get_y() + mm > self.paper.h - MARGIN:
            self.page()

    def text(self, text: str, size: float = 10, style: str = "", *, gap: float = 1.5,
             indent: float = 0.0, color: tuple[int, int, int] = INK) -> None:
        text = text.strip()
        if not text:
            return
        pdf = self.pdf
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*color)
        pdf.set_x(MARGIN + indent)
        pdf.multi_cell(self.width - indent, line_height(size), clean(text), align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def heading(self, text: str, size: float = 16) -> None:
        self.room(line_height(size) * 3)
        self.text(text, size, "B", gap=2.5)

    def bullet(self, text: str, size: float = 10, *, gap: float = 1.2) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "", size)
        pdf.set_text_color(*INK)
        pdf.set_x(MARGIN + 1)
        pdf.cell(4, line_height(size), "•")
        self.text(text, size, indent=5, gap=gap)

    def done(self) -> None:
        self.pdf.set_auto_page_break(False)


# ---- rules summary and score sheet ---------------------------------------------------------


def _deal_words(s: Settings) -> str:
    hidden = "Keep your hand to yourself" if s.deal == "hidden" else "Lay every hand face up"
    return f"Deal {s.hand_size} intervention cards to each player. {hidden}."


def _decision_words(s: Settings) -> str:
    if s.decision == "consensus":
        return "A proposal is adopted only if every player votes yes."
    if s.decision == "chair":
        who = ("a different player each round" if s.chair == "rotate"
               else "the player whose role is the chair")
        return f"The chair ({who}) chooses the plan alone."
    return "A proposal is adopted if more than half of the players vote yes."


def rules_summary(w: Writer, deck: Deck) -> None:
    s = deck.settings
    w.page()
    w.heading(f"{deck.name}: how to play on paper", 15)
    w.text(deck.description, 9.5, color=MUTED, gap=2)
    own = any(sc.win for sc in deck.scenarios.values())
    w.text(win_words(s) + (" (Some scenarios have their own: see their sheets.)" if own
                           else ""), 10, "B", gap=2.5)
    w.text("Setting up", 11.5, "B", gap=1)
    budget = deck.tracks.get(s.budget_track) if s.budget_track else None
    setup = [
        f"{s.seats_min} to {s.seats_max} players, and one game master who keeps the score "
        "sheet and reads out the rules.",
        "Choose a scenario: its sheet says which stages you play, in order, and where each "
        "track starts.",
        "Shuffle the intervention cards. " + _deal_words(s),
    ]
    if deck.roles:
        setup.append("Shuffle the role cards and deal one to each player, face up, with that "
                     "role's secret objective card face down.")
    setup.append("Shuffle the event cards the scenario uses into one face-down pile.")
    setup.append("Put a token on each track board at its start value.")
    for line in setup:
        w.bullet(line, 9.5)
    w.text("Each round is one stage", 11.5, "B", gap=1)
    steps = []
    marked = any(e.when == "after_scoring" for e in deck.events.values())
    # The engine's draws pass over events kept to other stages (cards.py prints which).
    staged = any(e.stages is not None for e in deck.events.values())
    here = (" and may be drawn in this stage (its card names the stages it may be drawn in)"
            if staged else "")
    n = s.events_per_round
    events = f"{n} event{'s' if n > 1 else ''}"
    if n and marked:
        # The engine's start draw passes over events drawn after the scoring: so does paper.
        draw = (f"Turn up events until {n} {'is' if n == 1 else 'are'} not marked “Drawn "
                f"after the round is scored”{here} (put "
                f"{'the others' if staged else 'the marked ones'} back on top, in order)")
    elif n and staged:
        draw = (f"Draw {events} that may be drawn in this stage (its card names the stages it "
                "may be drawn in), putting the others back on top, in order")
    else:
        draw = f"Draw {events}"
    steps.append("Read out the stage sheet." + (
        f" {draw}; do what {'it says' if n == 1 else 'each says'} under “When it is drawn” at "
        "once." if n else ""))
    steps.append("Proposal: each player puts one intervention face down, with the group it "
                 "will reach (one of those printed on it), or passes. Turn them over together.")
    steps.append("Discussion: talk the proposals through.")
    steps.append("Vote: " + _decision_words(s) + f" At most {s.adopt_limit} proposals are "
                 "adopted, those with most votes first" +
                 (f", and only while the {budget.name.lower()} can pay their cost."
                  if budget else "."))
    score = ("add each adopted intervention's ratings to the criteria" if
             s.base_scoring == "ratings" else "the interventions' ratings add nothing by "
             "themselves")
    steps.append(f"Result: pay each cost; {score}; apply “Adopting it also”; then score the "
                 "stage sheet's, the event's and the scenario's rules. Write every change, "
                 "with its reason, on the score sheet, and move the tokens.")
    discard = "adopted cards" if s.discard == "adopted" else "every proposed card"
    refill = (f"Discard the {discard}, then top each hand up to {s.hand_size} cards."
              if s.refill == "draw" else f"Discard the {discard}; hands are not topped up.")
    steps.append(refill)
    if s.events_after_scoring and marked:
        n = s.events_after_scoring
        steps.append(f"Turn up events until {n} {'is' if n == 1 else 'are'} marked “Drawn "
                     f"after the round is scored”{here} (put the others back on top, in "
                     "order): do "
                     "what each says, and score its rules on this round's adopted "
                     "interventions. In the last round too.")
    for i, line in enumerate(steps, 1):
        w.text(f"{i}. {line}", 9.5, indent=1, gap=1.1)
    w.text("The end", 11.5, "B", gap=1)
    if scored_criteria(deck):
        w.bullet("After the last stage, add up each criterion. The weighted total counts each "
                 "criterion times its weight on the scenario sheet.", 9.5)
    w.bullet("Then read the win condition above: the table wins or loses together.", 9.5)
    if deck.roles:
        w.bullet("Turn over the secret objectives: each says whether it was met.", 9.5)
    tracks = [t for t in deck.tracks.values()]
    if tracks:
        w.bullet("A track never goes below its lowest or above its highest box: stop the "
                 "token there" + ("" if not s.debt or not budget else
                                   f" (the {budget.name.lower()} may go into debt)") + ".", 9.5)
    if deck.difficulties:
        w.text("Difficulty", 11.5, "B", gap=1)
        for d in deck.difficulties.values():
            moves = ", ".join(f"{deck.tracks[t].name} {n:+d}" for t, n in d.tracks.items())
            starts = f"tracks start {moves}; " if moves else ""
            w.bullet(f"{d.name}: {starts}only events of severity {d.max_severity} or less.", 9)
    w.done()


def scored_criteria(deck: Deck) -> list[str]:
    """The criteria that can score in this deck: all of them when adopted cards add their
    ratings, else only those some rule or effect adds to (none, in the first paper game)."""
    if deck.settings.base_scoring == "ratings":
        return list(deck.criteria)
    rules = [r for s in deck.stages.values() for r in s.rules]
    rules += [r for e in deck.events.values() for r in e.rules]
    rules += [r for s in deck.scenarios.values() for r in s.rules]
    adds = [t for r in rules for t, _ in r.adds]
    effects = [*(e for ev in deck.events.values() for e in ev.effects),
               *(e for r in deck.roles.values() if r.ability for e in r.ability.effects)]
    adds += [t for e in effects for t, _ in e.adds]
    return [c for c in deck.criteria if c in adds]


def score_sheet(w: Writer, deck: Deck) -> None:
    w.page()
    pdf = w.pdf
    w.heading("Score sheet", 15)
    w.text("Scenario: ______________________________   Table: __________   Date: __________",
           10, gap=3)
    targets: list[Criterion | Track] = [*(deck.criteria[c] for c in scored_criteria(deck)),
                                        *deck.tracks.values()]
    rounds = max(len(sc.stages) for sc in deck.scenarios.values())
    col = min(18.0, (w.width - 62.0) / max(1, len(targets)))
    first = w.width - col * len(targets)  # the round's words get the rest of the width
    top = pdf.get_y()
    header_h = 14.0
    row_h = min(24.0, (w.paper.h - MARGIN - top - header_h - 32) / (rounds + 1))
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 8.5)
    pdf.set_xy(MARGIN, top)
    pdf.multi_cell(first, header_h, "Round, stage, event, adopted (group, cost)", border=1,
                   align="L")
    for i, t in enumerate(targets):
        pdf.set_xy(MARGIN + first + i * col, top)
        pdf.set_font(FONT, "B", 6.5)
        pdf.multi_cell(col, header_h / 3, clean(t.name), border=0, align="C",
                       max_line_height=line_height(6.5))
        pdf.rect(MARGIN + first + i * col, top, col, header_h)
    y = top + header_h
    pdf.set_font(FONT, "", 8)
    for r in range(rounds + 1):
        pdf.rect(MARGIN, y, first, row_h)
        pdf.set_xy(MARGIN + 1, y + 1)
        pdf.cell(first - 2, line_height(8), f"Round {r + 1}" if r < rounds else "Total")
        for i in range(len(targets)):
            pdf.rect(MARGIN + first + i * col, y, col, row_h)
        y += row_h
    pdf.set_xy(MARGIN, y + 3)
    w.text("In each round's boxes write every change with its reason, such as “+3 "
           "Requirement: reaches Technologists”. For tracks, write where the token ends.", 8.5,
           color=MUTED)
    parts = ["Weighted total: ________"] if scored_criteria(deck) else []
    parts.append("Won together?  yes / no")
    if any(r.objective for r in deck.roles.values()):
        parts.append("Objectives met: ______")
    w.text("     ".join(parts), 10, gap=1)
    w.done()


# ---- scenarios, stages, tracks -------------------------------------------------------------


def scenario_sheets(w: Writer, deck: Deck) -> None:
    w.page()
    w.heading("Scenarios: the project your table governs", 15)
    w.text("Pick one. Play its stages in this order, one round each.", 9.5, color=MUTED, gap=3)
    for sc in deck.scenarios.values():
        _scenario(w, deck, sc)
    w.done()


def _scenario(w: Writer, deck: Deck, sc: Scenario) -> None:
    w.room(40)
    w.text(sc.name, 12.5, "B", gap=1)
    w.text(sc.context, 9.5, gap=1.5)
    stages = ", then ".join(deck.stages[s].name for s in sc.stages)
    w.bullet(f"Stages: {stages}.", 9)
    if sc.affected:
        names = ", ".join(deck.groups[g].name for g in sorted(sc.affected))
        w.bullet(f"Affects most: {names}.", 9)
    starts = ", ".join(f"{t.name} {sc.tracks.get(t.id, t.start)}" for t in deck.tracks.values())
    if starts:
        w.bullet(f"Tracks start at: {starts}.", 9)
    heavy = [f"{deck.criteria[c].name} ×{v:g}" for c, v in sc.weights.items() if v != 1]
    if heavy:
        w.bullet("Weights (others count once): " + ", ".join(heavy) + ".", 9)
    if sc.targets:
        goals = ", ".join(f"{deck.criteria[c].name} {v}" for c, v in sc.targets.items())
        w.bullet(f"A good plan reaches: {goals}.", 9)
    if sc.win:
        w.bullet(f"Its own win, instead of the deck's: {win_words(deck.settings_for(sc.id))}",
                 9)
    if set(sc.events) != set(deck.events):
        names = ", ".join(deck.events[e].name for e in sc.events)
        w.bullet(f"Events in play: {names or 'none'}.", 9)
    for rule in sc.rules:
        w.bullet(f"Every round: {rule.why} {rule_words(deck, rule)}", 9)
    w.text("", 4)
    w.pdf.ln(3)


def stage_sheets(w: Writer, deck: Deck) -> None:
    places: dict[str, set[int]] = {}  # where each stage comes in each scenario
    for sc in deck.scenarios.values():
        for i, st in enumerate(sc.stages, 1):
            places.setdefault(st, set()).add(i)
    for stage in deck.stages.values():
        w.page()
        place = places.get(stage.id, set())
        number = f" {next(iter(place))}" if len(place) == 1 else ""  # the same in every scenario
        w.text(f"Stage{number}", 11, "B", color=MUTED, gap=1)
        w.text(stage.name, 26, "B", gap=4)
        w.text(stage.prompt, 15, gap=6)
        for heading, text in (("Objective", stage.objective), ("Principles", stage.principles)):
            if text:
                w.text(heading, 13, "B", gap=2)
                w.text(text, 12, gap=5)
        if stage.rules:
            w.text("How this stage scores", 13, "B", gap=2)
            for rule in stage.rules:
                w.text(rule.why, 12, "I", color=MUTED, gap=0.6)
                w.text(rule_words(deck, rule), 12, gap=3.5)
        else:
            w.text("This stage has no scoring rules of its own: only the event's and the "
                   "scenario's rules score.", 12, color=MUTED)
        w.done()


BOX = 14.0  # one square of a track board, big enough for a coin
BOARD_MAX = 120  # squares on one board; a wider track is written on the score sheet past it


def track_boards(w: Writer, deck: Deck) -> None:
    if not deck.tracks:
        return
    w.page()
    w.heading("Track boards", 15)
    w.text("Put a token on each track's start value and move it as the score sheet says.", 9.5,
           color=MUTED, gap=3)
    per_row = int(w.width // BOX)
    for track in deck.tracks.values():
        values = list(range(track.min, track.max + 1))[:BOARD_MAX]
        rows = -(-len(values) // per_row)
        w.room(18 + rows * BOX)
        w.text(f"{track.name}: from {track.min} to {track.max}", 12, "B", gap=0.8)
        w.text(f"Starts at {track.start} unless the scenario sheet says otherwise.", 9,
               gap=0.8)
        w.text(track.description, 9, color=MUTED, gap=1.5)
        if len(values) < track.max - track.min + 1:
            w.text(f"Past {values[-1]}, write the value on the score sheet.", 8.5,
                   color=MUTED, gap=1)
        pdf = w.pdf
        top = pdf.get_y()
        pdf.set_draw_color(*INK)
        for i, v in enumerate(values):
            row, c = divmod(i, per_row)
            x, y = MARGIN + c * BOX, top + row * BOX
            start = v == track.start
            pdf.set_line_width(0.9 if start else 0.3)
            pdf.rect(x, y, BOX, BOX)
            pdf.set_font(FONT, "B" if start else "", 9)
            pdf.set_text_color(*INK)
            pdf.set_xy(x + 0.8, y + 0.8)
            pdf.cell(BOX - 1.6, line_height(9), str(v), align="L")
            if start:
                pdf.set_font(FONT, "", 5.5)
                pdf.set_xy(x + 0.8, y + BOX - line_height(5.5) - 0.6)
                pdf.cell(BOX - 1.6, line_height(5.5), "START", align="L")
        pdf.set_xy(MARGIN, top + rows * BOX + 6)
    w.done()

