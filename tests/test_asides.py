"""An article's asides: its credit lines (byline, republication notice) and a saved page's
teasers of the site's other stories ("Don't Miss", "Related posts") are its last passages,
quoted when the question is about them (the teasers cited with their list's name), never
when it only shares their rare words, never without the model, and never what makes a name
known to the no-answer rule once set aside."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.explain_table import Reason, reason
from bot.terminal import citation
from retrieval.corpus import load_corpus
from retrieval.engine import Engine
from retrieval.models import Passage, Source
from retrieval.settings import EngineSettings
from retrieval.store_format import PassageStore

HARBOUR = """\
Harbour rules tightened after the storm

The harbour master closed the eastern quay for a week after the storm damaged its moorings.
Fishing boats were sent to the western basin, where the moorings were renewed last spring.

Repairs to the eastern quay will cost the port authority about two million euros, paid
from its reserves rather than from higher mooring fees.

"""
ARTICLE = (
    HARBOUR
    + """\
Jane Hollis, Professor of Maritime Law, Kestrel University
This article is republished from The Harbour Review under a Creative Commons license. Read the original article.
"""
)
BYLINE = "Jane Hollis, Professor of Maritime Law, Kestrel University"
NOTICE = "This article is republished from The Harbour Review under a Creative Commons license."


PAGE = (
    HARBOUR
    + """\
Leave a Reply

Your email address will not be published.

Don't Miss

Three coastal towns quit the North Sea fishing pact, citing falling catches

Three coastal towns quit the North Sea fishing pact, citing falling catches

Three towns, including Whitby, Scarborough and Filey, have

Ferry crews in Porthaven walk out over a pay dispute
Ferry crews walked out on Monday after talks over pay broke down.

Comments

Great article, thanks for sharing this with all of us!

Related posts

