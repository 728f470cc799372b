"""``seedbot ask --explain``: the engine's decision as a table a person can read.

The engine records what it saw (``Answer.explanation``); this module lays each signal
beside the threshold it was held to and says in words which rule decided. It only
reads the explanation and the settings: the engine's rules stay in the engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.terminal import printable
from retrieval.models import Answer
from retrieval.settings import EngineSettings
from retrieval.verdict import Verdict


class Reason(Enum):
    """Which rule decided, in words."""

    SAME_MEANING = "the top passage says the same in other words (closeness in meaning)"
    UNKNOWN_NAME_COVERED = "a name the articles never use, but enough of the question is covered"
    COVERED = "enough of the question's words are in the top passage"
    FIRST_RANKING = (
        "another of the first ranking's best passages covers enough of the question or comes "
        "close in meaning (the rule judges those, before the cross-encoder reorders them); "
        "the cross-encoder then put this one first"
    )
    MODEL_UPHELD = "few of the question's words are covered, but the cross-encoder reads the passage as an answer"
    MODEL_DOUBTS = (
        "few of the question's words are covered and the cross-encoder reads no passage as "
        "close enough to an answer"
    )
    MODEL_UNRELATED = "the cross-encoder reads every shortlisted passage as unrelated"
    MODEL_DOUBTS_NAME = (
        "it names someone or something the articles never mention, and the cross-encoder "
        "does not read any passage as an answer"
    )
    MODEL_OVERRULED = (
        "no passage found first holds the figure it asks for, but the cross-encoder reads "
        "a shortlisted passage that holds one clearly as an answer"
    )
    OTHER_SUBJECT = "it shares some words with the articles but is about something else"
    UNKNOWN_NAME = "it names someone or something the articles never mention"
    MISSING_KIND = "it asks for a number or a time, and no matching passage holds one"
    DETAIL_NOT_STATED = (
        "it asks for a precise {detail}, and the passage found first does not state one"
    )
    COUNT_NOT_STATED = (
        "it asks how many {counted}, and no passage of the first page gives a number of them"
    )
    NOTHING_MATCHED = "no passage shares a word or comes close in meaning"
    BEFORE_RANKING = "it was settled before any search"
    BYLINE = "it asks who wrote the article it names, and that article's byline line says"


@dataclass(frozen=True)
class Signal:
    """One row of the table: a measured value against its threshold."""

    name: str
    value: str
    threshold: str
    outcome: str


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}".rstrip("0").rstrip(".")


def _unknown_names(why: Mapping[str, Any]) -> list[str]:
    """Names in the question that no passage holds, nor an alias of them, as the engine
    counted them (``Engine._unknown_names``)."""
    return list(why.get("unknown_names", ()))


def signals(why: Mapping[str, Any], settings: EngineSettings) -> list[Signal]:
    """Each signal the no-answer rule and the cross-encoder looked at, for the top passage."""
    top = why.get("top") or {}
    coverage = top.get("coverage")
    unknown = _unknown_names(why)
    floor = why.get("min_coverage_unknown_name") if unknown else why.get("min_coverage")
    rows = [
        Signal(
            "word coverage",
            _number(coverage),
            f"≥ {_number(floor)}" + (" (a name is unknown)" if unknown else ""),
            "—" if coverage is None else ("met" if coverage >= floor else "below"),
        ),
        Signal(
            "unknown names",
            ", ".join(unknown) or "none",
            "",
            "raises the coverage needed" if unknown else "—",
        ),
    ]
    meaning = why.get("meaning")
    similarity = top.get("similarity")
    if meaning:
        outcome = "—"
        if similarity is not None:
            if similarity >= meaning["min_similarity"]:
                outcome = "close: answers on its own"
            elif similarity < settings.semantic_unrelated:
                outcome = "unrelated"
            else:
                outcome = "not decisive"
        rows.append(
            Signal(
                "closeness in meaning",
                _number(similarity),
                f"≥ {_number(meaning['min_similarity'])} close, "
                f"< {_number(settings.semantic_unrelated)} unrelated",
                outcome,
            )
        )
    else:
        rows.append(Signal("closeness in meaning", "off", "", "—"))
    if why.get("cross_encoder"):
        logit = top.get("logit")
        outcome = "not read" if logit is None else "—"
        if logit is not None:
            if logit < settings.cross_encoder_unrelated_logit:
                outcome = "unrelated"
            elif logit >= settings.cross_encoder_min_logit:
                outcome = "an answer"
            else:
                outcome = "related, not clearly an answer"
        rows.append(
            Signal(
                "cross-encoder logit",
                _number(logit),
                f"≥ {_number(settings.cross_encoder_doubtful_min_logit)} when doubtful, "
                f"≥ {_number(settings.cross_encoder_min_logit)} when a name is unknown, "
                f"≥ {_number(settings.cross_encoder_overrule_logit)} to overrule, "
                f"≥ {_number(settings.cross_encoder_unrelated_logit)} always",
                outcome,
            )
        )
    else:
        rows.append(Signal("cross-encoder logit", "off", "", "—"))
    return rows


def reason(answer: Answer, settings: EngineSettings) -> Reason:
    """Which rule decided, from what the explanation recorded (the engine's rule order)."""
    why = answer.explanation
    raw = why.get("no_answer_rule")
    if raw is None:
        if "byline_of" in why:
            return Reason.BYLINE
        return Reason.NOTHING_MATCHED if "terms" in why else Reason.BEFORE_RANKING
    verdict = Verdict(raw)
    top = why.get("top") or {}
    coverage = top.get("coverage") or 0.0
    similarity = top.get("similarity")
    meaning = why.get("meaning")
    unknown = _unknown_names(why)
    if not answer.answered and why.get("counted"):
        return Reason.COUNT_NOT_STATED
    if not answer.answered and "missing_detail" in why:
        return Reason.DETAIL_NOT_STATED
    if answer.answered:
        if verdict is Verdict.DOUBTFUL:
            return Reason.MODEL_UPHELD
        if verdict is Verdict.UNLIKELY:
            return Reason.MODEL_OVERRULED
        if meaning and similarity is not None and similarity >= meaning["min_similarity"]:
            return Reason.SAME_MEANING
        floor = why.get("min_coverage_unknown_name" if unknown else "min_coverage", 0.0)
        if coverage < floor:
            return Reason.FIRST_RANKING
        return Reason.UNKNOWN_NAME_COVERED if unknown else Reason.COVERED
    if verdict is Verdict.DOUBTFUL:
        return Reason.MODEL_DOUBTS
    if verdict is Verdict.ANSWER:
        logit = top.get("logit")
        if unknown and logit is not None and logit >= settings.cross_encoder_unrelated_logit:
            return Reason.MODEL_DOUBTS_NAME
        return Reason.MODEL_UNRELATED
    if (
        meaning
        and similarity is not None
        and similarity < settings.semantic_unrelated
        and coverage < settings.coverage_despite_meaning
    ):
        return Reason.OTHER_SUBJECT
    if unknown and coverage < why.get("min_coverage_unknown_name", 1.0):
        return Reason.UNKNOWN_NAME
    return Reason.MISSING_KIND


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Columns padded to their widest cell."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        (
            indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def render_explanation(answer: Answer, settings: EngineSettings) -> str:
    """The decision: the question as read, the terms searched, each signal, the verdict."""
    why = answer.explanation
    lines = ["Why:"]
    read_as = why.get("cleaned_question") or answer.question
    lines.append(f"  read as: {printable(read_as)}")
    corrections = why.get("corrections") or {}
    if corrections:
        fixed = ", ".join(f"{typed} → {word}" for typed, word in corrections.items())
        lines.append(f"  spelling: {fixed}")
    terms = why.get("terms") or []
    if terms:
        lines.append("  terms searched (as the index holds them):")
        rows = [("term", "passages", "idf", "searched as")]
        rows += [
            (
                t["term"],
                f"{t['passages_with_term']:,}",
                _number(t["idf"]),
                ", ".join(t.get("searched_as") or ()),
            )
            for t in terms
        ]
        lines += _table(rows, indent="    ")
    if "top" in why:
        top = why["top"]
        matched = ", ".join(top.get("matched_terms") or ()) or "none"
        lines.append(f"  top passage: {printable(top['passage_id'])} (matches: {matched})")
    if "terms" in why:
        lines.append("  signals:")
        table = [("signal", "value", "threshold", "reads as")]
        table += [(s.name, s.value, s.threshold, s.outcome) for s in signals(why, settings)]
        lines += _table(table, indent="    ")
    verdict = why.get("no_answer_rule")
    outcome = "answered" if answer.answered else f"declined ({answer.reason or 'no answer'})"
    rule = f"no-answer rule: {verdict}; " if verdict else ""
    lines.append(f"  verdict: {rule}{outcome}")
    decision = why.get("decision") or {}
    if decision.get("answerable_probability") is not None:
        lines.append(
            f"  fitted decision: answerable with probability "
            f"{_number(decision['answerable_probability'])} (it decides, not the rule)"
        )
    decided = reason(answer, settings)
    because = decided.value
    if decided is Reason.DETAIL_NOT_STATED:
        because = because.format(detail=why["missing_detail"])
    elif decided is Reason.COUNT_NOT_STATED:
        because = because.format(counted=printable(" ".join(why["counted"])))
    lines.append(f"  because: {because}")
    return "\n".join(lines)
