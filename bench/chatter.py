"""How well the chatter recogniser (``retrieval.chatter``) tells chatter from questions.

    python -m bench.chatter [FILE] [--split dev|blind|all] [--misses]

FILE is JSON Lines with ``text``, ``kind`` (``question`` or ``chatter``) and ``split``
(default: eval/chatter.jsonl). Prints both error counts: questions taken for chatter (so a
Q&A channel would leave them unanswered; target at most 2%) and chatter taken for questions
(answered with a search; target at most 5%).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from retrieval.chatter import chatter

DEFAULT_FILE = Path("eval/chatter.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--split", default="dev", help="dev, blind or all (default dev)")
    parser.add_argument("--misses", action="store_true", help="list the messages got wrong")
    args = parser.parse_args()
    rows = [
        json.loads(line)
        for line in args.file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if args.split != "all":
        rows = [row for row in rows if row.get("split") == args.split]
    questions = [row for row in rows if row["kind"] == "question"]
    chatters = [row for row in rows if row["kind"] == "chatter"]
    silenced = [row for row in questions if chatter(row["text"]) is not None]
    answered = [row for row in chatters if chatter(row["text"]) is None]
    print(f"{args.file} ({args.split}): {len(questions)} questions, {len(chatters)} chatter")
    for name, wrong, total, target in (
        ("questions taken for chatter", silenced, questions, 0.02),
        ("chatter answered as a question", answered, chatters, 0.05),
    ):
        share = len(wrong) / len(total) if total else 0.0
        verdict = "ok" if share <= target else "over target"
        print(
            f"  {name}: {len(wrong)}/{len(total)} = {share:.1%} (target <= {target:.0%}: {verdict})"
        )
    if args.misses:
        for row in silenced:
            print(
                f"  question taken for {chatter(row['text'])}: {row['text']!r} ({row.get('style')})"
            )
        for row in answered:
            print(f"  chatter answered: {row['text']!r} ({row.get('style')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
