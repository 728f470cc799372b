"""Per-user rate limit shared by slash commands and channel questions: a pure sliding window."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class UserCooldown:
    """At most ``rate`` questions per ``per`` seconds for each user."""

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.per = per
        self._clock = clock
        self._hits: dict[int, deque[float]] = {}

    def retry_after(self, user_id: int) -> float:
        """Record a question from ``user_id``; 0 if allowed, else seconds until it would be."""
        if self.per <= 0:
            return 0.0
        now = self._clock()
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0] >= self.per:
            hits.popleft()
        if len(hits) >= self.rate:
            return self.per - (now - hits[0])
        hits.append(now)
        if len(self._hits) > 10_000:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        idle = [user for user, hits in self._hits.items() if not hits or now - hits[-1] >= self.per]
        for user in idle:
            del self._hits[user]
