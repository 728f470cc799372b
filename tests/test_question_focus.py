"""Finding the sentence that asks in a message that says more."""

import pytest

from retrieval.question_focus import find_question


@pytest.mark.parametrize(
    ("message", "question", "context"),
    [
        (
            "I'm new to the city. Where does the ferry leave from?",
            "Where does the ferry leave from?",
            ("I'm new to the city.",),
        ),
        (  # a request, not a question's form; telling sentences stay context
            "I was reading about the harbour last night. Tell me when the old pier closed",
            "Tell me when the old pier closed",
            ("I was reading about the harbour last night.",),
        ),
        (  # "was reading" tells; "did the council" asks, without a question mark
            "was reading about the storm damage. did the council close the pier",
            "did the council close the pier",
            ("was reading about the storm damage.",),
        ),
        (  # a question outranks a request that only says why it is asked
            "Who designed the lighthouse? I need the architect's name for my essay",
            "Who designed the lighthouse?",
            ("I need the architect's name for my essay",),
        ),
    ],
)
def test_the_sentence_that_asks_is_the_question(
    message: str, question: str, context: tuple[str, ...]
) -> None:
    focus = find_question(message)
    assert (focus.question, focus.context, focus.other_questions) == (question, context, ())
    assert focus.narrowed


def test_of_two_questions_the_main_one_is_taken_and_the_other_kept() -> None:
    focus = find_question("When did the ferry service to the island stop? And is it permanent?")
    assert focus.question == "When did the ferry service to the island stop?"
    assert focus.other_questions == ("And is it permanent?",)


@pytest.mark.parametrize(
    "message",
    [
        "Who designed the lighthouse?",
        "The lighthouse is lovely. The pier is old.",  # nothing asks: all of it is searched
        "ferry timetable",
    ],
)
def test_a_message_without_a_distinct_question_is_all_question(message: str) -> None:
    focus = find_question(message)
    assert (focus.question, focus.narrowed) == (message, False)
