"""Claims as the view shows them: passages joined by aligned pairs. Pure.

`claims(pairs)` returns the connected components of the pair graph, each a
frozenset of passage ids, largest first (ties: by smallest id), so that
every outlet's wording of one claim can be shown together.

>>> [sorted(c) for c in claims([(1, 2), (2, 3), (7, 8)])]
[[1, 2, 3], [7, 8]]
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def claims(pairs: Iterable[tuple[int, int]]) -> list[frozenset[int]]:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, set[int]] = defaultdict(set)
    for x in parent:
        members[root(x)].add(x)
    return sorted((frozenset(m) for m in members.values()), key=lambda m: (-len(m), min(m)))
