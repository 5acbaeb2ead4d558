"""Server configuration, read from the environment with defaults that need nothing else."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET_FILE = "secret_key"
log = logging.getLogger(__name__)
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
    # Signs session cookies (facilitators' sign-ins) and CSRF tokens. None: read the one kept
    # in instance_dir, made on the first start (see persistent_secret).
    secret_key: str | None = None
    instance_dir: Path = ROOT / "instance"
    cards_dir: Path = ROOT / "cards"
    async_mode: str = "threading"
    public_url: str | None = None  # how phones reach this server, for join links and QR codes
    join_failures_per_minute: int = 10
    events_per_second: int = 20
    max_tables_cached: int = 2000
    trusted_proxies: int = 0  # proxies in front that set X-Forwarded-For
    ws_compression: bool = False  # permessage-deflate: far fewer bytes, more CPU and memory
    ws_send_buffer: int = 0  # kernel send buffer per WebSocket, bytes; 0: the system's own
    connections_per_address: int = 250  # 0: no cap (a load test from one machine)
    connects_per_minute: int = 120  # new connections a minute from one address; 0: no cap
    tables_per_minute: int = 30  # tables and solo games a minute from one address; 0: no cap
    viewers_per_table: int = 50  # spectators without a seat, key or screen link
    allowed_hosts: tuple[str, ...] = ()  # names besides the machine's own; ("*",): any
    testing: bool = False
    # Facilitator accounts (game.server.accounts).
    secure_cookies: bool | None = None  # None: when public_url is https
    session_days: float = 14.0  # a sign-in lasts this long after the last visit
    signin_window_s: int = 900  # wrong sign-ins are counted over this many seconds
    signin_failures_per_name: int = 5  # per account name, in the window; 0: no cap
    signin_failures_per_address: int = 30  # per address, in the window; 0: no cap
    signups_per_hour: int = 10  # new accounts an hour from one address; 0: no cap
    # Uploads to the studio a minute per facilitator: a workbook within every size limit can
    # still take a second or two of CPU to read. 0: no cap.
    uploads_per_minute: int = 20

    @property
    def https(self) -> bool:
        """Whether browsers reach the server over HTTPS, so cookies may be Secure."""
        if self.secure_cookies is not None:
            return self.secure_cookies
        return bool(self.public_url and self.public_url.startswith("https://"))

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
        if env.get("INSTANCE_DIR"):
            values["instance_dir"] = Path(env["INSTANCE_DIR"])
        if env.get("SECURE_COOKIES"):
            values["secure_cookies"] = env["SECURE_COOKIES"].lower() in ("1", "on", "true",
                                                                         "yes")
        for name, key, kind in (("SESSION_DAYS", "session_days", float),
                                ("SIGNIN_WINDOW", "signin_window_s", int),
                                ("SIGNIN_FAILURES_PER_NAME", "signin_failures_per_name", int),
                                ("SIGNIN_FAILURES_PER_ADDRESS", "signin_failures_per_address",
                                 int),
                                ("SIGNUPS_PER_HOUR", "signups_per_hour", int)):
            if env.get(name):
                values[key] = kind(env[name])
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
        if env.get("WS_SEND_BUFFER"):
            values["ws_send_buffer"] = int(env["WS_SEND_BUFFER"])
        if env.get("CONNECTIONS_PER_ADDRESS"):
            values["connections_per_address"] = int(env["CONNECTIONS_PER_ADDRESS"])
        if env.get("CONNECTS_PER_MINUTE"):
            values["connects_per_minute"] = int(env["CONNECTS_PER_MINUTE"])
        if env.get("TABLES_PER_MINUTE"):
            values["tables_per_minute"] = int(env["TABLES_PER_MINUTE"])
        if env.get("UPLOADS_PER_MINUTE"):
            values["uploads_per_minute"] = int(env["UPLOADS_PER_MINUTE"])
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


def persistent_secret(folder: Path) -> str:
    """The key kept in `folder`/secret_key, made (random, 32 bytes) on the first start.

    A key drawn afresh at each start would sign every facilitator out at each restart, and
    processes that each drew their own would refuse one another's cookies. The file is made
    readable by its owner only (0600), and made whole before it appears (written under
    another name, then linked), so two processes starting at once agree on one key."""
    path = folder / SECRET_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        spare = folder / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):  # another process was first: use its
                os.link(spare, path)
        finally:
            spare.unlink(missing_ok=True)
        log.info("made a secret key for session cookies in %s", path)
    if path.stat().st_mode & 0o077:
        log.warning("%s can be read by other users of this machine: chmod 600 it", path)
    key = path.read_text().strip()
    if len(key) < 32:
        raise ValueError(f"{path} holds a key too short to sign cookies safely: delete it "
                         "to make a new one, or set SECRET_KEY")
    return key


def secret_key(config: Config) -> str:
    """SECRET_KEY from the environment (or the Config) if set, else the one kept in
    instance/."""
    return config.secret_key or persistent_secret(config.instance_dir)
