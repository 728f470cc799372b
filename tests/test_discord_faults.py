"""Discord faults, end to end: the real discord.py client against the faulty fake Discord.

Each fault is followed by a question the bot must answer within 10 s of the fault ending,
and the bot must log each incident once, not once per request.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.client import SeedBot
from bot.incidents import OncePerIncident, log_faults_once_per_incident
from bot.runner import serve
from tests.fake_discord import FaultyDiscord, InteractionTrace, bot_settings, running_bot

QUESTION = "When do lighthouses guide ships?"
RECOVERY_SECONDS = 10.0  # the bot answers within this long of a fault ending


@pytest.fixture
async def fake() -> AsyncIterator[FaultyDiscord]:
    server = await FaultyDiscord(heartbeat_interval_ms=500).start()
    yield server
    await server.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "lighthouses.txt").write_text(
        "Lighthouses guide ships at night with a beam of light.\n\n"
        "Keepers once lived in the towers and trimmed the lamps every evening.\n",
        encoding="utf-8",
    )
    return folder


def settings(fake: FaultyDiscord, tmp_path: Path, corpus: Path) -> Any:
    return bot_settings(fake, tmp_path, corpus_dir=corpus, semantic=False, cross_encoder=False)


async def ask(fake: FaultyDiscord, question: str = QUESTION) -> InteractionTrace:
    trace = await fake.send_interaction(fake.command_interaction("ask", {"question": question}))
    await asyncio.wait_for(trace.answered.wait(), RECOVERY_SECONDS)
    return trace


def assert_answer(trace: InteractionTrace) -> None:
    assert trace.final is not None
    embeds = trace.final.get("embeds") or []
    assert embeds, trace.final
    assert "Lighthouses" in embeds[0]["description"]


async def mention(fake: FaultyDiscord, question: str = QUESTION) -> dict[str, Any]:
    """The bot's reply to a mention, once Discord has accepted it (a refused try is no reply)."""
    message = await fake.send_message(
        f"<@{fake.bot_user['id']}> {question}", mentions=[fake.bot_user]
    )

    def accepted() -> list[dict[str, Any]]:
        return [
            sent
            for sent in list(fake.messages.values())
            if (sent.get("message_reference") or {}).get("message_id") == message["id"]
        ]

    await until(accepted, RECOVERY_SECONDS)
    return accepted()[0]


async def reconnected(fake: FaultyDiscord, bot: SeedBot) -> None:
    await asyncio.wait_for(fake.connected.wait(), 20)
    await until(bot.is_ready, 5)


