"""What the drill-down reads: a passage and every passage aligned to it, read against it.

A fixed number of queries whatever the story's size (the tests hold it to
that); the word diff and the variant table are pure code (`text.diff`,
`text.variants`). The story page and coverage read `grid.py`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .filters import Filters
from .models import AlignedPair, Passage
from .selectors import Legend, LegendVoice
from .text.diff import sides, similarity, word_diff
from .text.variants import Cell, variant_span, variant_table

PARAPHRASE_BELOW = 50  # percent of shared words under which a word diff is a wall: read side by side instead
MAX_WORDINGS = 6  # distinct wordings in a variant table, the drilled one included
COUNTERPARTS_SHOWN = 50  # counterparts a drill-down reads against the passage at once (each costs a word diff)


@dataclass
class Counterpart:
    """A passage aligned to the one drilled into, read against it."""

    pair: AlignedPair
    passage: Passage
    voice: LegendVoice
    diff: list
    shared: int  # percent of words the two wordings share

    @property
    def is_paraphrase(self) -> bool:
        """Too few words shared for a word diff to read: shown side by side, and left out of the variant table."""
        return self.shared < PARAPHRASE_BELOW

    @property
    def variant_span(self) -> tuple[int, int] | None:
        """Where in the drilled wording this one differs by a few words between shared ones
        (`variants.variant_span`: "attempts to [conquer / seize] Ukrainian territory"), if anywhere."""
        return variant_span(self.diff)

    @property
    def sides(self) -> tuple[list, list]:
        """The drilled wording and this one, whole, each with its shared words as "equal" segments."""
        return sides(self.diff)


@dataclass
class WordingRow:
    passages: list[Passage]  # the passages that read this wording (the drilled one first in the first row)
    cells: list[Cell]


@dataclass
class ClaimWordings:
    """The drilled passage's claim as one variant table: its wording and its counterparts' variants."""

    rows: list[WordingRow]
    variant_summaries: list[str]  # "conquer / seize / develop", one per place where the wordings differ
    left_out: int  # distinct variant wordings beyond MAX_WORDINGS
    paraphrases: int  # counterparts left out of the table (see `claim_wordings`)
    cut_start: bool = False  # long differing words around the claim left out (`VariantTable.trimmed`)
    cut_end: bool = False


def claim_wordings(passage: Passage, counterparts: list[Counterpart]) -> ClaimWordings:
    """The variant table of `passage` and those of its counterparts that are variants of it (pure).

    A counterpart sharing half its words is a variant. One sharing fewer is when it differs by a few words
    between shared ones, at the place of the drilled wording that most such counterparts differ at: a
    sentence carrying two claims gets the table of the claim most outlets quote (its other counterparts
    are left out of the table, counted with the paraphrases, and read side by side in the list).
    """
    spans = {c.pair.pk: c.variant_span for c in counterparts if c.is_paraphrase}
    cover = Counter(i for span in spans.values() if span for i in range(span[0], max(span[1], span[0] + 1)))
    place = min(cover, key=lambda i: (-cover[i], i)) if cover else None
    variants = [c for c in counterparts if not c.is_paraphrase or (
        spans[c.pair.pk] and spans[c.pair.pk][0] <= place < max(spans[c.pair.pk][1], spans[c.pair.pk][0] + 1))]
    table = variant_table([(passage, passage.text)] + [(c.passage, c.passage.text) for c in variants],
                          limit=MAX_WORDINGS).trimmed()
    return ClaimWordings(
        rows=[WordingRow(list(w.labels), cells) for w, cells in table.rows()],
        variant_summaries=table.variant_summaries,
        left_out=table.left_out,
        paraphrases=len(counterparts) - len(variants),
        cut_start=table.cut_start,
        cut_end=table.cut_end,
    )


def drilldown(passage: Passage, filters: Filters, legend: Legend, page: int = 1) -> tuple[list[Counterpart], int]:
    """One page (COUNTERPARTS_SHOWN, best score first) of the passages aligned to `passage` by a pair the
    filters keep (`AlignedPair.objects.shown`), each read against it, and how many there are in all
    (2 queries). A page past the last is empty."""
    query = AlignedPair.objects.touching(passage).shown(filters)
    total = query.count()
    start = (max(1, page) - 1) * COUNTERPARTS_SHOWN
    pairs = (query.select_related("a__article__outlet", "b__article__outlet")
             .order_by("-score", "pk")[start:start + COUNTERPARTS_SHOWN])
    return [read_against(pair, passage, legend) for pair in pairs], total


def read_against(pair: AlignedPair, passage: Passage, legend: Legend) -> Counterpart:
    """The other passage of `pair`, with its word-level diff against `passage`."""
    other = pair.b if pair.a_id == passage.pk else pair.a
    segments = word_diff(passage.text, other.text)
    return Counterpart(pair, other, legend.of(other.voice_id), segments, round(100 * similarity(segments)))
