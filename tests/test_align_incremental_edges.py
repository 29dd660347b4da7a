"""Incremental alignment at its edges: corrections, tiny and empty stories, merged exchanges, headlines,
new words, and the write path that every run shares."""
import numpy as np
import pytest
from django.contrib.auth import get_user_model

from newsdiff import editing
from newsdiff.align.index import StoryIndex
from newsdiff.align.semantic import extend_space, space_frame
from newsdiff.ingest import add_article, ingest_story
from newsdiff.jobs import run_alignment, start_alignment
from newsdiff.models import AlignedPair, Article, Exchange, Passage

from .conftest import STORY_TOML

pytestmark = pytest.mark.django_db

A = """\
Ministers meet in Geneva

The two ministers met in Geneva on Tuesday for five hours of talks.

Anna Petrova said the negotiations over grain exports were useful and frank.

The delegations agreed to create a working group on shipping corridors.

"We are ready to continue the dialogue," John Smith told reporters after the meeting.

A second round of talks is planned for early April in Vienna.
"""

B = """\
Geneva talks end with a plan

Foreign ministers held five hours of talks in Geneva on Tuesday.

Petrova described the negotiations over grain exports as useful and frank.

Both delegations agreed to set up a working group on shipping corridors.

John Smith said his side was ready to continue the dialogue.

Officials expect another round of talks in Vienna in early April.
"""

C = """\
Grain talks in Geneva

The ministers spent five hours in talks in Geneva on Tuesday.

Anna Petrova called the grain export negotiations useful and frank.

A working group on shipping corridors will be created by the delegations.

Smith told reporters that his country was ready to continue the dialogue.

The next round is scheduled for Vienna in early April.
"""


def align(story, **kwargs):
    return run_alignment(start_alignment(story, enqueue=False, **kwargs).pk)


def pairs_of(passage):
    return {(a, b) for a, b in AlignedPair.objects.filter(story=passage.article.story).filter(
        a=passage.pk).values_list("a", "b")} | {(a, b) for a, b in AlignedPair.objects.filter(
            story=passage.article.story, b=passage.pk).values_list("a", "b")}


@pytest.fixture
def story3(make_story):
    return ingest_story(make_story({"a.txt": A, "b.txt": B, "c.txt": C})).story


def test_a_corrected_article_makes_the_next_run_full_and_its_edited_sentence_is_paired_again(story3):
    """A correction that edits one sentence (its row kept, its untagged pairs deleted by ingest) changes what
    the index describes: the next run aligns the whole story, so the edited sentence gets its pairs back."""
    story = story3
    assert align(story).status == "succeeded"
    article = Article.objects.get(story=story, source="c.txt")
    edited_text = "Anna Petrova called the grain export negotiations useful, frank and long."
    corrected = C.replace("Anna Petrova called the grain export negotiations useful and frank.", edited_text)
    corrected += "\nThis report was corrected to add a closing line about nothing in particular.\n"
    add_article(story, "c.txt", corrected.encode())
    edited = Passage.objects.get(article=article, text=edited_text, retired_at=None)
    assert not pairs_of(edited)  # ingest dropped its untagged pairs for the next alignment to propose again
    job = align(story)
    assert job.status == "succeeded" and "mode" not in job.parameters
    assert pairs_of(edited)


def test_incremental_frame_weighs_unseen_wordpieces_as_a_full_run_does():
    """`StoryIndex.frame()` has no rows, so `extend_space` weighs a wordpiece the frame never saw
    ln((0 + 2) / 2) = 0: a new article's own words (new names, numbers) count for nothing in its sentence
    vectors and token matching, where a full run (`_semantic_space`) gives them ln((n + 1) / 2)."""
    rng = np.random.default_rng(0)
    old = [(np.array([1, 2, 3]), rng.normal(size=(3, 8)).astype(np.float32)) for _ in range(20)]
    frame = space_frame([ids for ids, _ in old], [v for _, v in old])
    index = StoryIndex("", np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64),
                       np.zeros(1, np.int64), np.zeros(0, np.int64), [], np.zeros((0, 8), np.float16),
                       frame.centre, frame.directions, np.array([1, 2, 3]), np.array([20, 20, 20]), 20, None,
                       np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0, np.int64))
    new = [(np.array([1, 99]), rng.normal(size=(2, 8)).astype(np.float32))]
    incremental = extend_space(index.frame(), new)
    full = extend_space(extend_space(frame, old), new)  # the full run's space already holds the story's rows
    assert incremental.weights[0][1] == pytest.approx(full.weights[-1][1])
    assert incremental.weights[0][1] > 0


HEADLINE_ARTICLE = """\
Biden warns Putin of strong economic measures if Russia escalates in Ukraine

The two presidents spoke by secure video link for about two hours on Tuesday.

Nothing else was announced after the call ended in the evening.
"""


