"""A bounded fuzz run of ``seedbot ask --json -``: thousands of hostile questions, counted.

    .venv/bin/python -m bench.fuzz_cli [--questions 3000] [--seconds 240] [--seed 16] [--fast]

Seeded questions (``tests/fuzz_inputs.seeded_question``: markup, mentions, control and
format characters, RTL overrides, combining floods, emoji sequences, other scripts, lone
surrogates written as the invalid UTF-8 bytes a broken client sends, up to 10,000
characters) go one per line into one ``seedbot ask --json -`` process over a temporary copy
of seeds/. Each answer line is read back before the next question is written, so every
question is timed. Prints: questions sent, answers, crashes (a traceback, an error line, a
missing answer, the process dying), output lines that are not valid UTF-8 or not one JSON
object, raw U+2028/U+2029 (which break line-splitting readers), answers over 1 s, the
slowest question of 10,000 characters (issue 16: none over 1 s) and the slowest inputs.
Stops after ``--questions`` or ``--seconds``, whichever comes first. ``--fast`` turns the
two models off, to reach more questions in the time.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from tests.fuzz_inputs import seeded_question
from tests.paths import SEEDS

ANSWER_TIMEOUT = 30.0  # seconds for one answer before the run counts the CLI as hung
LONG_CHARS = 10_000  # the fuzzers' largest question (issue 16: none may take over 1 s)
SLOW_SECONDS = 1.0


def question_line(rng: random.Random) -> str:
    """One input line: a question with its line breaks (the line separator) turned to spaces."""
    return seeded_question(rng).replace("\r", " ").replace("\n", " ")


def _pump(stream: object, lines: queue.Queue[bytes | None]) -> None:
    for line in iter(stream.readline, b""):  # type: ignore[attr-defined]
        lines.put(line)
    lines.put(None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=240.0)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--fast", action="store_true", help="no sentence vectors, no cross-encoder")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    slowest: list[tuple[float, str]] = []
    long_inputs: list[float] = []  # seconds to answer each question of LONG_CHARS or more
    with tempfile.TemporaryDirectory(prefix="seedbot-fuzz-") as scratch:
        corpus = Path(scratch) / "seeds"
        shutil.copytree(SEEDS, corpus)
        env = {**os.environ, "DISCORD_TOKEN": ""}
        if args.fast:
            env |= {"SEEDBOT_SEMANTIC": "false", "SEEDBOT_CROSS_ENCODER": "false"}
        seedbot = Path(sys.executable).with_name("seedbot")
        command = [str(seedbot), "--corpus", str(corpus), "ask", "--json", "-"]
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        assert process.stdin and process.stdout and process.stderr
        lines: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
        errors: list[bytes] = []
        threading.Thread(
            target=lambda: errors.extend(iter(process.stderr.readline, b"")),  # type: ignore[union-attr]
            daemon=True,
        ).start()
        process.stdin.write(b"Who proposed a 30-day ceasefire?\n")  # warm-up, not counted
        process.stdin.flush()
        lines.get(timeout=120)
        started = time.perf_counter()
        while counts["sent"] < args.questions and time.perf_counter() - started < args.seconds:
            question = question_line(rng)
            try:
                process.stdin.write(question.encode("utf-8", "surrogatepass") + b"\n")
                process.stdin.flush()
            except BrokenPipeError:
                counts["crashes"] += 1
                break
            counts["sent"] += 1
            asked = time.perf_counter()
            try:
                line = lines.get(timeout=ANSWER_TIMEOUT)
            except queue.Empty:
                counts["hung"] += 1
                counts["crashes"] += 1
                break
            seconds = time.perf_counter() - asked
            if line is None:
                counts["crashes"] += 1  # the process died
                break
            slowest = sorted([*slowest, (seconds, question)], reverse=True)[:3]
            counts["answers over 1 s"] += seconds > SLOW_SECONDS
            if len(question) >= LONG_CHARS:
                long_inputs.append(seconds)
            check(line, counts)
        process.stdin.close()
        process.wait(timeout=60)
        if process.returncode:
            counts["crashes"] += 1
        stderr = b"".join(errors).decode("utf-8", "replace")
        counts["tracebacks"] = stderr.count("Traceback")
        counts["crashes"] += counts["tracebacks"]
        if process.returncode:
            print(f"  exit code {process.returncode}")
        elapsed = time.perf_counter() - started
    report(counts, slowest, long_inputs, elapsed)
    for line in stderr.splitlines():
        if "Error" in line or "Failed" in line or "Traceback" in line:
            print(f"  stderr: {line[:200]}")
    return 0


def check(line: bytes, counts: Counter[str]) -> None:
    """Count what is wrong with one output line (nothing, we hope)."""
    counts["answers"] += 1
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        counts["invalid UTF-8 lines"] += 1
        text = line.decode("utf-8", "replace")
    if "\u2028" in text or "\u2029" in text:
        counts["raw U+2028/U+2029 lines"] += 1
    try:
        data = json.loads(text)
    except ValueError:
        counts["lines that are not JSON"] += 1
        return
    if not isinstance(data, dict) or "answered" not in data:
        counts["lines that are not an answer"] += 1
    elif data.get("reason") == "error":
        counts["crashes"] += 1
        print(f"  error answer for {data.get('question', '')[:80]!r}")
    elif data["answered"]:
        counts["answered"] += 1


def report(
    counts: Counter[str], slowest: list[tuple[float, str]], long_inputs: list[float], elapsed: float
) -> None:
    print(f"fuzz_cli: {counts['sent']} questions in {elapsed:.0f} s")
    for key in (
        "answers",
        "answered",
        "crashes",
        "hung",
        "invalid UTF-8 lines",
        "lines that are not JSON",
        "lines that are not an answer",
        "raw U+2028/U+2029 lines",
        "answers over 1 s",
    ):
        print(f"  {key}: {counts[key]}")
    print(long_summary(long_inputs))
    for seconds, question in slowest:
        print(f"  slow: {seconds * 1000:.0f} ms for {len(question)} chars: {question[:60]!r}")


def long_summary(seconds: list[float]) -> str:
    """The line for the questions of ``LONG_CHARS`` characters or more: how many, the slowest."""
    if not seconds:
        return f"  questions of {LONG_CHARS:,}+ characters: none"
    over = sum(s > SLOW_SECONDS for s in seconds)
    return (
        f"  questions of {LONG_CHARS:,}+ characters: {len(seconds)}, slowest "
        f"{max(seconds) * 1000:.0f} ms, over {SLOW_SECONDS:.0f} s: {over}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
