"""Rendering stays within Discord's limits and shows quotes literally, whatever the input."""

from __future__ import annotations

import discord
import pytest

from bot import limits, rendering
from retrieval.models import Answer, Excerpt, Passage, Result, Source

HOSTILE = "**bold** `code` ||spoiler|| @everyone <@123> <@&456> <#789> # heading > quote ~~x~~ _i_"


def source(**overrides: object) -> Source:
    values: dict[str, object] = {
        "file": "a.txt",
        "title": "A title",
        "author": "Ann Author",
        "date": "2025-04-01",
    }
    values.update(overrides)
    return Source(**values)  # type: ignore[arg-type]


def result(
    text: str, rank: int = 1, src: Source | None = None, terms: tuple[str, ...] = ()
) -> Result:
    spans = []
    for term in terms:
        start = text.find(term)
        if start >= 0:
            spans.append((start, start + len(term)))
    passage = Passage(
        id=f"a.txt#p{rank}.1", source=src or source(), paragraph=rank, sentences=(text,)
    )
    excerpt = Excerpt(text=text, highlights=tuple(spans), cut_before=False, cut_after=False)
    return Result(rank=rank, score=1.0, passage=passage, excerpt=excerpt)


def answer(*results: Result) -> Answer:
    return Answer(question="q", answered=True, results=results, has_more=True)


def assert_fits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= limits.EMBED_TITLE
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert len(embed.footer.text or "") <= limits.EMBED_FOOTER
    assert len(embed.author.name or "") <= limits.EMBED_AUTHOR
    assert len(embed.fields) <= limits.EMBED_FIELDS
    for field in embed.fields:
        assert len(field.name or "") <= limits.EMBED_FIELD_NAME
        assert len(field.value or "") <= limits.EMBED_FIELD_VALUE
    assert len(embed) <= limits.EMBED_TOTAL


def test_quote_is_a_block_quote_with_terms_in_bold_and_a_citation() -> None:
    text = "Trump proposed a 30-day general ceasefire in March."
    embed = rendering.answer_embed(answer(result(text, rank=5, terms=("ceasefire",))), "Who?")
    assert embed.description is not None
    assert embed.description.startswith(
        "> Trump proposed a 30\\-day general **ceasefire** in March."
    ) or (embed.description.startswith("> Trump proposed a 30-day general **ceasefire** in March."))
    assert "— *A title*, Ann Author, 2025-04-01, paragraph 5" in embed.description
    assert_fits(embed)


def test_markdown_and_mentions_in_quotes_are_neutralised() -> None:
    escaped = rendering.escape_text(HOSTILE)
    assert "\\*\\*bold\\*\\*" in escaped
    assert "\\`code\\`" in escaped
    assert "\\|\\|spoiler\\|\\|" in escaped
    assert "@everyone" not in escaped
    for mention in ("<@123>", "<@&456>", "<#789>"):
        assert mention not in escaped
    assert rendering.escape_text("# Heading").startswith("\\#")
    assert rendering.escape_text("1. item").startswith("\\1.")


def test_highlights_survive_escaping_without_breaking_bold() -> None:
    text = "A *starred* claim about NATO_expansion and ceasefire."
    quote = rendering.render_quote(
        Excerpt(
            text=text,
            highlights=((text.index("ceasefire"), len(text) - 1),),
            cut_before=True,
            cut_after=True,
        ),
        budget=1000,
    )
    assert quote.startswith("… ")
    assert quote.endswith(" …")
    assert "\\*starred\\*" in quote
    assert "**ceasefire**" in quote