def test_headline_of_a_new_article_is_paired_as_a_full_run_pairs_it(seed_story):
    """A headline that states a claim is paired by an incremental run as a full run pairs it (heading_table)."""
    story = seed_story
    align(story)
    add_article(story, "d.txt", HEADLINE_ARTICLE.encode(), outlet="Invented Outlet")
    assert align(story).parameters.get("mode") == "incremental"
    heading = Passage.objects.get(article__source="d.txt", position=0)
    assert heading.kind != "sentence"
    incremental = pairs_of(heading)
    align(story, full=True)
    full = pairs_of(heading)
    assert full, "the full run pairs the headline"
    assert len(incremental & full) >= 0.5 * len(full)


def test_new_passages_of_a_merged_exchange_join_the_merge_not_other(seed_story):
    """An editor merged two exchanges (the second is deleted). The index's joiner still has a group for the
    deleted one; an incremental run sends a new passage that joins it to Other, where a full run's
    `_write_exchanges` keeps a merge merged."""
    story = seed_story
    align(story)
    first = Article.objects.filter(story=story).order_by("pk").first()
    counts = {}
    for p in Passage.objects.filter(article=first, kind="sentence").exclude(exchange=None):
        counts[p.exchange_id] = counts.get(p.exchange_id, 0) + 1
    biggest = sorted(counts, key=counts.get, reverse=True)[:2]
    editor = get_user_model().objects.create_user("ed")
    exchanges = sorted(Exchange.objects.filter(pk__in=biggest), key=lambda e: (e.position, e.pk))
    gone = set(Passage.objects.filter(article=first, exchange=exchanges[1]).values_list("position", flat=True))
    kept = set(Passage.objects.filter(article=first, exchange=exchanges[0]).values_list("position", flat=True))
    keep = editing.merge_exchanges(exchanges, editor)
    merged = gone
    text = first.raw_text + "\n\nThis report was syndicated by an invented wire service.\n"
    add_article(story, "copy.txt", text.encode(), outlet="Copying Outlet")
    assert align(story).parameters.get("mode") == "incremental"
    copy = Article.objects.get(story=story, source="copy.txt")
    copies = Passage.objects.filter(article=copy, position__in=merged, kind="sentence")
    other = copies.filter(exchange__is_other=True).count()
    control = Passage.objects.filter(article=copy, position__in=kept, kind="sentence")
    print("control (kept exchange's copies):", control.filter(exchange=keep).count(), "of", control.count())
    assert other <= 0.2 * copies.count(), f"{other} of {copies.count()} copies of merged passages went to Other"


def test_an_empty_story_aligned_then_given_an_article(db):
    """A story aligned while it has no article keeps an index whose frame has dimension 1; the first article
    added is then aligned incrementally against it."""
    user = get_user_model().objects.create_user("ed")
    story = editing.create_story(user, slug="empty", title="Empty for now")
    first = align(story)
    assert first.status == "succeeded", first.error
    add_article(story, "a.txt", A.encode(), outlet="First Outlet")
    add_article(story, "b.txt", B.encode(), outlet="Second Outlet")
    job = align(story)
    assert job.status == "succeeded", job.error
    assert AlignedPair.objects.filter(story=story).exists()


def test_a_one_article_story_then_a_second_article(make_story):
    """One article aligned (no pair, no exchange but Other), then a second: aligned incrementally, it must
    find the pairs a full run finds."""
    story = ingest_story(make_story({"a.txt": A})).story
    assert align(story).status == "succeeded"
    add_article(story, "b.txt", B.encode(), outlet="Second Outlet")
    job = align(story)
    assert job.status == "succeeded", job.error
    incremental = set(AlignedPair.objects.filter(story=story).values_list("a", "b"))
    align(story, full=True)
    full = set(AlignedPair.objects.filter(story=story).values_list("a", "b"))
    assert len(incremental & full) >= 0.8 * len(full), (job.parameters, incremental, full)


def snapshot(story):
    return {pk: rest for pk, *rest in AlignedPair.objects.filter(story=story).values_list(
        "pk", "a", "b", "score", "relation", "status", "stale", "features", "note", "updated_at")}


def test_write_path_two_full_runs_change_nothing_and_replaced_pairs_keep_their_ids(story3):
    story = story3
    assert align(story, full=True).status == "succeeded"
    editor = get_user_model().objects.create_user("ed")
    decided = AlignedPair.objects.filter(story=story).order_by("-score", "pk").first()
    editing.tag_pairs([decided], editor, status=AlignedPair.Status.CONFIRMED)
    before = snapshot(story)
    job = align(story, full=True)
    assert job.status == "succeeded", job.error
    assert (job.pairs_created, job.pairs_updated, job.pairs_removed) == (0, 0, 0)
    assert snapshot(story) == before
    # A stored proposal with another score is replaced under its id; one the run never proposes is deleted.
    changed = AlignedPair.objects.filter(story=story, tagged_at=None).order_by("pk").first()
    AlignedPair.objects.filter(pk=changed.pk).update(score=0.01)
    job = align(story, full=True)
    assert job.status == "succeeded", job.error
    assert job.pairs_updated == 1 and job.pairs_created == 0
    after = snapshot(story)
    assert set(after) == set(before)
    assert after[changed.pk][:4] == before[changed.pk][:4]
    assert after[decided.pk][4] == "confirmed"
