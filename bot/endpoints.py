"""How discord.py reaches Discord: another REST base and gateway, and 503s retried.

Another base and gateway serve an API proxy or the tests' fake Discord.

discord.py keeps both as class attributes (``Route.BASE``, ``DiscordWebSocket.DEFAULT_GATEWAY``)
and builds every URL from them, so this is process-wide: one bot per process, as deployed.
Unset settings restore Discord's defaults, so a test can never leak its URLs into the next.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Final

import yarl
from discord.errors import DiscordServerError
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, Route

log = logging.getLogger(__name__)

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


# discord.py's HTTPClient.request retries 500, 502, 504 and 524 itself but raises on a 503
# (Service Unavailable), which Discord's edge answers during brief outages: a channel reply
# then failed on the first 503. The interaction webhooks already retry every 5xx.
RETRIED_STATUSES: Final = frozenset({503})
SERVER_ERROR_TRIES: Final = 5  # as discord.py's own loop


def retry_unavailable(http: HTTPClient, *, backoff: Callable[[int], float] | None = None) -> None:
    """Retry a 503 as discord.py retries a 502: up to 5 tries, waiting 1, 3, 5, 7 s."""
    original = http.request
    wait = backoff or (lambda tries: 1 + tries * 2)

    async def request(route: Route, **kwargs: Any) -> Any:
        for tries in range(SERVER_ERROR_TRIES):
            try:
                return await original(route, **kwargs)
            except DiscordServerError as error:
                if error.status not in RETRIED_STATUSES or tries == SERVER_ERROR_TRIES - 1:
                    raise
                log.warning("%s %s answered %s; retrying", route.method, route.path, error.status)
                for file in kwargs.get("files") or ():
                    file.reset()  # discord.py rewinds files only from its second try on
                await asyncio.sleep(wait(tries))
        raise AssertionError("unreachable")

    http.request = request  # type: ignore[method-assign]
