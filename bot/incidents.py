"""Discord faults logged once per incident, not once per message.

During a rate limit or an outage discord.py logs a warning for every request it retries: a
burst of 200 questions under a 429 would write 200 identical lines and hide the one that
matters. ``OncePerIncident`` lets the first warning of a kind through, holds its repeats
while they keep coming (an incident ends after ``quiet`` seconds without one), and the first
warning of the next incident says how many the last one held.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

# The loggers whose records repeat per request or per reconnect during one fault, and the
# highest level held: our own errors (a bug's traceback) always pass.
FAULT_LOGGERS: Final = {
    "discord.http": logging.CRITICAL,  # 429 "We are being rate limited", 5xx retries
    "discord.webhook.async_": logging.CRITICAL,  # interaction responses and follow-ups: 429s
    "discord.gateway": logging.CRITICAL,  # "stopped responding", "Can't keep up"
    "discord.shard": logging.CRITICAL,  # "Attempting a reconnect"
    "discord.client": logging.CRITICAL,
    "bot.endpoints": logging.WARNING,  # our 503 retries
    "bot.replies": logging.WARNING,  # interactions that expired before the bot could answer
}
INCIDENT_QUIET_SECONDS: Final = 60.0


@dataclass
class _Incident:
    last: float
    held: int = 0


class OncePerIncident(logging.Filter):
    """Pass the first record of each message template per incident; count the rest."""

    def __init__(self, quiet: float = INCIDENT_QUIET_SECONDS) -> None:
        super().__init__()
        self.quiet = quiet
        self._open: dict[tuple[str, str], _Incident] = {}

    def reset(self) -> None:
        """Forget every incident (tests start from a clean slate)."""
        self._open.clear()

    def filter(self, record: logging.LogRecord) -> bool:
        if not logging.WARNING <= record.levelno <= FAULT_LOGGERS.get(record.name, 0):
            return True
        key = (record.name, str(record.msg))
        incident = self._open.get(key)
        if incident is not None and record.created - incident.last < self.quiet:
            incident.last = record.created
            incident.held += 1
            return False
        if incident is not None and incident.held:
            record.msg = f"{record.msg} (the previous incident repeated this {incident.held} times)"
        self._open[key] = _Incident(last=record.created)
        return True


def log_faults_once_per_incident(quiet: float = INCIDENT_QUIET_SECONDS) -> OncePerIncident:
    """Install the filter on discord.py's fault loggers (once per process) and return it."""
    for name in FAULT_LOGGERS:
        logger = logging.getLogger(name)
        for existing in logger.filters:
            if isinstance(existing, OncePerIncident):
                return existing
    shared = OncePerIncident(quiet)
    for name in FAULT_LOGGERS:
        logging.getLogger(name).addFilter(shared)
    return shared
