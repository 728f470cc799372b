"""Votes are durable, one per person per answer, and export as JSON lines or CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from bot.config import Settings
from bot.feedback import AnswerRecord, SqliteFeedbackStore, export_votes, new_answer_id
from bot.sync import commands_fingerprint


def record(answer_id: str | None = None) -> AnswerRecord:
    return AnswerRecord(
        id=answer_id or new_answer_id(),
        question="Who proposed a 30-day ceasefire?",
        asker_id=1,
        private=True,
        offset=3,
        top_k=3,
        passage_ids=("a.txt#p5.1", "a.txt#p21.1"),
        guild_id=10,
        channel_id=20,
    )


def test_answers_and_votes_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "votes.sqlite3"
    store = SqliteFeedbackStore(path)
    saved = record()
    store.save_answer(saved)
    store.save_vote(saved.id, 7, helpful=True)
    store.save_vote(saved.id, 7, helpful=False)  # a change of mind replaces the vote
    store.save_vote(saved.id, 8, helpful=True)
    store.close()

    reopened = SqliteFeedbackStore(path)
    assert reopened.get_answer(saved.id) == saved
    assert reopened.get_answer("000000000000") is None
    votes = sorted(reopened.votes(), key=lambda vote: vote.user_id)
    assert [(vote.user_id, vote.helpful) for vote in votes] == [(7, False), (8, True)]
    reopened.close()


def test_export_jsonl_and_csv(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, feedback_db=str(tmp_path / "v.sqlite3"))  # type: ignore[call-arg]
    store = SqliteFeedbackStore(settings.feedback_db)
    saved = record()
    store.save_answer(saved)
    store.save_vote(saved.id, 7, helpful=True)
    store.close()

    out = io.StringIO()
    assert export_votes(settings, out, "jsonl") == 1
    row = json.loads(out.getvalue())
    assert row["vote"] == "helpful"
    assert row["question"] == saved.question
    assert row["passage_ids"] == list(saved.passage_ids)

    out = io.StringIO()
    assert export_votes(settings, out, "csv") == 1
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["passage_ids"] == "a.txt#p5.1 a.txt#p21.1"
    assert rows[0]["vote"] == "helpful"


def test_export_of_an_empty_store(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, feedback_db=str(tmp_path / "none.sqlite3"))  # type: ignore[call-arg]
    out = io.StringIO()
    assert export_votes(settings, out, "csv") == 0
    assert out.getvalue().startswith("voted_at,vote,")


def test_command_fingerprint_changes_with_commands_and_targets() -> None:
    commands = [{"name": "ask", "description": "Ask"}]
    base = commands_fingerprint(commands, 1, [5])
    assert base == commands_fingerprint(list(commands), 1, [5])
    assert base != commands_fingerprint([{"name": "ask", "description": "Ask!"}], 1, [5])
    assert base != commands_fingerprint(commands, 1, [])
