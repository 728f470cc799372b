"""No single step of rendering over 50 ms: each step timed on the worst inputs the fuzzers make.

    .venv/bin/python -m bench.render_timing [--questions 300] [--repeats 3] [--seed 16]

The bot renders on its event loop, so one slow step stalls every other user (issue 16: the
stalling title took 2.95 s). Steps, each a function the bot, the CLI or the terminal chat
calls: escaping (``escape_text``, ``question_title``), embed building (``answer_embed``,
``nothing_found_embed``, ``passage_embed``, ``sources_embed``, ``source_embed``), buttons
(``answer_view``), plain text (``plain_text``), the terminal (``render_answer``,
``render_sources``) and JSON (``Answer.to_json`` through ``json_line``).

Inputs, from ``tests/fuzz_inputs``: every markup and Unicode fragment and word flooded to
10,000 characters, the stalling question, all fragments mixed to 10,000 characters,
``--questions`` seeded fuzz questions, and a 10,000-word text (~77,000 characters). Each is
rendered in two shapes:

- ``corpus``: as large as the engine can make it. The question whole; 10 results
  (``MAX_QUOTES``), each quoting a passage of 2,000 characters (the corpus's cap) with every
  word highlighted; the article's title and section the whole text (a Markdown heading has no
  cap), its front-matter fields 1,000 characters (the loader's cap).
- ``fuzz``: as the property tests' largest (``tests/test_fuzz_rendering.py -m slow``): the
  whole text as the question and as each of 6 results' quote, with 12 highlights, beyond
  any cap of the corpus.

A step's time for one input is the shortest of ``--repeats`` runs, so a run preempted on the
shared machine does not count; printed is each step's slowest input in each shape. Exit
code 1 when a step passes 50 ms in the corpus shape. Stops by itself: ~2 minutes.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.regex_audit import timed
from bot import rendering
from bot.components import answer_view
from bot.json_lines import json_line
from bot.store import AnswerRecord
from bot.terminal import render_answer, render_sources
from retrieval.models import Answer, Excerpt, Passage, Result, Source
from tests.fuzz_inputs import MARKUP, UNICODE, WORDS, seeded_question

STEP_LIMIT = 0.05  # seconds: the bound for one step of rendering
SIZE = 10_000  # characters, the fuzzers' largest question
PASSAGE_CHARS = 2_000  # retrieval.passages.MAX_PASSAGE_CHARS
FIELD_CHARS = 1_000  # retrieval.article_parser.MAX_FIELD_CHARS
CORPUS_RESULTS = 10  # bot.config.MAX_QUOTES: the most quotes one page shows
FUZZ_RESULTS, FUZZ_HIGHLIGHTS, FUZZ_FIELD_CHARS = 6, 12, 60  # tests/test_fuzz_rendering.py
STALLING = "[" * 1333 + "](" * 1333
SHAPES = ("corpus", "fuzz")


@dataclass(frozen=True)
class Case:
    """One hostile text, in every place rendering can meet it."""

    name: str
    text: str
    answer: Answer
    source: Source
    passage: Passage
    record: AnswerRecord


def flood(piece: str, size: int = SIZE) -> str:
    return (piece * (size // max(len(piece), 1) + 1))[:size]


def hostile_texts(questions: int, seed: int) -> list[tuple[str, str]]:
    """(name, text): the floods, the stalling question, a mix, seeded questions, 10k words."""
    texts = [(f"{piece[:20]!r} x {SIZE}", flood(piece)) for piece in (*MARKUP, *UNICODE, *WORDS)]
    texts.append(("stalling question", STALLING))
    mixed = " ".join(MARKUP + UNICODE + WORDS)
    texts.append(("all fragments mixed", flood(mixed)))
    texts.append(("10,000 words", " ".join([mixed] * (10_000 // len(mixed.split()) + 1))))
    rng = random.Random(seed)
    texts += [(f"seeded question {n}", seeded_question(rng)) for n in range(questions)]
    return texts


def sentences_of(text: str, parts: int = 4) -> tuple[str, ...]:
    size = len(text) // parts + 1
    return tuple(text[i : i + size] for i in range(0, len(text), size)) or ("",)


def case_of(name: str, text: str, shape: str) -> Case:
    """``text`` as the question, the article's fields and every result's quote, in ``shape``."""
    corpus = shape == "corpus"
    field = text[:FIELD_CHARS] if corpus else text[:FUZZ_FIELD_CHARS]
    source = Source(
        file=text[:255] or "a.txt",
        title=text if corpus else field,
        author=field,
        outlet=field,
        date=field,
        url=field,
        extra=((field[:100], field), (field[:10], field)),
        characters=len(text),
        paragraphs=len(text),
        lead=field,
    )
    quoted = text[:PASSAGE_CHARS] if corpus else text
    passage = Passage(
        id="a#p1.1",
        source=source,
        paragraph=10**6,
        sentences=sentences_of(quoted),
        section=text if corpus else field,
    )
    if corpus:
        highlights = tuple(match.span() for match in re.finditer(r"\S+", quoted))
    else:
        step = len(quoted) // FUZZ_HIGHLIGHTS + 1
        highlights = tuple((i, min(i + 8, len(quoted))) for i in range(0, len(quoted), step))
    excerpt = Excerpt(quoted, highlights, True, True)
    count = CORPUS_RESULTS if corpus else FUZZ_RESULTS
    results = tuple(Result(rank, 1.0, passage, excerpt, ("term",)) for rank in range(1, count + 1))
    corrections = {word: word[::-1] for word in text.split()[:25]}
    answer = Answer(
        question=text, answered=True, results=results, has_more=True, corrections=corrections
    )
    record = AnswerRecord(
        id="0123456789ab",
        question=text,
        asker_id=1,
        private=False,
        offset=10**6,
        top_k=count,
        passage_ids=tuple(f"{text[:40]}#p{rank}" for rank in range(count)),
    )
    return Case(name, text, answer, source, passage, record)


def declined(case: Case) -> Answer:
    return Answer(question=case.text, answered=False, reason="no_match", message=case.text)


STEPS: dict[str, Callable[[Case], object]] = {
    "escape: escape_text": lambda case: rendering.escape_text(case.text),
    "escape: escape_text, lines kept": lambda case: rendering.escape_text(
        case.text, keep_lines=True
    ),
    "escape: question_title": lambda case: rendering.question_title(case.text),
    "embed: answer_embed": lambda case: rendering.answer_embed(case.answer, case.text),
    "embed: nothing_found_embed": lambda case: rendering.answer_embed(declined(case), case.text),
    "embed: passage_embed": lambda case: rendering.passage_embed(case.passage),
    "embed: sources_embed (10 sources)": lambda case: rendering.sources_embed(
        [case.source] * 10, 0
    ),
    "embed: source_embed": lambda case: rendering.source_embed(case.source, 10**6),
    "buttons: answer_view": lambda case: answer_view(case.record, True, case.answer),
    "plain text: plain_text": lambda case: rendering.plain_text(case.text),
    "terminal: render_answer (ANSI)": lambda case: render_answer(case.answer, ansi=True),
    "terminal: render_answer": lambda case: render_answer(case.answer),
    "terminal: render_sources (10)": lambda case: render_sources([case.source] * 10),
    "JSON: json_line(to_json)": lambda case: json_line(case.answer.to_json(explain=True)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300, help="seeded fuzz questions")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    started = time.perf_counter()
    texts = hostile_texts(args.questions, args.seed)
    longest = max(len(text) for _, text in texts)
    print(f"{len(texts)} inputs (longest {longest:,} characters) x {SHAPES}, {len(STEPS)} steps")
    worst = {(step, shape): (0.0, "") for step in STEPS for shape in SHAPES}
    for name, text in texts:
        for shape in SHAPES:
            case = case_of(name, text, shape)
            for step, render in STEPS.items():
                seconds = timed(lambda: render(case), args.repeats)  # noqa: B023
                if seconds > worst[step, shape][0]:
                    worst[step, shape] = (seconds, name)
    print(f"{'step':34} {'corpus':>9}  {'slowest input':28} {'fuzz':>9}  slowest input")
    for step in STEPS:
        row = f"{step:34}"
        for shape in SHAPES:
            seconds, name = worst[step, shape]
            row += f" {seconds * 1000:6.2f} ms  {name[:28]:28}"
        print(row.rstrip())
    over = {shape: [s for s in STEPS if worst[s, shape][0] > STEP_LIMIT] for shape in SHAPES}
    for shape in SHAPES:
        slowest = max(worst[step, shape][0] for step in STEPS)
        print(
            f"{shape}: slowest step {slowest * 1000:.2f} ms, "
            f"{len(over[shape])} of {len(STEPS)} steps over {STEP_LIMIT * 1000:.0f} ms"
            + (f" ({', '.join(over[shape])})" if over[shape] else "")
        )
    print(f"took {time.perf_counter() - started:.0f} s")
    sys.exit(1 if over["corpus"] else 0)


if __name__ == "__main__":
    main()
