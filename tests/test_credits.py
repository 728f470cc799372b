"""An article's credit lines (its byline and republication notice) are its last passages:
quoted when the question is about them, never when it only shares their rare words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from retrieval.corpus import load_corpus
from retrieval.engine import Engine
from retrieval.models import Passage, Source
from retrieval.settings import EngineSettings
from retrieval.store_format import PassageStore

ARTICLE = """\
Harbour rules tightened after the storm

The harbour master closed the eastern quay for a week after the storm damaged its moorings.
Fishing boats were sent to the western basin, where the moorings were renewed last spring.

Repairs to the eastern quay will cost the port authority about two million euros, paid
from its reserves rather than from higher mooring fees.

Jane Hollis, Professor of Maritime Law, Kestrel University
This article is republished from The Harbour Review under a Creative Commons license. Read the original article.
"""
BYLINE = "Jane Hollis, Professor of Maritime Law, Kestrel University"
NOTICE = "This article is republished from The Harbour Review under a Creative Commons license."


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "harbour.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "market.txt").write_text(
        "Market day moved\n\nThe Saturday market moves to the square by the town hall from "
        "June, the council said, because the old car park will be built on.\n",
        encoding="utf-8",
    )
    return tmp_path


def engine(folder: Path, **changes: object) -> Engine:
    settings = replace(EngineSettings(), save_index=False, **changes)  # type: ignore[arg-type]
    return Engine(load_corpus(folder), settings)


def test_credit_lines_are_the_articles_last_passages(folder: Path) -> None:
    corpus = load_corpus(folder)
    harbour = [p for p in corpus.passages if p.source.file == "harbour.txt"]
    assert [p.text for p in harbour if p.is_aside] == [
        BYLINE,
        NOTICE + " Read the original article.",
    ]
    assert not any(p.is_aside for p in harbour[:-2])
    assert harbour[0].source.author == "Jane Hollis"  # the metadata still reads them
    assert harbour[0].source.outlet == "The Harbour Review"


def test_the_saved_store_knows_its_credit_lines(folder: Path, tmp_path: Path) -> None:
    corpus = load_corpus(folder)
    PassageStore.save(corpus, tmp_path / "store")
    store = PassageStore.load(tmp_path / "store", folder).passages
    assert isinstance(store, PassageStore)
    assert [store.is_aside(i) for i in range(len(store))] == [p.is_aside for p in corpus.passages]


def test_a_question_about_the_licence_is_answered_from_the_notice(folder: Path) -> None:
    answer = engine(folder).answer("what license is the harbour article under?")
    assert answer.answered
    assert answer.results[0].excerpt.text.startswith(NOTICE)


def test_a_question_that_only_shares_the_credits_rare_words_is_not_answered_by_them(
    folder: Path,
) -> None:
    answer = engine(folder).answer("how do i apply to kestrel university for a masters degree")
    assert all(not r.passage.is_aside for r in answer.results)


def test_without_the_model_credit_lines_are_never_shown(folder: Path) -> None:
    quick = engine(folder, cross_encoder=False, semantic=False)
    answer = quick.answer("what license is the harbour article under?")
    assert all(not r.passage.is_aside for r in answer.results)
    answer = quick.answer("who is jane hollis of kestrel university", top_k=5)
    assert all(not r.passage.is_aside for r in answer.results)


def test_a_passage_of_an_article_without_asides_is_never_one() -> None:
    """Whatever its counts say: a Source made by hand states no paragraphs at all."""
    bare = Passage(id="a.txt#p1.1", source=Source(file="a.txt"), paragraph=1, sentences=("x.",))
    assert not bare.is_aside
    counted = replace(bare, source=Source(file="a.txt", paragraphs=3, asides=1), paragraph=3)
    assert counted.is_aside and not replace(counted, paragraph=2).is_aside


def test_who_wrote_a_named_article_is_answered_with_its_byline_quoted(folder: Path) -> None:
    answer = engine(folder).answer("who wrote the article about the harbour rules?")
    assert answer.answered
    (top,) = answer.results
    assert top.excerpt.text == BYLINE and top.passage.is_aside
    start, end = top.excerpt.highlights[0]
    assert top.excerpt.text[start:end] == "Jane Hollis"


def test_who_wrote_an_article_without_a_byline_line_gets_the_list_of_sources(
    folder: Path,
) -> None:
    """The market article states no author, so its card (the list of sources) answers."""
    answer = engine(folder).answer("who wrote the article about the market?")
    assert not answer.answered and answer.reason == "sources"
    assert [source.file for source in answer.articles] == ["market.txt"]
