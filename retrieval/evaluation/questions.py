"""The labelled-question file: one JSON object a line, each checked with the fix named.

A mistake in the file stops ``seedbot eval`` before the engine loads, with the line it is on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

KNOWN_CATEGORIES = (
    "factoid",
    "paraphrase",
    "disambiguation",
    "misspelling",
    "chat",
    "unanswerable",
)

_REQUIRED_FIELDS = ("id", "question", "answerable", "answers", "category")


class QuestionFileError(ValueError):
    """A labelled-question file that cannot be used; the message names the line and the fix."""


@dataclass(frozen=True)
class LabelledQuestion:
    """One question with the verbatim article text that counts as a correct answer."""

    id: str
    question: str
    answerable: bool
    answers: tuple[str, ...]
    category: str


def _parse_question(raw: object, line_no: int, path: Path) -> LabelledQuestion:
    where = f"{path}, line {line_no}"
    if not isinstance(raw, dict):
        raise QuestionFileError(
            f"{where}: expected a JSON object {{...}}, got {type(raw).__name__}"
        )
    missing = [name for name in _REQUIRED_FIELDS if name not in raw]
    if missing:
        raise QuestionFileError(
            f"{where}: missing field(s) {', '.join(missing)}; every line needs "
            + ", ".join(_REQUIRED_FIELDS)
        )
    qid, question, answerable = raw["id"], raw["question"], raw["answerable"]
    answers, category = raw["answers"], raw["category"]
    if not isinstance(qid, str) or not qid.strip():
        raise QuestionFileError(f"{where}: 'id' must be a non-empty string")
    if not isinstance(question, str) or not question.strip():
        raise QuestionFileError(f"{where}: 'question' must be a non-empty string")
    if not isinstance(answerable, bool):
        raise QuestionFileError(f"{where}: 'answerable' must be true or false")
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        raise QuestionFileError(f"{where}: 'answers' must be a list of non-empty strings")
    if not isinstance(category, str) or not category.strip():
        raise QuestionFileError(f"{where}: 'category' must be a non-empty string")
    if answerable and not answers:
        raise QuestionFileError(
            f"{where}: an answerable question needs at least one verbatim answer in 'answers'"
        )
    if not answerable and answers:
        raise QuestionFileError(
            f"{where}: 'answerable' is false but 'answers' is not empty; use [] or set true"
        )
    return LabelledQuestion(qid, question, answerable, tuple(answers), category)


def load_questions(path: Path) -> list[LabelledQuestion]:
    """Read a JSONL question file; blank lines and lines starting with ``#`` are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QuestionFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    questions: list[LabelledQuestion] = []
    seen: dict[str, int] = {}
    for line_no, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QuestionFileError(
                f"{path}, line {line_no}: not valid JSON ({exc.msg} at column {exc.colno})"
            ) from exc
        question = _parse_question(raw, line_no, path)
        if question.id in seen:
            raise QuestionFileError(
                f"{path}, line {line_no}: id {question.id!r} already used on line "
                f"{seen[question.id]}; ids must be unique"
            )
        seen[question.id] = line_no
        questions.append(question)
    if not questions:
        raise QuestionFileError(f"{path}: no questions found")
    return questions
