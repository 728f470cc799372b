"""Moved to ``bot.store``; these names stay importable here until every caller imports them
from there (delete this module then)."""

from bot.store import AnswerRecord, Store, StoreUnavailable, Vote, new_answer_id, open_store
from bot.store.export import EXPORT_FIELDS, export_votes, write_votes

FeedbackStore = Store

__all__ = [
    "EXPORT_FIELDS",
    "AnswerRecord",
    "FeedbackStore",
    "Store",
    "StoreUnavailable",
    "Vote",
    "export_votes",
    "new_answer_id",
    "open_store",
    "write_votes",
]
