"""Point discord.py at another REST base and gateway (an API proxy, or the tests' fake Discord).

discord.py keeps both as class attributes (``Route.BASE``, ``DiscordWebSocket.DEFAULT_GATEWAY``)
and builds every URL from them, so this is process-wide: one bot per process, as deployed.
Unset settings restore Discord's defaults, so a test can never leak its URLs into the next.
"""

from __future__ import annotations

from typing import Any

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, Route

DISCORD_API_BASE = Route.BASE
DISCORD_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY


def configure_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    Route.BASE = api_base.rstrip("/") if api_base else DISCORD_API_BASE
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url) if gateway_url else DISCORD_GATEWAY


def override_bot_gateway(http: HTTPClient, gateway_url: str) -> None:
    """Make ``GET /gateway/bot`` (used by sharded clients) answer with our gateway URL."""
    original = http.get_bot_gateway

    async def get_bot_gateway() -> tuple[int, str, Any]:
        shards, _url, limits = await original()
        return shards, gateway_url, limits

    http.get_bot_gateway = get_bot_gateway  # type: ignore[method-assign]
