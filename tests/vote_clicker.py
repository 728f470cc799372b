"""A process that votes as fast as it can and says which votes were recorded, to be killed.

    python -m tests.vote_clicker DB ANSWER_ID FIRST_USER COUNT

Prints one user id per line right after ``save_vote`` returned ``RECORDED`` for it (the
moment the bot would tell Discord "vote recorded"); the crash tests and ``bench/vote_crash``
kill it with SIGKILL at random and check that every printed vote is in the database.
"""

from __future__ import annotations

import sys

from bot.store import AnswerRecord, Store, VoteSaved
from bot.store.sqlite import SqliteDatabase


def main(path: str, answer_id: str, first: int, count: int) -> None:
    store = Store(SqliteDatabase(path))
    store.save_answer(
        AnswerRecord(answer_id, "Who proposed a ceasefire?", 1, False, 0, 3, ("a.txt#p1.1",))
    )
    print("ready", flush=True)
    for user in range(first, first + count):
        if store.save_vote(answer_id, user, helpful=user % 2 == 0) is VoteSaved.RECORDED:
            print(user, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
