"""/stats, the "Not helpful" reason modal and the question log, through the fake Discord with
the real discord.py client, checked against ``seedbot stats --json`` and ``seedbot feedback
export`` on the database the run filled, and the retention purge."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.cli import main
from bot.store import Store, open_database
from bot.store.dialect import now
from tests.fake_discord import (
    EVERYONE_PERMISSIONS,
    MANAGE_GUILD,
    FakeDiscord,
    answered,
    bot_settings,
    running_bot,
)

ANSWERED = ("Who is Kirill Dmitriev?", "Who proposed a 30-day ceasefire?")
DECLINED = ("How do I bake sourdough bread?", "how do i bake sourdough bread??")
IN_QA_CHANNEL = "Who is Steve Witkoff?"
REASON = "It quotes the wrong article, not the one about the envoy"


def cli_json(
    args: list[str], db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Any:
    monkeypatch.setenv("SEEDBOT_FEEDBACK_DB", str(db))
    capsys.readouterr()
    assert main(args) == 0
    out = capsys.readouterr().out
    return (
        json.loads(out) if args[0] == "stats" else [json.loads(line) for line in out.splitlines()]
    )


async def test_stats_and_reasons_match_what_was_sent(
    fake: FakeDiscord,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    settings = bot_settings(fake, tmp_path)
    asker, voter, fan = (fake.user(fake.snowflake(), name) for name in ("asker", "voter", "fan"))
    async with running_bot(settings):
        for question in (*ANSWERED, *DECLINED):
            trace = await fake.send_interaction(
                fake.command_interaction("ask", {"question": question}, user=asker)
            )
            await answered(trace)
            if question == ANSWERED[0]:
                answer = fake.messages[max(fake.messages)]
        in_qa = await fake.send_message(IN_QA_CHANNEL, channel_id=fake.qa_channel_id)
        await fake.reply_to(in_qa)
        chatter = await fake.send_message(
            f"<@{fake.bot_user['id']}> thanks!", mentions=[fake.bot_user]
        )
        await fake.reply_to(chatter)  # chatter: replied to, but not a question asked

        up = fake.vote_button(answer, "up")
        down = fake.vote_button(answer, "down")
        vote = await fake.send_interaction(fake.component_interaction(answer, down, user=voter))
        await answered(vote)
        assert vote.modal is not None, "Not helpful opens the reason modal"
        field = vote.modal["components"][0]["component"]
        assert field["max_length"] == 300 and field["required"] is False
        submit = await fake.send_interaction(
            fake.modal_submit_interaction(vote, {"reason": REASON}, user=voter)
        )
        submitted = await answered(submit)
        helpful = await fake.send_interaction(fake.component_interaction(answer, up, user=fan))
        await answered(helpful)

        stats = await fake.send_interaction(
            fake.command_interaction(
                "stats", {"days": 7}, permissions=EVERYONE_PERMISSIONS | MANAGE_GUILD
            )
        )
        report = (await answered(stats))["embeds"][0]["description"]

    assert submitted["content"] == texts.REASON_THANKS and submit.ephemeral
    assert stats.ephemeral
    assert "5 asked, 3 answered, 2 declined" in report
    assert "1 helpful, 1 not helpful (50% helpful)" in report
    assert "2  how do i bake sourdough bread" in report.lower()  # one group of two
    assert REASON in report
    for user in (asker, voter, fan):
        assert user["id"] not in report

    db = tmp_path / "feedback.sqlite3"
    counts = cli_json(["stats", "--json"], db, monkeypatch, capsys)
    assert (counts["asked"], counts["answered"], counts["declined"]) == (5, 3, 2)
    assert (counts["helpful_votes"], counts["not_helpful_votes"]) == (1, 1)
    assert [group["count"] for group in counts["declined_questions"]] == [2]
    assert counts["unhelpful_answers"][0]["reasons"] == [REASON]
    exported = cli_json(["feedback", "export"], db, monkeypatch, capsys)
    assert {(row["vote"], row["reason"]) for row in exported} == {
        ("not_helpful", REASON),
        ("helpful", None),
    }


async def test_closing_the_modal_keeps_the_vote_and_an_empty_reason_stores_none(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    settings = bot_settings(fake, tmp_path)
    voter = fake.user(fake.snowflake(), "voter")
    async with running_bot(settings) as bot:
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": ANSWERED[0]})
        )
        await answered(trace)
        answer = fake.messages[max(fake.messages)]
        down = fake.vote_button(answer, "down")
        vote = await fake.send_interaction(fake.component_interaction(answer, down, user=voter))
        await answered(vote)
        submit = await fake.send_interaction(
            fake.modal_submit_interaction(vote, {"reason": "   "}, user=voter)
        )
        assert (await answered(submit))["content"] == texts.REASON_EMPTY
        votes = list(bot.feedback.votes())
    assert [(v.helpful, v.reason) for v in votes] == [(False, None)]


async def test_questions_older_than_the_retention_period_are_purged(
    fake: FakeDiscord,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = bot_settings(fake, tmp_path, question_log_days=30)
    async with running_bot(settings):
        for question in (ANSWERED[0], DECLINED[0]):
            trace = await fake.send_interaction(
                fake.command_interaction("ask", {"question": question})
            )
            await answered(trace)
    db = tmp_path / "feedback.sqlite3"
    assert cli_json(["stats", "--json", "--days", "365"], db, monkeypatch, capsys)["asked"] == 2
    # The same database 31 days on: the store purges what is past the retention period.
    later = Store(
        open_database(str(db)),
        retention=timedelta(days=30),
        clock=lambda: now() + timedelta(days=31),
    )
    later.close()
    after = cli_json(["stats", "--json", "--days", "365"], db, monkeypatch, capsys)
    assert (after["asked"], after["declined_questions"]) == (0, [])


async def test_reasons_of_two_voters_at_once_and_after_a_restart_are_all_saved(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    settings = bot_settings(fake, tmp_path)
    first, second = fake.user(fake.snowflake(), "first"), fake.user(fake.snowflake(), "second")
    async with running_bot(settings):
        trace = await fake.send_interaction(
            fake.command_interaction("ask", {"question": ANSWERED[0]})
        )
        await answered(trace)
        answer = fake.messages[max(fake.messages)]
        down = fake.vote_button(answer, "down")
        votes = []
        for voter in (first, second):  # both modals open at once, on the same answer
            vote = await fake.send_interaction(fake.component_interaction(answer, down, user=voter))
            await answered(vote)
            votes.append(vote)
        submit = await fake.send_interaction(
            fake.modal_submit_interaction(votes[0], {"reason": "too vague"}, user=first)
        )
        assert (await answered(submit))["content"] == texts.REASON_THANKS
    async with running_bot(settings) as bot:  # the second submits after a restart
        submit = await fake.send_interaction(
            fake.modal_submit_interaction(votes[1], {"reason": "wrong person"}, user=second)
        )
        assert (await answered(submit))["content"] == texts.REASON_THANKS
        reasons = {vote.user_id: vote.reason for vote in bot.feedback.votes()}
    assert reasons == {int(first["id"]): "too vague", int(second["id"]): "wrong person"}
