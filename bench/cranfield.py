"""The Cranfield collection (1400 abstracts, 225 queries, graded judgements), read in place.

The data stays in ``shared/data/cranfield`` (never copied into the project);
callers check ``available()`` first. nDCG@10 uses gain ``5 - code`` for codes
1-4 (1 = complete answer) and 0 for code -1 and unjudged documents, over all
225 queries; rank-bm25 with our tokenizer scores 0.366 this way.
"""

from __future__ import annotations

import math
import os
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(
    os.environ.get(
        "CRANFIELD_DIR", Path(__file__).resolve().parents[2] / "shared" / "data" / "cranfield"
    )
)
_RECORD = re.compile(r"^\.I\s+", re.M)
_FIELD = re.compile(r"^\.([TAWB])\n(.*?)(?=^\.[TAWB]\n|\Z)", re.M | re.S)


@dataclass(frozen=True)
class Cranfield:
    documents: list[str]  # abstract text (.W), document i has id i + 1
    queries: list[str]  # query i has qrel number i + 1
    qrels: dict[int, dict[int, int]]  # query number -> {document id: code}


def available(folder: Path = FOLDER) -> bool:
    return (folder / "cran.all.1400").is_file() and (folder / "cran.qry").is_file()


def _records(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return [dict(_FIELD.findall(record.split("\n", 1)[1])) for record in _RECORD.split(text)[1:]]


def load(folder: Path = FOLDER) -> Cranfield:
    documents = [fields.get("W", "") for fields in _records(folder / "cran.all.1400")]
    queries = [fields.get("W", "") for fields in _records(folder / "cran.qry")]
    qrels: dict[int, dict[int, int]] = defaultdict(dict)
    for line in (folder / "cranqrel").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3:
            qrels[int(parts[0])][int(parts[1])] = int(parts[2])
    return Cranfield(documents, queries, dict(qrels))


def gain(code: int | None) -> float:
    return float(5 - code) if code is not None and 1 <= code <= 4 else 0.0


def ndcg_at(ranked_ids: Sequence[int], judged: dict[int, int], k: int = 10) -> float:
    """nDCG@k (10 unless told) of document ids (1-based) against one query's judgements."""
    dcg = sum(gain(judged.get(d)) / math.log2(i + 2) for i, d in enumerate(ranked_ids[:k]))
    ideal = sorted((gain(c) for c in judged.values()), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def mean_ndcg(collection: Cranfield, top10: Callable[[int, str], Sequence[int]]) -> float:
    """Mean nDCG@10 over every query; ``top10(number, text)`` returns 0-based document indices."""
    values = []
    for number, text in enumerate(collection.queries, start=1):
        ranked = [d + 1 for d in top10(number, text)]
        values.append(ndcg_at(ranked, collection.qrels.get(number, {})))
    return sum(values) / len(values)


def at_three(collection: Cranfield, ranker: Callable[[int, str], Sequence[int]]) -> str:
    """nDCG@3 and the share of queries with a relevant document in the first 3: what a
    reply of three quotes shows."""
    ndcg, found = [], []
    for number, text in enumerate(collection.queries, start=1):
        ranked = [d + 1 for d in ranker(number, text)][:3]
        judged = collection.qrels.get(number, {})
        ndcg.append(ndcg_at(ranked, judged, k=3))
        found.append(any(gain(judged.get(d)) > 0 for d in ranked))
    return (
        f"nDCG@3 {sum(ndcg) / len(ndcg):.4f}, relevant in the first 3 {sum(found) / len(found):.3f}"
    )
