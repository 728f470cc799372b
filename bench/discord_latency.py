"""How fast the bot acknowledges and answers ``/ask``, measured against the local fake Discord.

For each interaction: the time from the fake sending INTERACTION_CREATE on the gateway to
the bot's ``/callback`` (acknowledgement) and to the message carrying the answer. The real
discord.py client, the real engine over seeds/ and the real SQLite store are used; the
fake runs on the same event loop, so the figures include its own work (conservative).

    .venv/bin/python -m bench.discord_latency                 # 100 questions, one at a time
    .venv/bin/python -m bench.discord_latency --burst 500     # 500 sent at once (load)
    .venv/bin/python -m bench.discord_latency --questions eval/seed_questions.jsonl --count 106
    .venv/bin/python -m bench.discord_latency --burst 500 --bot-process

By default the bot runs on the fake's own event loop, so every figure also holds the fake's
work (conservative). ``--bot-process`` runs the bot as a user does, ``python -m bot run`` in
a process of its own, with the fake in this one: Discord is another machine, and what is
timed is then the bot's own work (both processes share the machine's two cores).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from retrieval.evaluation import load_questions  # noqa: E402
from tests.fake_discord import (  # noqa: E402
    FakeDiscord,
    InteractionTrace,
    bot_process_env,
    bot_settings,
    running_bot,
)

READY_SECONDS = 180.0  # a bot process imports, connects and loads the articles first

QUESTIONS = (
    "Who proposed a 30-day ceasefire?",
    "What did Putin offer instead of a general ceasefire?",
    "Why are Trump's efforts to end the war struggling?",
    "What happened in Sumy on April 13?",
    "Who is Kirill Dmitriev?",
    "What did Putin tell Trump about Ukraine?",
    "Why did the US pause arms shipments?",
    "How much of Russia's refining capacity has Ukraine destroyed?",
    "What are Russia's demands for Ukrainian concessions?",
    "What did Witkoff bring back from Moscow?",
)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``share`` of values at or below."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def summarise(label: str, values: list[float]) -> str:
    millis = [value * 1000 for value in values]
    return (
        f"{label:<8} median {statistics.median(millis):7.1f} ms   p95 {percentile(millis, 0.95):7.1f} ms"
        f"   max {max(millis):7.1f} ms"
    )


@contextlib.asynccontextmanager
async def bot_process(fake: FakeDiscord, state: Path) -> AsyncIterator[None]:
    """``python -m bot run`` pointed at ``fake`` through the environment, as a user runs it."""
    env = bot_process_env(
        fake,
        state,
        PYTHONPATH=str(ROOT),
        SEEDBOT_COOLDOWN_RATE="10000",
        SEEDBOT_LOG_LEVEL="WARNING",
    )
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=state, stdin=asyncio.subprocess.DEVNULL
    )
    try:
        await asyncio.wait_for(fake.connected.wait(), READY_SECONDS)
        yield
    finally:
        if child.returncode is None:
            child.terminate()
            try:
                await asyncio.wait_for(child.wait(), 10)
            except TimeoutError:
                child.kill()
                await child.wait()


async def measure(
    count: int,
    burst: bool,
    wait: float,
    questions: Sequence[str] = QUESTIONS,
    *,
    separate_process: bool = False,
) -> tuple[list[InteractionTrace], dict[str, float]]:
    fake = await FakeDiscord(heartbeat_interval_ms=1000).start()
    try:
        with tempfile.TemporaryDirectory() as state:
            if separate_process:
                running = bot_process(fake, Path(state))
            else:
                settings = bot_settings(fake, Path(state), cooldown_rate=10_000)
                running = running_bot(settings)
            async with running:
                # Warm up: first-use costs (imports, SQLite pages, the articles' loading in
                # a bot process) are not what we measure.
                warm = await fake.send_interaction(
                    fake.command_interaction("ask", {"question": questions[0]})
                )
                await asyncio.wait_for(warm.answered.wait(), max(wait, READY_SECONDS))
                beats_before = len(fake.heartbeats)
                started = time.perf_counter()
                payloads = [
                    fake.command_interaction("ask", {"question": questions[i % len(questions)]})
                    for i in range(count)
                ]
                traces: list[InteractionTrace] = []
                if burst:
                    traces = list(
                        await asyncio.gather(*(fake.send_interaction(p) for p in payloads))
                    )
                    await asyncio.wait_for(
                        asyncio.gather(*(trace.answered.wait() for trace in traces)), wait
                    )
                else:
                    for payload in payloads:
                        trace = await fake.send_interaction(payload)
                        await asyncio.wait_for(trace.answered.wait(), wait)
                        traces.append(trace)
                elapsed = time.perf_counter() - started
                beats = fake.heartbeats[beats_before:]
                gaps = [b - a for a, b in itertools.pairwise(beats)]
                stats = {
                    "elapsed": elapsed,
                    "heartbeats": float(len(beats)),
                    "max_heartbeat_gap": max(gaps) if gaps else 0.0,
                }
                return traces, stats
    finally:
        await fake.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100, help="interactions to time (default 100)")
    parser.add_argument(
        "--burst", type=int, default=0, metavar="N", help="send N interactions at once instead"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="give up after this many seconds"
    )
    parser.add_argument(
        "--questions",
        type=Path,
        metavar="FILE",
        help="ask the questions of a labelled JSONL file (e.g. eval/seed_questions.jsonl), "
        "each new to the bot, instead of the 10 built-in ones",
    )
    parser.add_argument(
        "--bot-process",
        action="store_true",
        help="run the bot in a process of its own (python -m bot run), not on the fake's loop",
    )
    args = parser.parse_args(argv)
    questions: tuple[str, ...] = QUESTIONS
    if args.questions:
        questions = tuple(q.question for q in load_questions(args.questions))
    logging.basicConfig(level=logging.WARNING)
    count = args.burst or args.count
    traces, stats = asyncio.run(
        measure(count, bool(args.burst), args.timeout, questions, separate_process=args.bot_process)
    )
    acks = [t.ack_seconds for t in traces if t.ack_seconds is not None]
    answers = [t.answer_seconds for t in traces if t.answer_seconds is not None]
    mode = f"burst of {count} at once" if args.burst else f"{count} sequential"
    where = "the bot in its own process" if args.bot_process else "the bot on the fake's loop"
    print(f"/ask against the fake Discord, {mode} ({where}; real discord.py, engine over seeds/)")
    print(summarise("ack", acks))
    print(summarise("answer", answers))
    late = sum(1 for value in acks if value >= 3.0)
    print(
        f"acknowledged {len(acks)}/{count} (late >= 3 s: {late}), answered {len(answers)}/{count}, "
        f"wall {stats['elapsed']:.2f} s, heartbeats {int(stats['heartbeats'])}, "
        f"max heartbeat gap {stats['max_heartbeat_gap']:.2f} s"
    )
    return 0 if len(answers) == count and late == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
