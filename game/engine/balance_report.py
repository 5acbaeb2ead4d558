"""A balance report (game.engine.balance) for people: a text summary for the terminal, and
HTML whose figures are inline SVG drawn here, each with its numbers in a table beside it.

The figures are meant to print and to read on a phone: a narrow view box (so text stays
legible when the figure shrinks to 360 px), labels above bars rather than beside them, a
<title> and <desc> for screen readers, and flags written out in words and drawn as patterns,
never told by colour alone. Every deck text is escaped.

The same fragment (report_fragment) is the server's balance page and the body of the CLI's
HTML file; the CSS it needs is REPORT_CSS (a file of its own on the server, inline in the
file)."""

from __future__ import annotations

import math
from html import escape

W = 320  # view box width: about the width of a phone
BAR_H = 12
ROW_H = 34  # a label line above each bar
FONT = 12
INK = "#1d2733"
BAR = "#3d5a80"
MAX_BINS = 10

REPORT_CSS = """
.balance-report { max-width: 64rem; }
.balance-report figure { margin: 1rem 0 1.6rem; display: grid; gap: .4rem 1.5rem;
  grid-template-columns: minmax(0, 1fr); align-items: start; break-inside: avoid; }
.balance-report figcaption { font-weight: 700; grid-column: 1 / -1; }
.balance-report svg { width: 100%; max-width: 32rem; height: auto; display: block; }
.balance-report table { border-collapse: collapse; font-variant-numeric: tabular-nums;
  font-size: .9em; }
.balance-report th, .balance-report td { border-bottom: 1px solid #c5ccd6; padding: .15em .5em;
  text-align: left; vertical-align: top; }
.balance-report td.num, .balance-report th.num { text-align: right; }
.balance-report .table-wrap { overflow-x: auto; max-width: 100%; }
.balance-report .flag { font-weight: 700; }
@media (min-width: 52rem) {
  .balance-report figure { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
}
@media print {
  .balance-report figure { grid-template-columns: 1fr 1fr; }
  .balance-report svg { max-width: 100%; }
}
"""


def pct(rate: float | None) -> str:
    return "no win condition" if rate is None else f"{rate * 100:.1f}%"


# ---- text ----------------------------------------------------------------------------------


def text_summary(report: dict) -> str:
    plan = report["plan"]
    lines = [f"{report['deck_name']} ({report['deck']}): {report['games']} games in "
             f"{report['seconds']:.1f} s",
             f"players {', '.join(map(str, plan['players']))}; bots {', '.join(plan['bots'])}; "
             f"seeds from {plan['seed']}"]
    if report["win_rate"] is None:
        lines.append("The deck has no win condition: no win rates.")
    else:
        lines.append(f"Win rate {pct(report['win_rate'])} (win: {win_words(report)})")
        own = own_wins(report)
        for title, key in WIN_TABLES:
            lines.append(f"  {title}:")
            for row in report[key]:
                lines.append(f"    {row['name']:<32} {pct(row['win_rate']):>7}  "
                             f"({row['won']} of {row['games']})"
                             + (f"  win: {own[row['id']]}" if key == "by_scenario"
                                and row["id"] in own else ""))
    lines.append(f"Cards ({'/'.join(report['cards_from'])} bots, {report['card_games']} games): "
                 "adopted when proposed")
    for c in sorted(report["cards"], key=lambda c: -(c["adoption_rate"] or 0)):
        flag = f"  {c['flag'].upper()}: {c['why']}" if c["flag"] else ""
        rate = "never proposed" if c["adoption_rate"] is None else pct(c["adoption_rate"])
        lines.append(f"    {c['name']:<32} {rate:>14}  ({c['adopted']} of {c['proposed']})"
                     f"{flag}")
    for title, key in (("Criteria at the end", "criteria"), ("Tracks at the end", "tracks")):
        lines.append(f"{title} (mean, min to max):")
        for d in report[key]:
            lines.append(f"    {d['name']:<32} {d['mean']:>7}  {d['min']} to {d['max']}")
    return "\n".join(lines)


