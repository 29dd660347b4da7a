"""Word-level differences between two wordings of one claim. Pure: strings in, segments out.

`word_diff(a, b)` reads `b` against `a` and returns `Segment`s in reading
order: "equal" runs (b's own words), "delete" runs (words of `a` that `b`
lacks) and "insert" runs (words only `b` has). Words are compared without
case, surrounding punctuation or quote style, so `“conquer` and `conquer,`
match while "conquer" / "seize" / "develop" stand out. Joining the "equal"
and "insert" segments' text with spaces gives `b` back, word for word.

>>> [(s.op, s.text) for s in word_diff("attempts to conquer Ukrainian territory",
...                                      "attempts to seize Ukrainian territory")]
[('equal', 'attempts to'), ('delete', 'conquer'), ('insert', 'seize'), ('equal', 'Ukrainian territory')]
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "delete" or "insert"
    text: str


def _key(word: str) -> str:
    folded = unicodedata.normalize("NFKC", word).casefold()
    return _EDGE_PUNCTUATION.sub("", folded) or folded


def word_key(word: str) -> str:
    """What two words are compared by: without case, surrounding punctuation or quote style (`“Conquer,` -> `conquer`)."""
    return _key(word)


def word_diff(a: str, b: str) -> list[Segment]:
    a_words, b_words = a.split(), b.split()
    matcher = SequenceMatcher(None, [_key(w) for w in a_words], [_key(w) for w in b_words], autojunk=False)
    segments: list[Segment] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", " ".join(b_words[b1:b2])))
            continue
        if a2 > a1:
            segments.append(Segment("delete", " ".join(a_words[a1:a2])))
        if b2 > b1:
            segments.append(Segment("insert", " ".join(b_words[b1:b2])))
    return segments


def sides(segments: list[Segment]) -> tuple[list[Segment], list[Segment]]:
    """The two wordings of `word_diff(a, b)` apart, for reading side by side: `a` as its "equal" (shared)
    and "delete" (its own) segments, `b` as its "equal" and "insert" segments, each in reading order."""
    return ([s for s in segments if s.op != "insert"], [s for s in segments if s.op != "delete"])


def similarity(segments: list[Segment]) -> float:
    """Share of words the two wordings have in common, in [0, 1]."""
    same = sum(len(s.text.split()) for s in segments if s.op == "equal")
    total = sum(len(s.text.split()) * (2 if s.op == "equal" else 1) for s in segments)
    return 2 * same / total if total else 1.0
