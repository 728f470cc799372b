"""The question log (kept for the retention period, never a user id) and the operator's stats:
counts, grouped declined questions, the answers voted not helpful with their reasons, and
``seedbot stats`` / ``seedbot feedback export`` reading them from the database."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.stats import build_report, group_questions, render_text
from bot.store import AnswerRecord, Store, open_store
from bot.store.dialect import now
from bot.store.factory import open_database
from bot.store.schema import columns
from tests.postgres_server import postgres_url_fixture, store_target_fixture  # noqa: F401

GUILD, OTHER = 10, 11


def answer(
    number: int, question: str, passages: tuple[str, ...], guild: int = GUILD
) -> AnswerRecord:
    return AnswerRecord(f"{number:012x}", question, 1, False, 0, 3, passages, guild, 20)


def fill(store: Store) -> None:
    """What a test run sends: 6 questions in GUILD (4 answered), 1 in OTHER; 5 votes."""
    for question, answered in [
        ("Who is Kirill Dmitriev?", True),
        ("Who proposed a 30-day ceasefire?", True),
        ("Who proposed a 30-day ceasefire?", True),
        ("Where is the lunar base?", False),
        ("where is the lunar base??", False),
        ("Sport results", True),
    ]:
        reason = None if answered else "not_in_articles"
        assert store.record_question(GUILD, 20, question, answered, reason)
    assert store.record_question(
        OTHER, 30, "What is the weather on Mars?", False, "not_in_articles"
    )
    first = answer(1, "Who is Kirill Dmitriev?", ("a.txt#p1.1",))
    second = answer(2, "Who proposed a 30-day ceasefire?", ("b.txt#p5.1", "b.txt#p6.1"))
    for record in (first, second):
        store.save_answer(record)
    store.save_vote(first.id, 100, helpful=True)
    store.save_vote(first.id, 101, helpful=True)
    store.save_vote(second.id, 100, helpful=False)
    store.save_vote_reason(second.id, 101, "It does not say who")
    store.save_vote_reason(second.id, 102, "Wrong country")


def test_stats_count_what_was_sent(store_target: str) -> None:
    store = Store(open_database(store_target))
    fill(store)
    report = build_report(store, days=7, guild_id=GUILD)
    assert (report.asked, report.answered, report.declined) == (6, 4, 2)
    assert (report.helpful_votes, report.not_helpful_votes) == (2, 3)
    assert report.helpful_share == pytest.approx(0.4)
    (declined,) = report.declined_questions  # the two wordings are one question
    assert (declined.count, declined.question) in {
        (2, "Where is the lunar base?"),
        (2, "where is the lunar base??"),
    }
    (unhelpful,) = report.unhelpful_answers
    assert unhelpful.question == "Who proposed a 30-day ceasefire?"
    assert unhelpful.passage_ids == ("b.txt#p5.1", "b.txt#p6.1")
    assert (unhelpful.not_helpful, unhelpful.helpful) == (3, 0)
    assert set(unhelpful.reasons) == {"It does not say who", "Wrong country"}
    overall = build_report(store, days=7)
    assert (overall.asked, overall.declined) == (7, 3)
    store.close()


def test_the_question_log_never_holds_a_user_id(tmp_path: Path) -> None:
    store = Store(open_database(str(tmp_path / "s.sqlite3")))
    raw = sqlite3.connect(tmp_path / "s.sqlite3")
    assert not any("user" in column for column in columns(raw, "questions"))
    raw.close()
    store.record_question(GUILD, 20, "Who\x00 is\nhe?", answered=True)
    assert store.db.execute("SELECT question FROM questions") == [("Who is he?",)]
    report = build_report(store)
    assert "100" not in json.dumps(report.to_json())  # no id of a voter in the report
    store.close()


def test_questions_older_than_the_retention_are_purged(store_target: str) -> None:
    moment = [now() - timedelta(days=31)]
    store = Store(
        open_database(store_target), retention=timedelta(days=30), clock=lambda: moment[0]
    )
    store.record_question(GUILD, 20, "An old question?", False, "not_in_articles")
    unvoted, voted = (
        answer(5, "An old unvoted answer?", ("a.txt#p1.1",)),
        answer(6, "Voted?", ("a.txt#p2.1",)),
    )
    store.save_answer(unvoted)
    store.save_answer(voted)
    store.save_vote(voted.id, 1, helpful=True)
    moment[0] = now()
    purged = store.purge()
    assert (purged.questions, purged.answers) == (1, 1)
    store.record_question(GUILD, 20, "A new question?", True)
    assert [row[0] for row in store.db.execute("SELECT question FROM questions")] == [
        "A new question?"
    ]
    assert store.get_answer(unvoted.id) is None
    assert store.get_answer(voted.id) == voted  # its vote keeps it
    assert build_report(store, days=60).asked == 1
    store.close()

    moment[0] = now() - timedelta(days=40)
    old = Store(open_database(store_target), clock=lambda: moment[0])
    old.record_question(GUILD, 20, "Another old one?", False, None)
    old.close()
    assert (
        len(
            Store(open_database(store_target), clock=lambda: moment[0]).db.execute(
                "SELECT question FROM questions"
            )
        )
        == 2
    )
    again = Store(open_database(store_target))  # opening purges
    assert [row[0] for row in again.db.execute("SELECT question FROM questions")] == [
        "A new question?"
    ]
    again.close()


def test_a_running_bot_purges_as_questions_come_in(tmp_path: Path) -> None:
    moment = [now()]
    store = Store(open_database(str(tmp_path / "s.sqlite3")), clock=lambda: moment[0])
    store.record_question(GUILD, 20, "Asked on day one?", False)
    moment[0] += timedelta(minutes=30)
    store.record_question(GUILD, 20, "Asked half an hour later?", False)
    moment[0] += timedelta(days=30, minutes=-15)  # the first is past 30 days, the second not
    store.record_question(GUILD, 20, "Asked a month later?", True)
    assert [row[0] for row in store.db.execute("SELECT question FROM questions")] == [
        "Asked half an hour later?",
        "Asked a month later?",
    ]
    store.close()


def test_nearly_the_same_questions_are_one_group() -> None:
    groups = group_questions(
        [
            "Who is Dmitriev?",
            "who is dmitriev",
            "Who is Dmitriev??",
            "who is kirill dmitriev",
            "Who is Zelensky?",
            "who?",
            "What is the capital of Peru?",
            "what is the capital of peru",
        ]
    )
    assert [(group.count, group.question, group.variants) for group in groups] == [
        (4, "who is dmitriev", ("who is kirill dmitriev",)),
        (2, "what is the capital of peru", ()),
        (1, "who?", ()),  # equal counts: in alphabetical order
        (1, "Who is Zelensky?", ()),
    ]


def test_the_text_report_names_what_matters(tmp_path: Path) -> None:
    store = Store(open_database(str(tmp_path / "s.sqlite3")))
    fill(store)
    text = render_text(build_report(store, days=3))
    assert "7 asked, 4 answered, 3 declined" in text
    assert "2 helpful, 3 not helpful (40% helpful)" in text
    assert "Wrong country" in text
    assert "lunar base" in text
    store.close()


def test_seedbot_stats_and_export_read_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "votes.sqlite3"
    monkeypatch.setenv("SEEDBOT_FEEDBACK_DB", str(path))
    monkeypatch.chdir(tmp_path)  # no .env of the repository
    store = open_store_from_env()
    fill(store)
    store.close()
    assert main(["stats", "--json", "--days", "2"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["asked"], report["answered"], report["declined"]) == (7, 4, 3)
    assert report["helpful_share"] == pytest.approx(0.4)
    assert report["declined_questions"][0]["count"] == 2
    assert main(["stats"]) == 0
    assert "Last 7 days, all servers" in capsys.readouterr().out
    assert main(["feedback", "export", "--format", "csv"]) == 0
    exported = io.StringIO(capsys.readouterr().out).read()
    assert "It does not say who" in exported
    assert exported.splitlines()[0].endswith(",reason")
    assert main(["stats", "--days", "0"]) == 2


def open_store_from_env() -> Store:
    from bot.config import Settings

    return open_store(Settings())
