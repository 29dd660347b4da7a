"""What the drill-down reads: a passage and every passage aligned to it, read against it.

A fixed number of queries whatever the story's size (the tests hold it to
that); the word diff is pure code (`text.diff`). The story page and coverage
read `grid.py`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .filters import Filters
from .models import AlignedPair, Passage
from .selectors import Legend, LegendVoice
from .text.diff import similarity, word_diff


@dataclass
class Counterpart:
    """A passage aligned to the one drilled into, read against it."""

    pair: AlignedPair
    passage: Passage
    voice: LegendVoice
    diff: list
    shared: int  # percent of words the two wordings share


def drilldown(passage: Passage, filters: Filters, legend: Legend) -> list[Counterpart]:
    """Every passage aligned to `passage` by a pair the filters keep (`AlignedPair.objects.shown`),
    best score first (1 query)."""
    query = (
        AlignedPair.objects.touching(passage).shown(filters)
        .select_related("a__article__outlet", "b__article__outlet")
        .order_by("-score", "pk")
    )
    return [read_against(pair, passage, legend) for pair in query]


def read_against(pair: AlignedPair, passage: Passage, legend: Legend) -> Counterpart:
    """The other passage of `pair`, with its word-level diff against `passage`."""
    other = pair.b if pair.a_id == passage.pk else pair.a
    segments = word_diff(passage.text, other.text)
    return Counterpart(pair, other, legend.of(other.voice_id), segments, round(100 * similarity(segments)))
