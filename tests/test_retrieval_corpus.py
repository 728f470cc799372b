from pathlib import Path

import pytest

from retrieval.corpus import describe_ignored, ignored_files, load_corpus, parse_article
from tests.paths import FIRST_ARTICLE, ROOT, SECOND_ARTICLE, SEEDS

CHROME = (
    "Leave a Reply",
    "Your email address will not be published",
    "Don't Miss",
    "Don’t Miss",
    "mins read",
)


def test_seed_files_are_the_shared_originals() -> None:
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("shared/seeds is not beside the project")
    for original in shared.iterdir():
        assert (SEEDS / original.name).read_bytes() == original.read_bytes()


def test_seed_metadata_is_detected_not_invented() -> None:
    corpus = load_corpus(SEEDS)
    assert not corpus.problems
    first, second = corpus.sources
    assert first.file == FIRST_ARTICLE
    assert first.author == "Jennifer Mathers"
    assert first.outlet == "The Conversation"
    assert first.title is None and first.date is None and first.url is None
    assert second.file == SECOND_ARTICLE
    assert (
        second.title
        == "Putin tells Trump Russia won’t retreat in Ukraine as US pauses arms shipments"
    )
    assert second.date == "July 4, 2025"
    assert second.author is None and second.outlet is None


def test_site_chrome_never_becomes_passages() -> None:
    corpus = load_corpus(SEEDS)
    for passage in corpus.passages:
        for chrome in CHROME:
            assert chrome not in passage.text
        assert passage.text != corpus.sources[1].title


def test_bylines_and_republication_notices_are_the_last_passages_marked_as_credits() -> None:
    corpus = load_corpus(SEEDS)
    first = [p for p in corpus.passages if p.source.file == FIRST_ARTICLE]
    credits = [p for p in first if p.is_aside]
    assert [p.text for p in credits] == [
        "Jennifer Mathers, Senior Lecturer in International Politics, Aberystwyth University",
        "This article is republished from The Conversation under a Creative Commons license. "
        "Read the original article.",
    ]
    assert first[-2:] == credits and credits[0].source.asides == 2
    assert credits[0].paragraph == credits[0].source.paragraphs - 1
    # The second article's asides are its "Don't Miss" teasers (tests/test_asides.py).
    second = [p for p in corpus.passages if p.source.file == SECOND_ARTICLE]
    teasers = [p for p in second if p.is_aside]
    assert [p.section for p in teasers] == ["Don't Miss", "Don't Miss"]
    assert teasers[0].sentences[0].startswith("Armenia delivers protest note")


def test_passages_are_verbatim_sentences_with_stable_ids() -> None:
    corpus = load_corpus(SEEDS)
    texts = {s.file: (SEEDS / s.file).read_text(encoding="utf-8") for s in corpus.sources}
    ids = [p.id for p in corpus.passages]
    assert len(ids) == len(set(ids))
    for passage in corpus.passages:
        assert 1 <= len(passage.sentences) <= 4
        assert passage.id.startswith(f"{passage.source.file}#p{passage.paragraph}.")
        for sentence in passage.sentences:
            assert sentence in texts[passage.source.file]
    assert load_corpus(SEEDS).passages[4].id == corpus.passages[4].id


def test_headings_become_sections() -> None:
    corpus = load_corpus(SEEDS)
    sections = {p.section for p in corpus.passages if p.source.file == FIRST_ARTICLE}
    assert "Trump’s role" in sections


def test_undecodable_and_empty_files_are_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(
        "Ceasefire talks stalled in April after the envoys met twice in Riyadh.\n"
    )
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 society gathered \xff\xfe".encode("latin-1"))
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "chrome.txt").write_text("Leave a Reply\nShare\n")
    (tmp_path / "notes.csv").write_text("not,an,article")
    corpus = load_corpus(tmp_path)
    assert [s.file for s in corpus.sources] == ["good.txt"]
    problems = {p.file: p.reason for p in corpus.problems}
    assert set(problems) == {"latin1.txt", "empty.md", "chrome.txt"}
    assert "UTF-8" in problems["latin1.txt"]


