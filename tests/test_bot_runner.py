"""Starting the bot: token problems are one clear line; a missing intent is not fatal."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

import pytest

from bot.client import SeedBot
from bot.config import Settings
from bot.runner import run_bot, serve
from tests.fake_discord import (
    MESSAGE_CONTENT_INTENT,
    FakeDiscord,
    bot_process_env,
    bot_settings,
)


def test_missing_token_is_one_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(_env_file=None, DISCORD_TOKEN="  ")  # type: ignore[call-arg]
    assert run_bot(settings) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "DISCORD_TOKEN" in captured.err
    assert "Traceback" not in captured.err


async def test_rejected_token_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = await FakeDiscord(token="the-real-one").start()
    try:
        settings = bot_settings(fake, tmp_path)
        assert await serve(settings, "wrong-token") == 2
    finally:
        await fake.close()
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN" in err
    assert "Traceback" not in err


async def test_without_message_content_intent_the_bot_restarts_without_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = await FakeDiscord(grant_message_content=False).start()
    caplog.set_level(logging.WARNING, logger="bot.runner")
    started: list[SeedBot] = []

    restarted = asyncio.Event()

    def on_start(bot: SeedBot) -> None:
        started.append(bot)
        if not bot.intents.message_content:
            restarted.set()

    async def stop_when_ready() -> None:
        await restarted.wait()
        await started[-1].wait_until_ready()
        await started[-1].close()

    try:
        settings = bot_settings(fake, tmp_path)
        stopper = asyncio.create_task(stop_when_ready())
        code = await asyncio.wait_for(
            serve(settings, "fake-token", on_start=on_start, guild_ready_timeout=0.05), 30
        )
        assert code == 0
        await stopper
    finally:
        await fake.close()
    assert [bool(i["intents"] & MESSAGE_CONTENT_INTENT) for i in fake.identifies] == [True, False]
    assert "Message Content intent is not granted" in caplog.text
    assert not started[-1].intents.message_content


async def test_run_bot_in_its_own_process_answers_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path,
) -> None:
    fake = await FakeDiscord().start()
    env = bot_process_env(fake, tmp_path)
    code = (
        "from bot.config import Settings; from bot.runner import run_bot; "
        "raise SystemExit(run_bot(Settings()))"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    try:
        await asyncio.wait_for(fake.connected.wait(), 30)
        # Asked while the corpus may still be loading: acknowledged, then answered once in.
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": "Who proposed a 30-day ceasefire?"})
        )
        await asyncio.wait_for(trace.answered.wait(), 90)
        assert trace.final is not None
        assert "30-day" in trace.final["embeds"][0]["description"]
        process.send_signal(signal.SIGINT)
        _out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.close()
    assert process.returncode == 0
    assert b"Traceback" not in err
