"""Shared fixtures: a real SQLite database built by the real migrations, settings,
and a dialog harness driving the bot's own dispatcher with aiogram-dialog's test tools."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.db import init_database, migrate
from models import db

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """An empty database with every migration applied, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate(f"sqlite:///{path}", backup=False)
    return path


@pytest.fixture
def db_url(tmp_path, migrated_template) -> str:
    path = tmp_path / "carpool.sqlite3"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def database(db_url):
    database = init_database(db_url)
    yield database
    database.close()


@pytest.fixture
def settings(db_url, tmp_path) -> Settings:
    return Settings(telegram_token=TOKEN, database_url=db_url, log_dir=tmp_path / "logs")


def require_services() -> bool:
    return os.environ.get("CARPOOL_REQUIRE_SERVICES") == "1"


@pytest.fixture
def env(database, settings):
    from tests.harness import DialogEnv

    return DialogEnv(settings)