def test_articles_saved_in_other_encodings_are_read(tmp_path: Path) -> None:
    text = (
        "Café owners near the harbour complained about the noise of the new ferry, "
        "which now leaves at seven every morning and returns late at night.\n"
    )
    (tmp_path / "windows.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes(text.replace("Café", "Bistro").encode("utf-16"))
    (tmp_path / "random.txt").write_bytes(bytes(range(256)) * 4)
    corpus = load_corpus(tmp_path)
    assert sorted(s.file for s in corpus.sources) == ["utf16.txt", "windows.txt"]
    texts = {p.source.file: p.text for p in corpus.passages}
    assert texts["windows.txt"].startswith("Café owners near the harbour")
    assert texts["utf16.txt"].startswith("Bistro owners near the harbour")
    assert [p.file for p in corpus.problems] == ["random.txt"]


def test_files_that_are_not_articles_are_named(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The ferry leaves at seven every morning from the pier.\n")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "report.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "aliases.yaml").write_text("- [Kyiv, Kiev]\n")
    (tmp_path / ".hidden.pdf").write_text("x")
    files = ignored_files(tmp_path)
    assert files == ["notes.docx", "sub/report.pdf"]
    line = describe_ignored(files)
    assert (
        line is not None and "notes.docx, sub/report.pdf" in line and ".txt, .md and .html" in line
    )
    assert describe_ignored([]) is None


def test_markdown_lists_and_tables_are_kept_as_text(tmp_path: Path) -> None:
    article = parse_article(
        "# Ferry news\n\n- Home\n- Subscribe\n\n"
        "The ferry to Eastwick now leaves at 7am every weekday, the council said on Monday.\n\n"
        "- Founded in 1998\n- Owned by the town, which\n  bought it in 2004.\n\n"
        "| Route | Minutes |\n|---|---|\n| Eastwick | 25 |\n",
        "ferry.md",
        markdown=True,
    )
    assert article.source.title == "Ferry news"
    assert [p.text for p in article.passages] == [
        "The ferry to Eastwick now leaves at 7am every weekday, the council said on Monday.",
        "Founded in 1998",  # short and unpunctuated, but a list item: text, not a heading
        "Owned by the town, which bought it in 2004.",
        "Route | Minutes",
        "Eastwick | 25",
    ]


def test_a_short_markdown_article_takes_its_heading_as_title(tmp_path: Path) -> None:
    article = parse_article("# Harbour news\n\nThe ferry leaves at 7am.\n", "a.md", markdown=True)
    assert article.source.title == "Harbour news"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(
        "\ufeffThe envoy met the minister in Geneva on Tuesday morning.".encode()
    )
    corpus = load_corpus(tmp_path)
    assert corpus.passages[0].text.startswith("The envoy")


def test_empty_and_missing_corpus(tmp_path: Path) -> None:
    assert load_corpus(tmp_path).passages == ()
    missing = load_corpus(tmp_path / "nope")
    assert missing.problems and "does not exist" in missing.problems[0].reason


def test_front_matter_overrides_detected_metadata(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "---\ntitle: Declared Title\nauthor: Ada Lovelace\npublisher: Example Times\n"
        "date: 2024-05-01\nurl: https://example.org/a\ntags: [x, y]\n---\n"
        "# Detected Heading\n\nBy Someone Else\n\nThe committee approved the budget after a long debate "
        "about the **new** [bridge](https://example.org/bridge).\n"
    )
    corpus = load_corpus(tmp_path)
    source = corpus.sources[0]
    assert (source.title, source.author, source.outlet) == (
        "Declared Title",
        "Ada Lovelace",
        "Example Times",
    )
    assert (source.date, source.url) == ("2024-05-01", "https://example.org/a")
    assert dict(source.extra) == {"tags": "x, y"}
    assert (
        corpus.passages[0].text
        == "The committee approved the budget after a long debate about the new bridge."
    )


def test_invalid_front_matter_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(
        "---\ntitle: [unclosed\n---\nSome text about things that happened today.\n"
    )
    corpus = load_corpus(tmp_path)
    assert corpus.problems and "YAML" in corpus.problems[0].reason


def test_generic_chrome_rules_apply_to_any_article() -> None:
    text = (
        "Monday, March 3, 2025\n\nCity council votes on new tram line\n\nMarch 2, 2025\n5 min read\n"
        "City council votes on new tram line\nBy Maria Lopez\n\n"
        "The city council voted on Tuesday to build a new tram line through the old town district.\n\n"
        "Construction is expected to start next spring and to last for about three years in total.\n\n"
        "Related Posts\n\nA different story about the harbour that should never be quoted here at all.\n"
    )
    article = parse_article(text, "tram.txt")
    assert article.source.title == "City council votes on new tram line"
    assert article.source.date == "March 2, 2025"
    assert article.source.author == "Maria Lopez"
    assert [p.paragraph for p in article.passages] == [1, 2, 3]
    # What the "Related Posts" list shows is an aside in that section, never the article's.
    assert all("harbour" not in p.text for p in article.passages[:2])
    assert article.passages[2].is_aside and article.passages[2].section == "Related Posts"


def test_long_paragraphs_split_into_passages_of_at_most_four_sentences() -> None:
    paragraph = " ".join(
        f"Sentence number {i} talks about the topic at hand." for i in range(1, 11)
    )
    article = parse_article(paragraph, "long.txt")
    assert all(len(p.sentences) <= 4 for p in article.passages)
    assert " ".join(p.text for p in article.passages) == paragraph
    assert {p.paragraph for p in article.passages} == {1}


def test_hard_wrapped_text_and_crlf_lines_join_into_paragraphs(tmp_path: Path) -> None:
    (tmp_path / "wrapped.txt").write_bytes(
        b"City budget approved\r\n\r\nThe city council approved the budget for next year after a long\r\n"
        b"debate about the cost of the new tram line.\r\n\r\nOpposition members said the tram line\r\n"
        b"was too expensive.\r\n"
    )
    corpus = load_corpus(tmp_path)
    assert corpus.sources[0].title == "City budget approved"
    assert [p.text for p in corpus.passages] == [
        "The city council approved the budget for next year after a long debate about the cost "
        "of the new tram line.",
        "Opposition members said the tram line was too expensive.",
    ]


def test_markdown_headings_become_sections_under_a_front_matter_title(tmp_path: Path) -> None:
    (tmp_path / "n.md").write_text(
        "---\ntitle: River works\n---\n\n## Background\n\nThe river works started in January "
        "and should finish by summer.\n\n```\ncode that is never quoted\n```\n\n## Costs\n\n"
        "The works cost four million euros, paid by the region and the state.\n"
    )
    corpus = load_corpus(tmp_path)
    assert [(p.section, p.paragraph) for p in corpus.passages] == [("Background", 1), ("Costs", 2)]
    assert all("code that" not in p.text for p in corpus.passages)


def test_each_article_keeps_its_first_sentence_to_be_told_by(tmp_path: Path) -> None:
    corpus = load_corpus(SEEDS)
    first = next(s for s in corpus.sources if s.file == FIRST_ARTICLE)
    assert first.lead == (
        "Ending Russia’s war in Ukraine was one of Donald Trump’s campaign promises, and one "
        "that he famously boasted could be achieved in 24 hours."
    )
    assert first.about == f"“{first.lead}”"  # no title, so lists show how it begins
    assert first.to_json()["lead"] == first.lead
    long = parse_article("The harbour " + "ferry and the " * 40 + "pier closed.\n", "l.txt")
    assert long.source.lead is not None and long.source.lead.endswith(" …")
    assert len(long.source.lead) <= 162


PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Harbour ferry returns after storm | Eastwick Gazette</title>
<meta name="author" content="Jane Doe"><meta property="og:site_name" content="Eastwick Gazette">
<meta property="article:published_time" content="2025-03-14T08:00:00Z">
<link rel="canonical" href="https://gazette.example/ferry-returns"></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>Harbour ferry returns after storm</h1>
<p>The harbour ferry to Eastwick returned to service on Friday, two weeks after the storm
tore the roof off its terminal and damaged the north pier.</p>
<p>The mayor, Tom Hollis, said repairs to the pier cost the town about 40,000 pounds and
were paid from the emergency fund.</p>
<ul><li>Weekday crossings: every 30 minutes</li></ul></article>
<footer><p>Copyright 2025 Eastwick Gazette. All rights reserved.</p></footer></body></html>
"""


def test_saved_web_pages_are_articles_with_their_metadata(tmp_path: Path) -> None:
    (tmp_path / "ferry.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "empty.htm").write_text("<html><body><nav>Home</nav></body></html>")
    corpus = load_corpus(tmp_path)
    (source,) = corpus.sources
    assert (source.file, source.title, source.author, source.outlet, source.date, source.url) == (
        "ferry.html",
        "Harbour ferry returns after storm",
        "Jane Doe",
        "Eastwick Gazette",
        "2025-03-14",
        "https://gazette.example/ferry-returns",
    )
    texts = [p.text for p in corpus.passages]
    assert texts[0].startswith("The harbour ferry to Eastwick returned to service on Friday")
    assert "Weekday crossings: every 30 minutes" in texts
    assert not any("Copyright" in t or "Home" in t for t in texts)  # menus and footers dropped
    assert [p.file for p in corpus.problems] == ["empty.htm"]


def test_a_page_the_extractor_fails_on_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trafilatura

    def broken(*args: object, **kwargs: object) -> str:
        raise ValueError("unexpected markup")

    monkeypatch.setattr(trafilatura, "extract", broken)
    (tmp_path / "odd.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "good.txt").write_text("The ferry leaves at seven every morning from the pier.\n")
    corpus = load_corpus(tmp_path)
    assert [s.file for s in corpus.sources] == ["good.txt"]
    (problem,) = corpus.problems
    assert problem.file == "odd.html" and "could not be read as a web page" in problem.reason


def test_a_file_the_parser_fails_on_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retrieval.corpus as corpus_module

    real = corpus_module.parse_article

    def fragile(text: str, relative: str, *, markdown: bool = False) -> object:
        if "boom" in text:
            raise RecursionError("deep")
        return real(text, relative, markdown=markdown)

    monkeypatch.setattr(corpus_module, "parse_article", fragile)
    (tmp_path / "a.txt").write_text("The ferry leaves at seven every morning from the pier.\n")
    (tmp_path / "b.txt").write_text("boom goes the parser on this one, every time it runs.\n")
    corpus = load_corpus(tmp_path)
    assert [s.file for s in corpus.sources] == ["a.txt"]
    assert [(p.file, p.reason) for p in corpus.problems] == [
        ("b.txt", "could not be parsed (RecursionError); the log has the details")
    ]
