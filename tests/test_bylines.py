"""A question about "the author" is read against the credit line that names the author."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.bylines import mentions_author, names_author, with_author
from retrieval.engine import Engine
from retrieval.settings import EngineSettings

ARTICLE = (
    "The harbour board voted on Tuesday to close the old pier to the public after engineers "
    "found cracks in three of its pillars.\n\n"
    "Repairs are expected to take most of the summer, and the ferry will dock at the new "
    "quay in the meantime.\n\n"
    "Fishermen who moor beside the pier say the board ignored their warnings for years.\n\n"
    "Jane Hollis, Senior Lecturer in Maritime History, University of Bristol\n\n"
    "This article is republished from The Conversation under a Creative Commons license. "
    "Read the original article.\n"
)
CREDIT = "Jane Hollis, Senior Lecturer in Maritime History, University of Bristol"


@pytest.mark.parametrize(
    ("question", "about_author"),
    [
        ("which university is the author from?", True),
        ("where does the writer of the harbour piece work", True),
        ("what's the op-ed writer's uni", True),
        # The author as the article's voice: its body answers.
        ("why does the author think the pier closed?", False),
        ("what does the author say the fishermen want?", False),
        ("according to the writer, who ignored the warnings?", False),
        ("who closed the pier?", False),
    ],
)
def test_which_questions_ask_about_the_author(question: str, about_author: bool) -> None:
    assert mentions_author(question) is about_author


def test_the_author_is_named_in_the_question_for_the_credit_line() -> None:
    assert with_author("which uni is the author from?", "Jane Hollis") == (
        "which uni is Jane Hollis from?"
    )
    assert names_author(CREDIT, "Jane Hollis")
    assert not names_author("The board met on Tuesday.", "Jane Hollis")
    assert not names_author(CREDIT, None)


def _engine(folder: Path, **settings: object) -> Engine:
    (folder / "harbour.txt").write_text(ARTICLE)
    return Engine.from_folder(folder, EngineSettings(**settings))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "question",
    ["which university is the author from?", "where does the author of the harbour piece work"],
)
def test_a_question_about_the_author_quotes_the_credit_line(tmp_path: Path, question: str) -> None:
    engine = _engine(tmp_path)
    assert engine.sources[0].author == "Jane Hollis"
    answer = engine.answer(question)
    assert answer.answered
    assert answer.results[0].excerpt.text == CREDIT
    # Without the credit lines read with the author's name, the model reads the line as
    # unrelated, and an aside it does not read as an answer is never shown.
    plain = _engine(tmp_path, credit_lines=False).answer(question)
    assert all(result.excerpt.text != CREDIT for result in plain.results)


def test_a_question_about_the_authors_view_quotes_the_article(tmp_path: Path) -> None:
    answer = _engine(tmp_path).answer("what does the author say the fishermen want?")
    assert answer.answered
    assert answer.results[0].excerpt.text.startswith("Fishermen who moor")
