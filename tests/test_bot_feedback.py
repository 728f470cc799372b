"""Answers and votes behave the same on SQLite and PostgreSQL: durable, one vote per person per
answer, the first record keeps a repeated id, reasons cleaned, exported as JSON lines or CSV."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from bot.config import Settings
from bot.store import AnswerRecord, AnswerSaved, Store, VoteSaved, new_answer_id, open_store
from bot.store.export import export_votes
from bot.store.factory import open_database
from bot.sync import commands_fingerprint
from tests.postgres_server import postgres_url_fixture, store_target_fixture  # noqa: F401


def record(
    answer_id: str | None = None, question: str = "Who proposed a 30-day ceasefire?"
) -> AnswerRecord:
    return AnswerRecord(
        id=answer_id or new_answer_id(),
        question=question,
        asker_id=2**62,
        private=True,
        offset=3,
        top_k=3,
        passage_ids=("a.txt#p5.1", "a.txt#p21.1"),
        guild_id=2**60,
        channel_id=20,
    )


def settings_for(target: str) -> Settings:
    return Settings(_env_file=None, feedback_db=target)  # type: ignore[call-arg]


def test_answers_and_votes_survive_reopening(store_target: str) -> None:
    store = open_store(settings_for(store_target))
    saved = record()
    assert store.save_answer(saved) is AnswerSaved.SAVED
    assert store.save_vote(saved.id, 7, helpful=True) is VoteSaved.RECORDED
    assert store.save_vote(saved.id, 7, helpful=False) is VoteSaved.RECORDED  # a change of mind
    assert store.save_vote(saved.id, 8, helpful=True) is VoteSaved.RECORDED
    store.close()

    reopened = open_store(settings_for(store_target))
    assert reopened.get_answer(saved.id) == saved
    assert reopened.get_answer("000000000000") is None
    votes = sorted(reopened.votes(), key=lambda vote: vote.user_id)
    assert [(vote.user_id, vote.helpful) for vote in votes] == [(7, False), (8, True)]
    assert all(vote.voted_at.endswith("+00:00") for vote in votes)
    reopened.close()


def test_a_repeated_answer_id_keeps_the_first_record(store_target: str) -> None:
    store = open_store(settings_for(store_target))
    first = record("0123456789ab")
    assert store.save_answer(first) is AnswerSaved.SAVED
    store.save_vote(first.id, 7, helpful=False)
    assert store.save_answer(first) is AnswerSaved.ALREADY_SAVED  # a retry changes nothing
    other = record("0123456789ab", question="Something else entirely?")
    assert store.save_answer(other) is AnswerSaved.ID_TAKEN
    assert store.get_answer(first.id) == first
    (vote,) = store.votes()
    assert vote.answer == first  # the vote still belongs to the question it was cast on
    store.close()


def test_a_vote_for_an_unknown_answer_is_refused(store_target: str) -> None:
    store = open_store(settings_for(store_target))
    assert store.save_vote("ffffffffffff", 7, helpful=True) is VoteSaved.UNKNOWN_ANSWER
    assert store.save_vote_reason("ffffffffffff", 7, "no") is VoteSaved.UNKNOWN_ANSWER
    assert list(store.votes()) == []
    store.close()


def test_reasons_are_cleaned_kept_and_dropped_with_the_vote(store_target: str) -> None:
    store = open_store(settings_for(store_target))
    saved = record()
    store.save_answer(saved)
    store.save_vote(saved.id, 7, helpful=False)
    dirty = "Quotes\x00 were \u202eabout\nthe wrong\x1b[31m person " + "x" * 400
    assert store.save_vote_reason(saved.id, 7, dirty) is VoteSaved.RECORDED
    (vote,) = store.votes()
    assert vote.helpful is False
    assert vote.reason is not None
    assert vote.reason.startswith("Quotes were about the wrong person xxx")
    assert len(vote.reason) == 300
    assert all(char.isprintable() for char in vote.reason)

    store.save_vote(saved.id, 7, helpful=False)  # clicking "Not helpful" again keeps it
    assert next(store.votes()).reason == vote.reason
    store.save_vote(saved.id, 7, helpful=True)  # a change of mind drops it
    assert next(store.votes()).reason is None
    # A reason without a recorded vote (the vote's write failed) records the vote with it.
    assert store.save_vote_reason(saved.id, 9, "  too vague  ") is VoteSaved.RECORDED
    by_user = {vote.user_id: vote for vote in store.votes()}
    assert (by_user[9].helpful, by_user[9].reason) == (False, "too vague")
    store.close()


def test_export_jsonl_and_csv_with_reasons(store_target: str) -> None:
    settings = settings_for(store_target)
    store = open_store(settings)
    saved = record()
    store.save_answer(saved)
    store.save_vote(saved.id, 7, helpful=True)
    store.save_vote_reason(saved.id, 8, "It quotes the wrong article")
    store.close()

    out = io.StringIO()
    assert export_votes(settings, out, "jsonl") == 2
    rows = sorted(
        (json.loads(line) for line in out.getvalue().splitlines()), key=lambda r: r["user_id"]
    )
    assert [row["vote"] for row in rows] == ["helpful", "not_helpful"]
    assert [row["reason"] for row in rows] == [None, "It quotes the wrong article"]
    assert rows[0]["question"] == saved.question
    assert rows[0]["passage_ids"] == list(saved.passage_ids)
    assert rows[0]["guild_id"] == 2**60

    out = io.StringIO()
    assert export_votes(settings, out, "csv") == 2
    table = sorted(csv.DictReader(io.StringIO(out.getvalue())), key=lambda r: r["user_id"])
    assert table[0]["passage_ids"] == "a.txt#p5.1 a.txt#p21.1"
    assert table[1]["reason"] == "It quotes the wrong article"


def test_export_of_an_empty_store(tmp_path: Path) -> None:
    out = io.StringIO()
    assert export_votes(settings_for(str(tmp_path / "none.sqlite3")), out, "csv") == 0
    assert out.getvalue().startswith("voted_at,vote,")
    assert out.getvalue().splitlines()[0].endswith(",reason")


def test_a_database_from_before_vote_reasons_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE answers (id TEXT PRIMARY KEY, question TEXT NOT NULL, asker_id INTEGER NOT NULL,
            private INTEGER NOT NULL, "offset" INTEGER NOT NULL, top_k INTEGER NOT NULL,
            passage_ids TEXT NOT NULL, guild_id INTEGER, channel_id INTEGER, created_at TEXT NOT NULL);
        CREATE TABLE votes (answer_id TEXT NOT NULL REFERENCES answers(id), user_id INTEGER NOT NULL,
            helpful INTEGER NOT NULL, voted_at TEXT NOT NULL, PRIMARY KEY (answer_id, user_id));
        INSERT INTO answers VALUES ('aaaaaaaaaaaa', 'Old question?', 1, 0, 0, 3, '["a.txt#p1.1"]',
            NULL, NULL, '2026-01-01T00:00:00+00:00');
        INSERT INTO votes VALUES ('aaaaaaaaaaaa', 5, 0, '2026-01-02T00:00:00+00:00');
        """
    )
    old.close()
    store = Store(open_database(str(path)))
    (vote,) = store.votes()
    assert (vote.answer.question, vote.helpful, vote.reason) == ("Old question?", False, None)
    assert store.save_vote_reason("aaaaaaaaaaaa", 5, "outdated") is VoteSaved.RECORDED
    assert next(store.votes()).reason == "outdated"
    store.close()


def test_answer_ids_are_short_and_distinct() -> None:
    ids = {new_answer_id() for _ in range(10_000)}
    assert len(ids) == 10_000
    assert all(len(answer_id) == 12 and int(answer_id, 16) >= 0 for answer_id in ids)


def test_command_fingerprint_changes_with_commands_and_targets() -> None:
    commands = [{"name": "ask", "description": "Ask"}]
    base = commands_fingerprint(commands, 1, [5])
    assert base == commands_fingerprint(list(commands), 1, [5])
    assert base != commands_fingerprint([{"name": "ask", "description": "Ask!"}], 1, [5])
    assert base != commands_fingerprint(commands, 1, [])
