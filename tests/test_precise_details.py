"""A question that demands a precise detail is answered only by a passage that states one."""

import pytest

from bot.config import Settings
from bot.explain_table import render_explanation
from retrieval import messages
from retrieval.answer_kinds import Detail, counted_terms, demanded_detail, states
from retrieval.engine import Engine
from retrieval.settings import EngineSettings


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("on what exact date does the partial ceasefire expire?", Detail.DATE),
        ("what day did they hit the city", Detail.DATE),
        ("What percentage of the refining capacity was knocked out?", Detail.PERCENTAGE),
        ("how much is germany paying for the two systems", Detail.AMOUNT),
        ("how much money does the fund manage?", Detail.AMOUNT),
        ("what was the price of the deal?", Detail.AMOUNT),
        ("how long did the phone call last?", Detail.DURATION),
        ("how many calls have they had this year?", Detail.COUNT),
        # Asking for a share, a time in general or nothing precise demands no detail.
        ("how much of the refining capacity was destroyed?", None),
        ("how long ago did the talks start?", None),
        ("when did the talks start?", None),
        ("who paid for it?", None),
    ],
)
def test_the_detail_a_question_demands(question: str, detail: Detail | None) -> None:
    assert demanded_detail(question) is detail


@pytest.mark.parametrize(
    ("detail", "text", "stated"),
    [
        (Detail.DATE, "In a phone call on 3 July, the two leaders spoke.", True),
        (Detail.DATE, "On April 13, for example, missiles hit the city.", True),
        (Detail.DATE, "Posted 2025-07-04 by the desk.", True),
        (Detail.DATE, "The talks resume on Monday.", True),
        (Detail.DATE, "The ceasefire comes to an end later in April.", False),
        (Detail.PERCENTAGE, "Drones destroyed 10% of the capacity.", True),
        (Detail.PERCENTAGE, "It threatened secondary tariffs on buyers.", False),
        (Detail.AMOUNT, "a deal worth $500 billion", True),
        (Detail.AMOUNT, "The government will fund the transfer of two systems.", False),
        (Detail.DURATION, "a proposal for a 30-day general ceasefire", True),
        (Detail.DURATION, "The strike lasted three days.", True),
        (Detail.DURATION, "The call, the sixth this year, was tense.", False),
        (Detail.COUNT, "killing at least 35 civilians", True),
        (Detail.COUNT, "The call, the sixth this year, was tense.", True),
        (Detail.COUNT, "Around 20% of Victorians claim no religion.", True),
        (Detail.COUNT, "A single output is expected for every input.", True),
        (Detail.COUNT, "Missiles hit the city on 13 April 2025.", False),
        (Detail.COUNT, "The deal is worth $500 billion.", False),
    ],
)
def test_whether_a_text_states_the_detail(detail: Detail, text: str, stated: bool) -> None:
    assert states(detail, text) is stated


def _engine(tmp_path, **settings: object) -> Engine:
    (tmp_path / "a.txt").write_text(
        "The harbour board met the ferry operators on 12 March to discuss the timetable.\n\n"
        "The ferry strike lasted three days and stranded hundreds of commuters.\n\n"
        "The council will pay for the new pier, the first of two, which opens later in the spring.\n\n"
        "The lighthouse keepers record passing storms in a logbook, two entries a night.\n"
    )
    return Engine.from_folder(tmp_path, EngineSettings(**settings))  # type: ignore[arg-type]


def test_a_near_miss_on_a_precise_detail_is_declined_and_says_which(tmp_path) -> None:
    engine = _engine(tmp_path)
    for question, detail in (
        ("How much is the council paying for the new pier?", Detail.AMOUNT),
        ("On what exact date does the new pier open?", Detail.DATE),
        (
            "How long did the harbour board's meeting with the ferry operators last?",
            Detail.DURATION,
        ),
    ):
        answer = engine.answer(question)
        assert not answer.answered, question
        assert answer.reason == messages.NOT_STATED
        assert answer.message is not None and f"the {detail.value} you asked for" in answer.message
        assert answer.explanation["missing_detail"] == detail.value