WIN_TABLES = (("by scenario", "by_scenario"), ("by player count", "by_players"),
              ("by difficulty", "by_difficulty"), ("by bot kind", "by_bots"))


# ---- SVG -----------------------------------------------------------------------------------


def _svg(ident: str, title: str, desc: str, height: float, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {math.ceil(height)}" '
            f'role="img" aria-labelledby="{ident}-t {ident}-d" font-family="sans-serif" '
            f'font-size="{FONT}" fill="{INK}">'
            f'<title id="{ident}-t">{escape(title)}</title>'
            f'<desc id="{ident}-d">{escape(desc)}</desc>'
            '<defs>'
            f'<pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)">'
            f'<rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="{INK}"/>'
            '</pattern></defs>' + "".join(body) + "</svg>")


def bar_chart(ident: str, title: str, rows: list[tuple[str, float | None, str]],
              flags: dict[int, str] | None = None) -> str:
    """Horizontal bars of rates from 0 to 1, each labelled above with its name and value.
    `flags` marks rows (by index) with a word, also drawn as a pattern: hatched for
    'dominant', outlined and dashed for 'dead'."""
    flags = flags or {}
    body = []
    y = 4.0
    label_w = W - 8
    for i, (name, rate, value_text) in enumerate(rows):
        flag = flags.get(i)
        label = f"{name}: {value_text}" + (f" ({flag})" if flag else "")
        body.append(f'<text x="0" y="{y + FONT:.0f}">{escape(_fit(label, label_w))}</text>')
        by = y + FONT + 4
        body.append(f'<rect x="0" y="{by:.0f}" width="{W - 2}" height="{BAR_H}" fill="none" '
                    'stroke="#c5ccd6"/>')
        width = max(0.0, min(1.0, rate or 0.0)) * (W - 2)
        if flag == "dominant":
            fill = f'fill="url(#{ident}-hatch)" stroke="{INK}"'
        elif flag == "dead":
            fill = f'fill="#fff" stroke="{INK}" stroke-dasharray="3 2"'
            width = max(width, 6.0)  # an empty bar still shows its outline
        else:
            fill = f'fill="{BAR}"'
        if width > 0:
            body.append(f'<rect x="0" y="{by:.0f}" width="{width:.1f}" height="{BAR_H}" {fill}/>')
        y += ROW_H
    desc = "; ".join(f"{name}: {value}" + (f", {flags[i]}" if i in flags else "")
                     for i, (name, _r, value) in enumerate(rows))
    return _svg(ident, title, desc, y + 2, body)


def _fit(text: str, width: float) -> str:
    """Shorten a label that would run past the figure (about 0.55 em a character)."""
    most = int(width / (FONT * 0.55))
    return text if len(text) <= most else text[:most - 1] + "…"


def bins(counts: list[list[int]]) -> list[tuple[int, int, int]]:
    """(low, high, games) for at most MAX_BINS bins of equal width covering every value."""
    if not counts:
        return []
    lo, hi = counts[0][0], counts[-1][0]
    width = max(1, math.ceil((hi - lo + 1) / MAX_BINS))
    out = []
    for start in range(lo, hi + 1, width):
        end = min(hi, start + width - 1)
        out.append((start, end, sum(n for v, n in counts if start <= v <= end)))
    return out


