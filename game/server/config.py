"""Server configuration, read from the environment with defaults that need nothing else."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUTINGS = ("any", "table")


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 5000
    database_url: str = f"sqlite:///{ROOT / 'instance' / 'game.db'}"
    message_queue: str | None = None  # e.g. redis://127.0.0.1:6379/0 for several processes
    message_queue_channel: str | None = None  # default: from the Redis URL's database number
    # "any": any process serves any table (views cross processes through the message queue);
    # "table": a proxy sends everything about a table to one process (deploy/haproxy.cfg)
    routing: str = "any"
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    cards_dir: Path = ROOT / "cards"
    async_mode: str = "threading"
    public_url: str | None = None  # how phones reach this server, for join links and QR codes
    join_failures_per_minute: int = 10
    events_per_second: int = 20
    max_tables_cached: int = 2000
    trusted_proxies: int = 0  # proxies in front that set X-Forwarded-For
    ws_compression: bool = False  # permessage-deflate: far fewer bytes, more CPU and memory
    connections_per_address: int = 250  # 0: no cap (a load test from one machine)
    connects_per_minute: int = 120  # new connections a minute from one address; 0: no cap
    tables_per_minute: int = 30  # tables and solo games a minute from one address; 0: no cap
    viewers_per_table: int = 50  # spectators without a seat, key or screen link
    allowed_hosts: tuple[str, ...] = ()  # names besides the machine's own; ("*",): any
    testing: bool = False

    @classmethod
    def from_env(cls, **overrides: object) -> Config:
        env = os.environ
        values: dict[str, object] = {}
        if "HOST" in env:
            values["host"] = env["HOST"]
        if "PORT" in env:
            values["port"] = int(env["PORT"])
        if env.get("DATABASE_URL"):
            values["database_url"] = env["DATABASE_URL"]
        queue = env.get("MESSAGE_QUEUE") or env.get("REDIS_URL")
        if queue:
            values["message_queue"] = queue
        if env.get("MESSAGE_QUEUE_CHANNEL"):
            values["message_queue_channel"] = env["MESSAGE_QUEUE_CHANNEL"]
        if env.get("ROUTING"):
            values["routing"] = env["ROUTING"]
        if env.get("SECRET_KEY"):
            values["secret_key"] = env["SECRET_KEY"]
        if env.get("CARDS_DIR"):
            values["cards_dir"] = Path(env["CARDS_DIR"])
        if env.get("ASYNC_MODE"):
            values["async_mode"] = env["ASYNC_MODE"]
        if env.get("PUBLIC_URL"):
            values["public_url"] = env["PUBLIC_URL"].rstrip("/")
        if env.get("TRUSTED_PROXIES"):
            values["trusted_proxies"] = int(env["TRUSTED_PROXIES"])
        if env.get("WS_COMPRESSION"):
            values["ws_compression"] = env["WS_COMPRESSION"].lower() in ("1", "on", "true", "yes")
        if env.get("CONNECTIONS_PER_ADDRESS"):
            values["connections_per_address"] = int(env["CONNECTIONS_PER_ADDRESS"])
        if env.get("CONNECTS_PER_MINUTE"):
            values["connects_per_minute"] = int(env["CONNECTS_PER_MINUTE"])
        if env.get("TABLES_PER_MINUTE"):
            values["tables_per_minute"] = int(env["TABLES_PER_MINUTE"])
        if env.get("VIEWERS_PER_TABLE"):
            values["viewers_per_table"] = int(env["VIEWERS_PER_TABLE"])
        if env.get("ALLOWED_HOSTS"):
            values["allowed_hosts"] = tuple(h for h in env["ALLOWED_HOSTS"].split(",") if h)
        values.update(overrides)
        config = cls(**values)  # type: ignore[arg-type]
        if config.routing not in ROUTINGS:
            raise ValueError(f"ROUTING must be one of {', '.join(ROUTINGS)}, not "
                             f"{config.routing!r}")
        return config
