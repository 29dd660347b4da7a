"""Blocking and the partner cap: what lets a story of many articles be scored without scoring every pair."""
from dataclasses import replace

import numpy as np
from scipy import sparse

from newsdiff.align.candidates import candidate_pairs
from newsdiff.align.group import GroupOptions, group_exchanges
from newsdiff.align.score import Item, Options, Scores, base_scores, pair_table, prepare, score_pairs

CLAIMS = ["The fishing quota will be cut by a third next spring, the minister said.",
          "Repairs will shut the gas pipeline for a month from June.",
          "Trawler crews protested against the quota cut in the harbour on Monday.",
          "Households face higher heating bills while the pipeline is closed.",
          "The coastguard will patrol the northern fishing grounds twice as often.",
          "Grain exports through the port doubled in the first quarter of the year."]


def copies(n_articles: int, tail: str = "") -> list[Item]:
    """Articles that all carry the same claims, each copy losing a different word of each."""
    items, next_id = [], 1
    for article in range(n_articles):
        for position, text in enumerate(CLAIMS):
            words = (text + tail).split()
            del words[(article + position) % len(words)]
            items.append(Item(next_id, article, " ".join(words), position=position))
            next_id += 1
    return items


def test_blocked_candidates_grow_with_the_story_not_with_its_square():
    for n_articles in (20, 60):
        items = copies(n_articles)
        prepared = prepare(items, Options())
        found = candidate_pairs(prepared.matrix, np.array([i.article for i in items]), None, 10, 0)
        assert len(found) <= 10 * len(items)  # never n^2 / 2
        assert (found.a < found.b).all() and len(set(zip(found.a, found.b))) == len(found)
        articles = np.array([i.article for i in items])
        assert (articles[found.a] != articles[found.b]).all()


def test_each_passage_names_its_nearest_of_other_articles_and_those_that_name_it():
    matrix = sparse.csr_matrix(np.array([[1, 0], [0.9, 0.1], [0.8, 0.2], [0, 1]], dtype=np.float32))
    found = candidate_pairs(matrix, np.array([0, 1, 2, 3]), None, 1, 0)
    # 0 and 1 name each other, 2 names 0 (0.8 beats 0.74 with 1), 3 names 2: (1, 2) is nobody's nearest.
    assert set(zip(found.a.tolist(), found.b.tolist())) == {(0, 1), (0, 2), (2, 3)}
    same_article = candidate_pairs(matrix, np.array([0, 0, 2, 3]), None, 1, 0)
    assert (0, 1) not in set(zip(same_article.a.tolist(), same_article.b.tolist()))


def test_blocking_keeps_what_scoring_every_pair_keeps_on_a_story_of_copies():
    # 600 passages sharing a word ("region"), so every pair is a candidate for exhaustive scoring; each has
    # 594 of other articles, the default blocking names its 150 nearest.
    items = copies(100, " in the region")
    every_pair = replace(Options(), lexical_candidates=10**6)
    prepared = prepare(items, Options())
    assert base_scores(prepared, Options()).candidates < 0.6 * base_scores(prepared, every_pair).candidates
    exhaustive = {(p.a, p.b) for p in score_pairs(items, every_pair)}
    blocked = {(p.a, p.b) for p in score_pairs(items, Options())}
    assert exhaustive and len(blocked & exhaustive) >= 0.99 * len(exhaustive)


def test_a_passage_keeps_at_most_its_best_partners():
    items = copies(30)  # each sentence has 29 copies
    capped = score_pairs(items, replace(Options(), max_partners=5))
    uncapped = score_pairs(items, Options())
    assert len(capped) < len(uncapped)
    best = {}
    for p in uncapped:
        best.setdefault(p.a, []).append(p.features["base"])
        best.setdefault(p.b, []).append(p.features["base"])
    fifth = {i: sorted(v, reverse=True)[:5][-1] for i, v in best.items()}
    # Every kept pair is among the five best of one of its passages by its own evidence (the base value: a
    # neighbour's support, which blocking may see less of, does not rank it); every passage keeps as many as
    # it had up to five (ties broken either way).
    assert all(p.features["base"] >= min(fifth[p.a], fifth[p.b]) for p in capped)
    degree = {}
    for p in capped:
        degree[p.a] = degree.get(p.a, 0) + 1
        degree[p.b] = degree.get(p.b, 0) + 1
    assert all(degree.get(i, 0) >= min(5, len(v)) for i, v in best.items())


def test_partners_are_ranked_by_their_own_evidence_not_by_a_neighbours_support():
    # Four two-sentence articles. Sentence 1 of article A matches article B's (base 0.80) because their
    # first sentences match too (support 0.9: score 0.98), and article C's better on its own (base 0.85, no
    # support: score 0.85). With one partner a passage, A's is C's: what blocking may not score completely
    # (a neighbour pair's support) does not decide which partners a passage keeps.
    items = [Item(10 * article + position, article, f"sentence {position} of {article}", position=position)
             for article in range(4) for position in range(2)]  # ids 0-1: A, 10-11: B, 20-21: C, 30-31: D
    pairs = {(0, 2): 0.90, (1, 3): 0.80, (1, 5): 0.85, (3, 7): 0.99, (5, 7): 0.96}
    a, b = (np.array(rows, dtype=np.int64) for rows in zip(*sorted(pairs)))
    value = np.array([pairs[k] for k in sorted(pairs)])
    base = Scores(a, b, value, value, np.zeros(len(value)))
    capped = pair_table(items, replace(Options(), max_partners=1), prepare(items, Options()), base=base)
    kept = set(zip(capped.a.tolist(), capped.b.tolist()))
    assert (1, 11) not in kept and (1, 21) in kept  # A1-B1 scores higher (0.98) but its own evidence is weaker
    assert (11, 31) in kept and (21, 31) in kept  # B1's and C1's own best
    uncapped = pair_table(items, Options(), prepare(items, Options()), base=base)
    assert dict(zip(zip(uncapped.a.tolist(), uncapped.b.tolist()), uncapped.score.tolist()))[(1, 11)] == 0.98


def test_a_story_larger_than_the_sample_is_grouped_whole_and_the_same_way_twice():
    items = copies(40)
    pairs = score_pairs(items, Options())
    options = GroupOptions(sample=60, min_size=3)  # 10 of the 40 articles are grouped, the rest join them
    groups = group_exchanges(items, pairs, Options(), options)
    assert sorted(i for g in groups for i in g.items) == [i.id for i in items]
    assert groups == group_exchanges(items, pairs, Options(), options)
    # Copies of one claim end in one group: the joined passages follow the sampled ones.
    group_of = {i: k for k, g in enumerate(groups) for i in g.items}
    for position in range(len(CLAIMS)):
        labels = [group_of[i.id] for i in items if i.position == position]
        assert max(labels.count(x) for x in set(labels)) >= 0.9 * len(labels)
