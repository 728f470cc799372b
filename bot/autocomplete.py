"""Article autocomplete for ``/source article:`` and ``/ask article:``, as Discord choices."""

from __future__ import annotations

from discord import app_commands

from bot import limits
from bot.articles import article_choices
from bot.engine_holder import AnswerEngine
from bot.rendering import truncate


def article_autocomplete(
    engine: AnswerEngine | None, current: str
) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=truncate(label, limits.CHOICE_NAME), value=file)
        for label, file in article_choices(engine, current)
    ]
