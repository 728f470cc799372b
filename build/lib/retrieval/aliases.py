"""Per-corpus aliases: names that mean the same thing, so a query finds either spelling.

BM25 knows nothing of "Zelenskyy" when the articles say "Zelensky", or of "Kiev" when
they say "Kyiv". A small hand-written ``aliases.yaml`` beside the articles fixes that
without a model. A broken file must not stop the bot, so problems come back as warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ALIASES_FILE = "aliases.yaml"
_FORMAT_HINT = (
    "the file must be a YAML list of groups, each a list of names that mean the same, "
    "e.g.\n  - [Zelensky, Zelenskyy, Zelenskiy]\n  - [NATO, North Atlantic Treaty Organization]"
)
# Short all-capital abbreviations collide with everyday words ("US"/"us", "UN"/"un"),
# so they only match when written in capitals.
_CASE_SENSITIVE_MAX = 2


def _member_pattern(name: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in name.split()]
    flags = 0 if name.isupper() and len(name) <= _CASE_SENSITIVE_MAX else re.IGNORECASE
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", flags)


@dataclass(frozen=True)
class Aliases:
    """Groups of equivalent names, and any warnings met while reading them."""

    groups: tuple[tuple[str, ...], ...] = ()
    warnings: tuple[str, ...] = ()
    _patterns: tuple[tuple[re.Pattern[str], ...], ...] = field(
        default=(), init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        patterns = tuple(tuple(_member_pattern(name) for name in group) for group in self.groups)
        object.__setattr__(self, "_patterns", patterns)

    def __len__(self) -> int:
        return len(self.groups)

    def matches(self, text: str) -> dict[str, tuple[str, ...]]:
        """Each group name found in ``text`` -> the group's names that are not in it.

        For callers that weigh or explain an expansion per query term; the keys are the
        names as the aliases file spells them, in file order.
        """
        found: dict[str, tuple[str, ...]] = {}
        for group, patterns in zip(self.groups, self._patterns, strict=True):
            present = [bool(pattern.search(text)) for pattern in patterns]
            if not any(present):
                continue
            absent = tuple(name for name, here in zip(group, present, strict=True) if not here)
            for name, here in zip(group, present, strict=True):
                if here:
                    found[name] = absent
        return found

    def expand(self, text: str) -> list[str]:
        """The other names of every group a name in ``text`` belongs to, to add to the query.

        Names already in the text are not repeated; the order follows the file.
        """
        extra: dict[str, str] = {}
        for others in self.matches(text).values():
            for name in others:
                extra.setdefault(name.casefold(), name)
        return list(extra.values())


def _merge(groups: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    """Join groups that share a name: being the same thing is transitive."""
    merged: list[list[str]] = []
    for group in groups:
        keys = {name.casefold() for name in group}
        overlapping = [m for m in merged if keys & {name.casefold() for name in m}]
        target = overlapping[0] if overlapping else []
        if not overlapping:
            merged.append(target)
        for other in overlapping[1:]:
            target.extend(other)
            merged.remove(other)
        for name in group:
            if name.casefold() not in {existing.casefold() for existing in target}:
                target.append(name)
    return tuple(tuple(group) for group in merged)


def _parse_groups(data: Any, where: str) -> tuple[list[list[str]], list[str]]:
    if data is None:
        return [], []
    if isinstance(data, dict):  # also accept "Name: [other, names]"
        data = [
            [key, *(value if isinstance(value, list) else [value])] for key, value in data.items()
        ]
    if not isinstance(data, list):
        return [], [
            f"{where}: expected a list of groups, found {type(data).__name__}; {_FORMAT_HINT}"
        ]
    groups: list[list[str]] = []
    warnings: list[str] = []
    for number, group in enumerate(data, 1):
        if not isinstance(group, list):
            warnings.append(
                f"{where}: group {number} ({group!r}) is not a list; write it as [name, other name]"
            )
            continue
        names: list[str] = []
        for item in group:
            if isinstance(item, str) and item.strip():
                names.append(" ".join(item.split()))
            else:
                warnings.append(
                    f"{where}: group {number} has {item!r}, which is not a name; put quotes "
                    "around it (YAML reads NO, yes, on and numbers as other types)"
                )
        if len(names) < 2:
            warnings.append(f"{where}: group {number} needs at least two names; it was skipped")
            continue
        groups.append(names)
    return groups, warnings


def load_aliases(folder: Path) -> Aliases:
    """Read ``<folder>/aliases.yaml``; a missing file means no aliases, a bad one a warning."""
    path = folder / ALIASES_FILE
    if not path.is_file():
        return Aliases()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = exc.problem or "invalid YAML"
        return Aliases(warnings=(f"{path}{line}: {problem}; aliases ignored. {_FORMAT_HINT}",))
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        return Aliases(warnings=(f"{path}: cannot be read ({exc}); aliases ignored",))
    groups, warnings = _parse_groups(data, str(path))
    return Aliases(groups=_merge(groups), warnings=tuple(warnings))
