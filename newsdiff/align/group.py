"""Group a story's passages into exchanges: the rows of the parallel view.

Pure functions, no database.

Contract of `group_exchanges(items, pairs, options, group_options, paragraphs, prepared, vectors=None)`:

- Every item (headlines and headings too) ends in exactly one group; groups
  are returned largest first, each titled by `titles.exchange_titles` (a short
  phrase as written in its most central passage; distinct within the story).
- Vectors: each passage's tf-idf vector (with a `w_commentary` dimension when
  outsiders say it: analysts, former officials, third parties) and, when
  `vectors` gives one for its id, its normalised sentence vector times
  `w_semantic` (`SemanticSpace.sentences` rows: two wordings of one topic
  rarely share enough words for tf-idf); items without one (headings,
  headlines) get zeros there. Then `w_window` times the mean of its article's
  other passages weighted by `window_decay ** distance` (an article dwells on
  a topic for a few sentences, across paragraph breaks), then smoothed with
  the mean vector of its paragraph (`w_paragraph`). With `smoothings` (pairs
  of `(w_window, w_paragraph)`) one similarity is built per pair and the
  communities below pool all of them (a bagged ensemble: how much context to
  borrow is uncertain, and any one choice moves the groups by chance);
  `smoothings=()` uses the single `w_window`, `w_paragraph`.
- Similarity of two passages: the cosine of those vectors plus `w_pair` times
  their pair score from `score_pairs` (two outlets relaying one claim belong
  together). Each passage keeps its `neighbours` most similar passages: a
  sparse, weighted graph.
- Only sentences with at least `min_terms` content terms take part in the
  communities: headlines, captions, headings and datelines share words with
  every topic and would tie rows together; they join a group afterwards as
  small groups do.
- Communities: Louvain modularity (igraph) run `runs` times with seeded random
  orders at each of `resolutions` on each similarity; `together[i, j]` is the share of those runs
  that put i and j in one community, and average linkage on it joins clusters
  while their mean agreement reaches `agreement`. No single run, order or
  resolution decides: reordering the items leaves the groups (nearly) unchanged.
- Groups smaller than `min_size` (and the passages left out above) then join the group they are most similar to
  (mean of the similarities) when the mean similarity reaches `join_floor`, or else an "Other" group
  (`is_other=True`).
- Deterministic: the same input gives the same groups in the same order.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, replace

import igraph
import numpy as np

from .score import Item, Options, Prepared, ScoredPair, prepare
from .titles import exchange_titles

OTHER_TITLE = "Other"


@dataclass(frozen=True)
class GroupOptions:
    w_paragraph: float = 0.5
    w_window: float = 0.25
    window_decay: float = 0.5
    w_commentary: float = 0.3
    w_semantic: float = 1.0
    w_pair: float = 1.0
    neighbours: int = 60
    resolutions: tuple[float, ...] = (1.0, 1.2, 1.4, 1.6)
    runs: int = 10
    # (w_window, w_paragraph) per similarity of the ensemble; () uses w_window and w_paragraph alone.
    smoothings: tuple[tuple[float, float], ...] = ((0.25, 0.25), (0.25, 0.5), (0.5, 0.25), (0.5, 0.5))
    agreement: float = 0.3
    min_size: int = 6
    join_floor: float = 0.02
    min_terms: int = 2


@dataclass(frozen=True)
class Group:
    items: tuple[int, ...]  # item ids
    title: str
    is_other: bool = False


def group_exchanges(items: list[Item], pairs: list[ScoredPair], options: Options = Options(),
                    group_options: GroupOptions = GroupOptions(), paragraphs: dict[int, tuple] | None = None,
                    prepared: Prepared | None = None, vectors: dict[int, np.ndarray] | None = None) -> list[Group]:
    if not items:
        return []
    prepared = prepared or prepare(items, options)
    n = len(items)
    if n == 1:
        return [Group((items[0].id,), exchange_titles(prepared, [[0]], pairs, options)[0])]
    go = group_options
    variants = [replace(go, w_window=w, w_paragraph=p) for w, p in go.smoothings] or [go]
    similarities = [passage_similarity(items, pairs, prepared, v, paragraphs or {}, vectors or {}) for v in variants]
    similarity = np.mean(similarities, axis=0)
    core = [r for r, item in enumerate(items) if item.kind == "sentence" and len(prepared.terms[r]) >= go.min_terms]
    if len(core) < 2:
        core = list(range(n))
    labels = _consensus_communities([s[np.ix_(core, core)] for s in similarities], go)
    members = defaultdict(list)
    for r, label in zip(core, labels):
        members[label].append(r)
    outside = sorted(set(range(n)) - set(core))
    big = [m for m in members.values() if len(m) >= go.min_size]
    small = [r for m in members.values() if len(m) < go.min_size for r in m] + outside
    other: list[int] = []
    for r in small:
        if big:
            scores = [similarity[r, [x for x in m if x != r]].mean() for m in big]
            best = int(np.argmax(scores))
            if scores[best] >= go.join_floor:
                big[best].append(r)
                continue
        other.append(r)
    big.sort(key=lambda m: (-len(m), min(m)))
    titles = exchange_titles(prepared, big, pairs, options)
    groups = [Group(tuple(items[r].id for r in sorted(m)), title) for m, title in zip(big, titles)]
    if other:
        groups.append(Group(tuple(items[r].id for r in sorted(other)), OTHER_TITLE, is_other=True))
    return groups


def passage_similarity(items: list[Item], pairs: list[ScoredPair], prepared: Prepared, go: GroupOptions,
                       paragraphs: dict, vectors: dict[int, np.ndarray]) -> np.ndarray:
    """(n, n) similarity of the items: cosine of the smoothed vectors plus `w_pair` times the pair score."""
    commentary = np.array([[go.w_commentary * item.commentary] for item in items], dtype=np.float64)
    parts = [prepared.matrix.toarray().astype(np.float64), commentary]
    if vectors and go.w_semantic:
        parts.append(go.w_semantic * _semantic_rows(items, vectors))
    matrix = _window_smoothed(np.hstack(parts), items, go.w_window, go.window_decay)
    matrix = _paragraph_smoothed(matrix, items, paragraphs, go.w_paragraph)
    similarity = matrix @ matrix.T
    row = {item.id: r for r, item in enumerate(items)}
    for p in pairs:
        if p.a in row and p.b in row:
            similarity[row[p.a], row[p.b]] += go.w_pair * p.score
            similarity[row[p.b], row[p.a]] += go.w_pair * p.score
    return similarity


def _semantic_rows(items: list[Item], vectors: dict[int, np.ndarray]) -> np.ndarray:
    """One normalised sentence vector per item; zeros for items without one (headings, headlines)."""
    dim = len(next(iter(vectors.values())))
    out = np.zeros((len(items), dim), dtype=np.float64)
    for r, item in enumerate(items):
        v = vectors.get(item.id)
        if v is not None:
            norm = float(np.linalg.norm(v))
            out[r] = v / norm if norm > 0 else 0.0
    return out


def _consensus_communities(similarities: list[np.ndarray], go: GroupOptions) -> np.ndarray:
    """Labels from an ensemble of seeded Louvain runs, joined by average linkage where most runs agree.

    On each similarity's kNN graph, each of `go.runs` seeds runs at every resolution in
    `go.resolutions`; `together[i, j]` is the share of all those runs that put i and j in one
    community. Average linkage on that share merges groups while their members are together in at
    least `go.agreement` of the runs: one run's random order, one resolution or one smoothing
    cannot split or join a topic on its own.
    """
    n = len(similarities[0])
    together = np.zeros((n, n), dtype=np.float64)
    for similarity in similarities:
        together += _co_membership(similarity, go)
    return _average_linkage(together / len(similarities), go.agreement)


def _co_membership(similarity: np.ndarray, go: GroupOptions) -> np.ndarray:
    """Share of the seeded Louvain runs (all resolutions) on the kNN graph that put i and j together."""
    n = len(similarity)
    weights = np.clip(similarity, 0.0, None)
    np.fill_diagonal(weights, 0.0)
    if 0 < go.neighbours < n - 1:
        keep = np.argpartition(-weights, go.neighbours, axis=1)[:, : go.neighbours]
        sparse = np.zeros_like(weights)
        rows = np.arange(n)[:, None]
        sparse[rows, keep] = weights[rows, keep]
        weights = np.maximum(sparse, sparse.T)
    a, b = np.nonzero(np.triu(weights, 1))
    graph = igraph.Graph(n=n, edges=list(zip(a.tolist(), b.tolist())))
    edge_weights = weights[a, b].tolist()
    together = np.zeros((n, n), dtype=np.float64)
    try:
        for resolution in go.resolutions:
            for seed in range(go.runs):
                igraph.set_random_number_generator(random.Random(seed))
                found = np.array(graph.community_multilevel(weights=edge_weights, resolution=resolution).membership)
                together += found[:, None] == found[None, :]
    finally:
        igraph.set_random_number_generator(random)
    return together / (go.runs * len(go.resolutions))


def _average_linkage(similarity: np.ndarray, floor: float, clusters: int = 1) -> np.ndarray:
    """Labels of agglomerative clustering: join the two clusters of highest mean similarity while it is >= floor.

    Stops early once `clusters` are left (`bench/exchanges.py --ceiling` cuts at the gold's count
    with `floor=-inf`). Deterministic (ties go to the lowest indices); O(n^2) memory, O(n^3) time
    in numpy, fine for a story's few hundred passages.
    """
    n = len(similarity)
    linkage = similarity.astype(np.float64, copy=True)
    np.fill_diagonal(linkage, -np.inf)
    size = np.ones(n)
    labels = np.arange(n)
    for _ in range(n - max(clusters, 1)):
        i, j = np.unravel_index(int(np.argmax(linkage)), linkage.shape)
        if linkage[i, j] < floor:
            break
        i, j = min(i, j), max(i, j)
        merged = (linkage[i] * size[i] + linkage[j] * size[j]) / (size[i] + size[j])
        linkage[i, :] = linkage[:, i] = merged
        linkage[j, :] = linkage[:, j] = -np.inf
        linkage[i, i] = -np.inf
        size[i] += size[j]
        labels[labels == j] = i
    return labels


def _window_smoothed(matrix: np.ndarray, items: list[Item], weight: float, decay: float) -> np.ndarray:
    """Add `weight` times the decay-weighted mean of the other passages of the same article."""
    out = matrix.copy()
    if not weight:
        return out
    by_article = defaultdict(list)
    for r, item in enumerate(items):
        by_article[item.article].append(r)
    for rows in by_article.values():
        if len(rows) < 2:
            continue
        rows = sorted(rows, key=lambda r: items[r].position)
        order = np.arange(len(rows))
        near = decay ** np.abs(order[:, None] - order[None, :]).astype(np.float64)
        np.fill_diagonal(near, 0.0)
        near /= near.sum(axis=1, keepdims=True)
        out[rows] += weight * (near @ matrix[rows])
    return out


def _paragraph_smoothed(matrix: np.ndarray, items: list[Item], paragraphs: dict, weight: float) -> np.ndarray:
    out = matrix.astype(np.float64, copy=True)
    if weight:
        by_paragraph = defaultdict(list)
        for r, item in enumerate(items):
            by_paragraph[paragraphs.get(item.id, (item.article, item.id))].append(r)
        for rows in by_paragraph.values():
            if len(rows) < 2:
                continue
            total = matrix[rows].sum(axis=0)
            for r in rows:
                out[r] += weight * (total - matrix[r]) / (len(rows) - 1)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1)
