"""A saved page's teasers of the site's other stories ("Don't Miss", "Related posts") are
quotable asides: cited with their list's name, shown only when the model reads one as the
answer, and never what makes a name known to the no-answer rule once set aside."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.terminal import citation
from retrieval.corpus import load_corpus
from retrieval.engine import Engine
from retrieval.settings import EngineSettings

PAGE = """\
Harbour rules tightened after the storm

The harbour master closed the eastern quay for a week after the storm damaged its moorings.
Fishing boats were sent to the western basin, where the moorings were renewed last spring.

Repairs to the eastern quay will cost the port authority about two million euros, paid
from its reserves rather than from higher mooring fees.

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
PACT = (
    "Three coastal towns quit the North Sea fishing pact, citing falling catches "
    "Three towns, including Whitby, Scarborough and Filey, have"
)
FERRY = (
    "Ferry crews in Porthaven walk out over a pay dispute "
    "Ferry crews walked out on Monday after talks over pay broke down."
)
LIGHTHOUSE = "Lighthouse keepers return to the Farne Islands after forty years"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "harbour.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "market.txt").write_text(
        "Market day moved\n\nThe Saturday market moves to the square by the town hall from "
        "June, the council said, because the old car park will be built on.\n",
        encoding="utf-8",
    )
    return tmp_path


def engine(folder: Path, **changes: object) -> Engine:
    settings = replace(EngineSettings(), save_index=False, **changes)  # type: ignore[arg-type]
    return Engine(load_corpus(folder), settings)


def test_teasers_are_the_pages_last_passages_in_their_lists_sections(folder: Path) -> None:
    harbour = [p for p in load_corpus(folder).passages if p.source.file == "harbour.txt"]
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
    folder: Path,
) -> None:
    answer = engine(folder).answer("which towns quit the north sea fishing pact?")
    assert answer.answered
    top = answer.results[0]
    assert "Whitby, Scarborough and Filey" in top.excerpt.text
    assert "Don't Miss, paragraph" in citation(top.passage)


def test_without_the_model_teasers_are_never_shown(folder: Path) -> None:
    quick = engine(folder, cross_encoder=False, semantic=False)
    answer = quick.answer("which towns quit the north sea fishing pact?", top_k=5)
    assert all(not r.passage.is_aside for r in answer.results)


def test_a_name_only_the_teasers_use_is_unknown_once_they_are_set_aside(folder: Path) -> None:
    terms = engine(folder).terms
    parsed = terms.parse("How many people live in Porthaven?")
    assert terms.unknown_names(parsed) == []
    assert terms.unknown_names(parsed, without_asides=True) == ["porthaven"]
    harbour = terms.parse("Who runs the harbour in Porthaven?")
    assert "harbour" not in terms.unknown_names(harbour, without_asides=True)


def test_a_question_on_a_name_only_a_set_aside_teaser_uses_is_declined(folder: Path) -> None:
    """The article's "mooring fees" alone would answer it if "Porthaven" counted as known."""
    assert not engine(folder).answer("What new mooring fees did Porthaven set?").answered
    assert not engine(folder).answer("What is the population of Porthaven?").answered
