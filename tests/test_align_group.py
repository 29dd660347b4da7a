import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from newsdiff.align.group import GroupOptions, group_exchanges
from newsdiff.align.score import Item, Options, prepare, score_pairs
from newsdiff.align.titles import exchange_titles

FISH = ["The fishing quota will be cut by a third, the minister said.",
        "Fishing quotas are to fall by a third next spring.",
        "Trawler crews protested against the quota cut in the harbour.",
        "The quota cut will cost fishing towns thousands of jobs."]
GAS = ["The gas pipeline will close for repairs in June.",
       "Repairs will shut the pipeline for a month from June.",
       "Gas prices rose after the pipeline closure was announced.",
       "Households face higher gas bills during the pipeline repairs."]


def items():
    out, next_id = [], 1
    for article in range(4):
        for text in (FISH[article], GAS[article]):
            out.append(Item(next_id, article, text, position=next_id))
            next_id += 1
    return out


def test_every_passage_lands_in_exactly_one_group_and_topics_separate():
    its = items()
    groups = group_exchanges(its, score_pairs(its, Options()), Options(), GroupOptions(min_size=2))
    assert sorted(i for g in groups for i in g.items) == [i.id for i in its]
    fish = {i.id for i in its if "quota" in i.text}
    assert any(set(g.items) == fish for g in groups)
    titles = " ".join(g.title for g in groups)
    assert "quota" in titles and "pipeline" in titles


def test_grouping_is_deterministic():
    # Two calls in one process share its string hashes, so they would agree even if the result hung on set or
    # dict order; run it in processes with different hash seeds and compare with this process's own result.
    its = items()
    # min_size=2: with the default size these eight items all go to "Other", which any grouping agrees on.
    here = repr(group_exchanges(its, score_pairs(its, Options()), Options(), GroupOptions(min_size=2)))
    assert "is_other=False" in here
    script = ("from tests.test_align_group import items, group_exchanges, score_pairs, Options, GroupOptions; its = "
              "items(); print(repr(group_exchanges(its, score_pairs(its, Options()), Options(), GroupOptions(min_size=2))))")
    for seed in ("1", "2"):
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, cwd=Path(__file__).parent.parent)
        assert run.stdout.strip() == here


def test_a_passage_like_no_other_goes_to_other():
    its = items() + [Item(99, 9, "Zebras migrate across the Serengeti plains each year.")]
    groups = group_exchanges(its, score_pairs(its, Options()), Options(), GroupOptions(min_size=2))
    other = [g for g in groups if g.is_other]
    assert other and 99 in other[0].items and other[0].title == "Other"


def test_a_single_passage_is_one_group():
    [group] = group_exchanges([Item(1, 1, "The quota will fall.")], [])
    assert group.items == (1,)


def test_outsiders_commentary_leans_towards_a_row_of_its_own():
    its = items()
    comment = [Item(50 + k, k, text, commentary=True, position=50 + k) for k, text in enumerate([
        "An analyst said the fishing quota cut would be hard to sustain.",
        "A former envoy said the gas pipeline repairs looked rushed.",
        "Experts doubted the quota plan would last.",
    ])]
    everything = its + comment
    ids = {c.id for c in comment}

    def gathered(groups):
        return max(len(ids & set(g.items)) for g in groups)

    assert gathered(group_exchanges(everything, [], Options(), GroupOptions(min_size=2, w_commentary=0.0))) < 3
    assert gathered(group_exchanges(everything, [], Options(), GroupOptions(min_size=2, w_commentary=3.0))) == 3


def test_a_sentence_without_topic_words_follows_the_sentences_around_it_in_its_article():
    its = items()
    # Article 0 dwells on the quota for three sentences; the middle one names no topic word.
    its = [Item(i.id, i.article, i.text, position=i.position + (10 if i.article == 0 and "quota" not in i.text else 0))
           for i in its]
    aside = Item(77, 0, "Nobody in the room expected that to change soon.", position=2)
    more = Item(78, 0, "Officials said the fishing quota review would follow in May.", position=3)
    everything = its + [aside, more]
    pairs = score_pairs(everything, Options())
    neighbours = {next(i.id for i in its if i.article == 0 and "quota" in i.text), more.id}
    gas = {i.id for i in its if "pipeline" in i.text}

    def group_of(groups, item_id):
        return next(set(g.items) for g in groups if item_id in g.items)

    with_window = group_of(group_exchanges(everything, pairs, Options(), GroupOptions(min_size=2)), 77)
    assert with_window >= neighbours and not with_window & gas
    alone = GroupOptions(min_size=2, w_window=0.0, smoothings=())
    assert not group_of(group_exchanges(everything, pairs, Options(), alone), 77) >= neighbours
    # The ensemble pools its smoothings: one without any article window cannot take the aside away.
    pooled = GroupOptions(min_size=2, smoothings=((0.0, 0.5), (0.25, 0.5), (0.5, 0.5)))
    assert group_of(group_exchanges(everything, pairs, Options(), pooled), 77) >= neighbours


