#!/usr/bin/env python
"""Our server against the boardgame.io peer, side by side, in one run.

    .venv/bin/python bench/compare.py                  # the full comparison (30-40 min)
    .venv/bin/python bench/compare.py --quick          # a short run, to check it works

It runs our `bench/load.py` and the peer's `load.js` (../shared/peers/boardgameio, copied to
a temporary folder and installed with `npm ci`, so it needs only Node and npm) one after the
other, alternating, at the same sizes, and prints the ratios ours / peer:

1. **steady**: 200 tables x 5 players (1,000 WebSockets), one action per player every 5 s,
   `--repeat` runs of each: p50 and p99 of the latency, peak server memory.
2. **stepping**: the offered rate goes up in `--steps`; at each step each server gets one
   run. The highest rate a server *completes* with p99 <= `--p99-limit` ms and no errors is
   its sustained rate. A server stops stepping after two failed steps in a row.

Both servers run pinned to CPU 0 and both load generators to CPU 1: load.py pins itself and
its server; load.js runs under `taskset -c 1` with PIN_SERVER_CPU=0.

What is compared. The peer times a move from just before its client emits it to the moment
the last of the match's five clients has applied the new state. load.py's `from_send_ms` is
the same span (send to the last seat's view), so the latency ratios use it; load.py's own
headline figure, timed from when the action was *due*, is printed beside it. The rates are
matched as offered actions per second: a player of the peer's game moves once per stage, and
a stage lasts about 4/3 of its think time (its README), so the peer's `--rate` is 3/4 of our
`--interval` for the same offer. The peer keeps finished matches in memory; in a 30 s run at
one action per player per 5 s no match finishes, so the memory figures compare like with like
there, and the stepping runs report memory only for information.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT.parent / "shared" / "peers" / "boardgameio"
SEATS = 5


def install_peer(source: Path, cache: Path) -> Path:
    """Copy the peer to a writable folder and `npm ci` it there, once per package-lock."""
    if not (source / "load.js").exists():
        raise SystemExit(f"no peer benchmark at {source} (give --peer DIR)")
    lock = hashlib.sha256((source / "package-lock.json").read_bytes()
                          + (source / "load.js").read_bytes()).hexdigest()[:12]
    target = cache / f"gg-peer-{lock}"
    if (target / "node_modules" / ".compare-ok").exists():
        return target
    for tool in ("node", "npm", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed to run the peer; install it first")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("node_modules", "results"))
    print(f"installing the peer in {target} (npm ci)", file=sys.stderr, flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=target,
                   check=True, stdout=sys.stderr)
    (target / "node_modules" / ".compare-ok").touch()
    return target


def run_ours(tables: int, interval: float, duration: float, warmup: float) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, str(ROOT / "bench" / "load.py"), "--tables", str(tables),
               "--interval", f"{interval:g}", "--duration", f"{duration:g}",
               "--warmup", f"{warmup:g}", "--json", out.name]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"load.py failed:\n{proc.stderr[-3000:]}")
        r = json.loads(Path(out.name).read_text())
    return {"actions_per_s": r["actions_per_s"], "offered": r["offered_actions_per_s"],
            "p50": r["from_send_ms"]["p50"], "p99": r["from_send_ms"]["p99"],
            "due_p50": r["latency_ms"]["p50"], "due_p99": r["latency_ms"]["p99"],
            "errors": r["errors"], "memory_mb": r["server_peak_rss_mb"],
            "server_cpu": r["server_cpu"]}


def run_peer(peer: Path, matches: int, rate: float, duration: float) -> dict:
    cmd = ["taskset", "-c", "1", "node", "load.js", "--matches", str(matches),
           "--rate", f"{rate:g}", "--duration", f"{duration:g}", "--client", "raw"]
    env = {**os.environ, "PIN_SERVER_CPU": "0"}
    proc = subprocess.run(cmd, cwd=peer, env=env, capture_output=True, text=True)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"load.js failed:\n{proc.stderr[-3000:]}")
    r = json.loads(lines[-1])
    errors = r["errors"] + r["timeouts"] + r["match_setup_failed"]
    return {"actions_per_s": r["moves_per_s"], "offered": round(5 * matches / (rate * 4 / 3), 1),
            "p50": r["p50_ms"], "p99": r["p99_ms"], "errors": errors,
            "memory_mb": r["server_peak_rss_mb"], "server_cpu": r["server_cpu_pct"] / 100}


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, default=200, help="tables (peer: matches) of 5")
    ap.add_argument("--interval", type=float, default=5.0,
                    help="steady load: seconds between one player's actions (default 5)")
    ap.add_argument("--repeat", type=int, default=3, help="steady runs of each (default 3)")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds measured per run")
    ap.add_argument("--warmup", type=float, default=5.0, help="load.py's warm-up (seconds)")
    ap.add_argument("--steps", default="400,600,800,1000,1200,1500",
                    help="offered actions/s to step through (comma-separated; '' skips)")
    ap.add_argument("--p99-limit", type=float, default=100.0)
    ap.add_argument("--peer", type=Path, default=PEER, help="the peer benchmark's folder")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()),
                    help="where the peer is installed (default: the temporary folder)")
    ap.add_argument("--quick", action="store_true",
                    help="20 tables, 1 run, 8 s, two steps: to check the machinery")
    ap.add_argument("--json", type=Path, help="also write every run here")
    args = ap.parse_args()
    if args.quick:
        args.tables, args.repeat, args.duration, args.warmup = 20, 1, 8.0, 2.0
        args.steps = "100,200"
    steps = [float(s) for s in args.steps.split(",") if s.strip()]
    if (os.cpu_count() or 1) < 2:
        raise SystemExit("the comparison pins server and load generator to two cores")
    peer = install_peer(args.peer, args.cache)
    started = datetime.now(UTC)
    load = os.getloadavg()
    seats = args.tables * SEATS

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    steady: dict[str, list[dict]] = {"ours": [], "peer": []}
    for i in range(args.repeat):
        for who in ("ours", "peer") if i % 2 == 0 else ("peer", "ours"):
            try:
                r = (run_ours(args.tables, args.interval, args.duration, args.warmup)
                     if who == "ours" else
                     run_peer(peer, args.tables, args.interval * 3 / 4, args.duration))
            except SystemExit as exc:  # one failed run is reported, the others still run
                say(f"steady {i + 1}/{args.repeat} {who} failed: {exc}")
                continue
            steady[who].append(r)
            say(f"steady {i + 1}/{args.repeat} {who}: {json.dumps(r)}")

    stepping: dict[str, list[dict]] = {"ours": [], "peer": []}
    failed = {"ours": 0, "peer": 0}
    for offered in steps:
        for who in ("ours", "peer"):
            if failed[who] >= 2:
                continue
            interval = seats / offered
            try:
                r = (run_ours(args.tables, interval, args.duration, args.warmup)
                     if who == "ours"
                     else run_peer(peer, args.tables, interval * 3 / 4, args.duration))
            except SystemExit as exc:
                say(f"step {offered:g}/s {who} failed: {exc}")
                failed[who] += 1
                continue
            r["ok"] = r["p99"] <= args.p99_limit and r["errors"] == 0
            failed[who] = 0 if r["ok"] else failed[who] + 1
            stepping[who].append(r)
            say(f"step {offered:g}/s {who}: {json.dumps(r)}")

    def sustained(who: str) -> float:
        return max((r["actions_per_s"] for r in stepping[who] if r["ok"]), default=0.0)

    lines = [
        f"{started:%Y-%m-%d %H:%M} UTC, {platform.node()}: {os.cpu_count()} cores, "
        f"{_cpu_model()}, load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"steady: {args.tables} tables x {SEATS} ({seats} WebSockets), one action per player "
        f"every {args.interval:g} s, {args.duration:g} s measured, {args.repeat} runs each, "
        "alternating",
        "",
        "| run | actions/s | p50 ms | p99 ms | ours p50/p99 from due | errors | "
        "server CPU | peak memory MB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for who in ("ours", "peer"):
        for r in steady[who]:
            due = f"{r['due_p50']} / {r['due_p99']}" if who == "ours" else ""
            lines.append(f"| {who} | {r['actions_per_s']} | {r['p50']} | {r['p99']} | {due} | "
                         f"{r['errors']} | {r['server_cpu']:.2f} | {r['memory_mb']} |")
    if steady["ours"] and steady["peer"]:
        lines += ["", "ratios ours / peer (medians of the runs): "
                  + ", ".join(f"{k} {ratio(median(steady['ours'], k), median(steady['peer'], k))}"
                              for k in ("p50", "p99", "memory_mb"))]
    if steps:
        lines += ["", f"stepping (one run per step, p99 <= {args.p99_limit:g} ms and no errors "
                  "to count):", "",
                  "| offered/s | server | actions/s | p50 ms | p99 ms | errors | server CPU | "
                  "memory MB | counts |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for who in ("ours", "peer"):
            for r in stepping[who]:
                lines.append(f"| {r['offered']} | {who} | {r['actions_per_s']} | {r['p50']} | "
                             f"{r['p99']} | {r['errors']} | {r['server_cpu']:.2f} | "
                             f"{r['memory_mb']} | {'yes' if r['ok'] else 'no'} |")
        lines += ["", f"highest sustained rate: ours {sustained('ours'):g}/s, peer "
                  f"{sustained('peer'):g}/s, ratio {ratio(sustained('ours'), sustained('peer'))}"]
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({"started": started.isoformat(), "load": load,
                                         "steady": steady, "stepping": stepping}, indent=1))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
