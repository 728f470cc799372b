"""All configuration in one place: environment variables and an optional ``.env`` file.

Every setting has a default that works on a fresh machine; only ``DISCORD_TOKEN``
is needed to reach Discord. ``DISCORD_API_BASE`` and ``DISCORD_GATEWAY_URL`` point
the bot at an API proxy or at the tests' local fake Discord.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from retrieval.settings import EngineSettings

# How many quotes one answer may show: --top, SEEDBOT_TOP_K and /ask results: alike.
MIN_QUOTES, MAX_QUOTES = 1, 10


def _split_ids(value: object) -> object:
    """Accept ``"1,2 3"`` as well as a JSON list for the id lists."""
    if isinstance(value, str):
        return [int(part) for part in value.replace(",", " ").split()]
    if isinstance(value, int):
        return [value]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SEEDBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Discord connection (names without prefix, as other tools expect them).
    discord_token: str | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "SEEDBOT_DISCORD_TOKEN")
    )
    discord_api_base: str | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_API_BASE", "SEEDBOT_DISCORD_API_BASE")
    )
    discord_gateway_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DISCORD_GATEWAY_URL", "SEEDBOT_DISCORD_GATEWAY_URL"),
    )

    # Where commands are synced and where every message is a question.
    guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    qa_channel_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Channels where each question is answered in a new thread named after it; follow-ups
    # there need no mention. (Issue "per-server settings" moves this into Discord.)
    thread_channel_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    sync_commands: Literal["guild", "global", "off"] = "guild"
    # Fingerprint of the last registered commands: sync only when they change (bot/sync.py).
    command_sync_file: Path = Path(".seedbot-commands.sha256")
    # `seedbot run --sync`: register the commands now even if unchanged.
    sync_commands_on_start: bool = False

    # Sharding: leave both unset for one process that takes every shard.
    shard_count: int | None = None
    shard_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)

    # The articles and the answer engine.
    corpus_dir: Path = Path("seeds")
    top_k: int = Field(default=3, ge=MIN_QUOTES, le=MAX_QUOTES)
    bm25_k1: float = Field(default=1.5, gt=0)
    bm25_b: float = Field(default=0.75, ge=0, le=1)
    engine: Literal["auto", "bm25okapi", "fast"] = "auto"
    fast_engine_min_passages: int = Field(default=1_000, ge=0)
    semantic: bool = True  # SEEDBOT_SEMANTIC=false ranks with BM25 alone (retrieval/semantic.py)
    # Up to this many passages a start encodes the sentences itself; above, `seedbot index`
    # builds their nearest-neighbour index once (retrieval/meaning_index.py).
    semantic_max_passages: int = Field(default=5_000, ge=0)
    # SEEDBOT_CROSS_ENCODER=false keeps the first ranking's order (retrieval/cross_encoder.py)
    cross_encoder: bool = True
    # SEEDBOT_CALIBRATED_DECLINE=true: the fitted no-answer decision (retrieval/decline.py)
    calibrated_decline: bool = False
    # SEEDBOT_DETAIL_CHECK=false answers "on what exact date" from a passage that gives none
    detail_check: bool = True

    # Behaviour towards users.
    cooldown_seconds: float = Field(default=3.0, ge=0)
    cooldown_rate: int = Field(default=3, ge=1)
    answer_workers: int = Field(default=1, ge=1, le=32)  # threads that rank questions
    answer_concurrency: int = Field(default=8, ge=1)  # answers being built and sent at once
    # A question that has waited this many seconds for its turn is answered without the
    # cross-encoder (~7 ms instead of ~0.2 s), so a burst does not queue for minutes.
    quick_answers_after: float = Field(default=1.0, ge=0)
    # Per-server defaults that /settings can change (bot/store/guild_settings.py).
    answers_private: bool = False  # answers only the asker sees, unless the asker says
    answers_in_threads: bool = False  # Q&A channels answer in a new thread per question

    # The database: votes, per-server settings and the question log (bot/store/).
    feedback_db: str = "seedbot-feedback.sqlite3"  # a path, or a postgresql:// URL
    feedback_db_timeout: float = Field(default=2.0, ge=0)  # seconds a write waits for a lock
    # How old a per-server setting read may be: another process sees a change within this.
    settings_cache_seconds: float = Field(default=2.0, ge=0, le=60)
    question_log_days: int = Field(default=30, ge=1)  # question texts are kept this long
    log_level: str = "INFO"

    @field_validator(
        "guild_ids", "qa_channel_ids", "thread_channel_ids", "shard_ids", mode="before"
    )
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        return _split_ids(value)

    @model_validator(mode="after")
    def _check_shards(self) -> Settings:
        """Fail at start-up, in words, rather than deep inside discord.py."""
        if self.shard_ids and self.shard_count is None:
            raise ValueError(
                "SEEDBOT_SHARD_IDS needs SEEDBOT_SHARD_COUNT (the total over all processes)"
            )
        if self.shard_count is not None:
            if self.shard_count < 1:
                raise ValueError("SEEDBOT_SHARD_COUNT must be at least 1")
            wrong = [shard for shard in self.shard_ids if not 0 <= shard < self.shard_count]
            if wrong:
                raise ValueError(f"shard ids {wrong} are outside 0..{self.shard_count - 1}")
        return self

    def engine_settings(self) -> EngineSettings:
        return EngineSettings(
            k1=self.bm25_k1,
            b=self.bm25_b,
            top_k=self.top_k,
            engine=self.engine,
            fast_engine_min_passages=self.fast_engine_min_passages,
            semantic=self.semantic,
            semantic_max_passages=self.semantic_max_passages,
            cross_encoder=self.cross_encoder,
            calibrated_decline=self.calibrated_decline,
            detail_check=self.detail_check,
        )