def test_one_smoothing_in_the_ensemble_is_the_single_similarity_with_those_weights():
    # On items() alone every weighting gives the same two groups, so the equality could not fail; here an aside
    # without topic words joins the quota row only when the article window counts (as in the test above).
    its = [Item(i.id, i.article, i.text, position=i.position + (10 if i.article == 0 and "quota" not in i.text else 0))
           for i in items()]
    its += [Item(77, 0, "Nobody in the room expected that to change soon.", position=2),
            Item(78, 0, "Officials said the fishing quota review would follow in May.", position=3)]
    pairs = score_pairs(its, Options())
    results = {}
    for weights in ((0.5, 0.25), (0.0, 0.0)):
        single = GroupOptions(min_size=2, w_window=weights[0], w_paragraph=weights[1], smoothings=())
        ensemble = GroupOptions(min_size=2, smoothings=(weights,))
        results[weights] = group_exchanges(its, pairs, Options(), single)
        assert results[weights] == group_exchanges(its, pairs, Options(), ensemble)
    assert results[(0.5, 0.25)] != results[(0.0, 0.0)]  # the weights reach the result


def test_titles_are_short_phrases_as_written_from_the_groups_passages():
    its = items()
    groups = group_exchanges(its, score_pairs(its, Options()), Options(), GroupOptions(min_size=2))
    texts = {i.id: i.text for i in its}
    for g in groups:
        words = g.title.split()
        assert 1 <= len(words) <= 8 and len(g.title) <= 60
        assert any(g.title in texts[i] for i in g.items), g.title  # contiguous, case kept
        assert words[0].lower() not in {"the", "a", "of", "will", "by"} and words[-1].lower() not in {"the", "a", "of"}
    assert len({g.title.lower() for g in groups}) == len(groups)


def test_a_title_names_the_topic_not_the_speaker():
    options = Options(actor_words=("Ombudsman Varga",))  # the story's data names its speakers
    texts = ["Ombudsman Varga wants the river dam raised by two metres.",
             "Ombudsman Varga wants the river dam to rise two metres.",
             "The river dam will be raised before the floods.",
             "Raising the river dam costs a fortune.",
             "Farmers fear the floods.", "Bread prices rose."]
    its = [Item(k + 1, k, text, position=1) for k, text in enumerate(texts)]
    [title] = exchange_titles(prepare(its, options), [[0, 1, 2, 3]], score_pairs(its, options), options)
    assert "river dam" in title and "Varga" not in title and "wants" not in title


def test_sentence_vectors_group_passages_that_share_no_words():
    # Each sentence words its topic differently, so tf-idf sees nothing in common; the sentence
    # vectors (as an encoder would give them) say which topic each one is about.
    harvest = ["Farmers gathered a record wheat crop.", "Barley yields broke every previous mark.",
               "Growers brought in unprecedented grain.", "Cereal output hit an all-time high."]
    transit = ["Commuters waited hours for delayed trains.", "Buses ran late across downtown all week.",
               "Tram services stalled during rush hour.", "Passengers endured slow metro journeys."]
    its, vectors = [], {}
    rng = np.random.default_rng(0)
    for article in range(4):
        for topic, text in enumerate((harvest[article], transit[article])):
            item = Item(len(its) + 1, article, text, position=len(its) + 1)
            its.append(item)
            vectors[item.id] = np.eye(8)[topic] + 0.05 * rng.standard_normal(8)
    go = GroupOptions(min_size=2, min_terms=0)
    harvest_ids = {i.id for i in its if i.text in harvest}

    with_vectors = group_exchanges(its, [], Options(), go, vectors=vectors)
    assert any(set(g.items) == harvest_ids for g in with_vectors)
    without = group_exchanges(its, [], Options(), go)
    assert not any(set(g.items) == harvest_ids for g in without)


def test_items_without_a_sentence_vector_still_land_in_a_group():
    its = items() + [Item(90, 0, "Quota and pipeline: the week ahead", kind="heading", position=0)]
    vectors = {i.id: np.eye(2)[0 if "quota" in i.text.lower() or "fishing" in i.text.lower() else 1]
               for i in its if i.kind == "sentence"}
    groups = group_exchanges(its, score_pairs(its, Options()), Options(), GroupOptions(min_size=2), vectors=vectors)
    assert sorted(i for g in groups for i in g.items) == sorted(i.id for i in its)


def test_the_order_items_arrive_in_does_not_change_the_groups():
    its = items()
    pairs = score_pairs(its, Options())
    go = GroupOptions(min_size=2)

    def partition(groups):
        return {frozenset(g.items) for g in groups}

    assert partition(group_exchanges(its, pairs, Options(), go)) == \
        partition(group_exchanges(list(reversed(its)), pairs, Options(), go))
