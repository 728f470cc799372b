"""Which sentences of a passage are quoted: the ones that answer, not only the ones that
repeat the question's words."""

from __future__ import annotations

from retrieval.excerpts import choose_excerpt, highlight_spans, with_antecedent
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


def test_a_quote_that_points_back_is_shown_with_the_sentence_it_points_to() -> None:
    text = passage(
        "The harbour froze early this year.",
        "The board never ordered the ice breaker it had promised.",
        "This left the ferry stuck at the quay for a month.",
        "Repairs are booked for spring.",
    )
    chosen = choose_excerpt(text, terms("why was the ferry stuck at the quay"), idf)
    assert chosen.text == "This left the ferry stuck at the quay for a month."
    shown = with_antecedent(text, chosen, terms("why was the ferry stuck at the quay"))
    assert shown.text == (
        "The board never ordered the ice breaker it had promised. "
        "This left the ferry stuck at the quay for a month."
    )
    assert shown.cut_before and shown.cut_after
    start, end = shown.highlights[0]
    assert shown.text[start:end] == "ferry"  # the highlights move with the text


def test_a_quote_that_points_to_nothing_before_it_stays_as_chosen() -> None:
    text = passage("This harbour froze early.", "The ferry stopped.", "That was in May.")
    first = choose_excerpt(text, terms("harbour froze"), idf)
    assert with_antecedent(text, first, terms("harbour froze")) == first  # nothing before
    plain = choose_excerpt(text, terms("ferry stopped"), idf)
    assert plain.text == "The ferry stopped."
    assert with_antecedent(text, plain, terms("ferry stopped")) == plain  # points nowhere


def test_the_engine_shows_the_sentence_a_quote_points_back_to(tmp_path) -> None:
    from retrieval.engine import Engine
    from retrieval.settings import EngineSettings

    (tmp_path / "a.txt").write_text(
        "The harbour froze early this year. The board never ordered the ice breaker it had "
        "promised. This left the ferry stuck at the quay for a whole month. Repairs to the "
        "quay are booked for the spring.\n\n"
        "The lighthouse keepers record passing storms in a logbook each night.\n"
    )
    question = "why was the ferry stuck at the quay for a month?"
    # Without the models the quote chooser takes the sentence with the question's words ...
    quick = {"semantic": False, "cross_encoder": False}
    off = EngineSettings(quote_antecedents=False, **quick)  # type: ignore[arg-type]
    plain = Engine.from_folder(tmp_path, off).answer(question).results[0].excerpt.text
    assert plain == "This left the ferry stuck at the quay for a whole month."
    # ... which is shown with the sentence it points back to.
    on = EngineSettings(**quick)  # type: ignore[arg-type]
    shown = Engine.from_folder(tmp_path, on).answer(question).results[0].excerpt.text
    assert shown.startswith("The board never ordered the ice breaker it had promised. This")
