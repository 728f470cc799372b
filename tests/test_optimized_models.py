"""The models' optimised graphs, saved once: the same logits, and nothing trusted unchecked."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from retrieval import onnx_models, optimized_models
from retrieval.cross_encoder import MODEL_FOLDER, MODEL_PACKAGE, MODEL_SHA256
from retrieval.onnx_models import _session, cpu_session, package_folder
from retrieval.semantic import MODEL_SHA256 as ENCODER_SHA256
from retrieval.semantic import _model_path

MODEL = package_folder(MODEL_PACKAGE) / MODEL_FOLDER / "model.onnx"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    optimized_models.cache_folder.cache_clear()
    yield tmp_path / "seedbot" / optimized_models.FOLDER_NAME
    optimized_models.cache_folder.cache_clear()


def feeds() -> dict[str, np.ndarray]:
    """Two texts' token ids, as the cross-encoder's tokenizer would give (any ids will do)."""
    ids = np.array([[101, 2054, 2003, 1996, 3007, 102, 3000, 2003, 1996, 3007, 102]] * 2)
    ids[1, 7] = 4248
    return {
        "input_ids": ids,
        "attention_mask": np.ones_like(ids),
        "token_type_ids": np.array([[0] * 6 + [1] * 5] * 2),
    }


def logits(session: object) -> np.ndarray:
    return np.asarray(session.run(None, feeds())[0])  # type: ignore[attr-defined]


def saved_graphs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.onnx"))


def test_the_saved_graph_gives_the_same_logits_as_optimising_each_time(cache_home: Path) -> None:
    import onnxruntime as ort

    fresh = _session(ort, MODEL.read_bytes(), 1, ort.GraphOptimizationLevel.ORT_ENABLE_ALL)
    first = cpu_session(MODEL, MODEL_SHA256, 1, optimise_fully=True)  # optimises and saves
    [saved] = saved_graphs(cache_home)
    assert saved.with_name(saved.name + ".sha256").is_file()
    assert not list(cache_home.glob(".*.tmp"))  # nothing half-written left behind
    stamp = saved.stat().st_mtime_ns
    second = cpu_session(MODEL, MODEL_SHA256, 1, optimise_fully=True)  # loads the saved one
    assert saved.stat().st_mtime_ns == stamp
    assert second.get_session_options().graph_optimization_level == (
        ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    )
    expected = logits(fresh)
    np.testing.assert_array_equal(logits(first), expected)
    np.testing.assert_array_equal(logits(second), expected)


def test_only_the_fully_optimised_graph_is_saved(cache_home: Path) -> None:
    """The sentence model, optimised at the basic level only, is not worth saving."""
    cpu_session(_model_path(), ENCODER_SHA256, 1)
    assert not saved_graphs(cache_home)
    cpu_session(MODEL, MODEL_SHA256, 1, optimise_fully=True)
    [saved] = saved_graphs(cache_home)
    assert saved.name.startswith(f"{MODEL_SHA256[:16]}-all-ort")


def test_a_damaged_saved_graph_is_not_used_but_made_again(cache_home: Path) -> None:
    cpu_session(MODEL, MODEL_SHA256, 1, optimise_fully=True)
    [saved] = saved_graphs(cache_home)
    good = saved.read_bytes()
    saved.write_bytes(good[: len(good) // 2])  # cut short, as by a full disk
    recorded = optimized_models.recorded_digest(saved)
    assert recorded is not None and hashlib.sha256(saved.read_bytes()).hexdigest() != recorded
    session = cpu_session(MODEL, MODEL_SHA256, 1, optimise_fully=True)
    assert saved.read_bytes() == good
    assert logits(session).shape == (2, 1)


def test_a_saved_graph_that_loads_but_does_not_match_its_digest_is_not_used(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its session builds while the digest is checked, and is dropped when they differ."""
    cpu_session(MODEL, MODEL_SHA256, 1, optimise_fully=True)
    [saved] = saved_graphs(cache_home)
    digest = saved.with_name(saved.name + ".sha256")
    good = digest.read_text(encoding="ascii")
    digest.write_text("0" * 64 + "\n", encoding="ascii")
    optimised: list[bool] = []
    real = onnx_models._session

    def session(ort: object, model: object, threads: int, level: object, **kw: object) -> object:
        optimised.append(level != ort.GraphOptimizationLevel.ORT_DISABLE_ALL)  # type: ignore[attr-defined]
        return real(ort, model, threads, level, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(onnx_models, "_session", session)
    assert logits(cpu_session(MODEL, MODEL_SHA256, 1, optimise_fully=True)).shape == (2, 1)
    assert optimised == [False, True]  # built from the saved graph, dropped, optimised anew
    assert digest.read_text(encoding="ascii") == good


def test_a_saved_graph_that_will_not_load_is_made_again(cache_home: Path) -> None:
    """A graph that matches its digest but that this onnxruntime cannot load (written by
    another build of it, say) is replaced, and the model still loads."""
    cpu_session(MODEL, MODEL_SHA256, 1, optimise_fully=True)
    [saved] = saved_graphs(cache_home)
    good = saved.read_bytes()
    saved.write_bytes(b"not a graph")
    digest = saved.with_name(saved.name + ".sha256")
    digest.write_text(hashlib.sha256(b"not a graph").hexdigest() + "\n", encoding="ascii")
    session = cpu_session(MODEL, MODEL_SHA256, 1, optimise_fully=True)
    assert logits(session).shape == (2, 1)
    assert saved.read_bytes() == good


def test_a_model_that_does_not_match_its_digest_is_refused_and_nothing_is_saved(
    cache_home: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="reinstall"):
        cpu_session(fake, MODEL_SHA256, 1, optimise_fully=True)
    altered = tmp_path / "altered.onnx"
    altered.write_bytes(MODEL.read_bytes() + b"\0")  # still loads, but is not the pinned file
    with pytest.raises(ValueError, match="reinstall"):
        cpu_session(altered, MODEL_SHA256, 1, optimise_fully=True)
    assert not saved_graphs(cache_home)
    assert not list(cache_home.glob(".*"))


def test_without_a_writable_cache_folder_sessions_still_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(optimized_models, "cache_folder", lambda: None)
    session = cpu_session(MODEL, MODEL_SHA256, 1, optimise_fully=True)
    assert logits(session).shape == (2, 1)
