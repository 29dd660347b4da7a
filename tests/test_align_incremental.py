"""One more article aligned against the story alone: what it adds, and what it never touches."""
import pytest
from django.contrib.auth import get_user_model

from newsdiff import editing
from newsdiff.ingest import add_article
from newsdiff.jobs import run_alignment, start_alignment
from newsdiff.models import AlignedPair, AlignmentIndex, Article, Passage

pytestmark = pytest.mark.django_db


def align(story, **kwargs):
    return run_alignment(start_alignment(story, enqueue=False, **kwargs).pk)


def stored_pairs(story):
    return {pk: (a, b, score, relation, status) for pk, a, b, score, relation, status in
            AlignedPair.objects.filter(story=story).values_list("pk", "a_id", "b_id", "score", "relation", "status")}


def add_copy_of_first_article(story):
    """A sixth outlet carrying the first article's text word for word, with a closing line of its own."""
    original = Article.objects.filter(story=story).order_by("pk").first()
    text = original.raw_text + "\n\nThis report was syndicated by an invented wire service.\n"
    add_article(story, "copy.txt", text.encode("utf-8"), outlet="Copying Outlet")
    copy = Article.objects.get(story=story, source="copy.txt")
    return original, copy


def test_one_more_article_is_aligned_incrementally_and_leaves_the_rest_as_it_was(seed_story):
    story = seed_story
    align(story)
    assert AlignmentIndex.objects.filter(story=story).exists()
    editor = get_user_model().objects.create_user("ed")
    tagged = AlignedPair.objects.filter(story=story).order_by("-score").first()
    editing.tag_pairs([tagged], editor, status=AlignedPair.Status.REJECTED)
    before = stored_pairs(story)
    original, copy = add_copy_of_first_article(story)

    job = align(story)

    assert job.status == "succeeded", job.error
    assert job.parameters["mode"] == "incremental"
    after = stored_pairs(story)
    assert {pk: after[pk] for pk in before} == before  # old pairs, the rejected one included, as they were
    new_pairs = {v[:2] for pk, v in after.items() if pk not in before}
    assert new_pairs and job.pairs_created == len(new_pairs)
    copied = Passage.objects.filter(article=copy)
    assert copied.exists() and not copied.filter(exchange=None).exists()  # every new passage has its exchange
    # Each copied sentence is paired with the one it copies, word for word, and joins its exchange.
    originals = {(p.position): p for p in Passage.objects.filter(article=original, kind="sentence")}
    sentences = [p for p in copied.filter(kind="sentence") if p.position in originals and len(p.text.split()) >= 6]
    verbatim = AlignedPair.objects.filter(story=story, relation="verbatim")
    found = [p for p in sentences if verbatim.filter(a=min(p.pk, originals[p.position].pk),
                                                     b=max(p.pk, originals[p.position].pk)).exists()]
    assert len(found) >= 0.9 * len(sentences)
    same_exchange = [p for p in sentences if p.exchange_id == originals[p.position].exchange_id]
    assert len(same_exchange) >= 0.8 * len(sentences)


def test_align_full_aligns_everything_again(seed_story):
    story = seed_story
    align(story)
    add_copy_of_first_article(story)
    assert align(story).parameters["mode"] == "incremental"
    incremental = {v[:2] for v in stored_pairs(story).values()}

    job = align(story, full=True)

    assert job.status == "succeeded" and "mode" not in job.parameters
    full = {v[:2] for v in stored_pairs(story).values()}
    # The full run rescores with the grown story's weights: it finds nearly what the increment found.
    assert len(incremental & full) >= 0.9 * len(full)


def test_a_run_with_nothing_new_or_other_options_is_a_full_run(seed_story):
    story = seed_story
    align(story)
    assert "mode" not in align(story).parameters  # nothing unaligned: the whole story, as before
    add_copy_of_first_article(story)
    job = align(story, threshold=0.5)  # the index was made at 0.45: it cannot serve
    assert job.status == "succeeded" and "mode" not in job.parameters
