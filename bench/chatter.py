"""How well the chatter recogniser (``retrieval.chatter``) tells chatter from questions.

    python -m bench.chatter [FILE ...] [--split dev|blind|all] [--misses]

FILEs are JSON Lines with ``text``, ``kind`` (``question`` or ``chatter``) and ``split``
(default: eval/chatter_messages.jsonl and eval/chatter_extra.jsonl, all splits). These are
the messages the classifier was fitted on, so the figures here are training figures: the
honest ones are the cross-validated figures of ``python -m bench.chatter_fit``, or a set
the recogniser never saw. Prints both error counts: questions taken for chatter (so a
Q&A channel would leave them unanswered; target at most 2%) and chatter taken for questions
(answered with a search; target at most 5%).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from retrieval.chatter import chatter

DEFAULT_FILES = (
    Path("eval/chatter_messages.jsonl"),
    Path("eval/chatter_extra.jsonl"),
    Path("eval/chatter_more.jsonl"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    parser.add_argument("--split", default="all", help="dev, blind or all (default all)")
    parser.add_argument("--misses", action="store_true", help="list the messages got wrong")
    args = parser.parse_args()
    rows = [
        json.loads(line)
        for file in args.files
        for line in file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if args.split != "all":
        rows = [row for row in rows if row.get("split") == args.split]
    questions = [row for row in rows if row["kind"] == "question"]
    chatters = [row for row in rows if row["kind"] == "chatter"]
    chatter("loads the model and the weights before the clock starts")
    started = time.perf_counter()
    silenced = [row for row in questions if chatter(row["text"]) is not None]
    answered = [row for row in chatters if chatter(row["text"]) is None]
    names = ", ".join(str(file) for file in args.files)
    each = (time.perf_counter() - started) / max(1, len(rows)) * 1000
    print(
        f"{names} ({args.split}): {len(questions)} questions, {len(chatters)} chatter, {each:.1f} ms each"
    )
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
