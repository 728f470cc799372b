"""Which sentences of a passage are quoted: the ones that answer, not only the ones that
repeat the question's words."""

from __future__ import annotations

from retrieval.excerpts import choose_excerpt, highlight_spans
from retrieval.models import Passage, Source
from retrieval.rerank import answer_test
from retrieval.tokenize import tokenize


def passage(*sentences: str) -> Passage:
    return Passage(id="a.txt#p1.1", source=Source(file="a.txt"), paragraph=1, sentences=sentences)


def idf(term: str) -> float:
    return 1.0


def terms(question: str) -> set[str]:
    return set(tokenize(question))


def test_a_quoted_question_brings_the_sentence_that_answers_it() -> None:
    text = passage(
        "The harbour froze early this year.",
        "So, why did the ferry stop running in December?",
        "The main reason is that the ice broke its propeller twice.",
        "Repairs are booked for spring.",
    )
    question = "why did the ferry stop running"
    excerpt = choose_excerpt(text, terms(question), idf)
    assert excerpt.text == (
        "So, why did the ferry stop running in December? "
        "The main reason is that the ice broke its propeller twice."
    )
    assert excerpt.cut_before and excerpt.cut_after


def test_a_question_ending_the_passage_is_quoted_alone() -> None:
    text = passage("The ice came early.", "Why did the ferry stop running?")
    excerpt = choose_excerpt(text, terms("why did the ferry stop"), idf)
    assert excerpt.text == "Why did the ferry stop running?"
    assert not excerpt.cut_after


def test_who_is_prefers_the_sentence_that_says_who() -> None:
    text = passage(
        "The talks were the reason for Anna Petrova’s visit to Oslo in April.",
        "The weather was mild that week.",
        "Petrova, a former banker and head of the port authority, signed the deal.",
    )
    question = "Who is Anna Petrova?"
    plain = choose_excerpt(text, terms(question), idf)
    assert plain.text.startswith("The talks were the reason")  # both names, no description
    excerpt = choose_excerpt(text, terms(question), idf, suits=answer_test(question))
    assert "former banker and head of the port authority" in excerpt.text


def test_when_prefers_the_sentence_with_a_date() -> None:
    text = passage(
        "The bridge over the river was finally opened to traffic.",
        "Crowds came to see it.",
        "That happened in March 2019, after years of delay.",
    )
    question = "When was the bridge opened?"
    excerpt = choose_excerpt(text, terms(question), idf, suits=answer_test(question))
    assert "March 2019" in excerpt.text


def test_questions_of_no_known_kind_have_no_test() -> None:
    assert answer_test("Why did the ferry stop?") is None
    for asks_when in ("On what date did the ferry stop?", "In which year was it built?"):
        when = answer_test(asks_when)
        assert when is not None and when("in March 1998") and not when("by the harbour")
    suits = answer_test("How many people were hurt?")
    assert suits is not None
    assert suits("at least 35 people") and not suits("nobody knows")


def test_the_quotes_highlights_are_its_matched_words_wherever_the_window_falls() -> None:
    """The chooser reads each sentence's words once and shifts them into the quote: the
    spans must be what ``highlight_spans`` finds in the quote's text, hyphenated and
    slashed words marked as one, and the quote's first words at the right place."""
    text = passage(
        "A 30-day truce was proposed in March.",
        "Kyiv/Moscow talks on the 30-day truce stalled.",
        "Nobody expects a truce soon; the talks resume in May.",
        "Weather delayed the ferry.",
    )
    asked = ("30-day truce talks", "kyiv moscow talks", "proposed march stalled", "resume weather")
    for question in asked:
        wanted = terms(question)
        excerpt = choose_excerpt(text, wanted, idf)
        assert excerpt.highlights == highlight_spans(excerpt.text, wanted), question
        assert excerpt.highlights, question
        if question in asked[2:]:  # these words lie in two sentences
            assert excerpt.text.count(". ") + excerpt.text.count("; ") >= 1, question
    spans = choose_excerpt(text, terms("kyiv moscow talks"), idf).highlights
    quote = choose_excerpt(text, terms("kyiv moscow talks"), idf).text
    assert quote[spans[0][0] : spans[0][1]] == "Kyiv/Moscow"
