"""Where the tests find the project's files.

``SEEDS`` is a copy of the seed articles in a temporary folder, made once per test process:
the engine saves its index beside the articles it reads, and the tests must write nothing
into the repository.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPO_SEEDS = ROOT / "seeds"
FIRST_ARTICLE = "000_a01b8e9902762f40.txt"
SECOND_ARTICLE = "002_cedde9cd03eafeb7.txt"


def _scratch_copy(folder: Path) -> Path:
    scratch = Path(tempfile.mkdtemp(prefix="seedbot-tests-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    copy = scratch / folder.name
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".*"))
    return copy


SEEDS = _scratch_copy(REPO_SEEDS)
