"""A small fake Discord on 127.0.0.1: the REST routes seedbot uses and a gateway websocket.

The real discord.py client connects to it through ``DISCORD_API_BASE`` and
``DISCORD_GATEWAY_URL``. The fake records every REST request (method, path, JSON body,
time) so tests can assert on what the bot sent, dispatches ``INTERACTION_CREATE`` and
``MESSAGE_CREATE`` events, and times each interaction: sent -> acknowledged (the
``/callback`` POST) -> answered (the message callback, the ``@original`` edit or a
follow-up). It can answer with a 429 on demand, drop the websocket, and refuse the
Message Content intent, as Discord does. Also used by ``bench/discord_latency.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from bot.client import SeedBot
from bot.config import Settings
from tests.paths import SEEDS

API_PREFIX = "/api/v10"
MESSAGE_CONTENT_INTENT = 1 << 15
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
EVERYONE_PERMISSIONS = 0x0000_0000_0006_4C40  # view, send, embed, history, reactions
CALLBACK_MESSAGE, CALLBACK_DEFERRED, CALLBACK_DEFERRED_UPDATE, CALLBACK_UPDATE = 4, 5, 6, 7
CALLBACK_AUTOCOMPLETE = 8
CALLBACK_MODAL = 9  # the response that opens a modal (interaction callback type 9)
# Interaction types and application command types, as Discord numbers them.
APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT = 2, 3, 5
MESSAGE_COMMAND = 3  # data.type of a message context-menu command
CHANNEL_OPTION, SUB_COMMAND, SUB_COMMAND_GROUP = 7, 1, 2
GUILD_TEXT, DM, PUBLIC_THREAD, GUILD_FORUM = 0, 1, 11, 15
# How long a bot may take to connect and load the seeds: generous, as the test machine is shared.
READY_SECONDS = 90


def _json(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with the exact content type discord.py checks for (no charset suffix)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any  # parsed JSON, or None
    at: float  # time.perf_counter()


@dataclass
class InteractionTrace:
    """One interaction's life as the fake saw it."""

    id: int
    token: str
    payload: dict[str, Any]
    sent_at: float = 0.0
    acked_at: float | None = None
    answered_at: float | None = None
    callback: dict[str, Any] | None = None  # the /callback body
    modal: dict[str, Any] | None = None  # the modal the bot opened in answer (callback type 9)
    final: dict[str, Any] | None = None  # the body that carried the answer
    acked: asyncio.Event = field(default_factory=asyncio.Event)
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def ack_seconds(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.sent_at

    @property
    def answer_seconds(self) -> float | None:
        return None if self.answered_at is None else self.answered_at - self.sent_at

    @property
    def ephemeral(self) -> bool:
        for body in (self.callback and self.callback.get("data"), self.final):
            if body and int(body.get("flags") or 0) & 64:
                return True
        return False


@dataclass
class GatewaySession:
    session_id: str
    intents: int
    shard: list[int]
    sequence: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)  # sent dispatches, for RESUME


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    retry_after: float
    times: int