def test_a_passage_that_states_the_detail_answers(tmp_path) -> None:
    engine = _engine(tmp_path)
    for question, quoted in (
        ("On what date did the harbour board meet the ferry operators?", "12 March"),
        ("How long did the ferry strike last?", "three days"),
    ):
        answer = engine.answer(question)
        assert answer.answered, question
        assert quoted in answer.results[0].excerpt.text


def test_the_check_can_be_switched_off(tmp_path) -> None:
    answer = _engine(tmp_path, detail_check=False).answer(
        "How much is the council paying for the new pier?"
    )
    assert answer.reason != messages.NOT_STATED


def test_a_count_may_come_from_any_passage_of_the_first_page(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(
        "The ferry operators and the harbour board held a phone call on 3 July about the "
        "timetable and fares, and the call was tense.\n\n"
        "It was the fourth call between the board and the ferry operators this year.\n\n"
        "The lighthouse keepers record passing storms in a logbook each night.\n"
    )
    question = "How many calls have the ferry operators and the harbour board had?"
    unchecked = Engine.from_folder(tmp_path, EngineSettings(detail_check=False)).answer(question)
    assert unchecked.results[0].excerpt.text.startswith("The ferry operators")
    engine = Engine.from_folder(tmp_path)
    answer = engine.answer(question)
    assert answer.answered
    # Only the passages that state a number are shown for it, in their order.
    assert [r.excerpt.text[:24] for r in answer.results] == ["It was the fourth call b"]
    missed = engine.answer("How many ferries cross the harbour each day?")
    assert (missed.answered, missed.reason) == (False, messages.NOT_STATED)


def test_the_check_is_switched_off_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(discord_token=None).engine_settings().detail_check
    monkeypatch.setenv("SEEDBOT_DETAIL_CHECK", "false")
    assert not Settings(discord_token=None).engine_settings().detail_check


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("how many kids died in the strike?", {"kid", "die"}),
        ("How many Patriot systems does Germany fund?", {"patriot", "system"}),
        ("how many km is the route", {"kilomet"}),
        # A count of anything, or of nothing named, checks no word.
        ("how many people died in the strike?", set()),
        ("how many times have they spoken?", set()),
        ("how many were killed?", set()),
        ("what was the toll?", set()),
    ],
)
def test_what_a_how_many_question_counts(question: str, counted: set[str]) -> None:
    assert counted_terms(question) == counted


@pytest.mark.parametrize(
    ("counted", "text", "stated"),
    [
        ({"civilian"}, "killing at least 35 civilians gathered in the square", True),
        ({"patriot", "system"}, "the transfer of two Patriot air defence systems", True),
        ({"kilomet"}, "a route of 2,000 km between the cities", True),
        ({"kid", "die"}, "killing at least 35 civilians and injuring over 100 more", False),
        ({"missil"}, "Missiles hit Sumy, killing at least 35 civilians", False),
        ({"call"}, "The call was made on 3 July 2025.", False),  # a date counts nothing
    ],
)
def test_whether_a_text_counts_what_is_asked(counted: set[str], text: str, stated: bool) -> None:
    assert states(Detail.COUNT, text, frozenset(counted)) is stated


def test_a_count_of_something_else_is_declined(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(
        "A storm hit the harbour on Friday, sinking 12 fishing boats and killing three "
        "fishermen at their moorings.\n\n"
        "The lighthouse keepers record passing storms in a logbook each night.\n"
    )
    engine = Engine.from_folder(tmp_path)
    answered = engine.answer("How many boats sank in the storm at the harbour?")
    assert answered.answered and "12 fishing boats" in answered.results[0].excerpt.text
    # The passage counts boats and fishermen, not tourists: the number asked for is missing.
    near_miss = engine.answer("How many tourists were rescued when the storm hit the harbour?")
    assert (near_miss.answered, near_miss.reason) == (False, messages.NOT_STATED)
    assert near_miss.explanation["counted"] == ["tourists"]
    because = "because: it asks how many tourists, and no passage of the first page"
    assert because in render_explanation(near_miss, engine.settings)  # what --explain says
    # "How many people" counts anyone: the fishermen answer it.
    died = engine.answer("How many people died when the storm hit the harbour?")
    assert died.answered and "three fishermen" in died.results[0].excerpt.text
