"""The bot's database (SQLite by default, PostgreSQL when shared): see ``store.py``.

Modules: ``models`` (records and outcomes), ``dialect`` (what differs between the two
databases), ``schema`` (the tables), ``database`` (connection, outages; ``sqlite`` and
``postgres`` connect), ``votes``, ``guild_settings``, ``questions``, ``reports`` (the stats'
rows), ``export`` (``seedbot feedback export``), ``store`` (all of them as one object) and
``factory`` (``open_store``).
"""

from bot.store.database import StoreUnavailable
from bot.store.factory import open_database, open_store
from bot.store.models import AnswerRecord, AnswerSaved, Vote, VoteSaved, new_answer_id
from bot.store.store import Store

__all__ = [
    "AnswerRecord",
    "AnswerSaved",
    "Store",
    "StoreUnavailable",
    "Vote",
    "VoteSaved",
    "new_answer_id",
    "open_database",
    "open_store",
]
