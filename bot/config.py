"""Configuration from the environment (and `.env` when present).

Every problem is collected and reported at once (`ConfigError`), so an operator
fixes the whole file in one go: values, and whether the database, log and heartbeat
files can be created where they are asked for (checked without creating anything:
the nearest existing folder must take an anonymous temporary file). The database and
log files are created later, only once the configuration is known to be valid.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from environs import Env, EnvValidationError
from marshmallow.validate import OneOf, Range, Regexp

from models.tables import LANGUAGES

from .health import HOSTNAME, heartbeat_path

TOKEN_RE = r"^\d{3,20}:[A-Za-z0-9_-]{20,}$"
LOG_LEVELS = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"]
LOG_FORMATS = ["text", "json"]
DEFAULT_DATABASE_URL = "sqlite:///data/carpool.sqlite3"


class ConfigError(Exception):
    """Invalid configuration; `problems` lists each one as `NAME: what is wrong`."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def report(self) -> str:
        lines = ["Configuration error(s):"] + [f"  - {p}" for p in self.problems]
        lines.append("See .env.example for every variable and its meaning.")
        return "\n".join(lines)


@dataclass(frozen=True)
class Settings:
    telegram_token: str
    database_url: str = DEFAULT_DATABASE_URL
    sentry_dsn: str = ""
    sentry_traces_sample_rate: float = 0.0
    sentry_environment: str = "production"
    log_level: str = "INFO"
    log_dir: Path | None = Path("logs")  # None: stdout only (containers, several processes)
    log_format: str = "text"  # or "json": one JSON object per line
    log_id_key: str = ""  # keys the pseudonyms of Telegram ids in logs; empty: derived from the token
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    telegram_api_url: str = ""
    reminders: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=2))
    waitlist_hold: timedelta = timedelta(minutes=30)  # a freed seat held for the first in line (issue #22)
    redis_url: str = ""
    shutdown_timeout: float = 10.0
    webhook_url: str = ""
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    webhook_path: str = "/telegram/webhook"
    webhook_secret: str = ""
    heartbeat_file: Path | None = None
    scheduler_interval: float = 60.0
    notification_retention_days: int = 30  # finished notifications are deleted after this many days
    sender_lease_timeout: float = 30.0  # PostgreSQL: a frozen sender's lock is freed after this many seconds
    default_language: str = "en"  # for players whose Telegram reports no language the bot speaks
    club_chat_id: int | None = None  # only members of this Telegram group may use the bot; None: open
    club_admins: frozenset[int] = frozenset()  # Telegram ids who manage events (with the club chat's administrators)
    throttle_rate: int = 5  # updates per second one user may send; 0: no limit
    # From `carpool-bot run --force-polling` / `--reset-webhook` (bot/runmodes/startup.py), never from the environment:
    # a setting left in .env would let every later start take Telegram's updates from another deployment.
    force_polling: bool = False
    reset_webhook: bool = False

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_url)

    @property
    def timezone_name(self) -> str:
        return self.timezone.key


def parse_offsets(raw: str) -> tuple[timedelta, ...]:
    """`24h,2h,30m` -> durations, largest first; empty -> no reminders."""
    result = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        m = re.fullmatch(r"(\d{1,4})\s*([hm])", part.lower())
        if not m or int(m.group(1)) == 0:
            raise ValueError(f"{part!r} is not an offset like 24h or 30m")
        n, unit = int(m.group(1)), m.group(2)
        result.append(timedelta(hours=n) if unit == "h" else timedelta(minutes=n))
    return tuple(sorted(set(result), reverse=True))


def parse_admins(raw: str) -> frozenset[int]:
    """`12345678, 87654321` -> Telegram user ids (positive numbers); empty -> none."""
    ids = set()
    for part in filter(None, (p.strip() for p in raw.split(","))):
        if not re.fullmatch(r"[0-9]{1,20}", part) or int(part) == 0:
            raise ValueError(f"{part!r} is not a Telegram user id")
        ids.add(int(part))
    return frozenset(ids)


