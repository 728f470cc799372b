"""The second stage's answer types: "who is X" prefers the passage that says what X is."""

from pathlib import Path

import pytest

from retrieval.corpus import load_corpus
from retrieval.engine import Engine
from retrieval.rerank import describes, who_is_subject
from retrieval.settings import EngineSettings
from retrieval.tokenize import term_of


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Who is Kirill Dmitriev?", {"kirill", "dmitriev"}),
        ("who's witkoff", {"witkoff"}),
        ("Who was the envoy?", {"envoy"}),
        ("What did Witkoff say?", set()),
        ("Who met Putin?", set()),
    ],
)
def test_who_is_subject(question: str, subject: set[str]) -> None:
    assert who_is_subject(question) == {term_of(word) for word in subject}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pentagon press secretary Sean Parnell confirmed it.", True),
        ("as Trump’s special envoy Steve Witkoff did recently", True),
        ("Dmitriev, a figure close to Putin, confirmed it.", True),
        ("Putin apparently told Witkoff that he went to church.", False),
        ("Parnell said nothing more.", False),
    ],
)
def test_describes(text: str, expected: bool) -> None:
    subject = who_is_subject("who is " + ("parnell witkoff dmitriev"))
    assert describes(text, subject) is expected


ARTICLE = """\
Hollis spoke to the council on Monday about the fishing rules. Hollis said she would
not resign.

Later that week, harbour master Jane Hollis signed the new fishing rules.
"""


@pytest.mark.parametrize("semantic", [True, False])
def test_who_is_ranks_the_description_above_mere_mentions(tmp_path: Path, semantic: bool) -> None:
    (tmp_path / "harbour.txt").write_text(ARTICLE, encoding="utf-8")
    engine = Engine(load_corpus(tmp_path), EngineSettings(semantic=semantic))
    answer = engine.answer("who is hollis?")
    assert answer.answered
    assert "harbour master Jane Hollis" in answer.results[0].excerpt.text
