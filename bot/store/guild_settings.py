"""Per-server settings that a server's admins change from Discord, over the environment's defaults.

Stored in the same database as the votes: one row per server (``guild_settings``) and one per
channel that has its own values (``channel_settings``); NULL means "the default", which the
environment (``bot/config.py``) gives. Every process reads them through a cache of a few
seconds (``SEEDBOT_SETTINGS_CACHE_SECONDS``): a change made here is seen here at once and by
the other processes (shards) within that time, whichever database is used, at the cost of
one primary-key query per active server per period. On PostgreSQL a change is also
announced (NOTIFY), and the other processes drop it from their cache within milliseconds. A read never fails an answer: while the
database is down the last known values (or the defaults) are used.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cachetools import TTLCache

from bot.store.database import Database, StoreUnavailable
from bot.store.dialect import now, timestamp

if TYPE_CHECKING:
    from bot.config import Settings

logger = logging.getLogger("seedbot.store")

QUOTES_RANGE = (1, 10)
COOLDOWN_RANGE = (0.0, 3600.0)


class GuildSetting(StrEnum):
    """A server-wide setting; the value is its column in ``guild_settings``."""

    QUOTES_PER_ANSWER = "quotes_per_answer"
    ANSWERS_PRIVATE = "answers_private"
    COOLDOWN_SECONDS = "cooldown_seconds"


class ChannelSetting(StrEnum):
    """A per-channel setting; the value is its column in ``channel_settings``."""

    QA_CHANNEL = "qa_channel"
    ANSWERS_IN_THREADS = "answers_in_threads"


@dataclass(frozen=True)
class Defaults:
    """The environment's values, used wherever a server has not chosen its own."""

    quotes_per_answer: int = 3
    answers_private: bool = False
    cooldown_seconds: float = 3.0
    answers_in_threads: bool = False
    qa_channel_ids: frozenset[int] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> Defaults:
        return cls(
            quotes_per_answer=settings.top_k,
            answers_private=settings.answers_private,
            cooldown_seconds=settings.cooldown_seconds,
            answers_in_threads=settings.answers_in_threads,
            qa_channel_ids=frozenset(settings.qa_channel_ids),
        )


@dataclass(frozen=True)
class ChannelSettings:
    channel_id: int
    qa_channel: bool
    answers_in_threads: bool


@dataclass(frozen=True)
class GuildSettings:
    """A server's effective settings: its own values where set, the defaults elsewhere."""

    guild_id: int | None  # None: a direct message, where only the defaults apply
    quotes_per_answer: int
    answers_private: bool
    cooldown_seconds: float
    answers_in_threads: bool  # for channels without their own value
    # Channels the server marked as Q&A channels (or not), and channels with their own values.
    channel_overrides: Mapping[int, tuple[bool | None, bool | None]] = field(default_factory=dict)
    default_qa_channel_ids: frozenset[int] = frozenset()

    def channel(self, channel_id: int) -> ChannelSettings:
        qa, threads = self.channel_overrides.get(channel_id, (None, None))
        return ChannelSettings(
            channel_id=channel_id,
            qa_channel=channel_id in self.default_qa_channel_ids if qa is None else qa,
            answers_in_threads=self.answers_in_threads if threads is None else threads,
        )

    def is_qa_channel(self, channel_id: int) -> bool:
        return self.channel(channel_id).qa_channel

    @property
    def qa_channel_ids(self) -> frozenset[int]:
        """The Q&A channels: added ones, and the environment's unless removed here (the
        environment's list may name other servers' channels: filter by the server's own)."""
        removed = {cid for cid, (qa, _) in self.channel_overrides.items() if qa is False}
        added = {cid for cid, (qa, _) in self.channel_overrides.items() if qa}
        return frozenset(added | (self.default_qa_channel_ids - removed))


def _check_guild_value(setting: GuildSetting, value: object) -> int | float | bool | None:
    """``value`` as stored, or ``ValueError`` in words an admin can act on."""
    if value is None:
        return None
    if setting is GuildSetting.ANSWERS_PRIVATE:
        if not isinstance(value, bool):
            raise ValueError("answers private by default is on or off")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{setting.value} must be a number")
    if setting is GuildSetting.QUOTES_PER_ANSWER:
        low, high = QUOTES_RANGE
        if value != int(value) or not low <= value <= high:
            raise ValueError(f"quotes per answer must be a whole number from {low} to {high}")
        return int(value)
    low_s, high_s = COOLDOWN_RANGE
    if not low_s <= value <= high_s:
        raise ValueError(f"the cooldown must be from {low_s:g} to {high_s:g} seconds")
    return float(value)


