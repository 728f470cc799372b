"""Per-corpus aliases: names that mean the same thing, so a query finds either spelling.

BM25 knows nothing of "Zelenskyy" when the articles say "Zelensky", or of "Kiev" when
they say "Kyiv". A small hand-written ``aliases.yaml`` beside the articles fixes that
without a model. A broken file must not stop the bot, so problems come back as warnings.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ALIASES_FILE = "aliases.yaml"
_FORMAT_HINT = (
    "the file must be a YAML list of groups, each a list of names that mean the same, "
    "e.g.\n  - [Zelensky, Zelenskyy, Zelenskiy]\n  - [NATO, North Atlantic Treaty Organization]"
)
# Short all-capital abbreviations collide with everyday words ("US"/"us", "UN"/"un"),
# so they only match when written in capitals.
_CASE_SENSITIVE_MAX = 2
_WORD = re.compile(r"\w+")
# Country codes worth knowing by their letters; the rest ("IN", "IT", "NO") are everyday words.
_COUNTRY_CODES = frozenset({"US", "USA", "UK", "UAE"})

log = logging.getLogger(__name__)


def _member_pattern(name: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in name.split()]
    flags = 0 if name.isupper() and len(name) <= _CASE_SENSITIVE_MAX else re.IGNORECASE
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", flags)


@dataclass(frozen=True)
class Aliases:
    """Groups of equivalent names, and any warnings met while reading them."""

    groups: tuple[tuple[str, ...], ...] = ()
    warnings: tuple[str, ...] = ()
    # First word of every name -> the groups holding such a name: a question is only
    # matched against the groups it could contain (hundreds of country names otherwise).
    _by_first_word: dict[str, tuple[int, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # Each group's name patterns, compiled the first time a question could hold the group.
    _patterns: dict[int, tuple[re.Pattern[str], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_first_word: dict[str, list[int]] = {}
        for number, group in enumerate(self.groups):
            for name in group:
                first = _WORD.search(name)
                if first:
                    by_first_word.setdefault(first[0].casefold(), []).append(number)
        object.__setattr__(
            self, "_by_first_word", {w: tuple(sorted(set(g))) for w, g in by_first_word.items()}
        )

    def _group_patterns(self, number: int) -> tuple[re.Pattern[str], ...]:
        patterns = self._patterns.get(number)
        if patterns is None:
            patterns = tuple(_member_pattern(name) for name in self.groups[number])
            self._patterns[number] = patterns
        return patterns

    def __len__(self) -> int:
        return len(self.groups)

    def matches(self, text: str) -> dict[str, tuple[str, ...]]:
        """Each group name found in ``text`` -> the group's names that are not in it.

        For callers that weigh or explain an expansion per query term; the keys are the
        names as the aliases file spells them, in file order.
        """
        found: dict[str, tuple[str, ...]] = {}
        words = {word.casefold() for word in _WORD.findall(text)}
        candidates = sorted({n for w in words for n in self._by_first_word.get(w, ())})
        for number in candidates:
            group, patterns = self.groups[number], self._group_patterns(number)
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
    joined: set[int] = set()  # groups emptied into an earlier one
    owner: dict[str, int] = {}  # casefolded name -> its group in ``merged``
    for group in groups:
        overlapping = sorted({owner[n.casefold()] for n in group if n.casefold() in owner})
        keep = overlapping[0] if overlapping else len(merged)
        if not overlapping:
            merged.append([])
        for other in overlapping[1:]:
            for name in merged[other]:
                owner[name.casefold()] = keep
            merged[keep].extend(merged[other])
            joined.add(other)
        for name in group:
            if owner.get(name.casefold()) != keep:
                merged[keep].append(name)
                owner[name.casefold()] = keep
    return tuple(tuple(g) for number, g in enumerate(merged) if number not in joined)


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


@cache
def country_aliases() -> tuple[tuple[str, ...], ...]:
    """Every country's name, its people's adjective and its one-word other names, from the
    ``countryinfo`` package: "American" finds "US", "German" finds "Germany".

    Several-word official names ("Republic of Albania") are left out: their common words
    ("republic", "people") would make unrelated questions look covered.
    """
    try:
        from countryinfo import all_countries

        countries = all_countries()
    except Exception as error:  # a broken install costs these aliases, not the bot
        log.warning("Country names are not linked to their adjectives: %s", error)
        return ()
    by_adjective: dict[str, tuple[int, list[str]]] = {}  # adjective -> most populous country
    groups: list[list[str]] = []
    for country in countries:
        try:
            name, adjective = country.name(), country.demonym()
            others = [n for n in country.alt_spellings() or [] if isinstance(n, str)]
            population = int(country.population() or 0)
        except Exception:  # one incomplete record is skipped, not fatal
            continue
        words = [name] + [
            n
            for n in others
            if n.isascii() and (n in _COUNTRY_CODES or (len(n) >= 4 and " " not in n))
        ]
        group = list(dict.fromkeys(w for w in words if w.isascii()))
        groups.append(group)
        if (
            isinstance(adjective, str)
            and adjective.strip()
            and adjective.isascii()
            and adjective not in group
        ):
            # "American" is also the adjective of American Samoa: it goes to the most populous.
            held = by_adjective.get(adjective)
            if held is None or population > held[0]:
                by_adjective[adjective] = (population, group)
    for adjective, (_, group) in by_adjective.items():
        group.append(adjective)
    return _merge([group for group in groups if len(group) >= 2])


def load_aliases(folder: Path, *, countries: bool = True) -> Aliases:
    """Read ``<folder>/aliases.yaml``, joined with the built-in country names unless
    ``countries`` is false; a missing file means no aliases of its own, a bad one a warning."""
    builtin = country_aliases() if countries else ()  # already merged
    path = folder / ALIASES_FILE
    if not path.is_file():
        return Aliases(groups=builtin)
    import yaml  # only for a folder with its own aliases (~10 ms of start-up)

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = exc.problem or "invalid YAML"
        return Aliases(
            groups=builtin,
            warnings=(f"{path}{line}: {problem}; aliases ignored. {_FORMAT_HINT}",),
        )
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        return Aliases(
            groups=builtin, warnings=(f"{path}: cannot be read ({exc}); aliases ignored",)
        )
    groups, warnings = _parse_groups(data, str(path))
    return Aliases(groups=_merge(groups + [list(g) for g in builtin]), warnings=tuple(warnings))
