"""Replies without quotes: input we cannot search, small talk, the list of articles, declines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from retrieval.messages import (
    SOURCES_NAMED,
    SOURCES_NO_AUTHOR,
    SOURCES_SHOWN,
    Reason,
    message_for,
)
from retrieval.models import Answer, Source
from retrieval.query import ParsedQuery
from retrieval.small_talk import asks_author, small_talk
from retrieval.source_search import named_sources


def decline(
    parsed: ParsedQuery,
    reason: Reason,
    explanation: dict[str, Any] | None = None,
    **values: object,
) -> Answer:
    """No quotes, and the sentence that says why (``values`` fill in its blanks)."""
    return Answer(
        question=parsed.question,
        answered=False,
        reason=reason,
        message=message_for(reason, **values),
        query_terms=parsed.terms,
        explanation=explanation or {},
    )


def before_search(
    parsed: ParsedQuery,
    raw: str,
    *,
    sources: Sequence[Source],
    n_passages: int,
    max_chars: int,
) -> Answer | None:
    """The reply to input that is not a question to search (empty, too long, small
    talk, "what articles do you have?"), or None for a question to search."""
    if not n_passages:
        return decline(parsed, Reason.EMPTY_CORPUS)
    if not parsed.question:
        return decline(parsed, Reason.EMPTY)
    if len(raw) > max_chars:
        return Answer(
            question=parsed.question[:200],
            answered=False,
            reason=Reason.TOO_LONG,
            message=message_for(Reason.TOO_LONG, length=len(raw), limit=max_chars),
        )
    social = small_talk(parsed.question)
    if social == Reason.SOURCES:
        return sources_answer(parsed, sources)
    if social:
        return decline(parsed, Reason(social))
    if not parsed.terms:
        return decline(parsed, Reason.NO_TERMS)
    return None


def asks_unnamed_author(question: str, named: Sequence[Source]) -> bool:
    """Whether ``question`` asks who wrote the articles it names, and none names an author:
    the reply says so rather than guess one."""
    return asks_author(question) and not any(source.author for source in named)


def sources_answer(parsed: ParsedQuery, sources: Sequence[Source]) -> Answer:
    """The list of articles, for "what are the articles about?", or only the ones the
    question names ("who wrote the piece about the July call?"); front ends may show their
    own richer list for ``reason == SOURCES``."""
    named = named_sources(parsed.question, sources)
    shown = (named or sources)[:SOURCES_SHOWN]
    lines = []
    for number, source in enumerate(shown, 1):
        credit = f" — {', '.join(source.credit)}" if source.credit else ""
        about = f": {source.about}" if source.about else ""
        lines.append(f"{number}. {source.label}{credit}{about}")
    if named and asks_unnamed_author(parsed.question, named):
        one = len(named) == 1
        text = SOURCES_NO_AUTHOR.format(
            plural="" if one else "s",
            names="names" if one else "name",
            it="it" if one else "them",
            listing="\n".join(lines),
        )
    elif named:
        text = SOURCES_NAMED.format(plural="" if len(named) == 1 else "s", listing="\n".join(lines))
    else:
        rest = len(sources) - len(shown)
        text = message_for(
            Reason.SOURCES,
            count=len(sources),
            plural="" if len(sources) == 1 else "s",
            listing="\n".join(lines),
            more=f"\n… and {rest} more in the list of sources." if rest else "",
        )
    return Answer(
        question=parsed.question,
        answered=False,
        reason=Reason.SOURCES,
        message=text,
        query_terms=parsed.terms,
        articles=tuple(named),
    )


def unknown_article(parsed: ParsedQuery, article: str) -> Answer:
    """The reply to a question limited to an article the corpus does not have."""
    return Answer(
        question=parsed.question,
        answered=False,
        reason=Reason.NO_ARTICLE,
        message=message_for(Reason.NO_ARTICLE, article=article),
        query_terms=parsed.terms,
    )