def load_settings(env_file: str | os.PathLike | None = ".env", require_token: bool = True) -> Settings:
    """Read and validate the settings; raise `ConfigError` listing every problem."""
    env = Env(eager=False)
    if env_file and Path(env_file).is_file():
        env.read_env(str(env_file), recurse=False, override=False)
    problems: list[str] = []

    token_rule = Regexp(TOKEN_RE, error="must look like 123456789:AAE... (digits, colon, secret)")
    if require_token:
        token = env.str("TELEGRAM_TOKEN", validate=token_rule)
    else:
        token = env.str("TELEGRAM_TOKEN", "")
    database_url = env.str("DATABASE_URL", DEFAULT_DATABASE_URL)
    sentry_dsn = env.str("SENTRY_DSN", "")
    traces = env.float(
        "SENTRY_TRACES_SAMPLE_RATE", 0.0, validate=Range(0, 1, error="must be between 0 and 1")
    )
    sentry_env = env.str("SENTRY_ENVIRONMENT", "production")
    log_level = env.str("LOG_LEVEL", "INFO", validate=OneOf(
        LOG_LEVELS + [x.lower() for x in LOG_LEVELS], error="must be one of " + ", ".join(LOG_LEVELS)
    ))
    log_dir = env.str("LOG_DIR", "logs").strip()
    log_format = env.str("LOG_FORMAT", "text", validate=OneOf(LOG_FORMATS, error="must be text or json"))
    log_id_key = env.str("LOG_ID_KEY", "", validate=Regexp(r"^(|.{16,})$", error=(
        "must be empty (derived from the token) or a secret of at least 16 characters")))
    tz_name = env.str("TIMEZONE", "UTC")
    api_url = env.str("TELEGRAM_API_URL", "")
    reminders_raw = env.str("REMINDERS", "24h,2h")
    waitlist_hold = env.int("WAITLIST_HOLD", 30, validate=Range(1, 1440, error="must be 1 to 1440 minutes"))
    redis_url = env.str("REDIS_URL", "")
    shutdown_timeout = env.float("SHUTDOWN_TIMEOUT", 10.0, validate=Range(0, 600))
    webhook_url = env.str("WEBHOOK_URL", "")
    webhook_host = env.str("WEBHOOK_HOST", "0.0.0.0")
    webhook_port = env.int("WEBHOOK_PORT", 8080, validate=Range(1, 65535, error="must be a port, 1 to 65535"))
    webhook_path = env.str("WEBHOOK_PATH", "/telegram/webhook")
    webhook_secret = env.str("WEBHOOK_SECRET", "")
    heartbeat_file = env.str("HEARTBEAT_FILE", "")
    scheduler_interval = env.float("SCHEDULER_INTERVAL", 60.0, validate=Range(1, 3600, error="must be 1 to 3600 seconds"))
    retention_days = env.int("NOTIFICATION_RETENTION_DAYS", 30, validate=Range(1, 3650, error="must be 1 to 3650 days"))
    lease_timeout = env.float("SENDER_LEASE_TIMEOUT", 30.0, validate=Range(2, 600, error="must be 2 to 600 seconds"))
    club_chat_raw = env.str("CLUB_CHAT_ID", "").strip()
    club_admins_raw = env.str("CLUB_ADMINS", "")
    throttle_rate = env.int("THROTTLE_RATE", 5, validate=Range(0, 1000, error="must be 0 (off) to 1000"))
    default_language = env.str("DEFAULT_LANGUAGE", "en", validate=OneOf(
        LANGUAGES, error="must be one of " + ", ".join(LANGUAGES)))
    try:
        env.seal()
    except EnvValidationError as exc:
        for name, messages in sorted(exc.error_messages.items()):
            for msg in messages if isinstance(messages, list) else [messages]:
                problems.append(f"{name}: {_humanize(name, msg)}")

    tz = ZoneInfo("UTC")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"TIMEZONE: {tz_name!r} is not an IANA time zone name (e.g. Europe/Berlin)")
    if not re.match(r"^(sqlite|sqliteext|postgres|postgresql|postgresext)://", database_url or ""):
        problems.append("DATABASE_URL: must start with sqlite:/// or postgresql://")
    elif database_url.startswith("sqlite"):
        problems.extend(f"DATABASE_URL: {p}" for p in _sqlite_problems(database_url))
    if sentry_dsn and not re.match(r"^https?://[^@]+@[^/]+/\d+$", sentry_dsn):
        problems.append("SENTRY_DSN: must look like https://<key>@<host>/<project id> (or be empty)")
    if api_url and not re.match(r"^https?://", api_url):
        problems.append("TELEGRAM_API_URL: must be an http(s):// URL")
    if redis_url and not re.match(r"^rediss?://", redis_url):
        problems.append("REDIS_URL: must start with redis:// or rediss://")
    if webhook_url:
        if not re.match(r"^https://[^/\s]+", webhook_url):
            problems.append("WEBHOOK_URL: must be the public https:// URL Telegram posts updates to")
        if len(webhook_secret) < 32 or not re.fullmatch(r"[A-Za-z0-9_-]+", webhook_secret):
            problems.append("WEBHOOK_SECRET: required in webhook mode: at least 32 characters of A-Z, a-z, "
                            "0-9, _ and - (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    if not _is_listen_host(webhook_host):
        problems.append(f"WEBHOOK_HOST: {webhook_host!r} is not a host name or IP address to listen on "
                        "(e.g. 0.0.0.0 for every IPv4 interface, :: for IPv6, 127.0.0.1 behind a local proxy)")
    if not webhook_path.startswith("/"):
        problems.append("WEBHOOK_PATH: must start with /")
    club_chat_id = None
    if club_chat_raw:
        if not re.fullmatch(r"-\d{1,20}", club_chat_raw):
            problems.append("CLUB_CHAT_ID: must be the club group's id, a negative number such as -1001234567890 "
                            "(or empty: the bot is open to everyone)")
        else:
            club_chat_id = int(club_chat_raw)
    club_admins: frozenset[int] = frozenset()
    try:
        club_admins = parse_admins(club_admins_raw)
    except ValueError as exc:
        problems.append(f"CLUB_ADMINS: {exc}; use Telegram user ids separated by commas, e.g. 12345678,87654321 "
                        "(empty: only the club chat's administrators)")
    if log_dir:
        problem = _folder_problem(Path(log_dir))
        if problem:
            problems.append(f"LOG_DIR: cannot write log files in {log_dir}: {problem} "
                            "(empty LOG_DIR: log to stdout only)")
    if heartbeat_file:
        problem = _heartbeat_problem(heartbeat_file)
        if problem:
            problems.append(f"HEARTBEAT_FILE: {problem}")
    offsets: tuple[timedelta, ...] = ()
    try:
        offsets = parse_offsets(reminders_raw)
    except ValueError as exc:
        problems.append(f"REMINDERS: {exc}; use a comma-separated list such as 24h,2h (empty: none)")

    if problems:
        raise ConfigError(problems)
    return Settings(
        telegram_token=token or "",
        database_url=database_url,
        sentry_dsn=sentry_dsn,
        sentry_traces_sample_rate=traces,
        sentry_environment=sentry_env,
        log_level=log_level.upper(),
        log_dir=Path(log_dir) if log_dir else None,
        log_format=log_format,
        log_id_key=log_id_key,
        timezone=tz,
        telegram_api_url=api_url.rstrip("/"),
        reminders=offsets,
        waitlist_hold=timedelta(minutes=waitlist_hold),
        redis_url=redis_url,
        shutdown_timeout=shutdown_timeout,
        webhook_url=webhook_url,
        webhook_host=webhook_host,
        webhook_port=webhook_port,
        webhook_path=webhook_path,
        webhook_secret=webhook_secret,
        heartbeat_file=Path(heartbeat_file) if heartbeat_file else None,
        scheduler_interval=scheduler_interval,
        notification_retention_days=retention_days,
        sender_lease_timeout=lease_timeout,
        club_chat_id=club_chat_id,
        club_admins=club_admins,
        throttle_rate=throttle_rate,
        default_language=default_language,
    )


def sqlite_file(url: str) -> str:
    """The file named by an SQLite URL ('' for none: `sqlite:///`, `:memory:`)."""
    rest = re.sub(r"^sqlite(ext)?://", "", url).split("?", 1)[0]
    if not rest.startswith("/"):  # sqlite://name: no third slash, no file
        return ""
    rest = rest[1:]
    return "" if rest in ("", ":memory:") or rest.startswith("file::memory:") else rest


def _sqlite_problems(url: str) -> list[str]:
    path = sqlite_file(url)
    if not path:
        return ["must name a database file, e.g. sqlite:///data/carpool.sqlite3 (an in-memory database "
                "starts empty in every connection and is lost on exit)"]
    file = Path(path)
    if file.exists():
        if not file.is_file():
            return [f"{file} is not a file"]
        try:
            os.close(os.open(file, os.O_RDWR))
        except OSError as exc:
            return [f"cannot write {file}: {exc.strerror}"]
    problem = _folder_problem(file.parent)  # SQLite writes its -wal and -shm files beside it
    return [f"cannot create the database in {file.parent}: {problem}"] if problem else []


def _heartbeat_problem(template: str) -> str | None:
    if re.search(r"[{}]", template.replace(HOSTNAME, "")):
        return f"only {HOSTNAME} may appear in braces ({template!r})"
    path = heartbeat_path(template)
    if path.is_dir():
        return f"{path} is a folder; name a file in it"
    problem = _folder_problem(path.parent)
    return f"cannot write {path}: {problem}" if problem else None


def _folder_problem(folder: Path) -> str | None:
    """Why files cannot be created in `folder` (made later if missing), or None.

    Looks at the nearest folder that exists and tries an anonymous temporary file there
    (O_TMPFILE: nothing appears), which answers for read-only mounts and for root too,
    where permission bits say nothing."""
    existing = folder.absolute()
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is not a folder"
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        return f"{existing} is not writable ({exc.strerror or exc})"
    return None


def _is_listen_host(host: str) -> bool:
    """An IP address literal or a host name (RFC 1123 labels): what aiohttp can bind to."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if not host or len(host) > 253 or all(label.isdigit() for label in labels):
        return False
    return all(re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?", label) for label in labels)


def _humanize(name: str, msg: str) -> str:
    if msg == "Environment variable not set.":
        return "is required but not set" + (" (put it in .env)" if name == "TELEGRAM_TOKEN" else "")
    return msg