def histogram(ident: str, title: str, counts: list[list[int]], what: str = "games") -> str:
    """Vertical bars of how many games ended at each value (binned), with the count on top
    of each bar and the bin under it."""
    groups = bins(counts)
    top = max((n for _a, _b, n in groups), default=0) or 1
    plot_h = 110.0
    gap = 2.0
    n = max(1, len(groups))
    bw = (W - gap * (n - 1)) / n
    body = []
    base = plot_h + FONT + 6
    for i, (a, b, count) in enumerate(groups):
        x = i * (bw + gap)
        h = plot_h * count / top
        if count:
            body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bw:.1f}" '
                        f'height="{h:.1f}" fill="{BAR}"/>')
        body.append(f'<text x="{x + bw / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" '
                    f'font-size="9">{count}</text>')
        label = str(a) if a == b else f"{a}–{b}"
        body.append(f'<text x="{x + bw / 2:.1f}" y="{base + FONT + 2:.1f}" '
                    f'text-anchor="middle" font-size="9">{escape(label)}</text>')
    body.append(f'<line x1="0" x2="{W}" y1="{base:.1f}" y2="{base:.1f}" stroke="{INK}"/>')
    desc = "; ".join(f"{a if a == b else f'{a} to {b}'}: {c} {what}" for a, b, c in groups)
    return _svg(ident, title, desc or "no games", base + FONT + 6, body)


# ---- HTML ----------------------------------------------------------------------------------


def _table(caption: str, head: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    def cell(tag: str, i: int, v: str) -> str:
        cls = ' class="num"' if i in numeric else ""
        return f"<{tag}{cls}>{escape(v)}</{tag}>"

    ths = "".join(cell("th", i, h).replace("<th", '<th scope="col"', 1) for i, h in enumerate(head))
    trs = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>"
                  for r in rows)
    # A region of its own that takes focus: on a phone the widest tables scroll sideways,
    # and a keyboard must be able to scroll them too.
    return (f'<div class="table-wrap" role="region" tabindex="0" '
            f'aria-label="{escape(caption)}, table"><table>'
            f'<caption class="vh">{escape(caption)}</caption>'
            f"<thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table></div>")


def _figure(caption: str, svg: str, table: str) -> str:
    return f"<figure><figcaption>{escape(caption)}</figcaption>{svg}{table}</figure>"


def own_wins(report: dict) -> dict[str, str]:
    """The scenarios whose tables play to a win condition of their own (scenarios: win),
    by id, with its words."""
    return {r["id"]: r["win_condition"] for r in report["by_scenario"]
            if r.get("win_condition") and r["win_condition"] != report["win_condition"]}


def win_words(report: dict) -> str:
    """What a table must do to win, for the whole report: the deck's condition, or that it
    depends on the scenario when some scenarios set their own."""
    if not own_wins(report):
        return report["win_condition"]
    if report["win_condition"]:
        return (f"{report['win_condition']} (except where a scenario sets its own: see the "
                "table by scenario)")
    return "each scenario sets its own (see the table by scenario)"


def _win_figure(report: dict, title: str, key: str, ident: str) -> str:
    rows = report[key]
    svg = bar_chart(ident, f"Win rate {title}",
                    [(r["name"], r["win_rate"], pct(r["win_rate"])) for r in rows])
    own = own_wins(report) if key == "by_scenario" else {}
    headings = [title.removeprefix("by ").capitalize(), "Games", "Won", "Win rate"]
    cells = [[r["name"], str(r["games"]), str(r["won"]), pct(r["win_rate"])] for r in rows]
    if own:
        headings.append("To win")
        for row, r in zip(cells, rows, strict=True):
            row.append(own.get(r["id"], "the deck's condition"))
    table = _table(f"Win rate {title}", headings, cells, {1, 2, 3})
    return _figure(f"Win rate {title}", svg, table)


def _cards_figure(report: dict) -> str:
    cards = sorted(report["cards"], key=lambda c: (-(c["adoption_rate"] or 0), c["name"]))
    flags = {i: c["flag"] for i, c in enumerate(cards) if c["flag"]}
    svg = bar_chart("cards", "Each card: adopted when proposed",
                    [(c["name"], c["adoption_rate"],
                      "never proposed" if c["adoption_rate"] is None
                      else pct(c["adoption_rate"])) for c in cards], flags)
    table = _table("Each card: held, proposed and adopted",
                   ["Card", "Held", "Proposed", "Adopted", "Adopted when proposed", "Flag"],
                   [[c["name"], str(c["held"]), str(c["proposed"]), str(c["adopted"]),
                     "never proposed" if c["adoption_rate"] is None else pct(c["adoption_rate"]),
                     f"{c['flag']}: {c['why']}" if c["flag"] else ""] for c in cards],
                   {1, 2, 3, 4})
    return _figure("Each card: adopted when proposed", svg, table)


