"""The bot's database (SQLite by default, PostgreSQL when shared): see ``store.py``.

Modules: ``models`` (records and outcomes), ``dialect`` (what differs between the two
databases), ``schema`` (the tables), ``database`` (connection, outages; ``sqlite`` and
``postgres`` connect), ``votes``, ``guild_settings``, ``questions``, ``reports`` (the stats'
rows), ``export`` (``seedbot feedback export``), ``store`` (all of them as one object) and
``factory`` (``open_store``).

What is stored, and for how long:
- answers: each answer page sent (question, asker id, cited passage ids, server and channel),
  so its buttons work after a restart; one nobody voted on is deleted after the retention
  period (``SEEDBOT_QUESTION_LOG_DAYS``, 30 days), one with votes is kept with them;
- votes: one per person per answer page (user id, helpful or not, when, the optional reason),
  until deleted by hand; exported by ``seedbot feedback export``;
- questions: the question log for ``seedbot stats`` (text, server, channel, answered or
  not and why), never a user id, deleted after the retention period;
- per-server settings: until changed, or until the bot leaves the server or the channel
  is deleted (``SettingsStore.forget_guild`` / ``forget_channel``).
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
