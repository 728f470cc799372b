"""Which database the settings name, opened as the bot's ``Store``."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.store.database import Database
from bot.store.guild_settings import Defaults
from bot.store.store import Store

if TYPE_CHECKING:
    from bot.config import Settings


def open_database(target: str, *, busy_timeout: float = 2.0) -> Database:
    """A SQLite path, or a ``postgresql://`` URL."""
    if target.startswith(("postgresql://", "postgres://")):
        from bot.store.postgres import PostgresDatabase  # psycopg is an optional extra

        return PostgresDatabase(target)
    from bot.store.sqlite import SqliteDatabase

    return SqliteDatabase(target, busy_timeout=busy_timeout)


def open_store(settings: Settings) -> Store:
    """The store ``settings.feedback_db`` names. An unavailable database does not raise: it
    is logged once and tried again on later calls, so the bot starts and answers anyway."""
    return Store(
        open_database(settings.feedback_db, busy_timeout=settings.feedback_db_timeout),
        Defaults.from_settings(settings),
        retention=timedelta(days=settings.question_log_days),
        settings_cache_seconds=settings.settings_cache_seconds,
    )
