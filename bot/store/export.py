"""``seedbot feedback export``: every vote with its question, cited passages and reason."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal, TextIO

from bot.store.factory import open_store
from bot.store.models import Vote

if TYPE_CHECKING:
    from bot.config import Settings

EXPORT_FIELDS = (
    "voted_at",
    "vote",
    "user_id",
    "answer_id",
    "question",
    "passage_ids",
    "offset",
    "guild_id",
    "channel_id",
    "reason",
)


def write_votes(votes: Iterator[Vote], out: TextIO, fmt: Literal["jsonl", "csv"]) -> int:
    """Write votes as JSON lines or CSV (passage ids joined by spaces); returns how many."""
    count = 0
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS) if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    for vote in votes:
        row = vote.to_row()
        if writer is not None:
            writer.writerow({**row, "passage_ids": " ".join(row["passage_ids"])})
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def export_votes(settings: Settings, out: TextIO, fmt: Literal["jsonl", "csv"]) -> int:
    """Every vote in ``settings.feedback_db``; raises ``StoreUnavailable`` if it cannot be read."""
    store = open_store(settings)
    try:
        return write_votes(store.votes(), out, fmt)
    finally:
        store.close()
