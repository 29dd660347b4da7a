"""Claims as the view shows them: a hub passage and the passages aligned to it. Pure.

Connected components of the pair graph chain: A~B, B~C, C~D... ends with one
"claim" of 37 passages on the seed story. So `claims(pairs)` groups by stars:
the passage with the most alignments (then the highest total score, then the
smallest id) takes every not-yet-grouped passage aligned *directly* to it;
then the next, and so on. A passage whose neighbours were all taken joins the
claim of its best-scoring neighbour. Every passage of a claim is thus aligned
to its hub or to a member, never three steps away.

Returns frozensets of passage ids, largest first (ties: smallest id).

>>> [sorted(c) for c in claims([(1, 2, .9), (2, 3, .8), (3, 4, .7), (4, 5, .9), (7, 8, .5)])]
[[1, 2, 3], [4, 5], [7, 8]]
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def claims(pairs: Iterable[tuple[int, int, float]]) -> list[frozenset[int]]:
    neighbours: dict[int, dict[int, float]] = defaultdict(dict)
    for a, b, score in pairs:
        neighbours[a][b] = neighbours[b][a] = max(score, neighbours[a].get(b, score))
    strength = {p: sum(n.values()) for p, n in neighbours.items()}
    claim_of: dict[int, int] = {}
    members: list[set[int]] = []
    for hub in sorted(neighbours, key=lambda p: (-len(neighbours[p]), -strength[p], p)):
        if hub in claim_of:
            continue
        free = {n for n in neighbours[hub] if n not in claim_of}
        if free:
            claim_of.update(dict.fromkeys(free | {hub}, len(members)))
            members.append(free | {hub})
        else:
            best = max(neighbours[hub], key=lambda n: (neighbours[hub][n], -n))
            claim_of[hub] = claim_of[best]
            members[claim_of[best]].add(hub)
    return sorted((frozenset(m) for m in members), key=lambda m: (-len(m), min(m)))
