"""Semantic evidence for pairs: BERTScore-style token matching over story-centred vectors.

Pure functions: token ids and vectors in (from `align.encoder`), numbers out; no database.

Contract of `prepare_space(tokens, skip_ids)` and `bertscore(space, row, columns)`:

- `tokens` holds one `(ids, vectors)` per passage (wordpiece ids without the
  [CLS]/[SEP] specials, and their last-layer vectors).
- The story's mean token vector is subtracted from every token vector, and so
  is its projection on the story's `common_directions` principal directions
  ("all-but-the-top", for stories of at least `MIN_TOKENS_FOR_DIRECTIONS`
  tokens); each is then L2-normalised; `sentences` (below) are taken before
  that projection. A contextual encoder gives
  every token of a story about one topic a large shared component ("this is
  about Russia and NATO"); without it any two passages of the story look alike.
- Each token weighs its inverse document frequency over the story's passages,
  `ln((N + 1) / (df + 1))`, so a wordpiece every passage has (punctuation,
  "the") weighs nearly nothing; tokens in `skip_ids` weigh 0 (the story's
  actors: "Sullivan said" is who speaks, not what is claimed).
- `bertscore` matches each token of one passage to its most similar token in
  the other (greedy, many-to-one) and returns, per column, the F1 of the two
  directions' weighted mean similarities (0 when either is not positive): ~0 for unrelated
  passages of one story, ~0.3 and above for two wordings of one claim.
- `space.sentences` are the passages' idf-weighted mean (centred) token
  vectors, normalised: a cheap proximity for choosing candidates, and the
  semantic part of the exchange grouping's vectors.

>>> import numpy as np
>>> e = np.eye(4, dtype=np.float32)
>>> space = prepare_space([(np.array([1, 2]), e[[0, 1]]), (np.array([1, 2]), e[[0, 1]]),
...                        (np.array([3, 4]), e[[2, 3]])])
>>> [round(float(x), 2) for x in bertscore(space, 0, [1, 2])]
[1.0, 0.0]
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np


@dataclass(frozen=True, eq=False)
class SemanticSpace:
    vectors: tuple[np.ndarray, ...]  # per passage: (n_tokens, dim), centred and normalised, bfloat16 bits
    weights: tuple[np.ndarray, ...]  # per passage: (n_tokens,) idf, 0 for skipped tokens
    sentences: np.ndarray  # (passages, dim): weighted mean token vector, normalised
    # How rows were made, so that `extend_space` can add passages in the same frame.
    centre: np.ndarray | None = None
    directions: np.ndarray | None = None
    idf: dict | None = None
    skip_ids: frozenset = frozenset()
    passages: int = 0  # how many passages `idf` was counted over (the frame may hold none of them as rows)

    @cached_property
    def sizes(self) -> tuple[np.ndarray, np.ndarray]:
        """Per passage: its number of tokens and the sum of their weights (what `bertscore` asks of every column)."""
        return (np.array([len(v) for v in self.vectors], dtype=np.int64),
                np.array([w.sum() for w in self.weights], dtype=np.float64))

    def rows(self, rows: list[int]) -> "SemanticSpace":
        """This space with only `rows`, in that order (row k of the result is row `rows[k]` here)."""
        return replace(self, vectors=tuple(self.vectors[r] for r in rows), weights=tuple(self.weights[r] for r in rows),
                       sentences=self.sentences[rows])


COMMON_DIRECTIONS = 1
# A story's centre and principal directions are estimated on at most this many passages' tokens (evenly
# spaced; every passage of a smaller story): the frame of a 1,000-article story without its 1.4 M tokens at once.
FRAME_PASSAGES = 3000
SAMPLE_TOKENS = 20000  # enough to estimate a story's main directions; bounds the cost on big stories
# Below this many tokens (~25 sentences) the top direction is one passage's own content, not the story's.
MIN_TOKENS_FOR_DIRECTIONS = 1000


def prepare_space(tokens: list[tuple[np.ndarray, np.ndarray]], skip_ids=frozenset(),
                  common_directions: int = COMMON_DIRECTIONS) -> SemanticSpace:
    """The space of `tokens` (one (ids, vectors) per passage), its frame taken from all of them."""
    frame = space_frame([ids for ids, _ in tokens], [v for _, v in tokens], skip_ids, common_directions)
    return _with_rows(frame, tokens, frame.idf)


def space_frame(ids: list[np.ndarray], sample: list[np.ndarray], skip_ids=frozenset(),
                common_directions: int = COMMON_DIRECTIONS) -> SemanticSpace:
    """A space with no rows yet: the centre and principal directions of the token vectors in `sample`
    (some or all passages' vectors), and the idf of wordpieces over `ids` (every passage's token ids).

    Rows are then added by `extend_space`, a few at a time if need be: a story's token vectors need
    never be in memory at full size together.
    """
    n = len(ids)
    filled = [v for v in sample if len(v)]
    dim = filled[0].shape[1] if filled else 1
    every = np.concatenate(filled).astype(np.float32) if filled else np.zeros((1, dim), np.float32)
    centre = every.mean(axis=0)
    sample_rows = every[:: max(1, len(every) // SAMPLE_TOKENS)] - centre
    directions = None
    if common_directions and len(every) >= MIN_TOKENS_FOR_DIRECTIONS:
        # The principal directions are the top eigenvectors of the (dim x dim) scatter matrix:
        # far cheaper than an SVD of the tokens themselves.
        values, vectors = np.linalg.eigh(sample_rows.T @ sample_rows)
        directions = vectors[:, np.argsort(values)[::-1][:common_directions]].T.copy()
    df = Counter(t for row in ids for t in set(row.tolist()))
    idf = {t: math.log((n + 1) / (d + 1)) for t, d in df.items()}
    return SemanticSpace((), (), np.zeros((0, dim), dtype=np.float32), centre, directions, idf, frozenset(skip_ids),
                         n)


def extend_space(space: SemanticSpace, tokens: list[tuple[np.ndarray, np.ndarray]]) -> SemanticSpace:
    """`space` with more passages appended as rows, made in its frame: its centre, directions and idf.

    The existing rows are unchanged (their scores cannot move), so passages of another kind
    (headlines) can be compared with the story's sentences without re-weighting the story; a
    wordpiece the space's idf does not know weighs as one seen once.
    """
    n = max(len(space.vectors), space.passages)
    dim = next((v.shape[1] for _, v in tokens if len(v)), space.sentences.shape[1])
    if space.centre is None or space.centre.shape[0] != dim:  # the story had no wordpiece to set a frame
        empty = (np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32))
        return prepare_space([empty] * len(space.vectors) + list(tokens), space.skip_ids)
    unseen = math.log((n + 2) / 2)  # as if the new passage were one more of the story: df 1 of n + 1
    return _with_rows(space, tokens, space.idf, unseen)


def with_rows(frame: SemanticSpace, parts: list[SemanticSpace]) -> SemanticSpace:
    """`frame` with the rows of `parts` appended in order, each part made by `extend_space(frame, tokens)`
    from a chunk of a story's passages: the same space as extending it by each chunk in turn, provided the
    frame's idf was counted over at least every passage it will hold (as `space_frame` over the whole story
    is); otherwise a token the idf lacks would weigh differently by chunk."""
    start = len(frame.vectors)
    if frame.passages < start + sum(len(p.vectors) - start for p in parts):
        raise ValueError("the frame's idf counts fewer passages than the rows joined to it")
    return replace(frame, vectors=frame.vectors + tuple(v for p in parts for v in p.vectors[start:]),
                   weights=frame.weights + tuple(w for p in parts for w in p.weights[start:]),
                   sentences=np.concatenate([frame.sentences, *(p.sentences[start:] for p in parts)]))


def _with_rows(space: SemanticSpace, tokens, idf: dict, unseen: float | None = None) -> SemanticSpace:
    """`space` with `tokens` appended as rows: all of them transformed in one matrix, then split by passage.
    A token weighs its `idf` (`unseen` if it has none there), 0 if the space skips it."""
    dim = space.sentences.shape[1]
    lengths = np.array([len(ids) for ids, _ in tokens], dtype=np.int64)
    sentences = np.zeros((len(tokens), dim), np.float32)
    if lengths.sum():
        raw = np.concatenate([v for _, v in tokens if len(v)]).astype(np.float32)
        v = raw - space.centre
        c = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
        if space.directions is not None:
            v -= (v @ space.directions.T) @ space.directions
        v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
        ids = np.concatenate([ids for ids, _ in tokens if len(ids)]).astype(np.int64)
        distinct = np.unique(ids)  # a weight per distinct wordpiece, then one lookup for all tokens
        weight = np.array([0.0 if t in space.skip_ids else idf[t] if unseen is None else idf.get(t, unseen)
                           for t in distinct.tolist()], dtype=np.float32)
        w = weight[np.searchsorted(distinct, ids)]
        means = _row_sums(c * w[:, None], lengths)
        totals = _row_sums(w[:, None], lengths)[:, 0]
        norms = np.linalg.norm(means, axis=1)
        usable = (lengths > 0) & (totals > 0)
        sentences[usable] = means[usable] / np.maximum(norms[usable], 1e-9)[:, None]
        bits = to_bfloat16(v)
    else:
        bits, w = np.zeros((0, dim), np.uint16), np.zeros(0, np.float32)
    cuts = np.cumsum(lengths)[:-1]
    vectors = list(space.vectors) + np.split(bits, cuts) if len(tokens) else list(space.vectors)
    weights = list(space.weights) + np.split(w, cuts) if len(tokens) else list(space.weights)
    return replace(space, vectors=tuple(vectors), weights=tuple(weights),
                   sentences=np.concatenate([space.sentences, sentences]))


def _row_sums(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Sums of consecutive runs of rows of `values`, `lengths[k]` rows for run k (0 for an empty run)."""
    out = np.zeros((len(lengths), values.shape[1]), dtype=values.dtype)
    filled = lengths > 0
    if filled.any():
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[filled]
        out[filled] = np.add.reduceat(values, starts, axis=0)
    return out


