"""How long printing takes: each shipped deck (and the fixture deck written to strain the
layout) laid out and written as a PDF, the way `python -m game print` does it.

    .venv/bin/python bench/print.py             # 3 repeats of each deck, A4 with backs
    .venv/bin/python bench/print.py --paper letter --repeats 5

Prints, per deck, the cards it holds, the pages, and the median wall-clock and CPU seconds of
the repeats. The first repeat includes loading and parsing the font; the process stays warm
after that, as a server does. The aim (issue 12): a deck of 60 cards in under 5 seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from game.decks.loader import load_deck  # noqa: E402
from game.paper import render  # noqa: E402

DECKS = [*sorted(p for p in (ROOT / "cards").iterdir() if p.is_dir()),
         ROOT / "tests" / "fixtures" / "decks" / "long-texts"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'deck':28} {'cards':>5} {'pages':>5} {'first s':>8} {'median s':>8} "
          f"{'cpu s':>6}")
    for folder in DECKS:
        deck = load_deck(folder)
        cards = (sum(c.copies for c in deck.interventions.values()) + len(deck.events)
                 + len(deck.roles) + sum(r.objective is not None for r in deck.roles.values()))
        walls, cpus = [], []
        for _ in range(args.repeats):
            wall, cpu = time.perf_counter(), time.process_time()
            job = render(deck, args.paper)
            data = bytes(job.pdf.output())
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        assert data.startswith(b"%PDF-")
        print(f"{folder.name:28} {cards:5} {job.pdf.page:5} {walls[0]:8.2f} "
              f"{statistics.median(walls):8.2f} {statistics.median(cpus):6.2f}")


if __name__ == "__main__":
    main()
