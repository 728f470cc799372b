"""Answer quality on SQuAD 2.0 articles nobody here wrote: ask every question through the
engine and score it as ../shared/data/squad2-dev/README.md says (issue 13).

    .venv/bin/python -m bench.squad                                  # all 1,199 questions
    .venv/bin/python -m bench.squad --split dev --limit 300          # a fixed sample of dev
    .venv/bin/python -m bench.squad --large-folder /usr/share/doc/python3.11/html \\
        --corpus-dir /tmp/squad-large                                # among 530 pages

Each article becomes a file (its title, then its paragraphs between blank lines) in
``--corpus-dir`` (a temporary folder by default); ``--large-folder`` copies that folder's
web pages beside them. The engine is built with ``Engine.from_folder`` for each
configuration (``--configs``; by default today's settings, and plain BM25 for reference)
and asked every question of the chosen half. Tune on ``dev`` only; ``holdout`` is for
checking (bench/squad_data.py says how the halves are drawn).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from bench.squad_data import DEFAULT_DATA, Split, SquadArticle, SquadQuestion, load_squad, select
from bench.squad_folder import build_folder
from bench.squad_scoring import Outcome, judge, paragraph_map, report
from retrieval.engine import Engine
from retrieval.settings import EngineSettings

K = 3  # quotes a reply shows (EngineSettings.top_k): hit@3 and MRR are over these


class Config(StrEnum):
    """Engine settings the benchmark can compare in one run."""

    MODELS = "models"  # today's defaults: meaning stage and cross-encoder up to their limits
    BM25 = "bm25"  # reference: semantic, cross-encoder and rerank off
    CROSS_ENCODER_ANY_SIZE = "cross-encoder-any-size"  # the cross-encoder at every size

    def settings(self) -> EngineSettings:
        base = EngineSettings(top_k=K)
        if self is Config.BM25:
            return replace(base, semantic=False, cross_encoder=False, rerank=False)
        if self is Config.CROSS_ENCODER_ANY_SIZE:
            return replace(base, cross_encoder_max_passages=sys.maxsize)
        return base


def ask_all(
    engine: Engine,
    questions: Sequence[SquadQuestion],
    articles: Sequence[SquadArticle],
    label: str,
) -> list[Outcome]:
    """Ask every question once and judge it, printing progress to stderr."""
    paragraphs = paragraph_map(engine.corpus.passages, articles)
    unmapped = {a.file for a in articles} - {file for file, _ in paragraphs}
    if unmapped:
        raise SystemExit(f"no passage of {', '.join(sorted(unmapped))} was found in the corpus")
    outcomes = []
    for number, question in enumerate(questions, start=1):
        started = time.perf_counter()
        answer = engine.answer(question.question, top_k=K)
        outcomes.append(judge(question, answer, paragraphs, time.perf_counter() - started))
        if number % 100 == 0 or number == len(questions):
            print(f"  {label}: {number}/{len(questions)} asked", file=sys.stderr, flush=True)
    return outcomes


def run_config(
    config: Config,
    folder: Path,
    questions: Sequence[SquadQuestion],
    articles: Sequence[SquadArticle],
) -> dict[str, Any]:
    """Build the engine over ``folder`` with ``config``'s settings, ask, and report."""
    started, cpu_started = time.perf_counter(), time.process_time()
    engine = Engine.from_folder(folder, config.settings())
    build_seconds = time.perf_counter() - started
    build_cpu_seconds = time.process_time() - cpu_started  # the machine is shared: wall time lies
    passages = len(engine.corpus.passages)
    models = {
        "semantic": engine.sentence_vectors is not None,
        "cross_encoder": engine.cross_encoder is not None,
    }
    print(
        f"{config.value}: {passages:,} passages from {len(engine.corpus.sources)} articles "
        f"({len(engine.corpus.problems)} skipped), Engine[{engine.engine_name}] "
        f"in {build_seconds:.1f} s ({build_cpu_seconds:.1f} s CPU), "
        f"index {engine.index_status or 'in memory'}, "
        f"models on: {', '.join(name for name, on in models.items() if on) or 'none'}",
        file=sys.stderr,
        flush=True,
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    outcomes = ask_all(engine, questions, articles, config.value)
    return {
        "settings": asdict(config.settings()),
        "passages": passages,
        "articles": len(engine.corpus.sources),
        "skipped_files": len(engine.corpus.problems),
        "engine": engine.engine_name,
        "index_status": engine.index_status,
        "models_on": models,
        "build_seconds": round(build_seconds, 2),
        "build_cpu_seconds": round(build_cpu_seconds, 2),
        "ask_seconds": round(time.perf_counter() - started, 2),
        "ask_cpu_seconds": round(time.process_time() - cpu_started, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "report": report(outcomes, K),
        "outcomes": [outcome.to_json() for outcome in outcomes],
    }


_COLUMNS = (
    ("hit@1", "hit@1"),
    (f"hit@{K}", f"hit@{K}"),
    ("mrr", "MRR"),
    ("passage_hit@1", "psg@1"),
    (f"passage_hit@{K}", f"psg@{K}"),
    ("paragraph@1", "para@1"),
    ("unanswerable_declined", "unans.decl"),
    ("answerable_declined", "ans.decl"),
    ("seconds_p50", "s p50"),
)


def table(results: dict[str, dict[str, Any]]) -> str:
    """One row per configuration and group of questions."""
    lines = [
        f"{'config':24} {'questions':36} {'n':>5} {'ans':>5} "
        + " ".join(f"{title:>10}" for _, title in _COLUMNS)
    ]
    for name, result in results.items():
        figures = result["report"]
        groups = [("all", figures["all"])]
        groups += [(f"split {split}", s) for split, s in figures["splits"].items()]
        groups += [(article, s) for article, s in figures["articles"].items()]
        for group, summary in groups:
            cells = " ".join(
                f"{'-' if summary[key] is None else format(summary[key], '.3f'):>10}"
                for key, _ in _COLUMNS
            )
            lines.append(
                f"{name:24} {group[:36]:36} {summary['questions']:>5} "
                f"{summary['answerable']:>5} {cells}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SQuAD 2.0 JSON")
    parser.add_argument(
        "--corpus-dir",
        type=Path,
        help="where the article files are written and the index saved (kept, so a later "
        "run reuses the index); a temporary folder by default",
    )
    parser.add_argument("--split", choices=[*Split, "all"], default="all")
    parser.add_argument(
        "--large-folder", type=Path, help="a folder of web pages to copy beside the articles"
    )
    parser.add_argument("--limit", type=int, help="a fixed stratified sample of N questions")
    parser.add_argument(
        "--configs",
        nargs="+",
        type=Config,
        default=[Config.MODELS, Config.BM25],
        help=f"engine settings to compare: {', '.join(Config)}",
    )
    parser.add_argument("--json", type=Path, help="write every figure and outcome here")
    args = parser.parse_args(argv)

    squad = load_squad(args.data)
    split = None if args.split == "all" else Split(args.split)
    questions = select(squad.questions, split, args.limit)
    with tempfile.TemporaryDirectory(prefix="squad-") as scratch:
        folder = args.corpus_dir or Path(scratch)
        pages = build_folder(squad.articles, folder, args.large_folder)
        print(
            f"{len(questions)} questions ({args.split}"
            f"{f', sample of {args.limit}' if args.limit else ''}) on {len(squad.articles)} "
            f"articles in {folder}{f' beside {pages} pages' if pages else ''}",
            file=sys.stderr,
        )
        results = {
            config.value: run_config(config, folder, questions, squad.articles)
            for config in args.configs
        }
    print(table(results))
    for name, result in results.items():
        print(
            f"{name}: {result['passages']:,} passages, built in {result['build_seconds']} s "
            f"({result['build_cpu_seconds']} s CPU) "
            f"(index {result['index_status'] or 'in memory'}), asked in "
            f"{result['ask_seconds']} s, peak RSS {result['peak_rss_mib']} MiB"
        )
    if args.json:
        summary = {
            "split": args.split,
            "limit": args.limit,
            "large_folder": str(args.large_folder) if args.large_folder else None,
            "pages_linked": pages,
            "configs": results,
        }
        args.json.write_text(json.dumps(summary, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
