"""YAML front matter, read with limits: a 369-byte alias bomb must not become 39 MB of text.

python-frontmatter splits the file; PyYAML's safe loader reads the header, through a
loader that counts aliases and nesting while it composes the document, and the result
is measured (aliases expanded) with a budget before anyone renders it. A header over
any limit is an error that names the limit, so the file is reported and skipped.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Final

MAX_FRONT_MATTER_CHARS: Final = 64 * 1024
MAX_ALIASES: Final = 50
MAX_DEPTH: Final = 20
MAX_VALUES: Final = 10_000  # scalars, with every alias expanded


class FrontMatterError(ValueError):
    """The front matter cannot be used; the message says why and what to do."""


@cache
def _limited_handler() -> Any:
    """python-frontmatter's YAML handler with PyYAML's safe loader, refusing documents with
    too many aliases or too deep nesting; made on first use, since most articles have no
    front matter and a start that reads a saved index needs neither library (~10 ms)."""
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    class LimitedLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML has no types
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self._aliases = 0
            self._depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                self._aliases += 1
                if self._aliases > MAX_ALIASES:
                    raise FrontMatterError(f"uses more than {MAX_ALIASES} YAML aliases")
                return super().compose_node(parent, index)
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    raise FrontMatterError(f"is nested more than {MAX_DEPTH} levels deep")
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    class LimitedHandler(YAMLHandler):
        def load(self, fm: str, **kwargs: object) -> Any:
            if len(fm) > MAX_FRONT_MATTER_CHARS:
                raise FrontMatterError(f"is longer than {MAX_FRONT_MATTER_CHARS // 1024} KiB")
            return yaml.load(fm, Loader=LimitedLoader)

    return LimitedHandler()


def _count_values(value: Any, budget: int) -> int:
    """How many scalars ``value`` holds with aliases expanded, stopping past ``budget``."""
    pending = [value]
    count = 0
    while pending and count <= budget:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
        else:
            count += 1
    return count


def read_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The front matter's fields and the text after it (no front matter: ``{}`` and the text).

    Raises ``FrontMatterError`` for YAML that is invalid, too large, too deep or that
    expands to too many values.
    """
    import frontmatter
    import yaml

    try:
        post = frontmatter.loads(text, handler=_limited_handler())
    except FrontMatterError as error:
        raise FrontMatterError(f"has front matter that {error}; simplify it") from None
    except (yaml.YAMLError, ValueError) as error:
        raise FrontMatterError(
            f"has front matter that is not valid YAML ({error}); fix or remove it"
        ) from error
    if _count_values(post.metadata, MAX_VALUES) > MAX_VALUES:
        raise FrontMatterError(
            f"has front matter that expands to more than {MAX_VALUES:,} values "
            "(YAML aliases); simplify it"
        )
    return dict(post.metadata), post.content
