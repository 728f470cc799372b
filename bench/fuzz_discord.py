"""A bounded fuzz run through the fake Discord: hundreds of hostile questions, counted.

    .venv/bin/python -m bench.fuzz_discord [--questions 600] [--seconds 240] [--seed 16] [--models]

The real bot (discord.py, the engine over a temporary copy of seeds/, SQLite votes) against
``tests/fake_discord.FaultyDiscord`` on 127.0.0.1. Seeded hostile questions
(``tests/fuzz_inputs.seeded_question``, the issue's stalling question among them) arrive
as ``/ask`` (public and private), as mentions and in the Q&A channel, a few at a time, and
some answers' buttons are pressed. Every body the bot sends is checked: Discord's limits
(content 2000, title 256, description 4096, field 1024, total 6000, 25 fields, 5 rows of 5
buttons, custom_id 100), ``allowed_mentions`` refusing every ping, and no raw mention in
its text. Prints: questions, answers, crashes (apologies, errors logged, no answer), over-
limit messages, possible pings, acknowledgements later than 3 s, the slowest question, the
slowest of 10,000 characters (asked to answered, four in flight) and the event loop's
longest stall. Stops after ``--questions`` or ``--seconds``. The two
models are off unless ``--models``: what is checked here is what the bot sends, and BM25
alone reaches five times the questions in the time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.fuzz_cli import LONG_CHARS, long_summary  # noqa: E402
from bot import limits, texts  # noqa: E402
from tests.fake_discord import FaultyDiscord, bot_settings, running_bot  # noqa: E402
from tests.fuzz_inputs import MENTION, seeded_question  # noqa: E402

ANSWER_WAIT = 30.0
AT_ONCE = 4  # questions in flight together


class ErrorCounter(logging.Handler):
    """Counts the errors the bot logs (each is a crash somewhere, even if answered)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def body_problems(body: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(over-limit findings, possible pings) in one message body the bot sent."""
    over: list[str] = []
    pings: list[str] = []
    mentions = body.get("allowed_mentions")
    if mentions is None or mentions.get("parse") != [] or mentions.get("replied_user"):
        pings.append(f"allowed_mentions {mentions}")
    content = body.get("content") or ""
    if len(content) > limits.MESSAGE_CONTENT:
        over.append(f"content {len(content)}")
    texts = [content]
    embeds = body.get("embeds") or []
    if len(embeds) > limits.EMBEDS_PER_MESSAGE:
        over.append(f"{len(embeds)} embeds")
    for embed in embeds:
        parts = {
            "title": (embed.get("title") or "", limits.EMBED_TITLE),
            "description": (embed.get("description") or "", limits.EMBED_DESCRIPTION),
            "footer": ((embed.get("footer") or {}).get("text") or "", limits.EMBED_FOOTER),
            "author": ((embed.get("author") or {}).get("name") or "", limits.EMBED_AUTHOR),
        }
        fields = embed.get("fields") or []
        if len(fields) > limits.EMBED_FIELDS:
            over.append(f"{len(fields)} fields")
        for index, field in enumerate(fields):
            parts[f"field {index} name"] = (field.get("name") or "", limits.EMBED_FIELD_NAME)
            parts[f"field {index} value"] = (field.get("value") or "", limits.EMBED_FIELD_VALUE)
        over += [
            f"{name} {len(text)}" for name, (text, limit) in parts.items() if len(text) > limit
        ]
        total = sum(len(text) for text, _limit in parts.values())
        if total > limits.EMBED_TOTAL:
            over.append(f"embed total {total}")
        texts += [text for text, _limit in parts.values()]
    rows = body.get("components") or []
    if len(rows) > limits.ACTION_ROWS:
        over.append(f"{len(rows)} rows")
    for row in rows:
        buttons = row.get("components") or []
        if len(buttons) > limits.BUTTONS_PER_ROW:
            over.append(f"{len(buttons)} buttons in a row")
        over += [
            f"custom_id {len(b['custom_id'])}"
            for b in buttons
            if len(b.get("custom_id", "")) > limits.CUSTOM_ID
        ]
    pings += [f"raw {match.group()!r}" for text in texts for match in MENTION.finditer(text)]
    return over, pings


async def loop_stalls(longest: list[float], stop: asyncio.Event) -> None:
    """The event loop's longest delay past a 10 ms sleep: what every other user waits."""
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        longest[0] = max(longest[0], time.perf_counter() - before - 0.01)


async def one_question(
    fake: FaultyDiscord,
    rng: random.Random,
    counts: Counter[str],
    slowest: list[Any],
    long_inputs: list[float],
) -> None:
    question = seeded_question(rng)
    kind = rng.choice(["ask", "ask", "private", "mention", "qa"])
    started = time.perf_counter()
    counts["questions"] += 1
    if kind in ("ask", "private"):
        payload = fake.command_interaction(
            "ask", {"question": question, "private": kind == "private"}
        )
        trace = await fake.send_interaction(payload)
        try:
            await asyncio.wait_for(trace.answered.wait(), ANSWER_WAIT)
        except TimeoutError:
            counts["no answer"] += 1
            return
        if trace.ack_seconds is not None and trace.ack_seconds > limits.INTERACTION_ACK_SECONDS:
            counts["late acknowledgements"] += 1
        final = trace.final or {}
        if (final.get("content") or "") == texts.ERROR:
            counts["apologies"] += 1
        counts["answers"] += 1
        message = fake.messages[max(fake.messages)]
        ids = fake.custom_ids(message)
        if ids and rng.random() < 0.2:  # press one of its buttons
            press = await fake.send_interaction(
                fake.component_interaction(message, rng.choice(ids), user=payload["member"]["user"])
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(press.answered.wait(), ANSWER_WAIT)
    else:
        channel = fake.qa_channel_id if kind == "qa" else fake.channel_id
        text = question if kind == "qa" else f"<@{fake.bot_user['id']}> {question}"
        mentions = [] if kind == "qa" else [fake.bot_user]
        sent = await fake.send_message(text, channel_id=channel, mentions=mentions)
        try:
            await fake.reply_to(sent, ANSWER_WAIT if kind == "mention" else 3.0)
            counts["answers"] += 1
        except TimeoutError:
            if kind == "mention":
                counts["no answer"] += 1
            else:
                counts["left alone (Q&A chatter)"] += 1
                return  # waited for on purpose: not a slow answer
    seconds = time.perf_counter() - started
    slowest[:] = sorted([*slowest, (seconds, kind, question)], reverse=True)[:3]
    if len(question) >= LONG_CHARS:
        long_inputs.append(seconds)


async def run(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    slowest: list[Any] = []
    long_inputs: list[float] = []
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    logging.getLogger().setLevel(logging.WARNING)
    fake = await FaultyDiscord(heartbeat_interval_ms=1000).start()
    stall = [0.0]
    stop = asyncio.Event()
    try:
        with tempfile.TemporaryDirectory() as state:
            models = {} if args.models else {"semantic": False, "cross_encoder": False}
            settings = bot_settings(fake, Path(state), cooldown_rate=100_000, **models)
            async with running_bot(settings):
                monitor = asyncio.create_task(loop_stalls(stall, stop))
                started = time.perf_counter()
                while (
                    counts["questions"] < args.questions
                    and time.perf_counter() - started < args.seconds
                ):
                    await asyncio.gather(
                        *(
                            one_question(fake, rng, counts, slowest, long_inputs)
                            for _ in range(AT_ONCE)
                        )
                    )
                elapsed = time.perf_counter() - started
                stop.set()
                await monitor
    finally:
        await fake.close()
    over = pings = 0
    examples: list[str] = []
    for body in fake.message_bodies():
        too_long, can_ping = body_problems(body)
        over += bool(too_long)
        pings += bool(can_ping)
        examples += too_long + can_ping
    crashes = counts["apologies"] + counts["no answer"] + len(errors.records)
    print(f"fuzz_discord: {counts['questions']} questions in {elapsed:.0f} s")
    print(
        f"  answers: {counts['answers']} (Q&A chatter left alone: {counts['left alone (Q&A chatter)']})"
    )
    print(
        f"  crashes: {crashes} (apologies {counts['apologies']}, no answer "
        f"{counts['no answer']}, errors logged {len(errors.records)})"
    )
    print(
        f"  messages checked: {len(fake.message_bodies())}; over limit: {over}; possible pings: {pings}"
    )
    print(f"  acknowledgements later than 3 s: {counts['late acknowledgements']}")
    print(f"  longest event-loop stall: {stall[0] * 1000:.0f} ms")
    print(long_summary(long_inputs))
    for seconds, kind, question in slowest:
        print(f"  slow: {seconds * 1000:.0f} ms ({kind}, {len(question)} chars): {question[:50]!r}")
    for example in examples[:5]:
        print(f"  problem: {example}")
    for record in errors.records[:3]:
        print(f"  error: {record.getMessage()[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=600)
    parser.add_argument("--seconds", type=float, default=240.0)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--models", action="store_true", help="rank with both models too (slower: fewer questions)"
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
