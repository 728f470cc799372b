"""Floors on the figures, so that CI fails when answer quality falls."""

from __future__ import annotations

from retrieval.evaluation.report import EvalReport

# Rates where lower is better: a floor on these is a ceiling.
LOWER_IS_BETTER = frozenset({"wrong_decline_rate"})


def check_floors(report: EvalReport, floors: dict[str, float]) -> list[str]:
    """The floors the report falls under, as messages; an empty list means CI passes.

    Keys are names from ``EvalReport.metrics()``; for ``wrong_decline_rate`` (and
    ``<category>/declined`` of an answerable category) the value is a ceiling instead.
    """
    values = report.metrics()
    failures: list[str] = []
    for name, floor in floors.items():
        if name not in values:
            failures.append(f"unknown metric {name!r}; known: {', '.join(sorted(values))}")
            continue
        value = values[name]
        metric = name.rsplit("/", 1)[-1]
        ceiling = metric in LOWER_IS_BETTER or (
            metric == "declined" and name.split("/", 1)[0] != "unanswerable"
        )
        if ceiling and value > floor:
            failures.append(f"{name} {value:.3f} is above the ceiling {floor:.3f}")
        elif not ceiling and value < floor:
            failures.append(f"{name} {value:.3f} is below the floor {floor:.3f}")
    return failures
