"""onnxruntime's optimised graph of a bundled model, saved once per machine.

Every session starts by optimising the model's graph (fusing attention, layer norms and
GELUs): ~0.09 s of the cross-encoder's 0.14 s to load, in every process, most of a
one-question ``seedbot ask`` beside the reading itself. Saved once, the optimised graph
loads with optimisation off in a third of the time and computes the same logits
(``tests/test_optimized_models.py``). onnxruntime warns that a fully optimised graph may
hold operators fused for this CPU, so the saved file is named after the onnxruntime
version and the CPU as well as the model's digest. It is made from a model already
checked against its pinned digest, and checked itself, against the digest recorded when
it was written, before every use; on any doubt the model is optimised again.

The folder: ``$XDG_CACHE_HOME/seedbot/onnx`` (``~/.cache`` without it), else one in the
temporary directory; with neither writable, every session optimises as before.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
from functools import cache
from pathlib import Path
from typing import Final

from retrieval.cache_folders import per_user_temp, user_cache_home, writable

log = logging.getLogger(__name__)

FOLDER_NAME: Final = "onnx"


@cache
def cache_folder() -> Path | None:
    """Where optimised graphs are kept; None when no candidate folder is writable."""
    candidates = [
        user_cache_home() / "seedbot" / FOLDER_NAME,
        per_user_temp("seedbot-cache") / FOLDER_NAME,
    ]
    return next((folder for folder in candidates if writable(folder)), None)


@cache
def machine() -> str:
    """What a fully optimised graph may depend on: the CPU's model and instruction sets."""
    described = platform.machine() + platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            described += "".join(
                line for line in info if line.startswith(("flags", "model name", "Features"))
            )
    except OSError:
        pass
    return hashlib.sha256(described.encode()).hexdigest()[:12]


def saved_path(model_sha256: str, level: str, runtime_version: str) -> Path | None:
    """Where the optimised graph of the model with ``model_sha256`` at ``level`` belongs."""
    folder = cache_folder()
    if folder is None:
        return None
    name = f"{model_sha256[:16]}-{level}-ort{runtime_version}-{machine()}.onnx"
    return folder / name


def _digest_file(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def recorded_digest(path: Path) -> str | None:
    """The digest written beside the saved graph at ``path`` (None if there is none): the
    graph is used only once its content matches it."""
    try:
        return _digest_file(path).read_text(encoding="ascii").strip()
    except OSError:
        return None


def publish(written: Path, path: Path) -> None:
    """Move the graph onnxruntime wrote to ``written`` into place at ``path``, its digest
    beside it; each file is replaced whole, so a reader sees the old pair, the new, or a
    mismatch it rejects, never half a file."""
    try:
        digest = hashlib.sha256(written.read_bytes()).hexdigest()
        staged = _digest_file(written)
        staged.write_text(digest + "\n", encoding="ascii")
        os.replace(written, path)
        os.replace(staged, _digest_file(path))
    except OSError as error:
        log.info("Could not save the optimised model in %s: %s", path.parent, error)
        for leftover in (written, _digest_file(written)):
            leftover.unlink(missing_ok=True)


def staging_path(path: Path) -> Path:
    """A file beside ``path`` for this process to write the graph into."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")
