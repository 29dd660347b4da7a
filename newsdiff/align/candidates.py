"""Blocking: which pairs of passages are worth scoring. Pure functions, numpy and scipy; no database.

Scoring every pair of a story costs its size squared: a 1,000-article story has 41,000 passages and
840 million pairs. `candidate_pairs` names the few worth scoring, one block of rows at a time, so
that memory stays `chunk` x passages whatever the story's size.

Contract of `candidate_pairs(matrix, articles, sentences, lexical_k, semantic_k, rows=None)`:

- `matrix` holds one l2-normalised tf-idf row per passage (scipy sparse); `sentences` one normalised
  sentence vector per passage (dense, or None); `articles` the article of each.
- For each passage in `rows` (default: all), the `lexical_k` passages of *other* articles with the
  highest tf-idf cosine (those with cosine > 0 only) and the `semantic_k` passages of other articles
  nearest by sentence vector are its candidates. A pair is a candidate when either passage names
  the other, so a passage that many others are near (a readout every outlet quotes) keeps all of them
  as long as each counts it among its own nearest.
- Returns `Candidates`: rows `a < b` (each pair once, sorted by a then b) and `close`, whether the
  pair came from the sentence vectors (the aligner spends its token matching on those only).
- Deterministic: the same input gives the same pairs.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits

CHUNK = 256  # rows per block: 256 x 41,000 float32 is 42 MB


@dataclass(frozen=True)
class Candidates:
    a: np.ndarray  # int64 rows, a < b
    b: np.ndarray
    close: np.ndarray  # bool: among each other's nearest sentence vectors

    def __len__(self) -> int:
        return len(self.a)


def candidate_pairs(matrix: sparse.csr_matrix, articles: np.ndarray, sentences: np.ndarray | None,
                    lexical_k: int, semantic_k: int, rows: np.ndarray | None = None,
                    chunk: int = CHUNK, workers: int | None = None) -> Candidates:
    n = matrix.shape[0]
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    transposed = matrix.T.tocsr()
    own_columns = _own_columns(articles)

    def block_keys(start: int) -> tuple[np.ndarray, np.ndarray]:
        block = rows[start:start + chunk]
        own = own_columns(block)
        cosine = (matrix[block] @ transposed).toarray()
        own(cosine, 0.0)
        lexical = _top(block, cosine, lexical_k, n, positive=True)
        semantic = np.zeros(0, dtype=np.int64)
        if sentences is not None and semantic_k:
            similarity = sentences[block] @ sentences.T
            own(similarity, -np.inf)
            semantic = _top(block, similarity, semantic_k, n, positive=False)
        return lexical, semantic

    # numpy and scipy release the GIL in products and partitions: blocks run on every core, each on one
    # BLAS thread.
    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(workers or os.cpu_count() or 1) as pool:
        found = list(pool.map(block_keys, range(0, len(rows), chunk)))
    lexical_keys = [lexical for lexical, _ in found]
    semantic_keys = [semantic for _, semantic in found]
    lexical = distinct_keys(lexical_keys)
    semantic = distinct_keys(semantic_keys)
    keys = distinct_keys([lexical, semantic])
    close = np.zeros(len(keys), dtype=bool)
    close[np.searchsorted(keys, semantic)] = True
    return Candidates(keys // n, keys % n, close)


def _own_columns(articles: np.ndarray):
    """For a block of rows: a function that sets, in a (rows x passages) array, each row's columns of its own
    article to a value. A story's passages come in article order, so those are one slice per article of the
    block (a few assignments); in any other order, a mask of the whole array."""
    if len(articles) < 2 or bool(np.all(articles[1:] >= articles[:-1])):
        def for_block(block: np.ndarray):
            mine = articles[block]
            runs = [(mine == article, np.searchsorted(articles, article, side="left"),
                     np.searchsorted(articles, article, side="right")) for article in np.unique(mine).tolist()]

            def set_own(values: np.ndarray, value: float) -> None:
                for at, start, end in runs:
                    values[at, start:end] = value
            return set_own
        return for_block

    def for_block(block: np.ndarray):
        own = articles[block][:, None] == articles[None, :]

        def set_own(values: np.ndarray, value: float) -> None:
            values[own] = value
        return set_own
    return for_block


def distinct_keys(parts: list[np.ndarray]) -> np.ndarray:
    """The sorted distinct keys of `parts` (a sort, then a mask: several times faster than np.unique's hash)."""
    keys = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
    if len(keys) > 1:
        keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]
    return keys


def _top(block: np.ndarray, values: np.ndarray, k: int, n: int, positive: bool) -> np.ndarray:
    """Keys (min * n + max) of each block row's `k` highest columns (above 0 if `positive`, else finite)."""
    k = min(k, values.shape[1])
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < values.shape[1]:
        columns = np.argpartition(-values, k - 1, axis=1)[:, :k]
    else:
        columns = np.broadcast_to(np.arange(values.shape[1]), values.shape)
    picked = np.take_along_axis(values, columns, axis=1)
    keep = picked > 0 if positive else np.isfinite(picked)
    r = np.broadcast_to(block[:, None], columns.shape)[keep].astype(np.int64)
    c = columns[keep].astype(np.int64)
    return np.minimum(r, c) * n + np.maximum(r, c)
