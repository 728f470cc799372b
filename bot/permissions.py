"""The one check for the admin commands (``/settings``, ``/stats``): Manage Server.

Discord hides these commands from other members (``default_member_permissions``), but a
client can send any interaction, so the handler checks the member's permissions again.
"""

from __future__ import annotations

import discord
from discord import app_commands


def require_manage_guild(interaction: discord.Interaction) -> bool:
    """True for a member with Manage Server; else ``MissingPermissions``, which the command
    tree answers privately (``bot.client.SeedTree.on_error``)."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    if not interaction.permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])
    return True