async def until(condition: Callable[[], object], seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{condition} still false after {seconds} s")
        await asyncio.sleep(0.05)


def fresh_incidents(caplog: pytest.LogCaptureFixture) -> None:
    """Count warnings from here on, with no incident left open by an earlier test."""
    caplog.set_level(logging.WARNING)
    log_faults_once_per_incident().reset()


def warnings_matching(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return sum(
        1
        for record in caplog.records
        if record.levelno >= logging.WARNING and text in record.getMessage()
    )


async def test_a_single_503_on_a_channel_reply_is_retried_not_apologised_for(
    fake: FaultyDiscord, tmp_path: Path, corpus: Path
) -> None:
    async with running_bot(settings(fake, tmp_path, corpus)):
        fake.fail_next("POST", r"^/channels/\d+/messages$", status=503)
        reply = await mention(fake)
        await asyncio.sleep(0.5)  # no apology follows
    posts = [r for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert len(posts) == 2  # the 503, then the retry
    assert reply.get("content") != texts.ERROR
    assert "Lighthouses" in reply["embeds"][0]["description"]


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_runs_of_server_errors_are_survived(
    fake: FaultyDiscord, tmp_path: Path, corpus: Path, status: int
) -> None:
    async with running_bot(settings(fake, tmp_path, corpus)):
        fake.fail_next("POST", r"^/webhooks/", status=status, times=2)
        fake.fail_next("POST", r"^/channels/\d+/messages$", status=status, times=2)
        assert_answer(await ask(fake))
        assert "Lighthouses" in (await mention(fake))["embeds"][0]["description"]
        fault_over = time.perf_counter()
        assert_answer(await ask(fake))
    assert time.perf_counter() - fault_over < RECOVERY_SECONDS


ROUTES_THE_BOT_USES = [
    ("POST", r"^/interactions/\d+/[^/]+/callback$"),
    ("POST", r"^/webhooks/\d+/[^/]+$"),
    ("POST", r"^/channels/\d+/messages$"),
    ("POST", r"^/channels/\d+/typing$"),
]


async def test_rate_limits_on_every_route_are_waited_out_and_logged_once(
    fake: FaultyDiscord, tmp_path: Path, corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(settings(fake, tmp_path, corpus)):
        fresh_incidents(caplog)
        for _round in range(3):
            for method, route in ROUTES_THE_BOT_USES:
                fake.fail_next(method, route, status=429, retry_after=0.2)
            assert_answer(await ask(fake))
            assert "Lighthouses" in (await mention(fake))["embeds"][0]["description"]
    for method, route in ROUTES_THE_BOT_USES:
        hits = [r for r in fake.requests if r.method == method and re.search(route, r.path)]
        assert len(hits) >= 6, route  # each 429 was retried, three rounds
    # Three rounds of 429s on the channel routes make one incident, logged once.
    assert warnings_matching(caplog, "We are being rate limited") == 1
    assert warnings_matching(caplog, "is rate limited") == 1


async def test_a_slow_response_and_an_expired_interaction(
    fake: FaultyDiscord, tmp_path: Path, corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(settings(fake, tmp_path, corpus)):
        fresh_incidents(caplog)
        # The acknowledgement reached Discord in time but its response is 4 s late.
        fake.delay_next("POST", r"/callback$", 4.0)
        assert_answer(await ask(fake))

        # The acknowledgement itself is held past the deadline by a rate limit: Discord
        # refuses it (Unknown interaction); the bot logs it and goes on answering.
        fake.expire_interactions_after(3.0)
        fake.fail_next("POST", r"/callback$", status=429, retry_after=3.5)
        late = await fake.send_interaction(fake.command_interaction("ask", {"question": QUESTION}))
        await until(lambda: fake.expired_callbacks, RECOVERY_SECONDS)
        await asyncio.sleep(0.5)
        # Discord said the interaction is gone: no apology is attempted on it.
        assert fake.expired_callbacks == [late.token]
        fault_over = time.perf_counter()
        assert_answer(await ask(fake))
        assert "Lighthouses" in (await mention(fake))["embeds"][0]["description"]
    assert time.perf_counter() - fault_over < RECOVERY_SECONDS
    assert late.answered_at is None  # nothing claims to have answered the expired one
    assert warnings_matching(caplog, "expired before it was acknowledged") == 1


@pytest.mark.parametrize(
    ("code", "resumable"),
    [(1001, True), (4000, True), (4008, True), (4007, False), (4009, False)],
)
async def test_gateway_closes_are_recovered_from(
    fake: FaultyDiscord, tmp_path: Path, corpus: Path, code: int, resumable: bool
) -> None:
    async with running_bot(settings(fake, tmp_path, corpus)) as bot:
        await fake.close_gateway(code, resumable=resumable)
        fault_over = time.perf_counter()
        await reconnected(fake, bot)
        assert_answer(await ask(fake))
    assert time.perf_counter() - fault_over < RECOVERY_SECONDS
    assert len(fake.identifies) == (1 if resumable else 2)
    assert len(fake.resumes) >= 1


@pytest.mark.parametrize("resumable", [True, False])
async def test_an_invalid_session_is_recovered_from(
    fake: FaultyDiscord, tmp_path: Path, corpus: Path, resumable: bool
) -> None:
    async with running_bot(settings(fake, tmp_path, corpus)) as bot:
        await fake.invalidate_session(resumable=resumable)
        fault_over = time.perf_counter()
        await reconnected(fake, bot)
        assert_answer(await ask(fake))
    assert time.perf_counter() - fault_over < RECOVERY_SECONDS
    assert len(fake.identifies) == (1 if resumable else 2)


async def test_unacknowledged_heartbeats_lead_to_a_new_connection(
    fake: FaultyDiscord, tmp_path: Path, corpus: Path
) -> None:
    # discord.py closes a connection it has heard nothing on for heartbeat_timeout seconds
    # (60 by default): a zombie connection that still takes heartbeats but answers none.
    async with running_bot(settings(fake, tmp_path, corpus), heartbeat_timeout=2.0) as bot:
        fake.ack_heartbeats = False
        await until(lambda: fake.close_codes, 15)  # the bot gave the silent connection up
        fake.ack_heartbeats = True
        fault_over = time.perf_counter()
        await until(lambda: fake.resumes, RECOVERY_SECONDS)
        await reconnected(fake, bot)
        assert_answer(await ask(fake))
    assert time.perf_counter() - fault_over < RECOVERY_SECONDS
    assert fake.resumes


@pytest.mark.parametrize(("code", "says"), [(4004, "DISCORD_TOKEN"), (4011, "SEEDBOT_SHARD_COUNT")])
async def test_a_close_discord_says_not_to_retry_is_one_clear_line(
    fake: FaultyDiscord,
    tmp_path: Path,
    corpus: Path,
    capsys: pytest.CaptureFixture[str],
    code: int,
    says: str,
) -> None:
    fake.refuse_identify_with = code
    assert await asyncio.wait_for(serve(settings(fake, tmp_path, corpus), "fake-token"), 30) == 2
    err = capsys.readouterr().err
    assert says in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_incident_logging_holds_repeats_of_faults_but_never_our_errors() -> None:
    once = OncePerIncident(quiet=60)

    def record(name: str, level: int, msg: str, created: float) -> logging.LogRecord:
        made = logging.LogRecord(name, level, __file__, 1, msg, (), None)
        made.created = created
        return made

    limited = "We are being rate limited. %s %s responded with 429."
    assert once.filter(record("discord.http", logging.WARNING, limited, 0))
    assert not once.filter(record("discord.http", logging.WARNING, limited, 10))
    assert not once.filter(record("discord.http", logging.WARNING, limited, 65))  # still going
    later = record("discord.http", logging.WARNING, limited, 200)  # a new incident
    assert once.filter(later)
    assert "repeated this 2 times" in later.getMessage()
    for moment in (0, 1, 2):  # a bug's traceback is never held
        assert once.filter(record("bot.replies", logging.ERROR, "Error in %s", moment))
    assert once.filter(record("bot.cogs.ask", logging.WARNING, "anything", 0))
    assert once.filter(record("bot.cogs.ask", logging.WARNING, "anything", 1))
