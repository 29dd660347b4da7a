"""All wordings of one claim aligned word by word: a variant table, as CollateX makes for witnesses. Pure.

`variant_table(wordings)` takes (label, text) pairs, the first being the base
wording (the passage drilled into), and returns a `VariantTable`:

- rows (`Witness`es) are the distinct wordings, in first-seen order; wordings
  whose words are the same (compared as `diff.word_key` compares them: without
  case, edge punctuation or quote style) share one row, holding every label;
- columns (`Place`s) are aligned places in the text. Each witness is aligned
  to the base with `difflib` opcodes on word keys: a word matching a base word
  or replacing one (one to one, in order) sits in that base word's column;
  words a witness has beyond the base's at that point go into insertion
  columns after it, shared by the witnesses that insert there (left-justified);
  a base word a witness lacks leaves its cell empty (None: an omission).
  Consecutive word columns are then merged: a run where every witness has the
  same word is one shared place, shown once; a run where they differ is one
  variant place, each witness's words there joined (None when it has none).

>>> table = variant_table([(1, "NATO tried to conquer Ukrainian territory"),
...                        (2, "NATO tried to seize Ukrainian territory"),
...                        (3, "Nato tried to develop Ukrainian territory.")])
>>> [p.readings if not p.shared else p.text for p in table.places]
['NATO tried to', ('conquer', 'seize', 'develop'), 'Ukrainian territory']
>>> table.variant_summaries
['conquer / seize / develop']
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .diff import Segment, word_key

OMITTED = "(omits)"  # how an omission reads in a summary
FRAME_SIDE = 2  # shared words needed on each side of a variant...
FRAME_WORDS = 5  # ...and on both sides together
VARIANT_WORDS = 3  # at most this many words differ, in either wording, between the two sides


@dataclass(frozen=True)
class Witness:
    """One distinct wording and the labels (e.g. passages) that read it."""

    labels: tuple[Hashable, ...]
    text: str


@dataclass(frozen=True)
class Place:
    """One aligned place: each witness's words there (None: it has none), in witness order."""

    readings: tuple[str | None, ...]

    @property
    def shared(self) -> bool:
        """Every witness reads the same words here."""
        first = self.readings[0]
        return first is not None and all(r is not None and _same(r, first) for r in self.readings)

    @property
    def text(self) -> str:
        """The shared words as the first witness has them (a variant place: its readings joined by " / ")."""
        return self.readings[0] if self.shared else self.summary

    @property
    def is_short(self) -> bool:
        """No reading here longer than 3 words."""
        return all(r is None or len(r.split()) <= VARIANT_WORDS for r in self.readings)

    @property
    def summary(self) -> str:
        """The distinct readings in witness order, an omission as "(omits)": "conquer / seize / develop"."""
        distinct: list[str] = []
        for reading in self.readings:
            shown = OMITTED if reading is None else reading
            if not any(_same(shown, d) for d in distinct):
                distinct.append(shown)
        return " / ".join(distinct)


@dataclass(frozen=True)
class Cell:
    """One cell as a table row shows it: `kind` is "shared" (spans every row), "same" (the base's
    reading), "variant" (a reading the base lacks) or "omitted" (nothing here)."""

    text: str
    kind: str
    place: int  # which place (column) of the table
    rowspan: int = 1


@dataclass(frozen=True)
class VariantTable:
    witnesses: tuple[Witness, ...]
    places: tuple[Place, ...]
    left_out: int = 0  # distinct wordings beyond `limit`, not in the table

    cut_start: bool = False  # long differing words before the first shared place were left out
    cut_end: bool = False  # ...and after the last

    @property
    def variant_summaries(self) -> list[str]:
        """The places where the wordings differ in a few words each: "conquer / seize / develop"."""
        return [p.summary for p in self.places if not p.shared and p.is_short]

    def trimmed(self) -> VariantTable:
        """The table without its leading and trailing differing places when a reading there is long (more
        than 3 words): what the wordings say around the claim, each read whole elsewhere."""
        places = list(self.places)
        cut_start = bool(places) and not places[0].shared and not places[0].is_short and len(places) > 1
        cut_end = len(places) > 1 and not places[-1].shared and not places[-1].is_short
        places = places[int(cut_start):len(places) - int(cut_end)]
        return VariantTable(self.witnesses, tuple(places), self.left_out, cut_start, cut_end)

    @property
    def n_variants(self) -> int:
        return sum(not p.shared for p in self.places)

    def rows(self) -> list[tuple[Witness, list[Cell]]]:
        """Each witness with its cells, for an HTML table: a shared place is one cell in the first row,
        spanning every row (the other rows leave it out); other places have one cell per row."""
        rows = []
        for i, witness in enumerate(self.witnesses):
            cells = []
            for n, place in enumerate(self.places):
                reading = place.readings[i]
                if place.shared:
                    if i == 0:
                        cells.append(Cell(reading, "shared", n, len(self.witnesses)))
                elif reading is None:
                    cells.append(Cell("", "omitted", n))
                else:
                    base = place.readings[0]
                    same = i == 0 or (base is not None and _same(reading, base))
                    cells.append(Cell(reading, "same" if same else "variant", n))
            rows.append((witness, cells))
        return rows


