"""Conversations through the fake Discord with the real discord.py client: follow-ups one
level deep, chatter, questions sent while the articles load, paging in place."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bot.engine_holder import AnswerEngine, default_engine_factory
from tests.fake_discord import (
    CALLBACK_DEFERRED,
    CALLBACK_DEFERRED_UPDATE,
    CALLBACK_MESSAGE,
    FakeDiscord,
    answered,
    bot_settings,
    running_bot,
)


def last_message(fake: FakeDiscord) -> dict[str, Any]:
    return fake.messages[max(fake.messages)]


def mention(fake: FakeDiscord, text: str) -> str:
    return f"<@{fake.bot_user['id']}> {text}"


async def test_a_chain_of_replies_is_read_with_one_question_each(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        first = await fake.send_message(
            mention(fake, "Who proposed a 30-day ceasefire?"), mentions=[fake.bot_user]
        )
        await fake.reply_to(first)
        titles = []
        for reply in ("why?", "what about Zelensky?", "and the date?"):
            sent = await fake.send_message(reply, reply_to=last_message(fake))
            titles.append((await fake.reply_to(sent)).body["embeds"][0]["title"])
        # A reply after the chain that is not a follow-up is read alone.
        alone = await fake.send_message("Who is Kirill Dmitriev?", reply_to=last_message(fake))
        titles.append((await fake.reply_to(alone)).body["embeds"][0]["title"])
    assert titles == [
        "why? (Who proposed a 30-day ceasefire?)",
        "what about Zelensky? (Who proposed a 30-day ceasefire?)",
        "and the date? (Who proposed a 30-day ceasefire?)",
        "Who is Kirill Dmitriev?",
    ]


async def test_why_after_an_answer_searches_for_the_reason(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        question = await fake.send_message(
            mention(fake, "Who is Kirill Dmitriev?"), mentions=[fake.bot_user]
        )
        first = (await fake.reply_to(question)).body["embeds"][0]
        why = await fake.send_message("why?", reply_to=last_message(fake))
        reason = (await fake.reply_to(why)).body["embeds"][0]
    assert reason["title"] == "why? (Who is Kirill Dmitriev?)"
    first_quote = reason["description"].split("\n")[0]
    assert "reason" in first_quote  # "It is also probably the reason for … Dmitriev’s visit"
    assert reason["description"] != first["description"]


@pytest.mark.parametrize("chatter", ["thanks, that helps", "good bot", "lol"])
async def test_chatter_said_to_the_bot_gets_a_short_reply_not_a_search(
    fake: FakeDiscord, tmp_path: Path, chatter: str
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)) as bot:
        question = await fake.send_message(
            mention(fake, "Who is Steve Witkoff?"), mentions=[fake.bot_user]
        )
        await fake.reply_to(question)
        engine = bot.engines.current
        assert engine is not None
        searched: list[str] = []
        real_answer = engine.answer

        def spying(text: str, **options: Any) -> Any:
            searched.append(text)
            return real_answer(text, **options)

        engine.answer = spying  # type: ignore[method-assign]
        as_reply = await fake.send_message(chatter, reply_to=last_message(fake))
        by_reply = (await fake.reply_to(as_reply)).body
        as_mention = await fake.send_message(mention(fake, chatter), mentions=[fake.bot_user])
        by_mention = (await fake.reply_to(as_mention)).body
    assert searched == []
    for body in (by_reply, by_mention):
        embed = body["embeds"][0]
        assert "title" not in embed  # no question echoed, no "nothing found"
        assert len(embed["description"]) < 200
        assert "I found nothing" not in embed["description"]
        assert not body.get("components")  # no answer buttons


async def test_in_a_qa_channel_only_questions_are_answered(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        before = len(fake.requests)
        for chatter in ("i think it's fake news tbh", "lol", "👍", "ok", "the talks failed again"):
            await fake.send_message(chatter, channel_id=fake.qa_channel_id)
        question = await fake.send_message(
            "did finland leave the ottawa treaty", channel_id=fake.qa_channel_id
        )
        reply = await fake.reply_to(question)
        await asyncio.sleep(0.3)
    posts = [r for r in fake.requests[before:] if r.method == "POST" and "/messages" in r.path]
    assert posts == [reply]


class _Gate:
    """An engine factory that waits until released, as a slow first load does."""

    def __init__(self, settings: Any) -> None:
        self._build = default_engine_factory(settings)
        self.release = threading.Event()

    def __call__(self) -> AnswerEngine:
        assert self.release.wait(60)
        return self._build()


async def test_questions_sent_while_loading_are_answered_once_loaded(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    settings = bot_settings(fake, tmp_path)
    gate = _Gate(settings)
    async with running_bot(settings, wait_for_corpus=False, engine_factory=gate) as bot:
        assert bot.engines.current is None
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": "Who is Steve Witkoff?"})
        )
        await asyncio.wait_for(trace.acked.wait(), 5)
        assert trace.callback == {"type": CALLBACK_DEFERRED}  # acknowledged at once
        before = len(fake.requests)
        await fake.send_message("lol", channel_id=fake.qa_channel_id)
        question = await fake.send_message("Who is Kirill Dmitriev?", channel_id=fake.qa_channel_id)
        await asyncio.sleep(0.5)
        assert not trace.answered.is_set()
        gate.release.set()
        slash = await answered(trace, wait=60)
        in_channel = await fake.reply_to(question, wait=60)
        await asyncio.sleep(0.3)
    assert "Witkoff" in slash["embeds"][0]["description"]
    assert "Dmitriev" in in_channel.body["embeds"][0]["description"]
    channel_posts = [
        r
        for r in fake.requests[before:]
        if r.method == "POST" and "/channels/" in r.path and r.path.endswith("/messages")
    ]
    assert channel_posts == [in_channel]  # "lol" got nothing, the question its answer


def _lighthouse_corpus(folder: Path) -> Path:
    folder.mkdir()
    for number in range(4):
        (folder / f"light{number}.md").write_text(
            f"---\ntitle: Lighthouse report {number}\nurl: https://example.org/light/{number}\n---\n"
            f"The lighthouse keeper of harbour {number} climbs the tower every night.\n\n"
            f"Ships pass the lighthouse of harbour {number} safely since the keeper came.\n",
            encoding="utf-8",
        )
    (folder / "glacier.md").write_text(
        "Glaciers carve valleys slowly over thousands of years.\n", encoding="utf-8"
    )
    return folder


async def test_more_results_pages_in_place_to_its_end(fake: FakeDiscord, tmp_path: Path) -> None:
    corpus = _lighthouse_corpus(tmp_path / "corpus")
    asker = fake.user(fake.snowflake(), "asker")
    stranger = fake.user(fake.snowflake(), "stranger")
    async with running_bot(bot_settings(fake, tmp_path, corpus_dir=corpus)):
        trace = await fake.send_interaction(
            fake.command_interaction(
                "ask", {"question": "What does the lighthouse keeper do?", "results": 3}, user=asker
            )
        )
        await answered(trace)
        message = last_message(fake)
        message_id = int(message["id"])
        labels = [c.get("label") for row in message["components"] for c in row["components"]]
        assert "Open article" in labels
        link = next(
            c
            for row in message["components"]
            for c in row["components"]
            if c.get("label") == "Open article"
        )
        assert link["url"].startswith("https://example.org/light/")

        footers = [message["embeds"][0]["footer"]["text"]]
        count = len(fake.messages)
        for _ in range(10):
            shown = fake.messages[message_id]
            forward = [i for i in fake.custom_ids(shown) if i.split(":")[1] in ("more", "next")]
            buttons = {
                c["custom_id"]: c
                for row in shown["components"]
                for c in row["components"]
                if "custom_id" in c
            }
            if not forward or buttons[forward[0]].get("disabled"):
                break
            turn = await fake.send_interaction(
                fake.component_interaction(shown, forward[0], user=asker)
            )
            await answered(turn)
            assert turn.callback == {"type": CALLBACK_DEFERRED_UPDATE}
            footers.append(fake.messages[message_id]["embeds"][0]["footer"]["text"])
        assert len(fake.messages) == count  # every page edited the one message
        assert footers[0].startswith("Quotes 1–3")
        assert footers[1].startswith("Quotes 4–")
        assert "no further quote answers this question" in footers[-1]
        assert 2 <= len(footers) <= 3

        back = next(i for i in fake.custom_ids(fake.messages[message_id]) if ":prev:" in i)
        turn = await fake.send_interaction(
            fake.component_interaction(fake.messages[message_id], back, user=asker)
        )
        await answered(turn)
        assert fake.messages[message_id]["embeds"][0]["footer"]["text"] == footers[-2]

        # Someone else's click sends them their own page, privately; the message stays.
        shown = fake.messages[message_id]
        forward = next(i for i in fake.custom_ids(shown) if i.split(":")[1] in ("more", "next"))
        theirs = await fake.send_interaction(
            fake.component_interaction(shown, forward, user=stranger)
        )
        page = await answered(theirs)
        assert theirs.ephemeral
        assert page["embeds"][0]["footer"]["text"] == footers[-1]
        assert fake.messages[message_id]["embeds"] == shown["embeds"]


@pytest.mark.parametrize(
    "forge",
    [
        lambda answer_id, other: f"seedbot:passage:{answer_id}:99",
        lambda answer_id, other: f"seedbot:passage:{other}:0",
        lambda answer_id, other: f"seedbot:vote:{other}:up",
        lambda answer_id, other: f"seedbot:next:{other}",
        lambda answer_id, other: "seedbot:more:" + "f" * 90,
        lambda answer_id, other: "garbage",
        lambda answer_id, other: f"seedbot:sources:next:{answer_id}",
    ],
)
async def test_forged_custom_ids_are_refused_privately(
    fake: FakeDiscord, tmp_path: Path, forge: Any
) -> None:
    asker = fake.user(fake.snowflake(), "asker")
    async with running_bot(bot_settings(fake, tmp_path)):
        secret = await fake.send_interaction(
            fake.command_interaction(
                "ask", {"question": "Who is Kirill Dmitriev?", "private": True}, user=asker
            )
        )
        await answered(secret)
        other = fake.custom_ids(last_message(fake))[0].split(":")[2]
        public = await fake.send_interaction(
            fake.command_interaction("ask", {"question": "Who is Steve Witkoff?"})
        )
        await answered(public)
        message = last_message(fake)
        answer_id = fake.custom_ids(message)[0].split(":")[2]
        forged = await fake.send_interaction(
            fake.component_interaction(
                message, forge(answer_id, other), user=fake.user(fake.snowflake(), "x")
            )
        )
        body = await answered(forged)
    assert forged.ephemeral
    assert "not valid" in body["content"]
    assert not body.get("embeds")


class _ArticleSpy:
    """The real engine, recording the ``article`` each question was restricted to."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self.articles: list[str | None] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def answer(self, question: str, *, article: str | None = None, **options: Any) -> Any:
        self.articles.append(article)
        return self._engine.answer(question, **options)


