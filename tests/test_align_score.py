"""Pair scoring on sentences written for these tests."""
import numpy as np

from newsdiff.align.score import Item, Options, heading_pairs, relation_of, relations_of, score_pairs

OPTIONS = Options(actor_words=("Anna Petrova", "John Smith", "minister", "spokesman"))


def scored(*texts, options=OPTIONS, voices=None):
    items = [Item(k + 1, k + 1, t, (voices or [""] * len(texts))[k], position=0) for k, t in enumerate(texts)]
    return {(p.a, p.b): p.score for p in score_pairs(items, Options(**{**OPTIONS.__dict__, "threshold": 0.0}))}


def test_verbatim_outscores_paraphrase_which_outscores_a_different_claim():
    s = scored(
        "The minister said the fishing quota would be cut by a third next spring.",
        "The minister said the fishing quota would be cut by a third next spring.",
        "Fishing quotas are to be cut by a third from the spring, the minister said.",
        "The spokesman said the harbour would reopen after the storm.",
    )
    assert s[(1, 2)] > s[(1, 3)] > s.get((1, 4), 0)


def test_a_paraphrase_beats_sentences_that_only_share_names():
    s = scored(
        "Anna Petrova warned that the fishing quota would be slashed by a third.",
        "Petrova said quotas for fishing fleets would fall by a third next year.",
        "Anna Petrova and John Smith met in Oslo on Tuesday.",
    )
    assert s[(1, 2)] > s.get((1, 3), 0) + 0.2


def test_a_translation_variant_is_kept_at_the_default_threshold():
    texts = ["Smith accused the fleet of dangerous attempts to seize the northern fishing grounds.",
             "Smith said the fleet made dangerous attempts to conquer the northern fishing grounds."]
    items = [Item(1, 1, texts[0]), Item(2, 2, texts[1])]
    assert [(p.a, p.b) for p in score_pairs(items, OPTIONS)] == [(1, 2)]


def test_unrelated_sentences_sharing_the_actors_names_are_not_paired():
    items = [Item(1, 1, "Anna Petrova and John Smith spoke by video link on Tuesday."),
             Item(2, 2, "Anna Petrova told John Smith that grain exports would resume.")]
    assert score_pairs(items, OPTIONS) == []


def test_passages_of_one_article_are_never_paired():
    items = [Item(1, 7, "The quota will be cut by a third."), Item(2, 7, "The quota will be cut by a third.")]
    assert score_pairs(items, OPTIONS) == []


def test_headings_are_not_paired():
    items = [Item(1, 1, "Quota cut by a third", kind="heading"), Item(2, 2, "Quota cut by a third", kind="heading")]
    assert score_pairs(items, OPTIONS) == []


def test_opposing_official_voices_weigh_less_than_one_voice():
    a = "The minister said the quota would be cut by a third next spring."
    b = "The minister said the quota would be cut by a half next spring."
    same = scored(a, b, voices=["east", "east"])[(1, 2)]
    opposed = score_pairs([Item(1, 1, a, "east"), Item(2, 2, b, "west")], Options(**{**OPTIONS.__dict__, "threshold": 0}))
    assert opposed[0].score < same


def test_aliases_make_two_spellings_one_term():
    plain = Options(**{**OPTIONS.__dict__, "threshold": 0.0})
    folded = Options(**{**OPTIONS.__dict__, "threshold": 0.0, "aliases": (("Kiev", "Kyiv"),)})
    items = [Item(1, 1, "Talks on the Kiev pipeline resumed."), Item(2, 2, "Talks on the Kyiv pipeline resumed.")]
    assert score_pairs(items, folded)[0].score > score_pairs(items, plain)[0].score


def test_relations():
    assert relation_of("The quota will fall.", "the quota will fall") == "verbatim"
    assert relation_of('He spoke of "dangerous attempts to seize the grounds".',
                       'He spoke of "dangerous attempts to conquer the grounds".') == "variant"
    assert relation_of("The quota will fall by a third.", "Fishing limits are to be cut sharply.") == "paraphrase"


def test_relations_of_many_pairs_compare_every_quote_of_one_with_every_quote_of_the_other():
    texts = {1: 'She called the plan "a reckless gamble with lives" and said "talks are over for now".',
             2: 'Officials said "talks are finished for now" after the meeting.',
             3: 'The minister warned of "a reckless gamble with many lives".',
             4: 'Critics said "the harvest will be poor this autumn" on Monday.',
             5: 'She called the plan "a reckless gamble with lives" and said "talks are over for now".'}
    pairs = [(1, 2), (1, 3), (1, 4), (1, 5), (2, 3), (2, 5), (3, 5), (4, 5)]
    found = relations_of(texts, np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]))
    assert dict(zip(pairs, found)) == {
        (1, 2): "variant", (1, 3): "variant", (1, 4): "paraphrase", (1, 5): "verbatim",
        (2, 3): "paraphrase", (2, 5): "variant", (3, 5): "variant", (4, 5): "paraphrase"}


def heading_items(*articles):
    """Items of articles given as (headline, sentence, ...): sentences first, then headlines, as the job orders them."""
    sentences, headlines = [], []
    for a, (headline, *body) in enumerate(articles, start=1):
        headlines.append(Item(100 * a, a, headline, kind="heading", position=0))
        sentences += [Item(100 * a + k, a, text, position=k) for k, text in enumerate(body, start=1)]
    return sentences + headlines


GRAIN = ("Minister warns of grain export ban",
         "The minister spoke to farmers in the capital on Monday.",
         "Prices for bread have risen by a tenth this year.")
GRAIN_REPORT = ("Harvest talks end without a deal",
                "The minister warned that grain exports could be banned next month.",
                "Farmers' unions called the harvest the worst in a decade.")


def test_a_headline_that_states_a_claim_is_paired_with_another_outlets_sentence_of_it():
    pairs = heading_pairs(heading_items(GRAIN, GRAIN_REPORT), OPTIONS)
    assert [(p.a, p.b) for p in pairs] == [(100, 201)]
    assert pairs[0].score >= OPTIONS.threshold


def test_a_topic_line_that_attributes_nothing_is_not_paired():
    topic = ("What happened at the grain export talks",) + GRAIN[1:]
    assert heading_pairs(heading_items(topic, GRAIN_REPORT), OPTIONS) == []


def test_a_headline_is_never_paired_inside_its_own_article_and_sentence_pairs_are_left_to_score_pairs():
    own = ("Minister warns of grain export ban",
           "The minister warned that grain exports could be banned next month.")
    other = ("Harvest talks end", "The minister warned that grain exports could be banned next month.")
    pairs = heading_pairs(heading_items(own, other), OPTIONS)
    assert all(100 in (p.a, p.b) for p in pairs)  # only the headline that states a claim is paired
    assert (100, 101) not in {(p.a, p.b) for p in pairs}
    assert (100, 201) in {(p.a, p.b) for p in pairs}
