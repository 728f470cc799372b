"""Chatter (said to people) against questions (asked of the articles), in every style.

These examples are written for the general case, apart from the labelled set that
``python -m bench.chatter`` measures.
"""

import pytest

from retrieval.chatter import Chatter, chatter, is_chatter


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("thanks!", Chatter.THANKS),
        ("<@1234567890> thank you bot", Chatter.THANKS),
        ("ty that's exactly it", Chatter.THANKS),
        ("good bot", Chatter.PRAISE),
        ("great answer", Chatter.PRAISE),
        ("you're the best", Chatter.PRAISE),
        ("bad bot", Chatter.CRITICISM),
        ("lol", Chatter.LAUGHTER),
        ("LMAOOO", Chatter.LAUGHTER),
        ("hahahaha", Chatter.LAUGHTER),
        ("hi", Chatter.GREETING),
        ("good morning everyone", Chatter.GREETING),
        ("bye!", Chatter.FAREWELL),
        ("brb", Chatter.FAREWELL),
        ("yeah i agree", Chatter.REMARK),
        ("fair enough", Chatter.AGREEMENT),
        ("ok", Chatter.AGREEMENT),
        ("wow", Chatter.REACTION),
        ("👍👍", Chatter.EMOJI),
        ("<:pepe:123456789>", Chatter.EMOJI),
        ("i think putin is lying", Chatter.REMARK),
        ("russia will never back down", Chatter.REMARK),
        ("the talks collapsed again", Chatter.REMARK),
        ("what a joke", Chatter.REMARK),
        ("who cares", Chatter.REMARK),
        ("what did you expect?", Chatter.REMARK),
        ("interesting article", Chatter.REACTION),
        ("great article", Chatter.PRAISE),
        ("same here", Chatter.AGREEMENT),
        ("10/10 answer", Chatter.PRAISE),
        ("wow, what a circus", Chatter.REMARK),
    ],
)
def test_chatter_is_recognised_with_its_kind(message: str, kind: Chatter) -> None:
    assert chatter(message) is kind


@pytest.mark.parametrize(
    "question",
    [
        "Witkoff",
        "putin trump phone call",
        "2022?",
        "When did the war start",
        "did zelensky agree",
        "is it true that trump prayed for putin",
        "what's the deal with the portrait",
        "whats the latest",
        "explain secondary tariffs pls",
        "tell me about NATO",
        "gimme the dates",
        "i need the author of the july piece",
        "looking for the date of the oval office meeting",
        "remind me who Peskov is",
        "info on dmitriev",
        "Zelensky's reaction to the proposal",
        "hey bot, quick q: who is Witkoff?",
        "ok so why did the us pause the weapons",
        "thanks! and who signed it?",
        "lol what did trump say",
        "why?",
        "tell me more",
        "articles",
        "good morning, who is witkoff",
        "thanks, who signed it",
        "hello. when did it start",
    ],
)
def test_questions_are_not_chatter(question: str) -> None:
    assert not is_chatter(question), chatter(question)