def variant_span(segments: Sequence[Segment]) -> tuple[int, int] | None:
    """Where a word diff (`diff.word_diff(a, b)`) holds a variant, as a range of `a`'s word positions: the
    first run of a few words (at most 3 in either wording) that differ between shared words on both sides
    (2 at least on each, 5 together), as in "dangerous attempts to [conquer / seize] Ukrainian territory".
    None when there is none. Two long sentences quoting one phrase differently share too few words overall
    to read as one wording, yet their difference there is a variant, not a paraphrase.

    >>> from newsdiff.text.diff import word_diff
    >>> variant_span(word_diff("he said NATO made dangerous attempts to conquer Ukrainian territory, and more",
    ...                        "the Kremlin's long readout: dangerous attempts to seize Ukrainian territory"))
    (7, 8)
    >>> variant_span(word_diff("Biden voiced deep concern", "The president voiced concern over troops")) is None
    True
    """
    runs: list[list] = []  # ["equal", words, 0, a_start] or ["differ", words in a, words in b, a_start]
    position = 0
    for segment in segments:
        words = len(segment.text.split())
        if segment.op == "equal":
            runs.append(["equal", words, 0, position])
        elif not runs or runs[-1][0] != "differ":
            runs.append(["differ", 0, 0, position])
        if segment.op == "delete":
            runs[-1][1] += words
        elif segment.op == "insert":
            runs[-1][2] += words
        position += words if segment.op != "insert" else 0
    for before, middle, after in zip(runs, runs[1:], runs[2:]):
        if (before[0] == after[0] == "equal" and middle[0] == "differ"
                and min(before[1], after[1]) >= FRAME_SIDE and before[1] + after[1] >= FRAME_WORDS
                and max(middle[1], middle[2]) <= VARIANT_WORDS):
            return (middle[3], middle[3] + middle[1])
    return None


def _keys(text: str) -> tuple[str, ...]:
    return tuple(word_key(w) for w in text.split())


def _same(a: str, b: str) -> bool:
    return _keys(a) == _keys(b)


def _distinct(wordings: Sequence[tuple[Hashable, str]]) -> list[Witness]:
    labels: dict[tuple[str, ...], list[Hashable]] = {}
    texts: dict[tuple[str, ...], str] = {}
    for label, text in wordings:
        key = _keys(text)
        labels.setdefault(key, []).append(label)
        texts.setdefault(key, text)
    return [Witness(tuple(labels[k]), texts[k]) for k in labels]


def variant_table(wordings: Sequence[tuple[Hashable, str]], limit: int | None = None) -> VariantTable:
    """Align `wordings` ((label, text), the base first) word by word; see the module's contract.

    `limit` keeps the first `limit` distinct wordings (the base always among them) and counts the rest
    in `left_out`."""
    witnesses = _distinct(wordings)
    left_out = max(0, len(witnesses) - limit) if limit else 0
    witnesses = witnesses[:len(witnesses) - left_out]
    if not witnesses:
        return VariantTable((), ())
    n = len(witnesses)
    base = witnesses[0].text.split()
    base_keys = [word_key(w) for w in base]
    anchored: list[list[str | None]] = [[word] + [None] * (n - 1) for word in base]
    inserted: dict[int, list[list[str | None]]] = {}  # after base word i (-1: before the first)

    def insert(after: int, words: list[str], witness: int) -> None:
        slots = inserted.setdefault(after, [])
        for k, word in enumerate(words):
            if k == len(slots):
                slots.append([None] * n)
            slots[k][witness] = word

    for w in range(1, n):
        words = witnesses[w].text.split()
        matcher = SequenceMatcher(None, base_keys, [word_key(x) for x in words], autojunk=False)
        for _op, a1, a2, b1, b2 in matcher.get_opcodes():
            paired = min(a2 - a1, b2 - b1)
            for k in range(paired):
                anchored[a1 + k][w] = words[b1 + k]
            if b2 - b1 > paired:
                insert(a2 - 1, words[b1 + paired:b2], w)

    columns = list(inserted.get(-1, []))
    for i, column in enumerate(anchored):
        columns.append(column)
        columns.extend(inserted.get(i, []))
    return VariantTable(tuple(witnesses), tuple(_merge(columns, n)), left_out)


def _merge(columns: list[list[str | None]], n: int) -> list[Place]:
    """Runs of word columns as places: a run of shared words is one place, a run of differing ones another."""
    places: list[Place] = []
    run: list[list[str | None]] = []
    run_shared = None
    for column in columns:
        shared = Place(tuple(column)).shared
        if run and shared != run_shared:
            places.append(_place(run, n))
            run = []
        run.append(column)
        run_shared = shared
    if run:
        places.append(_place(run, n))
    return places


def _place(run: list[list[str | None]], n: int) -> Place:
    readings = []
    for w in range(n):
        words = [column[w] for column in run if column[w] is not None]
        readings.append(" ".join(words) if words else None)
    return Place(tuple(readings))
