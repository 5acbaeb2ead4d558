"""How long `server.py` takes from being started to its first 200 from /healthz: what players
wait after a crash before their seats can come back. Prints, for each start, the wall time
and the CPU time (user + system) the process had used by then; CPU time says more than wall
time on a busy machine.

    .venv/bin/python bench/startup.py --runs 10
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_start(repo: Path) -> tuple[float, float]:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1",
               "DATABASE_URL": f"sqlite:///{tmp}/game.db"}
        env.pop("MESSAGE_QUEUE", None)
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "server.py"], cwd=repo, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"server.py exited with {proc.returncode}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                                timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.005)
            wall = time.perf_counter() - started
            return wall, cpu_seconds(proc.pid)
        finally:
            proc.terminate()
            proc.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repo", type=Path, default=REPO,
                        help="a checkout to measure (another branch, say)")
    args = parser.parse_args()
    walls, cpus = [], []
    for _ in range(args.runs):
        wall, cpu = one_start(args.repo)
        walls.append(wall)
        cpus.append(cpu)
        print(f"wall {wall:.3f} s  cpu {cpu:.3f} s", flush=True)
    print(f"median: wall {statistics.median(walls):.3f} s  cpu {statistics.median(cpus):.3f} s")


if __name__ == "__main__":
    main()
