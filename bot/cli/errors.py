"""The mistakes a user can fix, and the words that tell them how.

Every command raises ``UsageError`` for a mistake in what it was given; ``main`` prints it
as one ``seedbot: ...`` line and exits with code 2, so no user sees a traceback for a typo.
"""

from __future__ import annotations

from pydantic import ValidationError

from bot.config import MAX_QUOTES, MIN_QUOTES

QUOTES_RANGE = f"a whole number from {MIN_QUOTES} to {MAX_QUOTES}"


class UsageError(Exception):
    """A mistake the user can fix: printed as one ``seedbot:`` line, exit code 2."""


def config_error(error: ValidationError) -> str:
    """The first configuration mistake, named as the user set it (SEEDBOT_TOP_K=50)."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    if not where:
        return f"invalid configuration: {first.get('msg')}"
    variable = (
        where.upper()
        if where.upper().startswith(("SEEDBOT_", "DISCORD_"))
        else f"SEEDBOT_{where.upper()}"
    )
    given = first.get("input")
    if where == "top_k":
        return f"the number of quotes must be {QUOTES_RANGE}, not {given!r} ({variable})"
    shown = f"={given}" if isinstance(given, str | int | float) and where else ""
    return f"invalid configuration {variable}{shown}: {first.get('msg')}"
