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
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform
from threadpoolctl import threadpool_limits

from .score import Item, Options, PairTable, Prepared, ScoredPair, prepare
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
    # Stories larger than this many passages: the method above groups a sample of whole articles of about
    # this size, and every other passage joins the group it is most similar to (as small groups do). Its
    # cost grows with the square of what it groups; the joining, with the story.
    sample: int = 2000


@dataclass(frozen=True)
class Group:
    items: tuple[int, ...]  # item ids
    title: str
    is_other: bool = False


def group_exchanges(items: list[Item], pairs, options: Options = Options(),
                    group_options: GroupOptions = GroupOptions(), paragraphs: dict[int, tuple] | None = None,
                    prepared: Prepared | None = None, vectors: dict[int, np.ndarray] | None = None) -> list[Group]:
    """`pairs`: a list of `ScoredPair`s or a `PairTable` (the sentence pairs of `score_pairs`)."""
    if not items:
        return []
    prepared = prepared or prepare(items, options)
    pair_ids = _pair_arrays(pairs)
    paragraphs, vectors = paragraphs or {}, vectors or {}
    if len(items) <= group_options.sample:
        return _group_all(items, pair_ids, options, group_options, paragraphs, prepared, vectors)
    return _group_sample(items, pair_ids, options, group_options, paragraphs, prepared, vectors)


