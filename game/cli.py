"""`python -m game ...`: validate, simulate, balance and print decks from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from game.decks.loader import check_deck
from game.decks.model import Deck
from game.decks.options import BOT_KINDS, bot_kind


def _checked(folder: str | Path, doing: str) -> Deck | None:
    """The deck in `folder`; else None, after printing its problems and what to do."""
    deck, problems = check_deck(folder)
    if problems or deck is None:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"cannot {doing} {folder}: fix the problems above first", file=sys.stderr)
        return None
    return deck


def cmd_validate(args: argparse.Namespace) -> int:
    failed = False
    for path in args.paths:
        deck, problems = check_deck(path)
        if problems:
            failed = True
            for p in problems:
                print(p)
            word = "problem" if len(problems) == 1 else "problems"
            print(f"{len(problems)} {word} in {path}", file=sys.stderr)
        elif deck is not None:
            print(f"{path}: ok: {deck.summary()}")
    return 1 if failed else 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from game.engine.actions import IllegalAction
    from game.engine.simulate import simulate

    deck = _checked(args.deck, "simulate")
    if deck is None:
        return 1
    level = deck.difficulties.get(args.difficulty or "")
    bots = (args.bots or bot_kind(None, level)).split(",")
    bad = [b for b in bots if b not in BOT_KINDS]
    if bad:
        print(f"unknown bot kind {bad[0]!r}; choose from: {', '.join(BOT_KINDS)}",
              file=sys.stderr)
        return 2
    try:
        result = simulate(deck, args.scenario, args.players, args.seed, args.games, bots,
                          difficulty=args.difficulty, details=args.details)
    except IllegalAction as exc:
        print(f"cannot simulate: {exc.message}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=None if args.compact else 2, sort_keys=True)
    print()
    return 0


def _ids(text: str | None) -> list[str] | None:
    return [t.strip() for t in text.split(",") if t.strip()] if text else None


def cmd_balance(args: argparse.Namespace) -> int:
    from game.engine.balance import BalanceError, make_plan, run_balance
    from game.engine.balance_report import report_html, text_summary

    deck = _checked(args.deck, "balance")
    if deck is None:
        return 1
    try:
        players = [int(p) for p in _ids(args.players) or []] or None
    except ValueError:
        print(f"--players must be whole numbers separated by commas, like 3,4,5; not "
              f"{args.players!r}", file=sys.stderr)
        return 2
    try:
        plan = make_plan(deck, args.games, players=players, scenarios=_ids(args.scenarios),
                         bots=_ids(args.bots), seed=args.seed)
    except BalanceError as exc:
        print(f"cannot balance: {exc}", file=sys.stderr)
        return 2
    show = sys.stderr.isatty() and not args.quiet

    def progress(done: int, total: int) -> None:
        if show:
            print(f"\r{done} of {total} games", end="", file=sys.stderr, flush=True)

    done = [0]

    def progress_seen(n: int, total: int) -> None:
        done[0] = n
        progress(n, total)

    try:
        report = run_balance(deck, plan, progress=progress_seen)
    except KeyboardInterrupt:  # Ctrl+C: the workers are stopped as the games unwind
        print(f"\ncancelled after {done[0]} of {plan.games} games", file=sys.stderr)
        return 130
    if show:
        print(file=sys.stderr)
    # The report first: games that took minutes are not lost to a mistyped --html path.
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        print(text_summary(report))
    if args.html:
        try:
            Path(args.html).write_text(report_html(report), encoding="utf-8")
        except OSError as exc:
            print(f"cannot write {args.html}: {exc.strerror}", file=sys.stderr)
            return 1
        if not args.json:
            print(f"HTML report: {args.html}")
    return 0


def cmd_lessons(args: argparse.Namespace) -> int:
    from game.engine.lessons import check_lessons, words

    failed = False
    report = []
    for path in args.paths:
        deck = _checked(path, "check the lessons of")
        if deck is None:  # the other decks are still checked, and reported
            failed = True
            continue
        results = check_lessons(deck, deals=args.deals, seats=args.seats)
        failed = failed or not all(r["held"] for r in results)
        if args.json:
            report.append({"deck": str(path), "lessons": results})
            continue
        if not results:
            print(f"{path}: no lessons (add a 'lessons:' section: docs/decks.md#lessons)")
        for line in words(deck, results):
            print(f"{path}: {line}")
    if args.json:
        json.dump(report, sys.stdout, indent=2, sort_keys=True)
        print()
    return 1 if failed else 0


def cmd_decks(args: argparse.Namespace) -> int:
    failed = False
    for folder in sorted(Path(args.root).iterdir()):
        if folder.is_dir():
            deck, problems = check_deck(folder)
            if deck is None:
                failed = True
                word = "problem" if len(problems) == 1 else "problems"
                print(f"{folder.name}: {len(problems)} {word}: run "
                      f"'python -m game validate {folder}'")
                continue
            print(f"{deck.id}: {deck.name} ({', '.join(deck.scenarios)})")
    return 1 if failed else 0


def cmd_print(args: argparse.Namespace) -> int:
    from game.paper import print_deck

    deck = _checked(args.deck, "print")
    if deck is None:
        return 1
    out = Path(args.output or f"{deck.id}-{args.paper}.pdf")
    data = print_deck(deck, args.paper, backs=not args.no_backs)
    try:
        out.write_bytes(data)
    except OSError as exc:
        print(f"cannot write {out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"{out}: {deck.name}, {args.paper.upper() if args.paper == 'a4' else 'US Letter'}, "
          f"{len(data) // 1024} KB")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m game",
                                     description="The Governance Game from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check decks and list every problem")
    p.add_argument("paths", nargs="+", help="deck folders (or single .yaml files)")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("simulate", help="play whole games with bots and print JSON")
    p.add_argument("--deck", required=True, help="deck folder, e.g. cards/good-governance")
    p.add_argument("--scenario", required=True, help="scenario id")
    p.add_argument("--players", type=int, default=4, help="seats at the table (default 4)")
    p.add_argument("--seed", type=int, default=1, help="seed of the first game (default 1)")
    p.add_argument("--games", type=int, default=1, help="how many games (seeds seed, seed+1..)")
    p.add_argument("--bots", default=None,
                   help=f"bot kinds, comma separated, given to seats in turn: {BOT_KINDS} "
                   "(default: the difficulty's bots, else greedy)")
    p.add_argument("--difficulty", help="difficulty id from the deck")
    p.add_argument("--details", action="store_true", help="with --games, list every game too")
    p.add_argument("--compact", action="store_true", help="one line of JSON")
    p.set_defaults(func=cmd_simulate)
    p = sub.add_parser("balance", help="play many bot games over every scenario and player "
                       "count and report win rates, cards and end scores")
    p.add_argument("deck", help="deck folder, e.g. cards/good-governance")
    p.add_argument("--games", type=int, default=2000,
                   help="games in all, shared evenly over scenarios and player counts "
                   "(default 2000)")
    p.add_argument("--players", help="player counts, comma separated (default: all the deck "
                   "allows)")
    p.add_argument("--scenarios", help="scenario ids, comma separated (default: all)")
    p.add_argument("--bots", help=f"bot kinds, comma separated (default: {','.join(BOT_KINDS)})")
    p.add_argument("--seed", type=int, default=1, help="seed of the first game (default 1)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--html", metavar="FILE", help="also write the report as an HTML page "
                   "with its figures")
    p.add_argument("--quiet", action="store_true", help="no progress on the terminal")
    p.set_defaults(func=cmd_balance)
    p = sub.add_parser("lessons", help="check what decks mean to teach, over many deals")
    p.add_argument("paths", nargs="+", help="deck folders, e.g. cards/good-governance")
    p.add_argument("--deals", type=int, default=20,
                   help="games dealt per scenario (seeds 1..deals; default 20)")
    p.add_argument("--seats", type=int, default=4, help="seats at the table (default 4)")
    p.add_argument("--json", action="store_true", help="the results as JSON")
    p.set_defaults(func=cmd_lessons)
    p = sub.add_parser("decks", help="list the decks under a folder")
    p.add_argument("root", nargs="?", default="cards")
    p.set_defaults(func=cmd_decks)
    p = sub.add_parser("print", help="make a PDF of a deck to print, cut out and play on paper")
    p.add_argument("deck", help="deck folder, e.g. cards/good-governance")
    p.add_argument("-o", "--output", help="the PDF to write (default: <deck id>-<paper>.pdf)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4",
                   help="paper size: a4 (default) or letter (US Letter)")
    p.add_argument("--no-backs", action="store_true",
                   help="leave out the card backs, for single-sided printing")
    p.set_defaults(func=cmd_print)
    args = parser.parse_args(argv)
    return args.func(args)