async def test_ask_article_autocompletes_and_restricts_the_search(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    settings = bot_settings(fake, tmp_path)
    build = default_engine_factory(settings)
    spies: list[_ArticleSpy] = []

    def factory() -> AnswerEngine:
        spies.append(_ArticleSpy(build()))
        return spies[-1]  # type: ignore[return-value]

    async with running_bot(settings, engine_factory=factory):
        complete = await fake.send_interaction(
            fake.command_interaction(
                "ask", {"question": "why?", "article": "putin"}, focused="article"
            )
        )
        await answered(complete)
        assert complete.callback is not None
        choice = complete.callback["data"]["choices"][0]
        assert choice["name"].startswith("Putin tells Trump")
        trace = await fake.send_interaction(
            fake.command_interaction(
                "ask", {"question": "What did Putin tell Trump?", "article": choice["value"]}
            )
        )
        assert (await answered(trace))["embeds"][0]["description"]
        missing = await fake.send_interaction(
            fake.command_interaction(
                "ask", {"question": "What did Putin tell Trump?", "article": "no such article"}
            )
        )
        refused = await answered(missing)
    assert spies[0].articles[-1] == choice["value"]
    assert "No article matches" in refused["content"]
    assert "/sources" in refused["content"]


def _posts_to(fake: FakeDiscord, channel_id: int | str) -> list[Any]:
    return [
        r
        for r in fake.requests
        if r.method == "POST" and r.path == f"/channels/{channel_id}/messages"
    ]


async def test_questions_in_a_thread_channel_are_answered_in_a_thread(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    question = "Who proposed a 30-day ceasefire, and what did Putin offer instead of it in March?"
    async with running_bot(bot_settings(fake, tmp_path)):
        asked = await fake.send_message(
            mention(fake, question), channel_id=fake.thread_channel_id, mentions=[fake.bot_user]
        )
        answer = await fake.wait_for_request(
            lambda r: r.method == "POST" and r.path == f"/channels/{asked['id']}/messages"
        )
        thread = fake.threads[int(asked["id"])]
        follow_up = await fake.send_message("why?", channel_id=int(thread["id"]))
        because = await fake.reply_to(follow_up)
        thanks = await fake.send_message("thanks!", channel_id=int(thread["id"]))
        welcome = await fake.reply_to(thanks)
    assert thread["name"] == question  # 81 characters: the whole question
    assert thread["parent_id"] == str(fake.thread_channel_id)
    assert answer.body["embeds"][0]["title"] == question
    assert _posts_to(fake, fake.thread_channel_id) == []  # nothing in the channel itself
    assert because.path == f"/channels/{thread['id']}/messages"  # in the thread, no mention
    assert because.body["embeds"][0]["title"] == f"why? ({question})"
    assert welcome.body["embeds"][0]["description"].startswith("You're welcome")


async def test_without_thread_permission_the_answer_is_a_reply_in_place(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    fake.refuse_threads = True
    async with running_bot(bot_settings(fake, tmp_path)):
        asked = await fake.send_message(
            mention(fake, "Who is Steve Witkoff?"),
            channel_id=fake.thread_channel_id,
            mentions=[fake.bot_user],
        )
        reply = await fake.reply_to(asked)
    assert "Witkoff" in reply.body["embeds"][0]["description"]
    assert reply.path == f"/channels/{fake.thread_channel_id}/messages"
    assert fake.threads == {}


async def test_slow_checks_acknowledge_ask_before_they_finish(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst queues the chatter checks behind each other: /ask is acknowledged with
    "thinking…" once they take longer than ``ACK_CHECKS_SECONDS``, and the reply follows."""
    from bot import answering
    from bot.limits import ACK_CHECKS_SECONDS

    real_chatter = answering.chatter
    finished: list[float] = []  # when each slow check ended, on the fake's clock

    def slow_chatter(text: str) -> Any:
        threading.Event().wait(ACK_CHECKS_SECONDS + 1.0)
        finished.append(time.perf_counter())
        return real_chatter(text)

    async with running_bot(bot_settings(fake, tmp_path)):
        quick = await fake.send_interaction(
            fake.command_interaction("ask", {"question": "thanks a lot"})
        )
        quick_reply = await answered(quick)
        monkeypatch.setattr(answering, "chatter", slow_chatter)
        thanks = await fake.send_interaction(
            fake.command_interaction("ask", {"question": "thanks a lot"})
        )
        question = await fake.send_interaction(
            fake.command_interaction("ask", {"question": "Who is Steve Witkoff?"})
        )
        thanks_reply = await answered(thanks)
        answer = await answered(question)
    assert quick.callback is not None and quick.callback["type"] == CALLBACK_MESSAGE
    assert quick_reply["embeds"][0]["description"].startswith("You're welcome")
    assert len(finished) == 2
    for trace in (thanks, question):
        assert trace.callback == {"type": CALLBACK_DEFERRED}
        assert trace.acked_at is not None and trace.acked_at < min(finished)  # before the checks
    assert thanks_reply["embeds"][0]["description"].startswith("You're welcome")
    assert "Witkoff" in answer["embeds"][0]["description"]


async def test_a_statement_is_left_alone_in_a_qa_channel_and_checked_when_said_to_the_bot(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    claim = "the united states paused some arms shipments to ukraine"
    async with running_bot(bot_settings(fake, tmp_path)):
        before = len(fake.requests)
        await fake.send_message(claim, channel_id=fake.qa_channel_id)
        await asyncio.sleep(0.5)
        posts = [r for r in fake.requests[before:] if r.method == "POST"]
        said = await fake.send_message(mention(fake, claim), mentions=[fake.bot_user])
        checked = (await fake.reply_to(said)).body["embeds"][0]
        trace = await fake.send_interaction(fake.command_interaction("ask", {"question": claim}))
        by_command = (await answered(trace))["embeds"][0]
    assert posts == []  # a recap among members: no reply
    for embed in (checked, by_command):  # said to the bot: what the articles say about it
        assert "paused" in embed["description"]
        assert embed.get("title")
