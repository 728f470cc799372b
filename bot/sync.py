"""Slash-command sync policy: deliberate, never a blind sync on every start.

Discord rate-limits command registration and a global sync takes time to spread, so the
bot syncs only when the commands it defines differ from what it last registered (a
fingerprint kept in ``settings.command_sync_file``), or when forced (``seedbot run --sync``,
i.e. ``settings.sync_commands_on_start``). With ``guild_ids`` set, commands go to those guilds
(instant); otherwise they are registered globally. ``SEEDBOT_SYNC_COMMANDS=off`` never syncs.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.config import Settings

log = logging.getLogger(__name__)


def commands_fingerprint(
    payload: list[dict[str, Any]], application_id: int | None, guild_ids: list[int]
) -> str:
    """A stable hash of what would be registered, and where."""
    blob = json.dumps(
        {"app": application_id, "guilds": sorted(guild_ids), "commands": payload},
        sort_keys=True,
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _write(path: Path, fingerprint: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(fingerprint + "\n", encoding="utf-8")


async def sync_commands(
    tree: app_commands.CommandTree[Any], settings: Settings, application_id: int | None
) -> bool:
    """Register the slash commands if they changed; returns whether a sync happened."""
    if settings.sync_commands == "off" and not settings.sync_commands_on_start:
        log.info("Slash-command sync is off (SEEDBOT_SYNC_COMMANDS=off)")
        return False
    guild_ids = list(settings.guild_ids) if settings.sync_commands != "global" else []
    payload = [command.to_dict(tree) for command in tree.get_commands()]
    fingerprint = commands_fingerprint(payload, application_id, guild_ids)
    state_file = Path(settings.command_sync_file)
    if not settings.sync_commands_on_start and _read(state_file) == fingerprint:
        log.info("Slash commands unchanged since the last sync; not syncing")
        return False
    if guild_ids:
        for guild_id in guild_ids:
            guild = discord.Object(id=guild_id)
            tree.copy_global_to(guild=guild)
            synced = await tree.sync(guild=guild)
            log.info("Synced %d slash commands to guild %d", len(synced), guild_id)
    else:
        synced = await tree.sync()
        log.info(
            "Synced %d slash commands globally (may take up to an hour to appear)", len(synced)
        )
    try:
        await asyncio.to_thread(_write, state_file, fingerprint)
    except OSError:
        log.warning("Could not write %s; commands will be synced again next start", state_file)
    return True
