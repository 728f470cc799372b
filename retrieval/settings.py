"""Tuning knobs of the answer engine, with the defaults the evaluation was run with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class EngineSettings:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25  # rank-bm25's floor for common terms, as a share of the mean IDF
    top_k: int = 3
    max_question_chars: int = 1000
    engine: Literal["auto", "bm25okapi", "fast"] = "auto"
    fast_engine_min_passages: int = 20_000
    # No-answer rule: the best passage must cover this share of the question's
    # informative weight (IDF-weighted query terms), calibrated on the labelled set.
    min_coverage: float = 0.3
    spelling_correction: bool = True
