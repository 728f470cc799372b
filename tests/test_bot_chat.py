"""The terminal chat goes through the same answering service as Discord: follow-ups one
level deep, chatter answered without a search, paging with "more"."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from typing import Any

from bot.cli import run_chat
from retrieval.engine import Engine
from tests.paths import ROOT, SEEDS


def chat(engine: Engine, lines: str) -> str:
    out = io.StringIO()
    assert run_chat(engine, io.StringIO(lines), out) == 0
    return out.getvalue()


def test_a_chain_of_follow_ups_is_read_with_one_question(seed_engine: Engine) -> None:
    text = chat(seed_engine, "Who proposed a 30-day ceasefire?\nwhy?\nwhat about Zelensky?\n")
    assert "(read as: why? (Who proposed a 30-day ceasefire?))" in text
    assert "(read as: what about Zelensky? (Who proposed a 30-day ceasefire?))" in text
    assert "((" not in text


def test_chatter_gets_a_short_reply_and_no_search(seed_engine: Engine, monkeypatch: Any) -> None:
    searched: list[str] = []
    real = seed_engine.answer

    def spying(question: str, **options: Any) -> Any:
        searched.append(question)
        return real(question, **options)

    monkeypatch.setattr(seed_engine, "answer", spying)
    text = chat(seed_engine, "thanks, that helps\ngood bot\nlol\n")
    assert searched == []
    assert "You're welcome" in text
    assert "Thank you!" in text
    assert "😄" in text
    assert "couldn't find any words" not in text


def test_more_brings_the_next_quotes(seed_engine: Engine) -> None:
    text = chat(seed_engine, "Who is Kirill Dmitriev?\nmore\n")
    assert "[1] “" in text and "[4] “" in text


def test_seedbot_chat_through_standard_input() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--corpus", str(SEEDS), "chat"],
        input="Who is Kirill Dmitriev?\nwhy did he go to Washington?\nthanks!\nquit\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"},
    )
    assert done.returncode == 0, done.stderr
    assert "(read as: why did he go to Washington? (Who is Kirill Dmitriev?))" in done.stdout
    assert "You're welcome" in done.stdout