def _distribution_figure(d: dict, kind: str, ident: str) -> str:
    title = f"{d['name']} at the end of the game"
    groups = bins(d["counts"])
    svg = histogram(ident, f"{title} (games at each value; mean {d['mean']})", d["counts"])
    table = _table(title, [d["name"], "Games"],
                   [[str(a) if a == b else f"{a} to {b}", str(n)] for a, b, n in groups],
                   {1})
    return _figure(f"{kind} {title}: mean {d['mean']}, from {d['min']} to {d['max']}", svg,
                   table)


def report_fragment(report: dict) -> str:
    """The report as an HTML section (no <html>, no styles): headings from h2 down."""
    plan = report["plan"]
    t = report["thresholds"]
    parts = ['<section class="balance-report" aria-labelledby="report-h" id="report" '
             'tabindex="-1">',
             f'<h2 id="report-h">Report: {report["games"]} games</h2>',
             f"<p>{report['games']} bot games in {report['seconds']:.1f} seconds: "
             f"{len(plan['scenarios'])} scenarios, player counts "
             f"{escape(', '.join(map(str, plan['players'])))}, "
             f"{len(plan['difficulties'])} difficulty settings, bots "
             f"{escape(', '.join(plan['bots']))}. Deck version {report['deck_version']}; "
             f"seeds from {plan['seed']}, so the same plan gives the same report.</p>",
             "<h3>Win rates</h3>"]
    if report["win_rate"] is None:
        parts.append("<p>The deck has no win condition (settings: win), so no game is won "
                     "or lost.</p>")
    else:
        parts.append(f"<p>The table won {pct(report['win_rate'])} of all games. To win: "
                     f"{escape(win_words(report))}.</p>")
        for i, (title, key) in enumerate(WIN_TABLES):
            parts.append(_win_figure(report, title, key, f"win{i}"))
    parts.append("<h3>Cards</h3>")
    parts.append(f"<p>Counted in the {report['card_games']} games of the "
                 f"{escape(' and '.join(report['cards_from']))} bots (random bots pick "
                 f"without a strategy). <strong>Dominant</strong> (hatched): adopted at least "
                 f"{t['dominant_adoption'] * 100:.0f}% of the times it was proposed, out of "
                 f"{t['min_proposals']} or more proposals. <strong>Dead</strong> (dashed "
                 f"outline): adopted in under {t['dead_adoption'] * 100:.0f}% of the "
                 f"{t['min_held']} or more hands that held it.</p>")
    parts.append(_cards_figure(report))
    parts.append("<h3>Criteria at the end of the game</h3>")
    for i, d in enumerate(report["criteria"]):
        parts.append(_distribution_figure(d, "Criterion", f"crit{i}"))
    if report["tracks"]:
        parts.append("<h3>Tracks at the end of the game</h3>")
        for i, d in enumerate(report["tracks"]):
            parts.append(_distribution_figure(d, "Track", f"track{i}"))
    parts.append("</section>")
    return "\n".join(parts)


def report_html(report: dict) -> str:
    """A whole page, to open in a browser or print."""
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Balance report: {escape(report['deck_name'])}</title>"
            "<style>body { font-family: sans-serif; margin: 1rem; color: #1d2733; }"
            " .vh { position: absolute; width: 1px; height: 1px; overflow: hidden;"
            " clip: rect(0 0 0 0); white-space: nowrap; }"
            f"{REPORT_CSS}</style></head><body><main>\n"
            f"<h1>Balance report: {escape(report['deck_name'])}</h1>\n{report_fragment(report)}\n"
            "</main></body></html>\n")
