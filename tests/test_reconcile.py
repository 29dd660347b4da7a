"""Matching an article's old sentences to its new ones (newsdiff.text.reconcile): pure, no database."""
from hypothesis import given
from hypothesis import strategies as st

from newsdiff.text.reconcile import reconcile

OLD = [
    "The two ministers met in Geneva on Tuesday.",
    'Anna Petrova said the talks were "useful and frank."',
    '"We are ready to continue," John Smith told reporters.',
    "He added that a second round was planned.",
]


def test_an_unchanged_article_keeps_every_sentence_as_it_was():
    r = reconcile(OLD, OLD)
    assert r.same == tuple((i, i) for i in range(4))
    assert (r.edited, r.removed, r.added) == ((), (), ())


def test_a_corrected_word_keeps_the_sentence_as_edited():
    new = [OLD[0].replace("Tuesday", "Wednesday"), *OLD[1:]]
    r = reconcile(OLD, new)
    assert r.edited == ((0, 0),)
    assert r.same == ((1, 1), (2, 2), (3, 3))


def test_a_removed_and_an_added_sentence_are_reported_as_such():
    new = [OLD[0], OLD[2], "A third round is not ruled out, officials said.", OLD[3]]
    r = reconcile(OLD, new)
    assert r.removed == (1,)
    assert r.added == (2,)
    assert r.matched == {0: 0, 1: 2, 3: 3}


def test_a_rewritten_sentence_is_not_taken_for_the_old_one():
    new = [OLD[0], "Petrova called the meeting a waste of everyone's time.", *OLD[2:]]
    r = reconcile(OLD, new)
    assert (r.removed, r.added, r.edited) == ((1,), (1,), ())


def test_case_and_punctuation_alone_do_not_make_a_sentence_new():
    new = [OLD[0].upper(), *OLD[1:]]
    assert reconcile(OLD, new).edited == ((0, 0),)


def test_an_edited_sentence_is_matched_to_its_own_old_version_among_near_duplicates():
    old = ["Prices rose by 3 percent in May.", "Prices rose by 4 percent in June."]
    new = ["Prices rose by 4 percent in June.", "Prices rose by 5 percent in July."]
    r = reconcile(old, new)
    assert r.same == ((1, 0),)
    assert r.removed == (0,) and r.added == (1,)


sentences = st.lists(st.sampled_from(OLD + ["Short one.", "Another sentence entirely here."]), max_size=8)


@given(sentences, sentences)
def test_every_sentence_is_accounted_for_once_and_matches_never_cross(old, new):
    r = reconcile(old, new)
    pairs = sorted(r.same + r.edited)
    assert sorted([o for o, _ in pairs] + list(r.removed)) == list(range(len(old)))
    assert sorted([n for _, n in pairs] + list(r.added)) == list(range(len(new)))
    assert [n for _, n in pairs] == sorted(n for _, n in pairs)
    assert all(old[o] == new[n] for o, n in r.same)
    assert all(old[o] != new[n] for o, n in r.edited)