Lighthouse keepers return to the Farne Islands after forty years
© 2025 Harbour Daily. All rights reserved by its owners.
Read more
"""
)
PACT = (
    "Three coastal towns quit the North Sea fishing pact, citing falling catches "
    "Three towns, including Whitby, Scarborough and Filey, have"
)
FERRY = (
    "Ferry crews in Porthaven walk out over a pay dispute "
    "Ferry crews walked out on Monday after talks over pay broke down."
)
LIGHTHOUSE = "Lighthouse keepers return to the Farne Islands after forty years"


MARKET = (
    "Market day moved\n\nThe Saturday market moves to the square by the town hall from "
    "June, the council said, because the old car park will be built on.\n"
)


def two_articles(folder: Path, harbour: str) -> Path:
    """``harbour`` as harbour.txt beside an article without asides."""
    (folder / "harbour.txt").write_text(harbour, encoding="utf-8")
    (folder / "market.txt").write_text(MARKET, encoding="utf-8")
    return folder


@pytest.fixture
def credited(tmp_path: Path) -> Path:
    return two_articles(tmp_path, ARTICLE)


@pytest.fixture
def teased(tmp_path: Path) -> Path:
    return two_articles(tmp_path, PAGE)


def engine(folder: Path, **changes: object) -> Engine:
    settings = replace(EngineSettings(), save_index=False, **changes)  # type: ignore[arg-type]
    return Engine(load_corpus(folder), settings)


def test_credit_lines_are_the_articles_last_passages(credited: Path) -> None:
    corpus = load_corpus(credited)
    harbour = [p for p in corpus.passages if p.source.file == "harbour.txt"]
    assert [p.text for p in harbour if p.is_aside] == [
        BYLINE,
        NOTICE + " Read the original article.",
    ]
    assert not any(p.is_aside for p in harbour[:-2])
    assert harbour[0].source.author == "Jane Hollis"  # the metadata still reads them
    assert harbour[0].source.outlet == "The Harbour Review"


def test_the_saved_store_knows_its_credit_lines(credited: Path, tmp_path: Path) -> None:
    corpus = load_corpus(credited)
    PassageStore.save(corpus, tmp_path / "store")
    store = PassageStore.load(tmp_path / "store", credited).passages
    assert isinstance(store, PassageStore)
    assert [store.is_aside(i) for i in range(len(store))] == [p.is_aside for p in corpus.passages]


def test_a_question_about_the_licence_is_answered_from_the_notice(credited: Path) -> None:
    answer = engine(credited).answer("what license is the harbour article under?")
    assert answer.answered
    assert answer.results[0].excerpt.text.startswith(NOTICE)


def test_a_question_that_only_shares_the_credits_rare_words_is_not_answered_by_them(
    credited: Path,
) -> None:
    answer = engine(credited).answer("how do i apply to kestrel university for a masters degree")
    assert all(not r.passage.is_aside for r in answer.results)


def test_without_the_model_credit_lines_are_never_shown(credited: Path) -> None:
    quick = engine(credited, cross_encoder=False, semantic=False)
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


def test_who_wrote_a_named_article_is_answered_with_its_byline_quoted(credited: Path) -> None:
    answer = engine(credited).answer("who wrote the article about the harbour rules?")
    assert answer.answered
    (top,) = answer.results
    assert top.excerpt.text == BYLINE and top.passage.is_aside
    start, end = top.excerpt.highlights[0]
    assert top.excerpt.text[start:end] == "Jane Hollis"
    assert reason(answer, EngineSettings()) is Reason.BYLINE  # what --explain says


def test_who_wrote_an_article_without_a_byline_line_gets_the_list_of_sources(
    credited: Path,
) -> None:
    """The market article states no author, so its card (the list of sources) answers,
    and says so rather than leave the asker to guess."""
    answer = engine(credited).answer("who wrote the article about the market?")
    assert not answer.answered and answer.reason == "sources"
    assert [source.file for source in answer.articles] == ["market.txt"]
    assert answer.message is not None
    assert answer.message.startswith("The article you mean names no author")
    # A long title names the article too: "who wrote the <six words of it> article".
    long_title = engine(credited).answer(
        "who wrote the saturday market moves to the square article?"
    )
    assert long_title.reason == "sources" and long_title.message == answer.message


def test_teasers_are_the_pages_last_passages_in_their_lists_sections(teased: Path) -> None:
    harbour = [p for p in load_corpus(teased).passages if p.source.file == "harbour.txt"]
    asides = [(p.text, p.section) for p in harbour if p.is_aside]
    assert asides == [
        (PACT, "Don't Miss"),  # the headline printed twice is kept once, with its snippet
        (FERRY, "Don't Miss"),
        (LIGHTHOUSE, "Related posts"),  # the comments between the lists are not teasers
    ]
    assert not any(p.is_aside for p in harbour[: -len(asides)])
    assert harbour[0].source.asides == len(asides)
    texts = " ".join(p.text for p in harbour)
    for chrome in ("Leave a Reply", "email address", "Great article", "©", "Read more"):
        assert chrome not in texts


def test_a_question_on_a_teaser_is_answered_from_it_and_the_citation_names_its_list(
    teased: Path,
) -> None:
    answer = engine(teased).answer("which towns quit the north sea fishing pact?")
    assert answer.answered
    top = answer.results[0]
    assert "Whitby, Scarborough and Filey" in top.excerpt.text
    assert "Don't Miss, paragraph" in citation(top.passage)


def test_without_the_model_teasers_are_never_shown(teased: Path) -> None:
    quick = engine(teased, cross_encoder=False, semantic=False)
    answer = quick.answer("which towns quit the north sea fishing pact?", top_k=5)
    assert all(not r.passage.is_aside for r in answer.results)


def test_a_name_only_the_teasers_use_is_unknown_once_they_are_set_aside(teased: Path) -> None:
    terms = engine(teased).terms
    parsed = terms.parse("How many people live in Porthaven?")
    assert terms.unknown_names(parsed) == []
    assert terms.unknown_names(parsed, without_asides=True) == ["porthaven"]
    harbour = terms.parse("Who runs the harbour in Porthaven?")
    assert "harbour" not in terms.unknown_names(harbour, without_asides=True)


def test_a_question_on_a_name_only_a_set_aside_teaser_uses_is_declined(teased: Path) -> None:
    """The article's "mooring fees" alone would answer it if "Porthaven" counted as known."""
    assert not engine(teased).answer("What new mooring fees did Porthaven set?").answered
    assert not engine(teased).answer("What is the population of Porthaven?").answered