def _pair_arrays(pairs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if isinstance(pairs, PairTable):
        return pairs.a, pairs.b, pairs.score
    triples = [(p.a, p.b, p.score) for p in pairs]
    return (np.array([t[0] for t in triples], dtype=np.int64), np.array([t[1] for t in triples], dtype=np.int64),
            np.array([t[2] for t in triples], dtype=np.float64))


def _group_all(items, pair_ids, options, go, paragraphs, prepared, vectors) -> list[Group]:
    """Today's method over every item: the consensus communities, then small groups join or go to Other."""
    n = len(items)
    pairs = [ScoredPair(int(a), int(b), float(score)) for a, b, score in zip(*pair_ids)]
    if n == 1:
        return [Group((items[0].id,), exchange_titles(prepared, [[0]], pairs, options)[0])]
    variants = _variants(go)
    similarities = [passage_similarity(items, pair_ids, prepared, v, paragraphs, vectors) for v in variants]
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


def _variants(go: GroupOptions) -> list[GroupOptions]:
    return [replace(go, w_window=w, w_paragraph=p) for w, p in go.smoothings] or [go]


def sample_articles(items: list[Item], go: GroupOptions) -> set:
    """The articles whose passages the full method groups: all of a story of at most `go.sample` passages,
    else whole articles spread evenly over the story (by id) until about that many passages."""
    articles = sorted({item.article for item in items})
    if len(items) <= go.sample:
        return set(articles)
    keep = max(1, len(articles) * go.sample // len(items))
    return {articles[k * len(articles) // keep] for k in range(keep)}


def _group_sample(items, pair_ids, options, go, paragraphs, prepared, vectors) -> list[Group]:
    """Group a sample of whole articles with `_group_all`; every other passage joins the sample's group whose
    members it is most similar to on average (the same similarity, pairs included), or Other below `join_floor`."""
    chosen = sample_articles(items, go)
    rows = [r for r, item in enumerate(items) if item.article in chosen]
    sample = _prepared_rows(prepared, rows)
    in_sample = {items[r].id for r in rows}
    a, b, score = pair_ids
    inside = np.isin(a, list(in_sample)) & np.isin(b, list(in_sample))
    groups = _group_all(sample.items, (a[inside], b[inside], score[inside]), options, go, paragraphs, sample, vectors)
    big = [g for g in groups if not g.is_other]
    members = [set(g.items) for g in groups]
    if not big:
        return [Group(tuple(sorted(i.id for i in items)), OTHER_TITLE, is_other=True)]
    rest = [r for r in range(len(items)) if items[r].id not in in_sample]
    joiner = fit_joiner(items, [list(g.items) for g in big], prepared, go, paragraphs, vectors)
    member_group = {i: g for g, group in enumerate(big) for i in group.items}
    joined = joiner.join(items, rest, prepared.matrix, pair_ids, member_group, paragraphs, vectors)
    other = members[-1] if groups[-1].is_other else set()
    for r, best in zip(rest, joined):  # the big groups come first, Other last
        (members[best] if best >= 0 else other).add(items[r].id)
    out = sorted((Group(tuple(sorted(m)), g.title) for g, m in zip(big, members)),
                 key=lambda g: (-len(g.items), g.items[0]))
    if other:
        out.append(Group(tuple(sorted(other)), OTHER_TITLE, is_other=True))
    return out


def _prepared_rows(prepared: Prepared, rows: list[int]) -> Prepared:
    """`prepared` restricted to `rows`, story-wide idf kept, without the columns none of them uses."""
    matrix = prepared.matrix[rows]
    used = np.unique(matrix.indices)
    term_of = {k: t for t, k in prepared.vocabulary.items()}
    vocabulary = {term_of[k]: new for new, k in enumerate(used.tolist())}
    return Prepared([prepared.items[r] for r in rows], [prepared.terms[r] for r in rows], prepared.idf,
                    matrix[:, used].tocsr(), vocabulary)


@dataclass
class Joiner:
    """What joining a passage to its nearest group needs: each group's mean smoothed vector under every
    smoothing (`centroids`: variants x groups x columns, over `vocabulary` weighted by `idf`, then the
    commentary and semantic columns) and its number of members. A passage's mean similarity to a group's
    members (as `passage_similarity` measures it) is its smoothed vector's product with the group's mean,
    plus `w_pair` times its pair scores with the members over their number. Kept by the job with the
    exchanges (`align.index`), so that one more article joins them without reading the story."""

    centroids: np.ndarray
    sizes: np.ndarray
    vocabulary: dict
    idf: dict
    options: GroupOptions

    def join(self, items: list[Item], rows: list[int], matrix, pair_ids, member_group: dict[int, int],
             paragraphs: dict, vectors: dict) -> list[int]:
        """Per row of `rows` (whole articles of `items`, whose tf-idf rows over `vocabulary` are `matrix`): the
        index of the group it joins, or -1 (Other). `pair_ids` are (a, b, score) arrays of pairs by item id;
        `member_group` maps the groups' members' ids to their group's index."""
        go = self.options
        totals = np.zeros((len(rows), len(self.sizes)))
        position = np.full(len(items), -1)
        position[rows] = np.arange(len(rows))
        by_article = defaultdict(list)
        for r, item in enumerate(items):
            by_article[item.article].append(r)
        with threadpool_limits(1, user_api="blas"):  # one article's small products: threads cost more than they save
            for article_rows in by_article.values():
                wanted = position[article_rows] >= 0
                if wanted.any():
                    for k, smoothed in enumerate(_smoothings(items, article_rows, matrix, _variants(go), paragraphs,
                                                             vectors)):
                        totals[position[article_rows][wanted]] += smoothed[wanted] @ self.centroids[k].T
        totals /= len(self.centroids)
        a, b, score = pair_ids
        ids = np.array([item.id for item in items], dtype=np.int64)
        members = np.array(sorted(member_group), dtype=np.int64)
        groups = np.array([member_group[i] for i in members.tolist()], dtype=np.int64)
        for here, there in ((a, b), (b, a)):
            r, g = _lookup(ids, here), _lookup(members, there)
            ok = (r >= 0) & (g >= 0)
            ok[ok] &= position[r[ok]] >= 0
            g = groups[g[ok]]
            np.add.at(totals, (position[r[ok]], g), go.w_pair * score[ok] / np.maximum(self.sizes[g], 1))
        best = totals.argmax(axis=1) if len(self.sizes) else np.zeros(len(rows), dtype=int)
        return [int(g) if len(self.sizes) and totals[k, g] >= go.join_floor else -1 for k, g in enumerate(best)]


def _lookup(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index in `keys` of each wanted value, -1 where absent."""
    if len(keys) == 0:
        return np.full(len(wanted), -1)
    order = np.argsort(keys)
    at = np.clip(np.searchsorted(keys[order], wanted), 0, len(keys) - 1)
    return np.where(keys[order][at] == wanted, order[at], -1)


def fit_joiner(items: list[Item], groups: list[list[int]], prepared: Prepared, go: GroupOptions,
               paragraphs: dict, vectors: dict) -> Joiner:
    """A `Joiner` for `groups` (lists of item ids) from their members in `sample_articles(items)`: the
    passages the full method grouped."""
    chosen = sample_articles(items, go)
    member_group = {i: g for g, members in enumerate(groups) for i in members}
    variants = _variants(go)
    centroids, sizes = None, np.zeros(len(groups))
    by_article = defaultdict(list)
    for r, item in enumerate(items):
        by_article[item.article].append(r)
    with threadpool_limits(1, user_api="blas"):
        for article, rows in by_article.items():
            label = np.array([member_group.get(items[r].id, -1) for r in rows])
            hit = label >= 0
            if article not in chosen or not hit.any():
                continue
            np.add.at(sizes, label[hit], 1)
            for k, smoothed in enumerate(_smoothings(items, rows, prepared.matrix, variants, paragraphs, vectors)):
                if centroids is None:
                    centroids = np.zeros((len(variants), len(groups), smoothed.shape[1]))
                np.add.at(centroids[k], label[hit], smoothed[hit])
    if centroids is None:
        width = prepared.matrix.shape[1] + 1 + (len(next(iter(vectors.values()))) if vectors and go.w_semantic else 0)
        centroids = np.zeros((len(variants), len(groups), width))
    centroids /= np.maximum(sizes, 1)[None, :, None]
    return Joiner(centroids.astype(np.float32), sizes, prepared.vocabulary, prepared.idf, go)


def _smoothings(items, rows, matrix, variants, paragraphs, vectors):
    """The smoothed, normalised vectors of one article's `rows` (its every passage) under each variant, as
    `passage_similarity` makes them: dense over the tf-idf columns of `matrix`, one article at a time."""
    block = [items[r] for r in rows]
    go = variants[0]
    commentary = np.array([[go.w_commentary * item.commentary] for item in block], dtype=np.float64)
    parts = [matrix[rows].toarray().astype(np.float64), commentary]
    if vectors and go.w_semantic:
        parts.append(go.w_semantic * _semantic_rows(block, vectors))
    features = np.hstack(parts)
    for v in variants:
        smoothed = _window_smoothed(features, block, v.w_window, v.window_decay)
        yield _paragraph_smoothed(smoothed, block, paragraphs, v.w_paragraph)


def passage_similarity(items: list[Item], pairs, prepared: Prepared, go: GroupOptions,
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
    for a, b, score in zip(*(_pair_arrays(pairs) if not isinstance(pairs, tuple) else pairs)):
        a, b = int(a), int(b)
        if a in row and b in row:
            similarity[row[a], row[b]] += go.w_pair * score
            similarity[row[b], row[a]] += go.w_pair * score
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
    with `floor=-inf`). Average linkage (UPGMA) never merges at a higher similarity than an earlier
    merge, so cutting scipy's dendrogram at `floor` gives the clusters of merging while the best
    pair reaches it: O(n^2) in C, where the loop it replaces was O(n^3) in numpy (seconds at 2,000
    passages).
    """
    n = len(similarity)
    if n < 2:
        return np.zeros(n, dtype=int)
    top = float(np.max(similarity))
    distance = top - similarity.astype(np.float64)
    np.fill_diagonal(distance, 0.0)
    tree = hierarchy.linkage(squareform(np.maximum(distance, 0.0), checks=False), method="average")
    if np.isfinite(floor):
        labels = hierarchy.fcluster(tree, top - floor, criterion="distance")
        if labels.max() >= max(clusters, 1):
            return labels - 1
    return hierarchy.fcluster(tree, max(clusters, 1), criterion="maxclust") - 1


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
