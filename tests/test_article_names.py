"""A name for every article (issue 14): derived titles, headings that repeat the title, and
finding an article by what a person remembers of it."""

from __future__ import annotations

from pathlib import Path

from retrieval.corpus import load_corpus, parse_article
from retrieval.models import Source
from retrieval.source_search import find_sources, named_sources
from retrieval.titles import DERIVED_TITLE_CHARS, first_words, same_title
from tests.paths import SEEDS

UNTITLED_SEED = "000_a01b8e9902762f40.txt"


def test_the_untitled_seed_is_named_by_its_first_words() -> None:
    corpus = load_corpus(SEEDS)
    untitled = next(s for s in corpus.sources if s.file == UNTITLED_SEED)
    assert untitled.title is None  # nothing invented
    assert untitled.label == "Ending Russia’s war in Ukraine was one of Donald Trump’s…"
    assert len(untitled.label) <= DERIVED_TITLE_CHARS + 1
    data = untitled.to_json()
    assert "title" not in data and data["display_title"] == untitled.label
    titled = next(s for s in corpus.sources if s.file != UNTITLED_SEED)
    assert titled.label == titled.title and "display_title" not in titled.to_json()


def test_a_headline_line_is_preferred_to_the_first_words() -> None:
    # No line reads as body text, so no title is detected; the heading still names it.
    article = parse_article(
        "Opening times\n\n- Saturday: 9am to 5pm\n- Sunday: closed all day\n", "o.md", markdown=True
    )
    assert article.source.title is None
    assert article.source.label == "Opening times"
    plain = parse_article(
        "the ferry leaves at seven every morning from the pier and returns at nine at night "
        "unless the weather is bad, the harbour master said\n",
        "f.txt",
    )
    assert plain.source.title is None
    assert plain.source.label == "the ferry leaves at seven every morning from the pier and…"


def test_first_words_cut_at_a_word_boundary() -> None:
    assert first_words("Short and sweet.") == "Short and sweet."
    cut = first_words("word " * 30)
    assert cut.endswith("…") and len(cut) <= DERIVED_TITLE_CHARS + 1
    assert cut.removesuffix("…").split() == ["word"] * len(cut.removesuffix("…").split())
    assert first_words("x" * 100).removesuffix("…") == "x" * DERIVED_TITLE_CHARS


def test_a_heading_that_repeats_the_title_is_never_a_section(tmp_path: Path) -> None:
    body = (
        "Mayor Ana Ortiz cut the ribbon on Saturday morning, and hundreds of residents came.\n\n"
        "## The building\n\n"
        "The library has three floors, a children's wing and a rooftop garden by the river.\n"
    )
    (tmp_path / "a.md").write_text(
        "---\ntitle: Riverside opens its new public library\n---\n"
        "# Riverside Opens Its New Public Library!\n\n" + body,
        "utf-8",
    )
    (tmp_path / "b.md").write_text(
        "---\ntitle: Riverside opens its new public library\n---\n"
        "<h1>Riverside opens its new public library</h1>\n\n" + body,
        "utf-8",
    )
    corpus = load_corpus(tmp_path)
    for file in ("a.md", "b.md"):
        sections = [p.section for p in corpus.passages if p.source.file == file]
        assert sections == [None, "The building"], file
    assert same_title(
        "Riverside – opens its new public library.", "riverside opens its new public library"
    )
    assert not same_title("Riverside", "Riverside opens")


PAGE = """<html><head><title>Riverside opens its new public library</title></head><body>
<nav>Home | News</nav><article><h1>Riverside opens its new public library</h1>
<p>Mayor Ana Ortiz cut the ribbon on Saturday morning, and hundreds of residents came.</p>
<h2>The building</h2>
<p>The library has three floors, a children's wing and a rooftop garden by the river.</p>
</article><footer>Copyright 2025</footer></body></html>"""


def test_a_web_pages_h1_that_repeats_its_title_is_no_section(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE, "utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.sources[0].title == "Riverside opens its new public library"
    assert [p.section for p in corpus.passages] == [None, "The building"]


def test_setext_headings_are_headings() -> None:
    article = parse_article(
        "Harbour news\n============\n\n"
        "The ferry leaves at seven every morning from the pier, the harbour master said.\n\n"
        "Timetable\n---------\n\n"
        "Boats run every hour between seven in the morning and nine at night, all week.\n",
        "s.md",
        markdown=True,
    )
    assert article.source.title == "Harbour news"
    assert [p.section for p in article.passages] == [None, "Timetable"]


SOURCES = (
    Source(file="000_a01b8e9902762f40.txt", derived_title="Ending Russia’s war in Ukraine was one of…",
           author="Jennifer Mathers", outlet="The Conversation",
           lead="Ending Russia’s war in Ukraine was one of Donald Trump’s campaign promises"),
    Source(file="002_cedde9cd03eafeb7.txt", title="Putin tells Trump Russia won’t retreat",
           lead="In a high-stakes phone call on 3 July, Russian President Vladimir Putin told Trump"),
    Source(file="library.md", title="Riverside opens its new library", author="Jane Doe"),
    Source(file="trump-notes.txt", title="Notes on the Conversation"),
)  # fmt: skip


def files(text: str) -> list[str]:
    return [source.file for source in find_sources(SOURCES, text)]


def test_find_sources_matches_every_field_a_person_remembers() -> None:
    assert files("") == [s.file for s in SOURCES]  # everything, in order
    assert files("Jennifer Mathers") == ["000_a01b8e9902762f40.txt"]  # author
    assert files("the conversation")[0] == "000_a01b8e9902762f40.txt"  # outlet, exact
    assert files("ending russia") == ["000_a01b8e9902762f40.txt"]  # derived title
    assert files("high-stakes phone call") == ["002_cedde9cd03eafeb7.txt"]  # first words
    assert files("000_a01b") == ["000_a01b8e9902762f40.txt"]  # file name
    assert files("jane") == ["library.md"]
    assert files("nothing like this") == []


def test_find_sources_ranks_exact_and_prefix_before_substring_and_typos() -> None:
    # "trump" begins a file name and is a word inside a title and a lead.
    assert files("trump") == [
        "trump-notes.txt",
        "002_cedde9cd03eafeb7.txt",
        "000_a01b8e9902762f40.txt",
    ]
    assert files("Riversde opens")[0] == "library.md"  # a typo still finds it
    assert find_sources(SOURCES, "", limit=2) == list(SOURCES[:2])
    assert find_sources(SOURCES, "trump", limit=1)[0].file == "trump-notes.txt"


def test_a_question_about_an_article_names_it_by_its_words_or_its_place() -> None:
    library = [
        Source(file="harbour.md", title="Harbour reopens after the storm", date="March 3, 2024"),
        Source(file="school.md", title="New school year begins", author="Ann Lee"),
        Source(file="budget.md", title="Council passes the budget", lead="The council voted 7-2."),
    ]

    def pick(question: str) -> list[str]:
        return [source.file for source in named_sources(question, library)]

    assert pick("who wrote the article about the harbour storm?") == ["harbour.md"]
    assert pick("when was the piece on the council vote published?") == ["budget.md"]
    assert pick("what date was the march article posted") == ["harbour.md"]  # by its date
    assert pick("who wrote the second article?") == ["school.md"]
    assert pick("who wrote the last article?") == ["budget.md"]
    assert pick("who wrote the article about volcanoes?") == []  # names none of them
    assert pick("who wrote the articles?") == []  # asks about all of them
