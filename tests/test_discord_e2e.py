"""The real discord.py client against the fake Discord, over the real seeds/ corpus."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot import limits
from bot.store.export import export_votes
from tests.fake_discord import (
    CALLBACK_AUTOCOMPLETE,
    CALLBACK_DEFERRED,
    CALLBACK_DEFERRED_UPDATE,
    CALLBACK_MESSAGE,
    CALLBACK_UPDATE,
    MANAGE_GUILD,
    FakeDiscord,
    InteractionTrace,
    bot_settings,
    running_bot,
)
from tests.paths import SECOND_ARTICLE

CEASEFIRE = "Who proposed a 30-day ceasefire?"  # one quote answers it
SEVERAL_ANSWERS = "What did Putin tell Trump?"  # nine quotes do: three pages


async def answered(trace: InteractionTrace, wait: float = 10.0) -> dict[str, Any]:
    await asyncio.wait_for(trace.answered.wait(), wait)
    assert trace.final is not None
    return trace.final


def assert_within_limits(body: dict[str, Any]) -> None:
    assert len(body.get("content") or "") <= limits.MESSAGE_CONTENT
    embeds = body.get("embeds") or []
    assert len(embeds) <= limits.EMBEDS_PER_MESSAGE
    for embed in embeds:
        total = 0
        for key, limit in (
            ("title", limits.EMBED_TITLE),
            ("description", limits.EMBED_DESCRIPTION),
        ):
            assert len(embed.get(key, "")) <= limit
            total += len(embed.get(key, ""))
        footer = embed.get("footer", {}).get("text", "")
        assert len(footer) <= limits.EMBED_FOOTER
        fields = embed.get("fields", [])
        assert len(fields) <= limits.EMBED_FIELDS
        for embed_field in fields:
            assert len(embed_field["name"]) <= limits.EMBED_FIELD_NAME
            assert len(embed_field["value"]) <= limits.EMBED_FIELD_VALUE
            total += len(embed_field["name"]) + len(embed_field["value"])
        assert total + len(footer) <= limits.EMBED_TOTAL
    rows = body.get("components") or []
    assert len(rows) <= limits.ACTION_ROWS
    for row in rows:
        assert len(row["components"]) <= limits.BUTTONS_PER_ROW


def assert_no_pings(fake: FakeDiscord) -> None:
    """Every message the bot created or edited allows no mention at all."""
    bodies = fake.message_bodies()
    assert bodies
    for body in bodies:
        mentions = body.get("allowed_mentions")
        assert mentions is not None, body
        assert mentions.get("parse") == []
        assert not mentions.get("users")
        assert not mentions.get("roles")
        assert not mentions.get("replied_user")
        assert_within_limits(body)


async def test_ask_is_acknowledged_fast_and_answered_with_cited_quotes(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": CEASEFIRE})
        )
        final = await answered(trace)
    assert trace.ack_seconds is not None
    assert trace.ack_seconds < limits.INTERACTION_ACK_SECONDS
    assert trace.callback == {"type": CALLBACK_DEFERRED}
    description = final["embeds"][0]["description"]
    assert "**30-day** general **ceasefire**" in description  # query terms in bold
    first_block = description.split("\n\n")[0]
    assert first_block.startswith("> ")
    assert (
        "*Ending Russia’s war in Ukraine was one of Donald Trump’s…*" in first_block
    )  # untitled: its first words name it
    assert "paragraph 5" in first_block
    labels = [c["label"] for row in final["components"] for c in row["components"]]
    assert {"Helpful", "Not helpful", "Full passage 1"} <= set(labels)
    assert "More results" not in labels  # no other quote answers it: no filler to page to
    assert_no_pings(fake)


async def test_mentions_replies_and_qa_channels_are_answered_but_bots_are_not(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)) as bot:
        question = await fake.send_message(
            f"<@{fake.bot_user['id']}> {CEASEFIRE}", mentions=[fake.bot_user]
        )
        reply = await fake.reply_to(question)
        assert "30-day" in reply.body["embeds"][0]["description"]
        assert reply.body["embeds"][0]["title"] == CEASEFIRE  # mention stripped from the echo
        answer = fake.messages[max(fake.messages)]

        follow_up = await fake.send_message("what about energy infrastructure?", reply_to=answer)
        reply = await fake.reply_to(follow_up)
        assert "energy" in reply.body["embeds"][0]["description"]

        in_qa = await fake.send_message("Who is Steve Witkoff?", channel_id=fake.qa_channel_id)
        await fake.reply_to(in_qa)

        before = len(fake.requests)
        other_bot = fake.user(fake.snowflake(), "otherbot", bot=True)
        await fake.send_message(
            f"<@{fake.bot_user['id']}> {CEASEFIRE}", author=other_bot, mentions=[fake.bot_user]
        )
        await fake.send_message(CEASEFIRE)  # plain chat in a normal channel
        await fake.send_message(CEASEFIRE, author=fake.bot_user, channel_id=fake.qa_channel_id)
        await asyncio.sleep(0.3)
        posts = [r for r in fake.requests[before:] if r.method == "POST"]
        assert posts == []
        assert bot.intents.message_content
    assert_no_pings(fake)


async def test_greetings_and_thanks_get_a_friendly_reply_not_a_search(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        hello = await fake.send_message(f"<@{fake.bot_user['id']}> hi!", mentions=[fake.bot_user])
        greeting = (await fake.reply_to(hello)).body["embeds"][0]
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": "thanks a lot"})
        )
        thanks = (await answered(trace))["embeds"][0]
    assert "Ask me a question about the articles" in greeting["description"]
    assert "`/sources`" in greeting["description"]
    assert "title" not in greeting  # not "nothing found" for a greeting
    assert thanks["description"].startswith("You're welcome")
    assert "Try other words" not in thanks["description"]
    assert_no_pings(fake)


async def test_a_reply_to_an_answer_is_read_with_its_question(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        question = await fake.send_message(
            f"<@{fake.bot_user['id']}> Who is Kirill Dmitriev?", mentions=[fake.bot_user]
        )
        await fake.reply_to(question)
        answer = fake.messages[max(fake.messages)]

        why = await fake.send_message("why did he go to Washington?", reply_to=answer)
        because = (await fake.reply_to(why)).body["embeds"][0]

        several = await fake.send_message(
            f"<@{fake.bot_user['id']}> {SEVERAL_ANSWERS}", mentions=[fake.bot_user]
        )
        await fake.reply_to(several)
        more = await fake.send_message("tell me more", reply_to=fake.messages[max(fake.messages)])
        next_page = (await fake.reply_to(more)).body["embeds"][0]
    assert because["title"] == "why did he go to Washington? (Who is Kirill Dmitriev?)"
    assert "**Dmitriev’s** visit to **Washington**" in because["description"]
    assert next_page["title"] == SEVERAL_ANSWERS
    assert next_page["footer"]["text"].startswith("Quotes 4–6")
    assert_no_pings(fake)


async def test_a_reply_is_still_answered_when_the_answer_store_fails(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)) as bot:
        question = await fake.send_message(
            f"<@{fake.bot_user['id']}> Who is Kirill Dmitriev?", mentions=[fake.bot_user]
        )
        await fake.reply_to(question)
        answer = fake.messages[max(fake.messages)]

        def broken(answer_id: str) -> None:
            raise OSError("database is down")

        monkeypatch.setattr(bot.feedback, "get_answer", broken)
        why = await fake.send_message("why did he go to Washington?", reply_to=answer)
        reply = (await fake.reply_to(why)).body["embeds"][0]
    assert reply["title"] == "why did he go to Washington?"  # answered on its own
    assert "Washington" in reply["description"]


async def test_asking_what_the_articles_are_shows_the_sources_list(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        question = await fake.send_message(
            "what are the articles about?", channel_id=fake.qa_channel_id
        )
        listing = (await fake.reply_to(question)).body["embeds"][0]
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": "which sources do you have?"})
        )
        by_command = (await answered(trace))["embeds"][0]
        author = await fake.send_message(
            "who wrote the conversation piece?", channel_id=fake.qa_channel_id
        )
        by_author = (await fake.reply_to(author)).body["embeds"][0]
        published = await fake.send_message(
            "who wrote the july article about the phone call?", channel_id=fake.qa_channel_id
        )
        card_reply = (await fake.reply_to(published)).body
        card = card_reply["embeds"][0]
    for embed in (listing, by_command):
        assert embed["title"] == "Articles (2)"
        assert "Putin tells Trump Russia won’t retreat" in embed["description"]
        assert "Jennifer Mathers" in embed["description"]
    # A question that names its article is answered with its byline, quoted and cited ...
    assert (
        "Jennifer Mathers**, Senior Lecturer in International Politics"
        in (by_author["description"])
    )
    assert "Ending Russia’s war in Ukraine" in by_author["description"]
    # ... or, when no line of the article names its author, with its card, as /source shows
    # it, saying that it names none.
    assert card_reply["content"].startswith("That article names no author")
    assert card["title"].startswith("Putin tells Trump Russia won’t retreat")
    fields = {field["name"]: field["value"] for field in card["fields"]}
    assert fields["Date"] == "July 4, 2025"
    assert_no_pings(fake)


async def test_a_question_about_an_articles_date_gets_its_card(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        trace = await fake.send_interaction(
            fake.command_interaction(
                "ask", {"question": "when was the article about the July call published?"}
            )
        )
        card = (await answered(trace))["embeds"][0]
    assert (
        card["title"]
        == "Putin tells Trump Russia won’t retreat in Ukraine as US pauses arms shipments"
    )
    assert {field["name"]: field["value"] for field in card["fields"]}["Date"] == "July 4, 2025"
    assert_no_pings(fake)


async def test_chatter_in_a_qa_channel_is_left_alone(fake: FakeDiscord, tmp_path: Path) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        before = len(fake.requests)
        for chatter in ("lol", "thanks!", "😂😂", "ok", "hi all"):
            await fake.send_message(chatter, channel_id=fake.qa_channel_id)
        await asyncio.sleep(0.5)
        assert [r for r in fake.requests[before:] if r.method == "POST"] == []

        question = await fake.send_message("Who is Steve Witkoff?", channel_id=fake.qa_channel_id)
        answer = (await fake.reply_to(question)).body["embeds"][0]
        assert "Witkoff" in answer["description"]
        said_to_bot = await fake.send_message(
            f"<@{fake.bot_user['id']}> thanks!",
            channel_id=fake.qa_channel_id,
            mentions=[fake.bot_user],
        )
        thanks = (await fake.reply_to(said_to_bot)).body["embeds"][0]
        assert thanks["description"].startswith("You're welcome")
    assert_no_pings(fake)


async def test_buttons_page_show_passages_and_votes_survive_a_restart(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    settings = bot_settings(fake, tmp_path)
    asker = fake.user(fake.snowflake(), "asker")
    async with running_bot(settings):
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": SEVERAL_ANSWERS, "results": 2}, user=asker)
        )
        await answered(trace)
        message = fake.messages[max(fake.messages)]
        more, up, down, passage_1, _passage_2 = fake.custom_ids(message)
        assert more.startswith("seedbot:more:")

        page = await fake.send_interaction(fake.component_interaction(message, more, user=asker))
        page_body = await answered(page)
        assert page_body["embeds"][0]["footer"]["text"].startswith("Quotes 3–4")

        full = await fake.send_interaction(
            fake.component_interaction(message, passage_1, user=asker)
        )
        full_body = await answered(full)
        assert full.callback is not None
        assert full.callback["type"] == CALLBACK_MESSAGE
        assert full.ephemeral
        assert "would not back down" in full_body["embeds"][0]["description"]

        vote = await fake.send_interaction(fake.component_interaction(message, up, user=asker))
        assert "Helpful" in (await answered(vote))["content"]

    # A new process: same database, same old message, its buttons still work.
    async with running_bot(settings):
        voter = fake.user(fake.snowflake(), "voter")
        vote = await fake.send_interaction(fake.component_interaction(message, down, user=voter))
        assert "Not helpful" in (await answered(vote))["title"]  # recorded; the reason modal
        again = await fake.send_interaction(fake.component_interaction(message, more, user=voter))
        assert (await answered(again))["embeds"]

    out = io.StringIO()
    assert export_votes(settings, out, "jsonl") == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {row["vote"] for row in rows} == {"helpful", "not_helpful"}
    assert all(row["question"] == SEVERAL_ANSWERS for row in rows)
    assert all(row["passage_ids"][0].startswith(SECOND_ARTICLE) for row in rows)
    assert_no_pings(fake)


async def test_only_the_asker_pages_a_private_answer(fake: FakeDiscord, tmp_path: Path) -> None:
    asker = fake.user(fake.snowflake(), "asker")
    stranger = fake.user(fake.snowflake(), "stranger")
    async with running_bot(bot_settings(fake, tmp_path)):
        trace = await fake.send_interaction(
            fake.command_interaction(
                "ask", {"question": SEVERAL_ANSWERS, "private": True}, user=asker
            )
        )
        await answered(trace)
        assert trace.ephemeral
        message = fake.messages[max(fake.messages)]
        more = fake.custom_ids(message)[0]
        denied = await fake.send_interaction(
            fake.component_interaction(message, more, user=stranger)
        )
        assert "Only the person who asked" in (await answered(denied))["content"]
        allowed = await fake.send_interaction(fake.component_interaction(message, more, user=asker))
        page = await answered(allowed)
        assert allowed.callback == {"type": CALLBACK_DEFERRED_UPDATE}  # the private page turns
        assert page["embeds"][0]["footer"]["text"].startswith("Quotes 4–6")
        assert fake.messages[int(message["id"])]["embeds"] == page["embeds"]

        # Nothing of the private answer reaches the stranger through its other buttons.
        for custom_id in fake.custom_ids(fake.messages[int(message["id"])]):
            forged = await fake.send_interaction(
                fake.component_interaction(
                    fake.messages[int(message["id"])], custom_id, user=stranger
                )
            )
            body = await answered(forged)
            assert forged.ephemeral
            assert not body.get("embeds"), custom_id


BAD_INPUTS = [
    "",
    "   \t  ",
    "the of and",
    "x" * 10_000,
    "who\x00 proposed\x07 a ceasefire\x1b[31m?",
    "😀🔥🎉",
    "Что такое НАТО?",
    "what is **bold** `code` ||spoiler||?",  # asks, so it is searched (and its title escaped)
    "@everyone <@123> <@&456>",
]


async def test_bad_inputs_get_a_clear_reply_within_limits_and_no_pings(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        traces = [
            await fake.send_interaction(fake.command_interaction("ask", {"question": text}))
            for text in BAD_INPUTS
        ]
        finals = [await answered(trace) for trace in traces]
        mention = await fake.send_message(
            f"<@{fake.bot_user['id']}> @everyone <@123> <@&456>", mentions=[fake.bot_user]
        )
        await fake.reply_to(mention)
    for trace, final in zip(traces, finals, strict=True):
        assert trace.ack_seconds is not None
        assert trace.ack_seconds < limits.INTERACTION_ACK_SECONDS
        text = (final.get("content") or "") + json.dumps(final.get("embeds") or [])
        assert text.strip()
    assert "question" in finals[0]["content"].lower()  # empty: asked to ask in words
    assert "/sources" in json.dumps(finals[6]["embeds"])  # nothing found suggests /sources
    markdown_title = finals[7]["embeds"][0]["title"]
    assert "\\*\\*bold\\*\\*" in markdown_title
    assert "\\|\\|spoiler\\|\\|" in markdown_title
    assert finals[5]["embeds"][0]["description"].startswith("👋 Ask me a question")  # emoji
    mentions_only = json.dumps(finals[8]["embeds"], ensure_ascii=False)
    assert "Ask me a question" in mentions_only  # nothing but mentions: chatter, not a search
    assert "@everyone" not in mentions_only
    assert "<@123>" not in mentions_only
    assert_no_pings(fake)


async def test_library_commands_and_autocomplete(fake: FakeDiscord, tmp_path: Path) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        sources = await fake.send_interaction(fake.command_interaction("sources"))
        assert "Articles (2)" in (await answered(sources))["embeds"][0]["title"]

        complete = await fake.send_interaction(
            fake.command_interaction("source", {"article": "putin"}, focused="article")
        )
        await answered(complete)
        assert complete.callback is not None
        assert complete.callback["type"] == CALLBACK_AUTOCOMPLETE
        choices = complete.callback["data"]["choices"]
        assert choices
        assert choices[0]["name"].startswith("Putin tells Trump")

        one = await fake.send_interaction(
            fake.command_interaction("source", {"article": choices[0]["value"]})
        )
        embed = (await answered(one))["embeds"][0]
        assert embed["title"].startswith("Putin tells Trump")
        assert {f["name"] for f in embed["fields"]} >= {"Date", "File", "Paragraphs", "Characters"}

        missing = await fake.send_interaction(
            fake.command_interaction("source", {"article": "no such article"})
        )
        assert "/sources" in (await answered(missing))["content"]

        help_ = await fake.send_interaction(fake.command_interaction("help"))
        assert "/ask" in (await answered(help_))["embeds"][0]["description"]
    assert_no_pings(fake)


async def test_sources_pages_with_buttons(fake: FakeDiscord, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(23):
        (corpus / f"{number:03}.txt").write_text(
            f"Article number {number} about harbours.\n\nShips arrive at harbour {number} daily.\n",
            encoding="utf-8",
        )
    async with running_bot(bot_settings(fake, tmp_path, corpus_dir=corpus)):
        first = await fake.send_interaction(fake.command_interaction("sources"))
        body = await answered(first)
        assert body["embeds"][0]["footer"]["text"].startswith("Page 1 of 3")
        message = fake.messages[max(fake.messages)]
        _previous, following = fake.custom_ids(message)
        turn = await fake.send_interaction(
            fake.component_interaction(message, following, user=fake.user(fake.snowflake(), "x"))
        )
        assert (await answered(turn))["embeds"][0]["footer"]["text"].startswith("Page 2 of 3")
        assert turn.callback is not None
        assert turn.callback["type"] == CALLBACK_UPDATE


async def test_reload_needs_manage_server_and_swaps_the_index(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Lighthouses guide ships at night.\n", encoding="utf-8")
    async with running_bot(bot_settings(fake, tmp_path, corpus_dir=corpus)) as bot:
        old_engine = bot.engines.current
        denied = await fake.send_interaction(fake.command_interaction("reload"))
        assert "Manage Server" in (await answered(denied))["content"]

        (corpus / "b.txt").write_text("Glaciers carve valleys slowly.\n", encoding="utf-8")
        admin = fake.command_interaction("reload", permissions=MANAGE_GUILD)
        done = await fake.send_interaction(admin)
        assert "2 articles" in (await answered(done))["content"]
        assert bot.engines.current is not old_engine

        ask = await fake.send_interaction(fake.command_interaction("ask", {"question": "glaciers"}))
        assert "Glaciers" in (await answered(ask))["embeds"][0]["description"]


async def test_cooldown_answers_kindly(fake: FakeDiscord, tmp_path: Path) -> None:
    settings = bot_settings(fake, tmp_path, cooldown_rate=1, cooldown_seconds=60)
    user = fake.user(fake.snowflake(), "quick")
    async with running_bot(settings):
        first = await fake.send_interaction(
            fake.command_interaction("ask", {"question": CEASEFIRE}, user=user)
        )
        await answered(first)
        second = await fake.send_interaction(
            fake.command_interaction("ask", {"question": CEASEFIRE}, user=user)
        )
        body = await answered(second)
    assert "wait" in body["content"]
    assert second.ephemeral


async def test_errors_are_apologised_for_and_logged(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)) as bot:
        engine = bot.engines.current
        assert engine is not None

        def broken(*_args: Any, **_kwargs: Any) -> Any:
            raise RuntimeError("index exploded")

        engine.answer = broken  # type: ignore[method-assign]
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": CEASEFIRE})
        )
        body = await answered(trace)
        assert "Sorry" in body["content"]
        assert "index exploded" in caplog.text


async def test_rate_limits_are_retried(fake: FakeDiscord, tmp_path: Path) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        fake.fail_next("POST", r"^/webhooks/", times=1)
        fake.fail_next("POST", r"^/channels/\d+/messages$", times=1)
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": CEASEFIRE})
        )
        assert (await answered(trace))["embeds"]
        question = await fake.send_message(
            f"<@{fake.bot_user['id']}> {CEASEFIRE}", mentions=[fake.bot_user]
        )
        await fake.reply_to(question)
    statuses = [r.path for r in fake.requests if r.method == "POST"]
    webhook_posts = [p for p in statuses if p.startswith("/webhooks/")]
    assert len(webhook_posts) == 2  # the 429, then the retry


async def test_dropped_gateway_is_resumed_and_the_bot_keeps_answering(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path)):
        await fake.drop_gateway()
        await asyncio.wait_for(fake.connected.wait(), 15)
        assert fake.resumes
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": CEASEFIRE})
        )
        assert (await answered(trace))["embeds"]
        assert fake.heartbeats


async def test_commands_sync_only_when_they_change(fake: FakeDiscord, tmp_path: Path) -> None:
    settings = bot_settings(fake, tmp_path)

    def syncs() -> int:
        return sum(1 for r in fake.requests if r.method == "PUT" and r.path.endswith("/commands"))

    async with running_bot(settings):
        pass
    assert syncs() == 1
    put = next(r for r in fake.requests if r.method == "PUT")
    names = {command["name"] for command in put.body}
    assert names == {
        *("ask", "sources", "source", "help", "reload", "settings", "stats"),
        "Find in the articles",
    }
    ask = next(command for command in put.body if command["name"] == "ask")
    assert ask["description"]
    assert all(option["description"] for option in ask["options"])
    async with running_bot(settings):
        pass
    assert syncs() == 1
    async with running_bot(settings.model_copy(update={"sync_commands_on_start": True})):
        pass
    assert syncs() == 2


async def test_an_unresumable_session_is_identified_again(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """Discord refuses the RESUME (INVALID_SESSION): discord.py waits 5 s, then IDENTIFYs anew."""
    async with running_bot(bot_settings(fake, tmp_path)):
        fake.sessions.clear()
        await fake.drop_gateway()
        await asyncio.wait_for(fake.connected.wait(), 20)
        assert len(fake.identifies) == 2
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": CEASEFIRE})
        )
        assert (await answered(trace))["embeds"]


async def test_without_message_content_a_hidden_reply_gets_a_hint(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake, tmp_path), message_content=False) as bot:
        assert not bot.intents.message_content
        earlier = fake.message(
            channel_id=fake.channel_id, author=fake.bot_user, body={"content": "an answer"}
        )
        reply = await fake.send_message("", reply_to=earlier)  # Discord hides the text
        sent = await fake.reply_to(reply)
        assert "mention" in sent.body["content"]
        mention = await fake.send_message(
            f"<@{fake.bot_user['id']}> {CEASEFIRE}", mentions=[fake.bot_user]
        )
        assert (await fake.reply_to(mention)).body["embeds"]
    assert_no_pings(fake)


async def test_a_detail_the_articles_leave_out_is_declined_in_words(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """The articles date the 3 July call but never say how long it lasted."""
    async with running_bot(bot_settings(fake, tmp_path)):
        trace = await fake.send_interaction(
            fake.command_interaction(
                "ask", {"question": "how long did the july 3 trump putin phone call last?"}
            )
        )
        final = await answered(trace)
    shown = json.dumps(final, ensure_ascii=False)
    assert "none of the passages I found gives the length of time you asked for" in shown
    assert "> " not in (final.get("embeds") or [{}])[0].get("description", "")  # no quote
    assert_no_pings(fake)
