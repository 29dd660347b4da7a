"""Re-ingest's rules for one article's passages (newsdiff.ingest.reconcile_passages), on an invented story.

The seed-story scenario of issue 11 is tests/test_reingest.py.
"""
import pytest
from django.core.management import call_command

from newsdiff.ingest import ingest_story
from newsdiff.models import AlignedPair, Article, Passage, Voice

from .conftest import ARTICLE

pytestmark = pytest.mark.django_db


def _tag(passage, status="confirmed"):
    """A pair between `passage` and another article's first sentence, tagged by an editor."""
    other = Passage.objects.exclude(article=passage.article).order_by("pk").first()
    a, b = sorted([passage.pk, other.pk])
    return AlignedPair.objects.create(story=passage.article.story, a_id=a, b_id=b, score=0.9, method="test",
                                      status=status, tagged_by="ed", tagged_at="2024-03-02T10:00:00Z")


def _untagged(passage):
    other = Passage.objects.exclude(article=passage.article).order_by("-pk").first()
    a, b = sorted([passage.pk, other.pk])
    return AlignedPair.objects.create(story=passage.article.story, a_id=a, b_id=b, score=0.8, method="test")


@pytest.fixture
def two_articles(make_story):
    folder = make_story({"a.txt": ARTICLE, "b.txt": ARTICLE.replace("Geneva", "Vienna")})
    ingest_story(folder)
    return folder


def rewrite(folder, old, new):
    path = folder / "a.txt"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return ingest_story(folder)


def test_a_removed_sentence_nobody_touched_is_deleted_with_its_pairs(two_articles):
    gone = Passage.objects.get(article__source="a.txt", text__startswith="He added")
    pair = _untagged(gone)
    report = rewrite(two_articles, " He added that a second round was planned.", "")
    assert str(report.passage_counts()) == "4 kept, 0 edited, 0 added, 0 retired, 1 removed"
    assert not Passage.objects.filter(pk=gone.pk).exists()
    assert not AlignedPair.objects.filter(pk=pair.pk).exists()


def test_an_editor_voice_alone_keeps_a_removed_sentence_as_retired(two_articles):
    gone = Passage.objects.get(article__source="a.txt", text__startswith="He added")
    Passage.objects.filter(pk=gone.pk).update(voice=Voice.objects.get(slug="east"), voice_decided_by="editor")
    rewrite(two_articles, " He added that a second round was planned.", "")
    gone.refresh_from_db()
    assert gone.retired_at is not None and gone.voice.slug == "east"
    assert gone.position == Passage.objects.filter(article=gone.article, retired_at__isnull=True).count()


def test_an_edited_sentence_loses_only_its_untagged_pairs(two_articles):
    edited = Passage.objects.get(article__source="a.txt", text__startswith="The two ministers")
    tagged, untagged = _tag(edited), _untagged(edited)
    report = rewrite(two_articles, "met in Geneva on Tuesday", "met in Geneva on Wednesday")
    assert str(report.passage_counts()) == "4 kept, 1 edited, 0 added, 0 retired, 0 removed"
    edited.refresh_from_db()
    assert edited.text == "The two ministers met in Geneva on Wednesday."
    assert AlignedPair.objects.filter(pk=tagged.pk, stale=False).exists()
    assert not AlignedPair.objects.filter(pk=untagged.pk).exists()


def test_a_retired_sentence_that_comes_back_is_live_again_with_its_pairs(two_articles):
    gone = Passage.objects.get(article__source="a.txt", text__startswith="He added")
    pair = _tag(gone, status="rejected")
    rewrite(two_articles, " He added that a second round was planned.", "")
    path = two_articles / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    report = ingest_story(two_articles)
    assert str(report.passage_counts()) == "5 kept, 0 edited, 0 added, 0 retired, 0 removed"
    gone.refresh_from_db()
    assert gone.retired_at is None and gone.position == 4
    assert AlignedPair.objects.get(pk=pair.pk).status == "rejected"


def test_reordered_and_inserted_sentences_keep_ids_and_every_passage_slices_the_body(two_articles):
    before = dict(Passage.objects.filter(article__source="a.txt").values_list("text", "pk"))
    rewrite(two_articles, "The two ministers met in Geneva on Tuesday.",
            "It rained all day. The two ministers met in Geneva on Tuesday.")
    after = dict(Passage.objects.filter(article__source="a.txt").values_list("text", "pk"))
    assert {t: after[t] for t in before} == before
    article = Article.objects.get(source="a.txt")
    assert [p.position for p in article.passages.order_by("position")] == list(range(6))
    for p in article.passages.all():
        p.full_clean()


def test_the_ingest_command_prints_the_passage_counts(two_articles, capsys):
    path = two_articles / "a.txt"
    path.write_text(ARTICLE.replace("Geneva", "Genf"), encoding="utf-8")
    call_command("ingest", str(two_articles), "--no-align")
    out = capsys.readouterr().out
    assert "talks: passages 4 kept, 1 edited, 0 added, 0 retired, 0 removed" in out
