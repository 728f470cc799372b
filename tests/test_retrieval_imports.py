"""retrieval/ has no import cycles: a cycle is a module that wants to be split (issue 12)."""

from __future__ import annotations

import grimp


def cycles(package: str) -> list[tuple[str, ...]]:
    """Every import cycle in ``package``, as the chain that closes it (lazy and
    type-checking imports included: they are cycles too, only hidden)."""
    graph = grimp.build_graph(package, cache_dir=None)
    found: set[tuple[str, ...]] = set()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                chain = (importer, *back)
                start = chain.index(min(chain[:-1]))
                found.add(chain[start:-1] + chain[:start] + (chain[start],))
    return sorted(found)


def test_retrieval_has_no_import_cycles() -> None:
    assert cycles("retrieval") == []
