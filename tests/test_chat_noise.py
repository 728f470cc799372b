"""Chat noise removal: what goes, and the content words that must stay."""

from __future__ import annotations

import pytest

from retrieval.chat_noise import CHAT_FILLER, strip_chat_noise


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("<@1234567890> who is witkoff", "who is witkoff"),
        ("<@!1234567890> whats russia demanding", "whats russia demanding"),
        ("<@&42> <#99> who is peskov", "who is peskov"),
        ("@everyone @here who is dmitriev", "who is dmitriev"),
        ("tldr pls what did putin say to trump", "what did putin say to trump"),
        ("TL;DR: what did putin say", "what did putin say"),
        ("yo why cant trump end the war lol", "why cant trump end the war"),
        ("hey bot how many died in sumy 😢", "how many died in sumy"),
        ("heyyy plsss who is witkoff lmaooo", "who is witkoff"),
        ("hey, bro, who is peskov lol?", "who is peskov?"),
        ("thx! and what about the oil refineries?", "and what about the oil refineries?"),
        ("can you tell me what the patriot thing is :thinking:", "what the patriot thing is"),
        ("Does anyone know   when the call was?", "when the call was?"),
        ("is trump gonna give up?? 😬😬 👍🏽 🇺🇦", "is trump gonna give up??"),
        ("👨‍👩‍👧 family emoji", "family emoji"),
        ("1️⃣ ceasefire", "1 ceasefire"),
        ("<:pepe:123456> <a:wave:987> ceasefire", "ceasefire"),
        ("did they talk? https://example.com/news?id=1 <https://x.org/a>", "did they talk?"),
        ("see www.example.com/news please", "see"),
    ],
)
def test_strips_chat_noise(message: str, question: str) -> None:
    assert strip_chat_noise(message) == question


@pytest.mark.parametrize(
    "question",
    [
        "Did Zelensky thank Trump?",
        "Why did the US pause arms shipments to Ukraine?",
        "What did the bot farms post?",
        "What happened at 10:30:00 on 3 July?",
        "Is hi-tech aid OK’d by Congress?",
        "Who is Yuri Ushakov?",
        "Russia’s so-called “special military operation” — what is it?",
        "नमस्ते\u200dदुनिया",  # a joiner inside another script stays
    ],
)
def test_keeps_content_verbatim(question: str) -> None:
    assert strip_chat_noise(question) == question


@pytest.mark.parametrize("message", ["<@123> ??", "👍🏽 ok", "lol", "hi bot!", "", "   "])
def test_nothing_left_gives_empty_string(message: str) -> None:
    assert strip_chat_noise(message) == ""


def test_filler_set_is_lower_case_and_spares_content_words() -> None:
    assert all(word == word.lower() for word in CHAT_FILLER)
    assert {"tldr", "pls", "lol", "thx"} <= CHAT_FILLER
    assert not {"us", "bot", "thank", "war", "who", "what"} & CHAT_FILLER
