"""Which old sentences a new version of an article still holds. Pure: lists of strings in, indices out.

`reconcile(old, new)` reads the two sentence lists in order, as a diff does:
runs of identical sentences match first (`difflib` over whole sentences),
then, inside each stretch that differs, a sentence matches an old one when it
is the same sentence with small edits (rapidfuzz similarity, case and
punctuation aside, at least `min_similarity`), choosing the in-order matching
with the greatest total similarity. Matches never cross: if old sentence 3
matched new sentence 5, no old sentence after 3 matches a new one before 5.

The result says, by index, which old sentences are kept word for word, which
are kept with an edit, which disappeared and which new sentences are truly new.
Every old index appears exactly once (in `same`, `edited` or `removed`) and
every new index exactly once (in `same`, `edited` or `added`).

>>> r = reconcile(["A cat sat on the mat.", "It purred loudly all day.", "Then it slept."],
...               ["A cat sat on the mat.", "It purred loudly all night.", "A dog barked."])
>>> r.same, r.edited, r.removed, r.added
(((0, 0),), ((1, 1),), (2,), (2,))
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz, process, utils

# A corrected word or two in a sentence scores ~0.9-0.98; a different sentence on the same
# topic scores well under 0.7. 0.8 keeps "the same sentence, corrected" and nothing looser.
MIN_SIMILARITY = 0.8


@dataclass(frozen=True)
class Reconciliation:
    same: tuple[tuple[int, int], ...]  # (old index, new index), identical text
    edited: tuple[tuple[int, int], ...]  # (old index, new index), the same sentence with small edits
    removed: tuple[int, ...]  # old indices no new sentence matches
    added: tuple[int, ...]  # new indices no old sentence matches

    @property
    def matched(self) -> dict[int, int]:
        """{new index: old index} for every kept sentence, edited or not."""
        return {n: o for o, n in (*self.same, *self.edited)}


def similarity(a: str, b: str) -> float:
    """How alike two sentences are, in [0, 1], ignoring case and punctuation."""
    return fuzz.ratio(a, b, processor=utils.default_process) / 100


def reconcile(old: Sequence[str], new: Sequence[str], min_similarity: float = MIN_SIMILARITY) -> Reconciliation:
    old, new = list(old), list(new)
    same: list[tuple[int, int]] = []
    edited: list[tuple[int, int]] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, o1, o2, n1, n2 in matcher.get_opcodes():
        if op == "equal":
            same += zip(range(o1, o2), range(n1, n2))
        elif o2 > o1 and n2 > n1:
            for o, n in _best_in_order(old[o1:o2], new[n1:n2], min_similarity):
                (same if old[o1 + o] == new[n1 + n] else edited).append((o1 + o, n1 + n))
    kept_old = {o for o, _ in same + edited}
    kept_new = {n for _, n in same + edited}
    return Reconciliation(
        same=tuple(sorted(same)),
        edited=tuple(sorted(edited)),
        removed=tuple(i for i in range(len(old)) if i not in kept_old),
        added=tuple(i for i in range(len(new)) if i not in kept_new),
    )


def _best_in_order(old: list[str], new: list[str], min_similarity: float) -> list[tuple[int, int]]:
    """The non-crossing matching of similar-enough sentences with the greatest total similarity."""
    scores = process.cdist(old, new, scorer=fuzz.ratio, processor=utils.default_process,
                           score_cutoff=min_similarity * 100)
    rows, cols = len(old), len(new)
    # best[i][j]: the best total over old[:i] and new[:j] (a weighted longest common subsequence).
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            s = float(scores[i - 1][j - 1])
            best[i][j] = max(best[i - 1][j], best[i][j - 1], best[i - 1][j - 1] + s if s else 0.0)
    pairs = []
    i, j = rows, cols
    while i and j:
        s = float(scores[i - 1][j - 1])
        if s and best[i][j] == best[i - 1][j - 1] + s:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]
