"""Where the tests find the project's files."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIRST_ARTICLE = "000_a01b8e9902762f40.txt"
SECOND_ARTICLE = "002_cedde9cd03eafeb7.txt"
