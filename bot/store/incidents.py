"""One log line when the database becomes unavailable and one when it is back.

A full disk or a lost PostgreSQL connection fails every write until it is fixed; logging each
failed vote would bury the cause under thousands of identical lines.
"""

from __future__ import annotations

import logging


class IncidentLog:
    """Counts the failures of the current incident; not thread-safe (callers hold a lock)."""

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self._logger = logger
        self._what = what
        self.failures = 0
        self.incidents = 0

    def failed(self, operation: str, error: BaseException) -> None:
        self.failures += 1
        if self.failures == 1:
            self.incidents += 1
            self._logger.error(
                "%s is unavailable (%s: %s: %s). Answers still go out; votes and settings "
                "changes are refused until it is back. Check the disk, the file's permissions "
                "or the server.",
                self._what,
                operation,
                type(error).__name__,
                error,
            )

    def recovered(self) -> None:
        if self.failures:
            self._logger.warning(
                "%s is available again after %d failed operations", self._what, self.failures
            )
            self.failures = 0
