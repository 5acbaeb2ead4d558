"""How fast the player's page becomes usable, from an empty cache, on 127.0.0.1.

Runs tests/browser/test_browser_weight.py (a real server and Chromium) N times and reports
what it measured each time: milliseconds until the hand can be used, until the page's load
event, and the bytes transferred. The test asserts the bytes; the times are reported here,
since a timed assertion fails on a busy machine for nothing.

    .venv/bin/python bench/page.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "test-artifacts" / "player-page-weight.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = []
    for i in range(args.runs):
        REPORT.unlink(missing_ok=True)
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "tests/browser/test_browser_weight.py"], cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode != 0 or not REPORT.exists():
            sys.exit(f"run {i + 1} failed:\n{done.stdout[-3000:]}")
        report = json.loads(REPORT.read_text())
        runs.append({k: report[k] for k in ("usable_ms", "load", "total_kb")})
        print(json.dumps(runs[-1]), file=sys.stderr)
    summary = {k: {"median": statistics.median(r[k] for r in runs),
                   "min": min(r[k] for r in runs), "max": max(r[k] for r in runs)}
               for k in runs[0]}
    print(json.dumps({"runs": len(runs), **summary}))


if __name__ == "__main__":
    main()