@pytest.mark.parametrize("length", [10, 500, 5_000, 100_000])
@pytest.mark.parametrize("count", [1, 3, 10])
def test_answers_fit_whatever_the_size(length: int, count: int) -> None:
    text = ("word *x* " * (length // 9 + 1))[:length]
    long_source = source(
        title="T" * 5000,
        author="@everyone " * 300,
        date="d" * 500,
        url="https://x.org/" + "p" * 3000,
    )
    results = [result(text, rank=i + 1, src=long_source, terms=("word",)) for i in range(count)]
    embed = rendering.answer_embed(answer(*results), "q" * 10_000)
    assert_fits(embed)
    assert embed.description is not None
    assert embed.description.count("\n> ") + embed.description.startswith("> ") == count


def test_truncate_cuts_at_a_word_and_never_leaves_a_dangling_escape() -> None:
    assert rendering.truncate("short", 10) == "short"
    cut = rendering.truncate("alpha beta gamma delta", 12)
    assert len(cut) <= 12
    assert cut.endswith("…")
    assert not rendering.truncate("abc\\" * 100, 50).endswith("\\…")
    assert rendering.truncate("anything", 1) == "…"


def test_nothing_found_is_honest_and_suggests_sources() -> None:
    nothing = Answer(
        question="q", answered=False, reason="no_match", message="Nothing on <@1> @here."
    )
    embed = rendering.answer_embed(nothing, "Что такое НАТО?")
    assert embed.description is not None
    assert "/sources" in embed.description
    assert "@here" not in embed.description
    assert embed.title == "Что такое НАТО?"
    assert_fits(embed)


def test_sources_pages_and_one_source_fit() -> None:
    many = [source(file=f"{i}.txt", title=HOSTILE * 20) for i in range(95)]
    first = rendering.sources_embed(many, 0)
    last = rendering.sources_embed(many, 99)
    assert_fits(first)
    assert_fits(last)
    assert last.footer.text == "Page 10 of 10 · /source to see one article"
    assert rendering.page_count(95) == 10
    extras = tuple((f"field{i}" * 50, "v" * 3000) for i in range(40))
    one = rendering.source_embed(
        source(title=HOSTILE * 30, extra=extras, characters=12345), passages=7
    )
    assert_fits(one)
    names = [field.name for field in one.fields]
    assert names[:6] == ["Author", "Date", "File", "Paragraphs", "Characters", "Passages"]
    empty = rendering.sources_embed([], 0)
    assert "no articles" in (empty.description or "")


def test_an_untitled_article_is_told_by_its_first_sentence() -> None:
    untitled = source(file="000_a01b.txt", title=None, lead="Ending the war was a *promise*.")
    titled = source(title="Arms pause", lead="In a phone call on 3 July, Putin spoke.")
    listing = rendering.sources_embed([untitled, titled], 0).description or ""
    assert "000\\_a01b.txt" in listing and "“Ending the war was a \\*promise\\*.”" in listing
    assert "phone call" not in listing  # a title says enough
    one = rendering.source_embed(untitled)
    assert one.description == "“Ending the war was a \\*promise\\*.”"
    assert_fits(rendering.sources_embed([source(title=None, lead="w " * 5000)], 0))


def test_passage_and_help_fit() -> None:
    passage = Passage(id="x#p1.1", source=source(), paragraph=1, sentences=("s " * 10_000,))
    assert_fits(rendering.passage_embed(passage))
    assert_fits(rendering.help_embed(list(range(100))))


def test_plain_text_fits_message_content() -> None:
    assert len(rendering.plain_text("x" * 5000)) <= limits.MESSAGE_CONTENT


def test_spelling_corrections_are_shown_above_the_quotes() -> None:
    text = "Trump proposed a 30-day general ceasefire in March."
    corrected = Answer(
        question="q",
        answered=True,
        results=(result(text, terms=("ceasefire",)),),
        corrections={"ceasfire": "ceasefire"},
    )
    embed = rendering.answer_embed(corrected, "Who proposed a ceasfire?")
    assert embed.description is not None
    assert embed.description.startswith("*Searched for: ceasfire → ceasefire*\n\n> ")
    assert_fits(embed)


def test_the_engine_reason_points_at_the_sources_command() -> None:
    nothing = Answer(
        question="q",
        answered=False,
        reason="no_match",
        message="None of its key words appear. Check the list of sources to see what they cover.",
    )
    description = rendering.answer_embed(nothing, "q").description or ""
    assert "list of sources (`/sources`)" in description


def test_the_last_page_says_no_further_quote_answers() -> None:
    later = Answer(question="q", answered=True, results=(result("Ships sail.", rank=4),))
    assert "no further quote" in (
        rendering.answer_embed(later, "q", last_page=True).footer.text or ""
    )
    assert "no further quote" not in (rendering.answer_embed(later, "q").footer.text or "")
    first = answer(result("Ships sail."))
    assert "no further quote" not in (
        rendering.answer_embed(first, "q", last_page=True).footer.text or ""
    )


@pytest.mark.parametrize(
    ("url", "usable"),
    [
        ("https://example.org/a", True),
        ("http://example.org/a?b=1", True),
        ("javascript:alert(1)", False),
        ("https://example.org/a b", False),
        ("https://example.org/" + "a" * 600, False),
        (None, False),
    ],
)
def test_open_article_needs_a_web_address(url: str | None, usable: bool) -> None:
    assert (rendering.article_url(source(url=url)) is not None) is usable


def test_a_reply_to_chatter_has_no_title_and_names_the_command() -> None:
    embed = rendering.chatter_embed("Hi! Check the list of sources to see what they cover.")
    assert embed.title is None
    assert "(`/sources`)" in (embed.description or "")