class SettingsStore:
    def __init__(
        self,
        db: Database,
        defaults: Defaults,
        *,
        cache_seconds: float = 2.0,
        timer: Callable[[], float] | None = None,
    ) -> None:
        self._db = db
        self.defaults = defaults
        self.cache_seconds = cache_seconds
        self._cache: TTLCache[int, GuildSettings] = TTLCache(
            maxsize=100_000, ttl=cache_seconds, timer=timer or time.monotonic
        )
        self._last_known: dict[int, GuildSettings] = {}  # served while the database is down
        self._lock = threading.Lock()
        self._listener = db.listen_for_changes(self._changed_elsewhere)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()

    def for_guild(self, guild_id: int | None) -> GuildSettings:
        """The server's effective settings, at most ``cache_seconds`` old; never raises."""
        if guild_id is None:
            return self._from_rows(None, None, [])
        with self._lock:
            cached = self._cache.get(guild_id)
        if cached is not None:
            return cached
        try:
            loaded = self._load(guild_id)
        except StoreUnavailable:
            with self._lock:
                return self._last_known.get(guild_id) or self._from_rows(guild_id, None, [])
        with self._lock:
            self._cache[guild_id] = loaded
            self._last_known[guild_id] = loaded
        return loaded

    def for_channel(self, guild_id: int | None, channel_id: int) -> ChannelSettings:
        return self.for_guild(guild_id).channel(channel_id)

    def set_guild_value(
        self, guild_id: int, setting: GuildSetting, value: int | float | bool | None
    ) -> GuildSettings:
        """Set (or with ``None`` reset to the default) one server-wide value; returns the
        new effective settings. Raises ``ValueError`` for a value out of range and
        ``StoreUnavailable`` when it could not be saved."""
        stored = _check_guild_value(setting, value)
        column = setting.value  # an enum's value, never user input
        self._db.write(
            f"INSERT INTO guild_settings (guild_id, {column}, updated_at) VALUES (?, ?, ?) "
            f"ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}, "
            "updated_at = excluded.updated_at",
            (guild_id, stored, timestamp(now())),
        )
        return self._reload(guild_id)

    def set_channel_value(
        self, guild_id: int, channel_id: int, setting: ChannelSetting, value: bool | None
    ) -> GuildSettings:
        """Set (or reset) one channel's value; same errors as ``set_guild_value``."""
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"{setting.value} is on or off")
        column = setting.value
        self._db.write(
            f"INSERT INTO channel_settings (channel_id, guild_id, {column}, updated_at) "
            f"VALUES (?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET "
            f"{column} = excluded.{column}, guild_id = excluded.guild_id, "
            "updated_at = excluded.updated_at",
            (channel_id, guild_id, value, timestamp(now())),
        )
        return self._reload(guild_id)

    def add_qa_channel(self, guild_id: int, channel_id: int) -> GuildSettings:
        return self.set_channel_value(guild_id, channel_id, ChannelSetting.QA_CHANNEL, True)

    def remove_qa_channel(self, guild_id: int, channel_id: int) -> GuildSettings:
        """Not a Q&A channel any more, even if the environment lists it."""
        return self.set_channel_value(guild_id, channel_id, ChannelSetting.QA_CHANNEL, False)

    def forget_guild(self, guild_id: int) -> None:
        """The bot left the server: nothing of it stays."""
        self._db.write("DELETE FROM channel_settings WHERE guild_id = ?", (guild_id,))
        self._db.write("DELETE FROM guild_settings WHERE guild_id = ?", (guild_id,))
        self._invalidate(guild_id)
        self._announce(guild_id)

    def forget_channel(self, guild_id: int | None, channel_id: int) -> None:
        """The channel was deleted: its values go (a new channel never gets its id)."""
        self._db.write("DELETE FROM channel_settings WHERE channel_id = ?", (channel_id,))
        if guild_id is not None:
            self._invalidate(guild_id)
            self._announce(guild_id)

    def _reload(self, guild_id: int) -> GuildSettings:
        self._invalidate(guild_id)
        self._announce(guild_id)
        return self.for_guild(guild_id)

    def _announce(self, guild_id: int) -> None:
        # Saved but not announced: the others see it when their cache expires.
        with contextlib.suppress(StoreUnavailable):
            self._db.announce_change(guild_id)

    def _changed_elsewhere(self, guild_id: int | None) -> None:
        with self._lock:
            if guild_id is None:
                self._cache.clear()
            else:
                self._cache.pop(guild_id, None)

    def _invalidate(self, guild_id: int) -> None:
        with self._lock:
            self._cache.pop(guild_id, None)
            self._last_known.pop(guild_id, None)

    def _load(self, guild_id: int) -> GuildSettings:
        guild = self._db.execute(
            "SELECT quotes_per_answer, answers_private, cooldown_seconds FROM guild_settings "
            "WHERE guild_id = ?",
            (guild_id,),
        )
        channels = self._db.execute(
            "SELECT channel_id, qa_channel, answers_in_threads FROM channel_settings "
            "WHERE guild_id = ?",
            (guild_id,),
        )
        return self._from_rows(guild_id, guild[0] if guild else None, channels)

    def _from_rows(
        self,
        guild_id: int | None,
        guild: tuple[Any, ...] | None,
        channels: list[tuple[Any, ...]],
    ) -> GuildSettings:
        defaults = self.defaults
        effective = GuildSettings(
            guild_id=guild_id,
            quotes_per_answer=defaults.quotes_per_answer,
            answers_private=defaults.answers_private,
            cooldown_seconds=defaults.cooldown_seconds,
            answers_in_threads=defaults.answers_in_threads,
            default_qa_channel_ids=defaults.qa_channel_ids,
            channel_overrides={
                int(cid): (_flag(qa), _flag(threads)) for cid, qa, threads in channels
            },
        )
        if guild is None:
            return effective
        quotes, private, cooldown = guild
        return replace(
            effective,
            quotes_per_answer=effective.quotes_per_answer if quotes is None else int(quotes),
            answers_private=effective.answers_private if private is None else bool(private),
            cooldown_seconds=(effective.cooldown_seconds if cooldown is None else float(cooldown)),
        )


def _flag(value: object) -> bool | None:
    return None if value is None else bool(value)