class FakeDiscord:
    """``await fake.start()``, then point the bot at ``api_base`` and ``gateway_url``."""

    def __init__(
        self,
        *,
        heartbeat_interval_ms: int = 1000,
        grant_message_content: bool = True,
        shard_count: int = 1,
        token: str = "fake-token",
    ) -> None:
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.grant_message_content = grant_message_content
        self.shard_count = shard_count
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self.application_id = self.snowflake()
        self.bot_user = self.user(self.application_id, "seedbot", bot=True)
        self.owner = self.user(self.snowflake(), "owner")
        self.guild_id = self.snowflake()
        self.channel_id = self.snowflake()
        self.qa_channel_id = self.snowflake()
        self.thread_channel_id = self.snowflake()
        self.forum_channel_id = self.snowflake()  # a forum (type 15): posts are threads
        # Commands as last synced (PUT), by name: what members' clients would be shown.
        self.synced_commands: dict[str, dict[str, Any]] = {}
        self.threads: dict[int, dict[str, Any]] = {}  # threads started from messages, by id
        self.refuse_threads = False  # answer thread creation with 403 Missing Permissions
        self.requests: list[RecordedRequest] = []
        self.interactions: dict[str, InteractionTrace] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.sessions: dict[str, GatewaySession] = {}
        # With two clients on one gateway (two processes serving the same server), events go
        # to this session only; None: to every session of the guild's shard.
        self.dispatch_to: str | None = None
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.heartbeats: list[float] = []
        self.close_codes: list[int] = []
        self._sockets: dict[int, tuple[web.WebSocketResponse, GatewaySession | None]] = {}
        self._failures: list[_Failure] = []
        self._waiters: list[
            tuple[Callable[[RecordedRequest], bool], asyncio.Future[RecordedRequest]]
        ] = []
        self.connected = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- life cycle -------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        sockets = site._server.sockets if site._server else None  # type: ignore[attr-defined]
        assert sockets, "the fake Discord did not bind"
        self.port = sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        for socket, _session in list(self._sockets.values()):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- payload builders -------------------------------------------------------------------

    def snowflake(self) -> int:
        return next(self._ids)

    @staticmethod
    def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(user_id),
            "username": name,
            "global_name": name,
            "discriminator": "0",
            "avatar": None,
            "bot": bot,
            "public_flags": 0,
        }

    def member(
        self, user: dict[str, Any], permissions: int = EVERYONE_PERMISSIONS
    ) -> dict[str, Any]:
        return {
            "user": user,
            "roles": [],
            "joined_at": _now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),
        }

    def channel(self, channel_id: int, name: str) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": name,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def forum_channel(self, channel_id: int, name: str) -> dict[str, Any]:
        """A forum channel: no messages of its own, each post is a thread in it."""
        return {
            **self.channel(channel_id, name),
            "type": GUILD_FORUM,
            "available_tags": [],
            "default_reaction_emoji": None,
            "default_sort_order": None,
            "default_forum_layout": 0,
            "flags": 0,
        }

    def thread(
        self, message_id: int, parent_id: int, name: str, owner_id: str | None = None
    ) -> dict[str, Any]:
        """A public thread started from a message: Discord gives it the message's id."""
        return {
            "id": str(message_id),
            "type": PUBLIC_THREAD,
            "guild_id": str(self.guild_id),
            "parent_id": str(parent_id),
            "owner_id": owner_id or self.bot_user["id"],
            "name": name,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": _now_iso(),
                "locked": False,
            },
        }

    def guild(self) -> dict[str, Any]:
        return {
            "id": str(self.guild_id),
            "name": "Test guild",
            "icon": None,
            "owner_id": self.owner["id"],
            "unavailable": False,
            "member_count": 2,
            "large": False,
            "features": [],
            "preferred_locale": "en-US",
            "roles": [
                {
                    "id": str(self.guild_id),
                    "name": "@everyone",
                    "permissions": str(EVERYONE_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": [
                self.channel(self.channel_id, "general"),
                self.channel(self.qa_channel_id, "questions"),
                self.channel(self.thread_channel_id, "answers-in-threads"),
                self.forum_channel(self.forum_channel_id, "help-forum"),
            ],
            "threads": [],
            "members": [self.member(self.bot_user)],
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": _now_iso(),
        }

    def message(
        self,
        *,
        channel_id: int,
        author: dict[str, Any],
        body: dict[str, Any],
        reference: dict[str, Any] | None = None,
        message_type: int = 0,
    ) -> dict[str, Any]:
        """A message object as Discord returns it, from a request body the bot sent."""
        message_id = self.snowflake()
        payload: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "guild_id": str(self.guild_id),
            "author": author,
            "content": body.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": body.get("mentions", []),
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": message_type,
            "flags": int(body.get("flags") or 0),
        }
        if reference is not None:
            payload["message_reference"] = {
                "message_id": reference["id"],
                "channel_id": reference["channel_id"],
                "guild_id": str(self.guild_id),
            }
            payload["referenced_message"] = reference
            payload["type"] = 19
        self.messages[message_id] = payload
        return payload

    def _interaction(
        self, kind: int, data: dict[str, Any], user: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        return {
            "id": str(self.snowflake()),
            "application_id": str(self.application_id),
            "type": kind,
            "token": f"token-{self.snowflake()}",
            "version": 1,
            "data": data,
            "guild_id": str(self.guild_id),
            "guild": {"id": str(self.guild_id), "locale": "en-US", "features": []},
            "channel_id": str(self.channel_id),
            "channel": self.channel(self.channel_id, "general"),
            "member": self.member(user, extra.pop("permissions", EVERYONE_PERMISSIONS)),
            "app_permissions": str(EVERYONE_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
            **extra,
        }

    def command_interaction(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: dict[str, Any] | None = None,
        permissions: int = EVERYONE_PERMISSIONS,
        focused: str | None = None,
        subcommand: tuple[str, ...] = (),
        channels: dict[str, dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A slash command (type 2) or, with ``focused``, its autocomplete (type 4).

        ``subcommand`` names the group and subcommand under ``name`` (``("qa-channel",
        "add")``); ``channels`` are channel options (name -> channel object), sent as Discord
        does: the id as the value and the channel in ``resolved.channels``."""
        types = {str: 3, bool: 5, int: 4, float: 10}
        rendered = []
        for key, value in (options or {}).items():
            option: dict[str, Any] = {"name": key, "type": types[type(value)], "value": value}
            if key == focused:
                option["focused"] = True
            rendered.append(option)
        resolved: dict[str, Any] = {}
        for key, channel in (channels or {}).items():
            rendered.append({"name": key, "type": CHANNEL_OPTION, "value": channel["id"]})
            resolved.setdefault("channels", {})[channel["id"]] = {
                k: channel[k] for k in ("id", "name", "type", "parent_id", "guild_id")
            } | {"permissions": str(EVERYONE_PERMISSIONS)}
        # Nest the options under the subcommand (and its group), innermost last.
        for depth, sub in reversed(list(enumerate(subcommand))):
            kind = SUB_COMMAND if depth == len(subcommand) - 1 else SUB_COMMAND_GROUP
            rendered = [{"name": sub, "type": kind, "options": rendered}]
        data: dict[str, Any] = {
            "id": str(self.snowflake()),
            "name": name,
            "type": 1,
            "options": rendered,
        }
        if resolved:
            data["resolved"] = resolved
        return self._interaction(
            4 if focused else 2,
            data,
            user or self.user(self.snowflake(), "asker"),
            permissions=permissions,
        )

    def component_interaction(
        self, message: dict[str, Any], custom_id: str, *, user: dict[str, Any]
    ) -> dict[str, Any]:
        """A button press (type 3) on a message the bot sent."""
        data = {"custom_id": custom_id, "component_type": 2}
        return self._interaction(3, data, user, message=message)

    def message_command_interaction(
        self,
        name: str,
        target: dict[str, Any],
        *,
        user: dict[str, Any] | None = None,
        permissions: int = EVERYONE_PERMISSIONS,
    ) -> dict[str, Any]:
        """A message context-menu command (type 2, ``data.type`` 3) on ``target``: Discord
        sends the message itself in ``data.resolved.messages``, content included."""
        data = {
            "id": str(self.snowflake()),
            "name": name,
            "type": MESSAGE_COMMAND,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        return self._interaction(
            APPLICATION_COMMAND,
            data,
            user or self.user(self.snowflake(), "asker"),
            permissions=permissions,
            channel_id=target["channel_id"],
        )

    def modal_submit_interaction(
        self, opened: InteractionTrace, values: dict[str, str], *, user: dict[str, Any]
    ) -> dict[str, Any]:
        """The submit (type 5) of the modal the bot opened in answer to ``opened``: Discord
        sends the modal's layout back with each text input's ``value``."""
        modal = opened.modal
        assert modal is not None, "the bot opened no modal for that interaction"

        def filled(component: dict[str, Any]) -> dict[str, Any]:
            if component.get("type") == 4:
                return {
                    "type": 4,
                    "id": component.get("id", 0),
                    "custom_id": component["custom_id"],
                    "value": values.get(component["custom_id"], ""),
                }
            out: dict[str, Any] = {"type": component["type"], "id": component.get("id", 0)}
            if "component" in component:  # a label (type 18) around one input
                out["component"] = filled(component["component"])
            if "components" in component:  # an action row (type 1), the older layout
                out["components"] = [filled(child) for child in component["components"]]
            return out

        data = {
            "custom_id": modal["custom_id"],
            "components": [filled(component) for component in modal.get("components", [])],
        }
        extra: dict[str, Any] = {}
        if "message" in opened.payload:
            extra["message"] = opened.payload["message"]
        return self._interaction(MODAL_SUBMIT, data, user, **extra)

    @staticmethod
    def custom_ids(message: dict[str, Any]) -> list[str]:
        return [
            component["custom_id"]
            for row in message.get("components", [])
            for component in row.get("components", [])
            if "custom_id" in component
        ]

    @classmethod
    def vote_button(cls, message: dict[str, Any], value: str) -> str:
        """The custom_id of the message's "Helpful" (``up``) or "Not helpful" (``down``) button:
        which other buttons come before them depends on the answer (More results, pages)."""
        return next(c for c in cls.custom_ids(message) if c.endswith(f":{value}"))

    # -- driving the bot --------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch to the session of the shard that owns the test guild."""
        if not self._sockets:
            raise RuntimeError("the bot is not connected to the fake gateway")
        for socket, session in list(self._sockets.values()):
            if session is None or not self._owns_guild(session):
                continue
            if self.dispatch_to is not None and session.session_id != self.dispatch_to:
                continue
            session.sequence += 1
            frame = {"op": 0, "t": event, "s": session.sequence, "d": data}
            session.events.append(frame)
            if not socket.closed:
                await socket.send_str(json.dumps(frame))

    def guild_shard(self, shard_count: int) -> int:
        """Discord's rule: a guild lives on shard ``(guild_id >> 22) % shard_count``."""
        return (self.guild_id >> 22) % shard_count

    def _owns_guild(self, session: GatewaySession) -> bool:
        shard_id, shard_count = session.shard
        return shard_id == self.guild_shard(shard_count)

    async def send_interaction(self, payload: dict[str, Any]) -> InteractionTrace:
        trace = InteractionTrace(id=int(payload["id"]), token=payload["token"], payload=payload)
        self.interactions[trace.token] = trace
        trace.sent_at = time.perf_counter()
        await self.dispatch("INTERACTION_CREATE", payload)
        return trace

    async def send_message(
        self,
        content: str,
        *,
        author: dict[str, Any] | None = None,
        channel_id: int | None = None,
        mentions: list[dict[str, Any]] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user's message arriving as MESSAGE_CREATE."""
        payload = self.message(
            channel_id=channel_id or self.channel_id,
            author=author or self.user(self.snowflake(), "asker"),
            body={"content": content, "mentions": mentions or []},
            reference=reply_to,
        )
        payload["member"] = {k: v for k, v in self.member(payload["author"]).items() if k != "user"}
        await self.dispatch("MESSAGE_CREATE", payload)
        return payload

    async def create_forum_post(
        self, title: str, content: str, *, author: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A new post in the forum channel, as Discord sends it: THREAD_CREATE for the post's
        thread (owned by its author), then MESSAGE_CREATE for the starter message, whose id
        is the thread's id and whose channel is the thread."""
        author = author or self.user(self.snowflake(), "poster")
        post_id = self.snowflake()
        thread = self.thread(post_id, self.forum_channel_id, title, owner_id=author["id"])
        self.threads[post_id] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        payload = self.message(channel_id=post_id, author=author, body={"content": content})
        del self.messages[int(payload["id"])]
        payload["id"] = str(post_id)
        self.messages[post_id] = payload
        payload["member"] = {k: v for k, v in self.member(author).items() if k != "user"}
        await self.dispatch("MESSAGE_CREATE", payload)
        return payload

    async def send_direct_message(
        self, content: str, *, author: dict[str, Any], channel_id: int | None = None
    ) -> dict[str, Any]:
        """A message in a DM channel (type 1) with the bot: no guild, no member."""
        payload = self.message(
            channel_id=channel_id or self.snowflake(), author=author, body={"content": content}
        )
        del payload["guild_id"]
        payload["channel_type"] = DM
        await self.dispatch("MESSAGE_CREATE", payload)
        return payload

    async def delete_channel(self, channel_id: int) -> None:
        """CHANNEL_DELETE for one of the guild's channels."""
        channel = next(c for c in self.guild()["channels"] if int(c["id"]) == channel_id)
        await self.dispatch("CHANNEL_DELETE", channel)

    async def remove_bot_from_guild(self) -> None:
        """GUILD_DELETE without ``unavailable``: the bot was kicked or the server deleted."""
        await self.dispatch("GUILD_DELETE", {"id": str(self.guild_id)})

    def fail_next(
        self,
        method: str,
        path_regex: str,
        *,
        status: int = 429,
        retry_after: float = 0.05,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching REST requests with ``status`` (a 429 by default)."""
        self._failures.append(_Failure(method, re.compile(path_regex), status, retry_after, times))

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close every gateway socket as a network hiccup would; the bot should RESUME."""
        self.connected.clear()
        for socket, _session in list(self._sockets.values()):
            await socket.close(code=code)

    async def wait_for_request(
        self, predicate: Callable[[RecordedRequest], bool], wait: float = 10.0
    ) -> RecordedRequest:
        for request in self.requests:
            if predicate(request):
                return request
        future: asyncio.Future[RecordedRequest] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        return await asyncio.wait_for(future, wait)

    async def reply_to(self, message: dict[str, Any], wait: float = 10.0) -> RecordedRequest:
        """Wait for the bot's reply (a channel message referencing ``message``)."""

        def is_reply(request: RecordedRequest) -> bool:
            body = request.body if isinstance(request.body, dict) else {}
            reference = body.get("message_reference") or {}
            return request.method == "POST" and str(reference.get("message_id")) == message["id"]

        return await self.wait_for_request(is_reply, wait)

    def message_bodies(self) -> list[Any]:
        """Every request body that creates or edits a message (where mentions could ping)."""
        bodies = []
        for request in self.requests:
            body = request.body
            if request.path.endswith("/callback") and isinstance(body, dict):
                body = (
                    body.get("data")
                    if body.get("type") in (CALLBACK_MESSAGE, CALLBACK_UPDATE)
                    else None
                )
            if isinstance(body, dict) and ("content" in body or "embeds" in body):
                bodies.append(body)
        return bodies

    # -- REST -------------------------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        self.requests.append(request)
        for waiter in list(self._waiters):
            predicate, future = waiter
            if not future.done() and predicate(request):
                future.set_result(request)
                self._waiters.remove(waiter)

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        at = time.perf_counter()
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json" and raw:
                body = json.loads(raw)
            elif request.content_type.startswith("multipart/"):
                body = {"multipart": raw.decode(errors="replace")}
        recorded = RecordedRequest(request.method, path, dict(request.query), body, at)
        for failure in self._failures:
            if (
                failure.times > 0
                and failure.method == request.method
                and failure.pattern.search(path)
            ):
                failure.times -= 1
                self._record(recorded)
                return self._error(failure.status, failure.retry_after)
        if path == "/users/@me" and request.headers.get("Authorization") != f"Bot {self.token}":
            self._record(recorded)
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        response = await self._route(request.method, path, body, at)
        self._record(recorded)
        return response

    @staticmethod
    def _error(status: int, retry_after: float) -> web.Response:
        if status == 429:
            data = {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": False,
            }
            headers = {
                "Via": "1.1 google",
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(retry_after),
                "X-RateLimit-Bucket": "fake",
                "X-RateLimit-Scope": "user",
            }
            return _json(data, status=429, headers=headers)
        return _json({"message": "Fake error", "code": 0}, status=status)

    async def _route(self, method: str, path: str, body: Any, at: float) -> web.Response:
        json_response = _json
        if method == "GET" and path == "/users/@me":
            return json_response(self.bot_user)
        if method == "GET" and path == "/oauth2/applications/@me":
            return json_response(self._application())
        if method == "GET" and path == "/gateway/bot":
            return json_response(
                {
                    "url": self.gateway_url,
                    "shards": self.shard_count,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if method == "PUT" and re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", path):
            commands = [
                {
                    "description": "",  # Discord's value for context-menu commands
                    **command,
                    "id": str(self.snowflake()),
                    "application_id": str(self.application_id),
                    "version": "1",
                }
                for command in body or []
            ]
            self.synced_commands = {command["name"]: command for command in commands}
            return json_response(commands)
        match = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)
        if method == "POST" and match:
            return json_response(self._callback(match[2], body or {}, at))
        match = re.fullmatch(r"/webhooks/(\d+)/([^/]+)(?:/messages/(@original|\d+))?", path)
        if match:
            return self._webhook(method, match[2], match[3], body or {}, at)
        match = re.fullmatch(r"/channels/(\d+)/messages/(\d+)/threads", path)
        if method == "POST" and match:
            return await self._start_thread(int(match[1]), int(match[2]), body or {})
        match = re.fullmatch(r"/channels/(\d+)/messages", path)
        if method == "POST" and match:
            reference = None
            ref = (body or {}).get("message_reference")
            if ref:
                reference = self.messages.get(int(ref["message_id"]))
            return json_response(
                self.message(
                    channel_id=int(match[1]),
                    author=self.bot_user,
                    body=body or {},
                    reference=reference,
                )
            )
        if method == "POST" and re.fullmatch(r"/channels/\d+/typing", path):
            return web.Response(status=204)
        return json_response({"message": f"Unknown route {method} {path}", "code": 0}, status=404)

    async def _start_thread(
        self, channel_id: int, message_id: int, body: dict[str, Any]
    ) -> web.Response:
        """Start Thread from Message, as Discord does: 403 without the permission, a name of
        1-100 characters, one thread per message, and a THREAD_CREATE on the gateway."""
        if self.refuse_threads:
            return _json({"message": "Missing Permissions", "code": 50013}, status=403)
        name = str(body.get("name") or "")
        if not 1 <= len(name) <= 100:
            return _json({"message": "Invalid Form Body", "code": 50035}, status=400)
        if message_id in self.threads:
            return _json(
                {"message": "A thread has already been created for this message", "code": 160004},
                status=400,
            )
        thread = self.thread(message_id, channel_id, name)
        self.threads[message_id] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return _json(thread)

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": "seedbot",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner,
            "verify_key": "0" * 64,
            "flags": 1 << 19,  # GATEWAY_MESSAGE_CONTENT_LIMITED
            "team": None,
        }

    def _callback(self, token: str, body: dict[str, Any], at: float) -> dict[str, Any]:
        trace = self.interactions.get(token)
        kind = int(body.get("type", 0))
        data = body.get("data") or {}
        result: dict[str, Any] = {
            "interaction": {
                "id": str(trace.id if trace else 0),
                "type": trace.payload["type"] if trace else 2,
                "response_message_loading": kind == CALLBACK_DEFERRED,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & 64),
            }
        }
        if kind == CALLBACK_MODAL and trace is not None:
            trace.modal = data
        if kind in (CALLBACK_MESSAGE, CALLBACK_DEFERRED, CALLBACK_UPDATE):
            if kind == CALLBACK_UPDATE and trace and "message" in trace.payload:
                original = trace.payload["message"]
                message = {
                    **original,
                    **{k: v for k, v in data.items() if k in ("content", "embeds", "components")},
                }
                self.messages[int(message["id"])] = message
            else:
                message = self.message(
                    channel_id=self.channel_id, author=self.bot_user, body=data, message_type=20
                )
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
        if trace is not None:
            if trace.acked_at is None:
                trace.acked_at = at
                trace.callback = body
                trace.acked.set()
            if (
                kind in (CALLBACK_MESSAGE, CALLBACK_UPDATE, CALLBACK_AUTOCOMPLETE, CALLBACK_MODAL)
                and trace.answered_at is None
            ):
                trace.answered_at = at
                trace.final = data
                trace.answered.set()
        return result

    def _webhook(
        self, method: str, token: str, message_id: str | None, body: dict[str, Any], at: float
    ) -> web.Response:
        trace = self.interactions.get(token)
        if method == "PATCH" and message_id == "@original" and trace and "message" in trace.payload:
            # A button's interaction: @original is the message the button is on (edit in place).
            original = self.messages.get(int(trace.payload["message"]["id"]), {})
            message = {
                **original,
                **{k: v for k, v in body.items() if k in ("content", "embeds", "components")},
            }
            self.messages[int(message["id"])] = message
            if trace.answered_at is None:
                trace.answered_at = at
                trace.final = body
                trace.answered.set()
            return _json(message)
        if method in ("POST", "PATCH"):
            message = self.message(
                channel_id=self.channel_id, author=self.bot_user, body=body, message_type=20
            )
            if trace is not None and trace.answered_at is None:
                trace.answered_at = at
                trace.final = body
                trace.answered.set()
            return _json(message)
        if method == "DELETE":
            return web.Response(status=204)
        return _json({"message": "Unknown Message", "code": 10008}, status=404)

    # -- gateway ----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        key = id(socket)
        self._sockets[key] = (socket, None)
        await socket.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        try:
            async for frame in socket:
                if frame.type != WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                await self._on_gateway_message(socket, key, message)
        finally:
            self._sockets.pop(key, None)
            if socket.close_code is not None:
                self.close_codes.append(socket.close_code)
        return socket

    async def _on_gateway_message(
        self, socket: web.WebSocketResponse, key: int, message: dict[str, Any]
    ) -> None:
        op: Any = message.get("op")
        data: Any = message.get("d") or {}
        if op == 1:  # HEARTBEAT
            self.heartbeats.append(time.perf_counter())
            await socket.send_str(json.dumps({"op": 11}))
        elif op == 2:  # IDENTIFY
            self.identifies.append(data)
            intents = int(data.get("intents", 0))
            if intents & MESSAGE_CONTENT_INTENT and not self.grant_message_content:
                await socket.close(code=4014, message=b"Disallowed intent(s).")
                return
            session = GatewaySession(
                session_id=f"session-{self.snowflake()}",
                intents=intents,
                shard=data.get("shard") or [0, 1],
            )
            self.sessions[session.session_id] = session
            self._sockets[key] = (socket, session)
            await self._send_dispatch(socket, session, "READY", self._ready(session))
            if self._owns_guild(session):
                await self._send_dispatch(socket, session, "GUILD_CREATE", self.guild())
            self.connected.set()
        elif op == 6:  # RESUME
            self.resumes.append(data)
            known = self.sessions.get(data.get("session_id", ""))
            if known is None:
                await socket.send_str(json.dumps({"op": 9, "d": False}))
                return
            self._sockets[key] = (socket, known)
            for frame in known.events:
                if frame["s"] > int(data.get("seq") or 0):
                    await socket.send_str(json.dumps(frame))
            await self._send_dispatch(socket, known, "RESUMED", {})
            self.connected.set()

    async def _send_dispatch(
        self,
        socket: web.WebSocketResponse,
        session: GatewaySession,
        event: str,
        data: dict[str, Any],
    ) -> None:
        session.sequence += 1
        frame = {"op": 0, "t": event, "s": session.sequence, "d": data}
        session.events.append(frame)
        await socket.send_str(json.dumps(frame))

    def _ready(self, session: GatewaySession) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": str(self.guild_id), "unavailable": True}]
            if self._owns_guild(session)
            else [],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": session.shard,
            "application": {"id": str(self.application_id), "flags": 1 << 19},
            "private_channels": [],
            "relationships": [],
        }


# -- fault injection (tests/test_discord_faults.py, bench/fuzz_discord.py) -------------------


@dataclass
class _Delay:
    method: str
    pattern: re.Pattern[str]
    seconds: float
    times: int


class FaultyDiscord(FakeDiscord):
    """The fake Discord with the faults real Discord has: slow responses, interactions that
    expire after their deadline, heartbeats left unacknowledged, invalidated sessions and
    closes that end the session. Without a fault set it behaves as ``FakeDiscord``."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._delays: list[_Delay] = []
        self.ack_heartbeats = True
        self.interaction_deadline: float | None = None  # seconds; None: never expire
        self.expired_callbacks: list[str] = []  # tokens of callbacks refused as too late
        self.refuse_identify_with: int | None = None  # a close code to answer IDENTIFY with

    def delay_next(self, method: str, path_regex: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` matching requests ``seconds`` late (handled at once)."""
        self._delays.append(_Delay(method, re.compile(path_regex), seconds, times))

    def expire_interactions_after(self, seconds: float | None) -> None:
        """Refuse an interaction callback arriving later than ``seconds`` after the
        interaction was sent, as Discord does (404, Unknown interaction, code 10062)."""
        self.interaction_deadline = seconds

    async def close_gateway(self, code: int, *, resumable: bool) -> None:
        """Close every socket with ``code``; when not ``resumable`` the session is gone too,
        so a RESUME is answered with INVALID_SESSION and the bot must IDENTIFY again."""
        if not resumable:
            self.sessions.clear()
        await self.drop_gateway(code)

    async def invalidate_session(self, *, resumable: bool) -> None:
        """Send INVALID_SESSION (op 9) on every socket, as Discord does on its side."""
        self.connected.clear()
        if not resumable:
            self.sessions.clear()
        for socket, _session in list(self._sockets.values()):
            if not socket.closed:
                await socket.send_str(json.dumps({"op": 9, "d": resumable}))

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        response = await super()._rest(request)
        path = "/" + request.match_info["tail"]
        for delay in self._delays:
            if delay.times > 0 and delay.method == request.method and delay.pattern.search(path):
                delay.times -= 1
                await asyncio.sleep(delay.seconds)
                break
        return response

    async def _route(self, method: str, path: str, body: Any, at: float) -> web.Response:
        match = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)
        if method == "POST" and match and self.interaction_deadline is not None:
            trace = self.interactions.get(match[2])
            if trace is not None and at - trace.sent_at > self.interaction_deadline:
                self.expired_callbacks.append(trace.token)
                return _json({"message": "Unknown interaction", "code": 10062}, status=404)
        return await super()._route(method, path, body, at)

    async def _on_gateway_message(
        self, socket: web.WebSocketResponse, key: int, message: dict[str, Any]
    ) -> None:
        if message.get("op") == 1 and not self.ack_heartbeats:
            self.heartbeats.append(time.perf_counter())  # heard, never acknowledged
            return
        if message.get("op") == 2 and self.refuse_identify_with is not None:
            self.identifies.append(message.get("d") or {})
            await socket.close(code=self.refuse_identify_with)
            return
        await super()._on_gateway_message(socket, key, message)


# -- running the real bot against the fake ---------------------------------------------------


async def answered(trace: InteractionTrace, wait: float = 15.0) -> dict[str, Any]:
    """The body that answered an interaction, once it has come."""
    await asyncio.wait_for(trace.answered.wait(), wait)
    assert trace.final is not None
    return trace.final


def bot_settings(fake: FakeDiscord, state_dir: Path, **overrides: Any) -> Settings:
    """Settings that point the bot at ``fake`` and keep every file it writes in ``state_dir``."""
    values: dict[str, Any] = {
        "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "guild_ids": [fake.guild_id],
        "qa_channel_ids": [fake.qa_channel_id],
        "thread_channel_ids": [fake.thread_channel_id],
        "corpus_dir": SEEDS,
        "feedback_db": str(state_dir / "feedback.sqlite3"),
        "command_sync_file": state_dir / "commands.sha256",
        "cooldown_rate": 1000,
        "cooldown_seconds": 1.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def bot_process_env(fake: FakeDiscord, state_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a bot process (``python -m bot run``) pointed at ``fake``, keeping
    every file it writes in ``state_dir``: ``bot_settings`` for a bot in another process."""
    return {
        **os.environ,
        "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "SEEDBOT_GUILD_IDS": str(fake.guild_id),
        "SEEDBOT_CORPUS_DIR": str(SEEDS),
        "SEEDBOT_FEEDBACK_DB": str(state_dir / "feedback.sqlite3"),
        "SEEDBOT_COMMAND_SYNC_FILE": str(state_dir / "commands.sha256"),
        **overrides,
    }


@asynccontextmanager
async def running_bot(
    settings: Settings, *, wait_for_corpus: bool = True, **options: Any
) -> AsyncIterator[SeedBot]:
    """Start the real bot on this loop; yield once it is ready and (unless told not to
    wait) the corpus is loaded."""
    bot = SeedBot(settings, guild_ready_timeout=0.05, **options)
    task = asyncio.create_task(bot.start(settings.discord_token or ""))
    ready = asyncio.ensure_future(_ready(bot, wait_for_corpus))
    done, _pending = await asyncio.wait(
        {task, ready}, timeout=READY_SECONDS, return_when=asyncio.FIRST_COMPLETED
    )
    if ready not in done:
        ready.cancel()
        await bot.close()
        if task.done() and task.exception():
            raise task.exception()  # type: ignore[misc]
        raise TimeoutError("the bot did not become ready")
    try:
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


async def _ready(bot: SeedBot, wait_for_corpus: bool = True) -> None:
    await bot.wait_until_ready()
    if wait_for_corpus:
        await bot.engines.ready.wait()
