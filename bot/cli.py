"""`carpool-bot` / `python -m bot`: run the bot, or one maintenance task.

Configuration problems are reported as one message and exit status 2, before
anything is written (no database file, no log file). `run` refuses to start, with one
message and exit status 3, when it would take over from another process: another `run`
on the same SQLite database (before migrating or logging anything), or polling while
Telegram delivers to a webhook (without --force-polling; bot/runmodes/startup.py).
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from models.tables import LANGUAGES

from .config import ConfigError, Settings, load_settings
from .runmodes.startup import StartupRefused

log = logging.getLogger("carpool")

EXIT_CONFIG = 2
EXIT_REFUSED = 3  # another process has the database or Telegram's updates: not started


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carpool-bot",
        description="Telegram carpool bot for a volleyball club. Settings come from the "
        "environment and from .env (see .env.example).",
    )
    parser.add_argument("--env-file", default=".env", help="dotenv file to read (default: .env)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.set_defaults(force_polling=False, reset_webhook=False)  # `carpool-bot` alone means `run`
    run = sub.add_parser("run", help="apply pending migrations and run the bot (the default)")
    run.add_argument("--force-polling", action="store_true",
                     help="poll even though Telegram has a webhook set: deletes it, taking every update from "
                          "the deployment it points to (without this, polling refuses to start)")
    run.add_argument("--reset-webhook", action="store_true",
                     help="webhook mode: call setWebhook even if Telegram's matches (after changing "
                          "WEBHOOK_SECRET, which Telegram never shows)")
    sub.add_parser("migrate", help="apply pending database migrations and exit")
    backup = sub.add_parser("backup", help="write a consistent copy of the SQLite database (safe while the bot runs)")
    backup.add_argument("path", nargs="?", type=Path, help="where to write it (default: next to the database)")
    make = sub.add_parser("makemigration", help="(developers) write a migration for model changes")
    make.add_argument("name", help="short name, e.g. add_trip_note")
    whois = sub.add_parser("whois", help="print the pseudonym (tg:xxxxxxxx) under which the logs name a Telegram "
                           "user; needs the bot's LOG_ID_KEY or TELEGRAM_TOKEN")
    whois.add_argument("telegram_id", type=int, help="the Telegram user (or chat) id")
    preview = sub.add_parser(
        "preview",
        help="(developers) render every dialog window to DIR/index.html and the transitions "
        "diagram to DIR/transitions.png; needs no token, no database, no .env",
    )
    preview.add_argument("--out", type=Path, default=Path("preview"), metavar="DIR",
                         help="output folder (default: preview/)")
    preview.add_argument("--lang", default="en", choices=LANGUAGES,
                         help="the language the windows are drawn in (default: en)")
    play = sub.add_parser("playground", help="try the bot without Telegram: the real bot against a built-in fake "
                          "Telegram, several players side by side in a web page on 127.0.0.1; no token, no .env")
    play.add_argument("--port", type=int, default=8025, help="port of the page (default 8025; 0: any free one)")
    play.add_argument("--db", type=Path, help="SQLite file to use and keep (default: a fresh one, deleted at exit)")
    play.add_argument("--seed", action="store_true", help="fill it with a week of club life first")
    return parser


def _settings(args: argparse.Namespace, *, require_token: bool) -> Settings:
    try:
        return load_settings(args.env_file, require_token=require_token)
    except ConfigError as exc:
        print(exc.report(), file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def _setup(settings: Settings, *, log_to_file: bool = True) -> None:
    from .logs import configure

    configure(settings, log_to_file=log_to_file)


def _hold_the_database(settings: Settings):  # -> ProcessLock | None
    """`run` on SQLite: `<db>.lock` for the life of the process (bot/infra/db.py), taken before logging or
    migrating, so a refused second process writes nothing, not even into the running bot's log file."""
    from .infra.db import AlreadyRunning, process_lock

    lock = process_lock(settings.database_url)
    try:
        return lock.acquire() if lock is not None else None
    except AlreadyRunning as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(EXIT_REFUSED) from None