def to_bfloat16(x: np.ndarray) -> np.ndarray:
    """float32 values as bfloat16 bit patterns (uint16), rounded to nearest: half the memory, and
    back to float32 by a shift, 12 times faster than numpy's float16 conversion (which the token
    matching did for every pair); 8 bits of mantissa are plenty for cosines of unit vectors."""
    bits = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    rounded = bits >> 16  # in place from here: a 1,000-article story converts 500 M values
    rounded &= 1
    rounded += bits
    rounded += 0x7FFF
    rounded >>= 16
    return rounded.astype(np.uint16)


def from_bfloat16(bits: np.ndarray) -> np.ndarray:
    return np.left_shift(bits, 16, dtype=np.uint32).view(np.float32)


def bertscore(space: SemanticSpace, row: int, columns) -> np.ndarray:
    """F1 of greedy token matching between passage `row` and each passage in `columns`."""
    columns = list(columns)
    va, wa = space.vectors[row], space.weights[row]
    out = np.zeros(len(columns))
    lengths, weight_sums = (values[np.array(columns, dtype=np.int64)] for values in space.sizes)
    usable = np.flatnonzero((lengths > 0) & (weight_sums > 0))
    if len(va) == 0 or wa.sum() <= 0 or len(usable) == 0:
        return out
    kept = [columns[k] for k in usable]
    va = from_bfloat16(va)
    vb = from_bfloat16(np.concatenate([space.vectors[c] for c in kept]))
    wb = np.concatenate([space.weights[c] for c in kept])
    offsets = np.concatenate([[0], np.cumsum(lengths[usable])[:-1]])
    similarity = va @ vb.T  # (tokens of row, tokens of every column)
    recall = wa @ np.maximum.reduceat(similarity, offsets, axis=1) / wa.sum()
    precision = np.add.reduceat(wb * similarity.max(axis=0), offsets) / np.maximum(np.add.reduceat(wb, offsets), 1e-9)
    both = (recall > 0) & (precision > 0)
    out[usable] = np.where(both, 2 * recall * precision / np.where(both, recall + precision, 1), 0.0)
    return out
