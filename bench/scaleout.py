#!/usr/bin/env python
"""Scale-out by table ownership (ROUTING=table behind HAProxy), measured against a lone process.

    .venv/bin/python bench/scaleout.py                       # both comparisons, 2 runs each
    .venv/bin/python bench/scaleout.py --only cpu --repeat 1 --duration 10

It runs bench/load.py (200 tables x 5 players, tables named in each connection's URL) against:

- **lone**: one process, ROUTING=any and no message queue, PostgreSQL as the log;
- **routed-1**: one process with ROUTING=table behind HAProxy (deploy/haproxy.cfg), Redis
  for the shared rate limits, the same PostgreSQL;
- **routed-2**: two such processes behind the same HAProxy.

and prints, per run, the actions completed, the server processes' CPU per action (HAProxy's
own CPU apart) and latency. Two comparisons, each alternating its variants run by run:

1. `cpu`: lone against routed-1 at one action per player every 5 s: the cost of the mode.
2. `scale`: routed-1 against routed-2 at an offered rate neither carries (--saturate): the
   actions two processes carry against one. Nothing is pinned here; the processes, HAProxy
   and the load generator share the machine's cores.

Needs haproxy, PostgreSQL (--database-url of a database it may CREATE DATABASE from) and
Redis (--redis, a database number of its own)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ok(url: str, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"exited; see {log}:\n{log.read_text()[-2000:]}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not answer; see {log}")


class Setup:
    """The processes of one variant, started, and stopped at the end."""

    def __init__(self, variant: str, database_url: str, redis_url: str, work: Path):
        self.procs: list[subprocess.Popen] = []
        self.servers: list[subprocess.Popen] = []
        count = 2 if variant == "routed-2" else 1
        routed = variant.startswith("routed")
        ports = [free_port() for _ in range(count)]
        for i, port in enumerate(ports):
            env = {k: v for k, v in os.environ.items()
                   if k not in ("MESSAGE_QUEUE", "REDIS_URL", "ROUTING", "TRUSTED_PROXIES")}
            env.update(HOST="127.0.0.1", PORT=str(port), DATABASE_URL=database_url,
                       PYTHONUNBUFFERED="1", CONNECTIONS_PER_ADDRESS="0",
                       CONNECTS_PER_MINUTE="0")
            if routed:
                env.update(ROUTING="table", MESSAGE_QUEUE=redis_url, TRUSTED_PROXIES="1")
            log = work / f"{variant}-{i}.log"
            proc = subprocess.Popen([sys.executable, "server.py"], cwd=ROOT, env=env,
                                    stdout=log.open("w"), stderr=subprocess.STDOUT)
            self.procs.append(proc)
            self.servers.append(proc)
            wait_ok(f"http://127.0.0.1:{port}/healthz", proc, log)
        self.url = f"http://127.0.0.1:{ports[0]}"
        self.proxy = None
        if routed:
            listen = free_port()
            backends = [f"127.0.0.1:{p}" for p in ports]
            env = {**os.environ, "GG_LISTEN": f"127.0.0.1:{listen}", "GG_A": backends[0],
                   "GG_B": backends[-1]}  # one process: both server lines name it
            log = work / f"{variant}-haproxy.log"
            self.proxy = subprocess.Popen(
                [haproxy(), "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")], env=env,
                stdout=log.open("w"), stderr=subprocess.STDOUT)
            self.procs.append(self.proxy)
            self.url = f"http://127.0.0.1:{listen}"
            wait_ok(self.url + "/healthz", self.proxy, log)
            time.sleep(1.5)  # both server lines passing their health checks

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


def haproxy() -> str:
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if found is None:
        raise SystemExit("haproxy is needed: apt-get install haproxy")
    return found


def run(variant: str, args: argparse.Namespace, interval: float, admin_url: str,
        work: Path) -> dict:
    name = f"gg_bench_{uuid.uuid4().hex[:10]}"
    import psycopg

    conninfo = admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database_url = f"{admin_url.rpartition('/')[0]}/{name}"
    setup = None
    try:
        # The schema is created by the first process; provision through it as load.py does.
        setup = Setup(variant, database_url, args.redis, work)
        proxy_cpu0 = psutil.Process(setup.proxy.pid).cpu_times() if setup.proxy else None
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            cmd = [sys.executable, str(ROOT / "bench" / "load.py"), "--url", setup.url,
                   "--pid", ",".join(str(p.pid) for p in setup.servers),
                   "--database-url", database_url, "--table-query", "--no-pin",
                   "--tables", str(args.tables), "--interval", f"{interval:g}",
                   "--duration", f"{args.duration:g}", "--warmup", f"{args.warmup:g}",
                   "--json", out.name]
            done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"load.py failed:\n{done.stderr[-3000:]}")
            r = json.loads(Path(out.name).read_text())
        proxy_cpu = None
        if setup.proxy and proxy_cpu0:
            t = psutil.Process(setup.proxy.pid).cpu_times()
            proxy_cpu = (t.user + t.system - proxy_cpu0.user - proxy_cpu0.system)
    finally:
        if setup:
            setup.stop()
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    actions = max(r["actions_per_s"], 1e-9)
    return {"variant": variant, "actions_per_s": r["actions_per_s"],
            "offered": r["offered_actions_per_s"], "server_cpu": r["server_cpu"],
            "cpu_ms_per_action": round(r["server_cpu"] / actions * 1000, 3),
            "haproxy_cpu_ms_per_action": round(proxy_cpu / (actions * r["duration_s"]) * 1000,
                                               3) if proxy_cpu is not None else None,
            "p50": r["latency_ms"]["p50"], "p99": r["latency_ms"]["p99"],
            "errors": r["errors"], "error_kinds": r["error_kinds"],
            "memory_mb": r["server_peak_rss_mb"], "load": os.getloadavg()[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=("cpu", "scale"))
    ap.add_argument("--tables", type=int, default=200)
    ap.add_argument("--interval", type=float, default=5.0, help="for cpu (default 5)")
    ap.add_argument("--saturate", type=float, default=0.5,
                    help="for scale: seconds between one player's actions (default 0.5)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--warmup", type=float, default=5.0)
    ap.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = ap.parse_args()
    haproxy()
    comparisons = [("cpu", ("lone", "routed-1"), args.interval),
                   ("scale", ("routed-1", "routed-2"), args.saturate)]
    with tempfile.TemporaryDirectory(prefix="gg-scaleout-") as tmp:
        for what, variants, interval in comparisons:
            if args.only and args.only != what:
                continue
            results: dict[str, list[dict]] = {v: [] for v in variants}
            for i in range(args.repeat):
                for v in variants if i % 2 == 0 else variants[::-1]:
                    r = run(v, args, interval, args.database_url, Path(tmp))
                    results[v].append(r)
                    print(json.dumps(r), flush=True)
            a, b = variants
            key = "cpu_ms_per_action" if what == "cpu" else "actions_per_s"
            ratios = [f"{y[key] / x[key]:.2f}" for x, y in zip(results[a], results[b],
                                                               strict=True)]
            print(f"{what}: {key} {b} / {a}, run by run: {', '.join(ratios)}", flush=True)


if __name__ == "__main__":
    main()
