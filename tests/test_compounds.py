"""Compounds written apart, hyphenated or closed find each other (retrieval.compounds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.compounds import CompoundHeads, compound_terms, split_compound
from retrieval.engine import Engine
from retrieval.settings import EngineSettings
from retrieval.tokenize import term_of


@pytest.mark.parametrize(
    ("word", "parts"),
    [("landmine", ("land", "mine")), ("Ceasefire", ("cease", "fire")),
     ("battlefield", ("battle", "field")), ("lifelines", ("life", "lines"))],
)  # fmt: skip
def test_a_closed_compound_splits_into_its_words(word: str, parts: tuple[str, str]) -> None:
    assert split_compound(word) == parts


@pytest.mark.parametrize(
    "word",
    # More common than their "parts", or cut at a prefix or suffix, or too short to tell.
    ["coverage", "pressure", "interview", "counterpart", "leadership", "domestically",
     "blocking", "carpet", "mine", "co-op", "2024"],
)  # fmt: skip
def test_a_word_that_is_no_compound_stays_whole(word: str) -> None:
    assert split_compound(word) is None


def _has(*words: str):
    terms = {term_of(word) for word in words}
    return lambda term: term in terms


def test_an_open_or_hyphenated_compound_is_searched_as_the_closed_one() -> None:
    has_term = _has("ceasefire", "fire", "partial")
    for text in ("the partial cease fire", "the partial cease-fire"):
        # "fire" the corpus uses: only the word it lacks stands for the compound.
        assert compound_terms(text, has_term) == {"ceas": ("ceasefir",)}


def test_a_closed_compound_is_searched_as_the_words_the_corpus_writes() -> None:
    assert compound_terms("a landmine treaty", _has("land", "mine", "treaty")) == {
        "landmin": ("land", "mine")
    }


def test_the_last_word_alone_is_searched_as_the_closed_compound() -> None:
    heads = CompoundHeads(["landmines", "the", "treaty", "coverage", "pressure"])
    assert heads("mine") == ("landmin",)
    assert heads("rage") == () and heads("sure") == ()  # "coverage", "pressure"
    has_term = _has("landmines", "treaty")
    assert compound_terms("the mine treaty", has_term, heads) == {"mine": ("landmin",)}
    assert compound_terms("the mine treaty", has_term) == {}  # without the heads: nothing


def test_words_the_corpus_uses_are_searched_as_written() -> None:
    has_term = _has("landmine", "land", "mine")
    assert compound_terms("a land mine, a landmine", has_term, CompoundHeads(["landmine"])) == {}


ARTICLE = (
    "Six European states withdraw from the Ottawa landmine treaty, citing defence needs.\n\n"
    "The ferry across the bay runs twice a day in summer, once in winter.\n\n"
    "Both sides agreed a ceasefire at the border, to hold until the harvest is in.\n"
)


def _engine(folder: Path, **settings: object) -> Engine:
    (folder / "a.txt").write_text(ARTICLE)
    return Engine.from_folder(folder, EngineSettings(**settings))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "expected", "highlighted"),
    [
        ("which land mine treaty did they leave?", "Ottawa landmine treaty", "landmine"),
        ("how long does the cease-fire at the border hold?", "agreed a ceasefire", "ceasefire"),
    ],
)
def test_a_question_finds_the_compound_as_the_article_writes_it(
    tmp_path: Path, question: str, expected: str, highlighted: str
) -> None:
    answer = _engine(tmp_path).answer(question)
    assert answer.answered
    first = answer.results[0]
    assert expected in first.excerpt.text
    shown = [first.excerpt.text[a:b] for a, b in first.excerpt.highlights]
    assert highlighted in shown  # matched as a word, not only read as related by a model
    compound = term_of(highlighted)
    searched = [t for t in answer.explanation["terms"] if compound in t["searched_as"]]
    assert searched, answer.explanation["terms"]


def test_without_compounds_the_open_form_matches_nothing(tmp_path: Path) -> None:
    answer = _engine(tmp_path, compound_words=False).answer("which land mine treaty?")
    shown = [
        result.excerpt.text[a:b] for result in answer.results for a, b in result.excerpt.highlights
    ]
    assert "landmine" not in shown


def test_the_last_word_finds_the_compound_up_to_a_corpus_size(tmp_path: Path) -> None:
    question = "which anti-personnel mine agreement did six states leave?"
    answer = _engine(tmp_path).answer(question)
    mine = next(t for t in answer.explanation["terms"] if t["term"] == "mine")
    assert mine["searched_as"] == ["landmin"]
    assert answer.answered and "landmine treaty" in answer.results[0].excerpt.text
    # Past compound_heads_max_passages the table is not built: "mine" is searched as typed.
    larger = Engine.from_folder(tmp_path, EngineSettings(compound_heads_max_passages=2))
    mine = next(t for t in larger.answer(question).explanation["terms"] if t["term"] == "mine")
    assert mine["searched_as"] == []
