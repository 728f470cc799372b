"""``seedbot run`` and ``seedbot start``: the Discord bot, or the chat when there is no token.

``start`` (also plain ``seedbot``) lets a fresh machine try the answers at once; the
bot's imports (discord.py, the vote store) load only when the bot really starts.
"""

from __future__ import annotations

import argparse
import sys

from bot.cli.chat import cmd_chat
from bot.config import Settings


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    if settings.discord_token:
        return cmd_run(args, settings)
    print(
        "No DISCORD_TOKEN is set, so here is the terminal chat. "
        "Set DISCORD_TOKEN (environment or .env) to run the Discord bot.",
        file=sys.stderr,
    )
    return cmd_chat(args, settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run_bot

    if getattr(args, "sync", False):
        settings = settings.model_copy(update={"sync_commands_on_start": True})
    return run_bot(settings)
