"""Finding one article by what a person types: ``/source article:`` and ``/ask article:``
share the lookup and its autocomplete, so both find an article the same way. Discord-free,
so the answering service resolves ``/ask article:`` with it too."""

from __future__ import annotations

from bot import limits
from bot.engine_holder import AnswerEngine
from retrieval.models import Source


def find_article(engine: AnswerEngine, text: str) -> Source | None:
    """The article named by its file (what autocomplete sends) or label, else the best match."""
    if not text.strip():
        return None
    for candidate in engine.corpus.sources:
        if text in (candidate.file, candidate.label):
            return candidate
    matches = engine.find_sources(text, limit=1)
    return matches[0] if matches else None


def article_choices(engine: AnswerEngine | None, current: str) -> list[tuple[str, str]]:
    """Up to 25 ``(label, file)`` pairs for what is typed so far: the name to show and the
    value the command then receives (files too long for a choice value are left out)."""
    if engine is None:
        return []
    if current.strip():
        found = engine.find_sources(current, limit=limits.AUTOCOMPLETE_CHOICES)
    else:
        found = list(engine.corpus.sources[: limits.AUTOCOMPLETE_CHOICES])
    return [
        (source.label, source.file)
        for source in found[: limits.AUTOCOMPLETE_CHOICES]
        if len(source.file) <= limits.CHOICE_VALUE
    ]