def cmd_migrate(settings: Settings) -> list[str]:
    from .infra.db import migrate

    done = migrate(settings.database_url)
    log.info("Applied %d migration(s)%s", len(done), (": " + ", ".join(done)) if done else "")
    return done


def cmd_run(settings: Settings) -> None:
    from .infra.db import init_database
    from .runmodes.runner import run

    cmd_migrate(settings)
    init_database(settings.database_url)
    run(settings)


def cmd_backup(settings: Settings, dest: Path | None) -> int:
    from datetime import UTC, datetime

    from .infra.db import backup_sqlite, sqlite_path

    src = sqlite_path(settings.database_url)
    if src is None:
        print("DATABASE_URL is not an SQLite file. For PostgreSQL use pg_dump, e.g.\n"
              "  pg_dump --format=custom --file=carpool.dump \"$DATABASE_URL\"", file=sys.stderr)
        return EXIT_CONFIG
    if not src.exists():
        print(f"No database at {src}: nothing to back up.", file=sys.stderr)
        return 1
    if dest is None:
        dest = src.with_name(f"{src.stem}.backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}{src.suffix}")
    backup_sqlite(src, dest)
    print(f"backed up {src} to {dest}")
    return 0


def cmd_makemigration(settings: Settings, name: str) -> None:
    from .infra.db import make_router, open_database
    from models import ALL_MODELS, db

    database = open_database(settings.database_url, foreign_keys=False)
    db.initialize(database)
    created = make_router(database).create(name, auto=ALL_MODELS)
    print(f"created migrations/{created}.py" if created else "models and migrations agree: nothing to do")


def cmd_whois(settings: Settings, telegram_id: int) -> int:
    """What `tg(telegram_id)` prints in the logs of the bot with these settings."""
    from models.logids import pseudonym

    if not (settings.log_id_key or settings.telegram_token):
        print("whois needs the key the bot's logs use: LOG_ID_KEY, or the TELEGRAM_TOKEN it is derived from",
              file=sys.stderr)
        return EXIT_CONFIG
    print(pseudonym(telegram_id))
    return 0


def cmd_preview(out_dir: Path, lang: str = "en") -> int:
    """Reads no settings and writes nothing but its outputs (no log file, no database)."""
    import asyncio

    from .devtools.preview import GRAPHVIZ_NOTE, PreviewToolsMissing, graphviz_available, write_preview

    try:
        written = asyncio.run(write_preview(out_dir, lang=lang))
    except PreviewToolsMissing as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIG
    for path in written:
        print(f"wrote {path}")
    if not graphviz_available():
        print(GRAPHVIZ_NOTE, file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    if command == "preview":
        return cmd_preview(args.out, args.lang)
    if command == "playground":  # reads no settings: a fake token, its own database and API URL
        from .devtools.playground import main as playground

        return playground(args.port, args.db, args.seed)
    settings = _settings(args, require_token=command == "run")
    lock = None
    if command == "run":
        lock = _hold_the_database(settings)
        settings = replace(settings, force_polling=args.force_polling, reset_webhook=args.reset_webhook)
    _setup(settings, log_to_file=command == "run")
    try:
        if command == "run":
            cmd_run(settings)
        elif command == "migrate":
            cmd_migrate(settings)
        elif command == "backup":
            return cmd_backup(settings, args.path)
        elif command == "makemigration":
            cmd_makemigration(settings, args.name)
        elif command == "whois":
            return cmd_whois(settings, args.telegram_id)
    except KeyboardInterrupt:
        pass
    except StartupRefused as exc:
        log.error("%s", exc)
        return EXIT_REFUSED
    except Exception:
        log.exception("carpool-bot %s failed", command)
        return 1
    finally:
        if lock is not None:
            lock.release()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
