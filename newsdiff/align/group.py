"""Group a story's passages into exchanges: the rows of the parallel view.

Pure functions, no database.

Contract of `group_exchanges(items, pairs, options)`:

- Every item (headlines and headings too) ends in exactly one group; groups
  are returned largest first, each with a title of its most distinctive terms.
- Similarity of two passages: the cosine of their tf-idf vectors, each
  smoothed with the mean vector of its paragraph (a paragraph stays on one
  topic more often than a sentence says so) and given a `w_commentary`
  dimension when outsiders say it (analysts, former officials, third
  parties: their assessments form a row of their own), plus `w_pair` times
  their pair score from `score_pairs` (two outlets relaying one claim belong
  together).
- Average-linkage agglomeration (scipy) merges groups while their mean
  similarity stays above `stop`; groups smaller than `min_size` then join the
  group they are most similar to, or, when nothing is similar enough, an
  "Other" group (`is_other=True`).
- Deterministic: the same input gives the same groups in the same order.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from .score import Item, Options, Prepared, ScoredPair, prepare

OTHER_TITLE = "Other"


@dataclass(frozen=True)
class GroupOptions:
    w_paragraph: float = 1.0
    w_commentary: float = 0.3
    w_pair: float = 1.0
    stop: float = 0.04
    min_size: int = 3
    title_terms: int = 3


@dataclass(frozen=True)
class Group:
    items: tuple[int, ...]  # item ids
    title: str
    is_other: bool = False


def group_exchanges(items: list[Item], pairs: list[ScoredPair], options: Options = Options(),
                    group_options: GroupOptions = GroupOptions(), paragraphs: dict[int, tuple] | None = None,
                    prepared: Prepared | None = None) -> list[Group]:
    if not items:
        return []
    prepared = prepared or prepare(items, options)
    n = len(items)
    if n == 1:
        return [Group((items[0].id,), _title(prepared, [0], group_options.title_terms))]
    commentary = np.array([[group_options.w_commentary * item.commentary] for item in items], dtype=np.float32)
    vectors = _paragraph_smoothed(np.hstack([prepared.matrix, commentary]), items, paragraphs or {},
                                  group_options.w_paragraph)
    similarity = vectors @ vectors.T
    row = {item.id: r for r, item in enumerate(items)}
    for p in pairs:
        if p.a in row and p.b in row:
            similarity[row[p.a], row[p.b]] += group_options.w_pair * p.score
            similarity[row[p.b], row[p.a]] += group_options.w_pair * p.score
    distance = np.clip(1.0 + group_options.w_pair - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 + group_options.w_pair - group_options.stop, criterion="distance")
    members = defaultdict(list)
    for r, label in enumerate(labels):
        members[label].append(r)
    big = [m for m in members.values() if len(m) >= group_options.min_size]
    small = [r for m in members.values() if len(m) < group_options.min_size for r in m]
    other: list[int] = []
    for r in small:
        if big:
            scores = [similarity[r, m].mean() for m in big]
            best = int(np.argmax(scores))
            if scores[best] >= group_options.stop / 2:
                big[best].append(r)
                continue
        other.append(r)
    big.sort(key=lambda m: (-len(m), min(m)))
    groups = [Group(tuple(items[r].id for r in sorted(m)), _title(prepared, m, group_options.title_terms))
              for m in big]
    if other:
        groups.append(Group(tuple(items[r].id for r in sorted(other)), OTHER_TITLE, is_other=True))
    return groups


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


def _title(prepared: Prepared, rows: list[int], count: int) -> str:
    """The group's most distinctive terms: weight in the group times rarity in the story."""
    weight = defaultdict(float)
    articles = defaultdict(set)
    for r in rows:
        for t in set(prepared.terms[r]):
            weight[t] += prepared.idf.get(t, 0.0)
            articles[t].add(prepared.items[r].article)
    # A term several outlets use names the topic; one outlet's pet word does not.
    ranked = sorted(weight, key=lambda t: (-(weight[t] * len(articles[t])), t))
    words = []
    for t in ranked:
        word = prepared.surface.get(t, t)
        if word not in words and not word.isdigit():
            words.append(word)
        if len(words) == count:
            break
    return " · ".join(words) if words else OTHER_TITLE
