"""What the store keeps, as plain frozen values, and the outcomes its writes report.

Kept apart from the SQL so the answering service, the Discord views and the reports can use
the records without importing a database driver.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

REASON_MAX_CHARS = 300  # Discord's modal field for "why not helpful" allows as many
QUESTION_MAX_CHARS = 1_000  # the question log keeps this much of a question


@dataclass(frozen=True)
class AnswerRecord:
    """One page of an answer as sent: enough to page on, show passages and attribute votes."""

    id: str
    question: str
    asker_id: int
    private: bool
    offset: int
    top_k: int
    passage_ids: tuple[str, ...]
    guild_id: int | None = None
    channel_id: int | None = None


@dataclass(frozen=True)
class Vote:
    """A person's latest vote on one answer page, with the reason they gave for "Not helpful"."""

    voted_at: str
    helpful: bool
    user_id: int
    answer: AnswerRecord
    reason: str | None = None

    def to_row(self) -> dict[str, Any]:
        return {
            "voted_at": self.voted_at,
            "vote": "helpful" if self.helpful else "not_helpful",
            "user_id": self.user_id,
            "answer_id": self.answer.id,
            "question": self.answer.question,
            "passage_ids": list(self.answer.passage_ids),
            "offset": self.answer.offset,
            "guild_id": self.answer.guild_id,
            "channel_id": self.answer.channel_id,
            "reason": self.reason,
        }


class AnswerSaved(StrEnum):
    """What became of ``save_answer``: the answer goes out whatever it says."""

    SAVED = "saved"
    ALREADY_SAVED = "already_saved"  # the very same record was there (a retry): nothing to do
    ID_TAKEN = "id_taken"  # another answer owns this id; the first one keeps it: pick a new id
    PENDING = "pending"  # the database is unavailable: held in memory, written when it is back


class VoteSaved(StrEnum):
    """What became of a vote; only ``RECORDED`` may be shown to the user as recorded."""

    RECORDED = "recorded"  # committed: survives a crash of the process right after
    NOT_RECORDED = "not_recorded"  # the database is unavailable: tell the user to try again
    UNKNOWN_ANSWER = "unknown_answer"  # no such answer (expired or forged id): nothing stored


_ids = random.Random(secrets.randbits(64))


def new_answer_id() -> str:
    """12 hex characters: short enough for a custom_id, random enough never to collide.

    A seeded PRNG rather than ``secrets`` per call: the id is not a secret (Discord only
    sends custom_ids that are on the message), and reading the OS entropy source on the
    event loop for every answer was measurably slow under load.
    """
    return f"{_ids.getrandbits(48):012x}"
