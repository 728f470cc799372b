"""One way to read passages, whether they are a list in memory or the saved store.

A small corpus is a tuple of ``Passage`` objects; a large one is a ``PassageStore``
that makes a Passage only when asked. The engine's stages read both through the
``Passages`` protocol, so none of them asks which one it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from retrieval.models import Passage

if TYPE_CHECKING:
    from retrieval.fastbm25.bulk import TermIds


@runtime_checkable
class Passages(Protocol):
    """What the engine's stages read of a corpus's passages."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int, /) -> Passage: ...

    def text(self, index: int) -> str:
        """A passage's text, without making a Passage object where that costs."""
        ...

    def index_of(self, passage_id: str) -> int | None:
        """Where the passage with this id stands, or None."""
        ...

    def is_aside(self, index: int) -> bool:
        """Whether the passage is one of its article's credits or teasers (``Passage.is_aside``)."""
        ...

    def take_terms(self) -> TermIds | None:
        """The passages' terms if they were just tokenized while loading (once: then freed)."""
        ...


class PassageList:
    """A plain sequence of passages seen through ``Passages``: ids looked up in a dict."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        self._passages = passages
        self._ids: dict[str, int] | None = None  # built on the first lookup

    def __len__(self) -> int:
        return len(self._passages)

    def __getitem__(self, index: int, /) -> Passage:
        return self._passages[index]

    def text(self, index: int) -> str:
        return self._passages[index].text

    def is_aside(self, index: int) -> bool:
        return self._passages[index].is_aside

    def index_of(self, passage_id: str) -> int | None:
        if self._ids is None:
            self._ids = {passage.id: i for i, passage in enumerate(self._passages)}
        return self._ids.get(passage_id)

    def take_terms(self) -> TermIds | None:
        return None  # a list in memory is tokenized by the index itself


def passages_of(passages: Sequence[Passage]) -> Passages:
    """``passages`` as ``Passages``: a store already is one; a plain list is wrapped."""
    return passages if isinstance(passages, Passages) else PassageList(passages)
