"""Every regular expression that sees user or article text, fed worst-case inputs, timed.

    .venv/bin/python -m bench.regex_audit [--size 10000] [--all] [--only retrieval.metadata ...]

Finds the compiled patterns of every module in ``bot/`` and ``retrieval/`` (plus the few
built at run time), and tries each with ``search``, ``sub`` and ``fullmatch`` on crafted
inputs: each character of the pattern repeated, pairs of them alternating, runs of words,
spaces and apostrophes, nested brackets, each ending in a character that forces a
mismatch. Sizes grow 1k, 2k, 5k, 10k characters and stop growing once a run passes 0.1 s;
each pattern runs in a child process killed when one input passes 10 s, so an exponential
pattern is reported with the input it was on rather than hanging the audit.
Prints the slowest input of each pattern, slowest first; ``--all`` lists the fast ones too;
``--only`` audits the patterns whose ``module:NAME`` contains one of the texts given.
Stops by itself: about 7 minutes on the shared 2-core machine (load ~19).
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import multiprocessing
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection

SLOW_SECONDS = 0.05  # a step of rendering or answering must stay under this
STOP_GROWING = 0.1
INPUT_TIMEOUT = 10.0  # seconds for one input (three calls); past it, the child is killed
SIZES = (1_000, 2_000, 5_000, 10_000)
PACKAGES = ("bot", "retrieval")
ENDINGS = ("\x00", "!")


@dataclass
class Finding:
    where: str
    pattern: str
    input: str  # a short description of the worst input
    seconds: float  # at the largest size tried
    size: int


def compiled_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """``module:NAME`` and each module-level compiled pattern of bot/ and retrieval/."""
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        names = [package_name] + [
            module.name
            for module in pkgutil.walk_packages(package.__path__, package_name + ".")
            if "postgres" not in module.name and not module.name.endswith("__main__")
        ]
        for name in names:
            try:
                module = importlib.import_module(name)
            except Exception as error:  # an optional dependency missing: say so, go on
                print(f"  (skipped {name}: {error})")
                continue
            for attribute, value in vars(module).items():
                if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                    yield f"{name}:{attribute}", value


def run_time_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """Patterns built per call, with the shapes they take in use."""
    from bot import triggers
    from retrieval import aliases

    yield "bot.triggers:_mention_pattern", triggers._mention_pattern(1_100_000_000_000_000_000)
    yield "retrieval.aliases:_member_pattern", aliases._member_pattern("white house")
    yield "retrieval.corpus:inline rule line", re.compile(r"[-*_=]{3,}")


def crafted_inputs(pattern: str, size: int) -> Iterator[tuple[str, str]]:
    """(description, text) of ``size`` characters aimed at ``pattern``'s repeats."""
    chars = sorted({c for c in pattern if c.isprintable()} | {" ", "a", "'", "1", "\t"})
    for char in chars:
        for ending in ENDINGS:
            yield f"{char!r}*{size}+{ending!r}", char * size + ending
    common = [*[c for c in chars if not c.isalnum()][:8], "a", " "]
    for first, second in itertools.combinations(common, 2):
        yield f"({first + second!r})*{size // 2}+'\\x00'", (first + second) * (size // 2) + "\x00"
    words = {
        "words": "word " * (size // 5),
        "apostrophes": "a'" * (size // 2),
        "who is": "who is " + "a " * (size // 2),
        "brackets": "[" * (size // 3) + "](" * (size // 3),
        "url": "http://" + "a" * size,
        "mentions": "<@1" * (size // 3),
        "dates": "March 1, 2025 " * (size // 14),
        "by line": "by " + "a" * size + ",",
        "digits and dots": "1." * (size // 2),
        "emphasis": "*a" * (size // 2),
        "spaces then word": " " * size + "x",
    }
    yield from ((name, text + "\x00") for name, text in words.items())


def timed(action: Callable[[], object], repeats: int = 1) -> float:
    """The shortest of ``repeats`` runs: on a shared machine one run can be preempted."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def audit(
    where: str, compiled: re.Pattern[str], max_size: int, trying: Connection | None = None
) -> Finding:
    worst = Finding(where, compiled.pattern, "", 0.0, 0)
    for size in (s for s in SIZES if s <= max_size):
        grew = False
        for description, text in crafted_inputs(compiled.pattern, size):
            if trying is not None:
                trying.send(f"{description} (size {size})")
            seconds = max(
                timed(lambda t=text: compiled.search(t)),  # type: ignore[misc]
                timed(lambda t=text: compiled.sub("", t)),  # type: ignore[misc]
                timed(lambda t=text: compiled.fullmatch(t)),  # type: ignore[misc]
            )
            if seconds > SLOW_SECONDS / 5:  # measure again, to tell a slow pattern from noise
                seconds = max(
                    timed(lambda t=text: compiled.search(t), 3),  # type: ignore[misc]
                    timed(lambda t=text: compiled.sub("", t), 3),  # type: ignore[misc]
                    timed(lambda t=text: compiled.fullmatch(t), 3),  # type: ignore[misc]
                )
            if seconds > worst.seconds:
                worst = Finding(where, compiled.pattern, description, seconds, size)
            grew = grew or seconds > STOP_GROWING
        if grew:
            break  # quadratic or worse: the next size could take minutes
    return worst


def _audit_child(where: str, compiled: re.Pattern[str], max_size: int, results: Connection) -> None:
    results.send(audit(where, compiled, max_size, results))


def audit_bounded(where: str, compiled: re.Pattern[str], max_size: int) -> Finding:
    """``audit`` in a child process, killed when one input takes over ``INPUT_TIMEOUT``: a
    regular expression cannot be interrupted, and an exponential one would never return."""
    receiving, sending = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_audit_child, args=(where, compiled, max_size, sending), daemon=True
    )
    child.start()
    last = "?"
    deadline = time.perf_counter() + INPUT_TIMEOUT
    while time.perf_counter() < deadline:
        if receiving.poll(0.1):
            message = receiving.recv()
            if isinstance(message, Finding):
                child.join()
                return message
            last = message
            deadline = time.perf_counter() + INPUT_TIMEOUT
        elif not child.is_alive():
            break
    child.kill()
    child.join()
    return Finding(where, compiled.pattern, f"{last}: killed", INPUT_TIMEOUT, 0)


def discord_py_before(size: int) -> float:
    """The escaper the bot used before: discord.py's escape_markdown on the stalling input."""
    import discord

    text = "[" * (size // 3) + "](" * (size // 3)
    return timed(lambda: discord.utils.escape_markdown(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--all", action="store_true", help="list the fast patterns too")
    parser.add_argument(
        "--only", nargs="+", default=[], help="audit only where module:NAME contains one of these"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    seen: set[tuple[str, int]] = set()
    findings = []
    for where, compiled in itertools.chain(compiled_patterns(), run_time_patterns()):
        if args.only and not any(part in where for part in args.only):
            continue
        print(f"  {where}", flush=True)
        if (compiled.pattern, compiled.flags) in seen:
            continue
        seen.add((compiled.pattern, compiled.flags))
        findings.append(audit_bounded(where, compiled, args.size))
        if findings[-1].seconds > SLOW_SECONDS:
            print(f"  slow: {where} {findings[-1].seconds * 1000:.0f} ms", flush=True)
    findings.sort(key=lambda finding: -finding.seconds)
    slow = [f for f in findings if f.seconds > SLOW_SECONDS]
    print(f"{len(findings)} patterns, {len(slow)} over {SLOW_SECONDS * 1000:.0f} ms")
    for finding in findings if args.all else slow or findings[:5]:
        print(
            f"{finding.seconds * 1000:9.1f} ms  {finding.where}  input {finding.input} "
            f"(size {finding.size})\n             pattern {finding.pattern[:110]!r}"
        )
    if args.only:
        print(f"audit took {time.perf_counter() - started:.0f} s")
        return
    before = discord_py_before(4_000)
    print(f"before: discord.py escape_markdown on '['*1333+']('*1333: {before * 1000:.0f} ms")
    from bot.rendering import question_title

    now = timed(lambda: question_title("[" * 1333 + "](" * 1333))
    print(f"after: bot.rendering.question_title on the same: {now * 1000:.2f} ms")
    print(f"audit took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
