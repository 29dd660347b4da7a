"""Arbitrary text must never crash the pipeline: stories the project has never seen arrive here."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdiff.align.group import group_exchanges
from newsdiff.align.score import Item, Options, score_pairs
from newsdiff.ingest import ingest_story
from newsdiff.jobs import run_alignment, start_alignment
from newsdiff.models import Story
from newsdiff.text.attribute import PassageText, Roster, SpeakerEntry, VoiceEntry, attribute
from newsdiff.text.clean import TextError, clean_article
from newsdiff.text.segment import segment

ROSTER = Roster(
    voices=(VoiceEntry("east", "East", ("East Ministry",)), VoiceEntry("press", "Press", default=True)),
    speakers=(SpeakerEntry("Anna Petrova", "east", ("Anna Petrowa",)),),
)
WORDS = ["said", "told", "Petrova", "“", "”", '"', ",", ".", "the", "former", "analyst", "according to",
         "East", "Ministry", "he", "it", "Reuters", "reported", "Chinese", "U.S.", "—", "(", ")", ":", "'s",
         "Mr.", "quoted", "as saying", "\n", "\n\n", "talks", "ended", "Share this article", "Â", "2021"]
texts = st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=60).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_cleaning_segmenting_and_attributing_never_crash(text):
    try:
        article = clean_article(text)
    except TextError:
        return
    segments = segment(article.paragraphs)
    passages = [PassageText(s.text, s.paragraph, "sentence" if s.kind == "text" else "heading") for s in segments]
    results = attribute(passages, ROSTER)
    assert len(results) == len(passages)
    assert {r.voice for r in results} <= {"east", "press"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 3), texts, st.sampled_from(["sentence", "heading"])), max_size=12))
def test_scoring_and_grouping_never_crash(rows):
    items = [Item(k + 1, article, text or "x", kind=kind, position=k) for k, (article, text, kind) in enumerate(rows)]
    pairs = score_pairs(items, Options(threshold=0.0))
    for p in pairs:
        assert p.a < p.b
    groups = group_exchanges(items, pairs)
    assert sorted(i for g in groups for i in g.items) == [i.id for i in items]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "files",
    [
        {"only.txt": "A lone report\n\nThe talks ended on Tuesday. Petrova said little."},
        {"a.txt": "Head one\n\nThe talks ended.", "b.txt": "Head two\n\nThe talks ended."},
        {"a.txt": "Same words\n\nPetrova said the talks ended.", "b.txt": "Other head\n\nPetrova said the talks ended."},
    ],
)
def test_small_and_odd_stories_align(make_story, files):
    ingest_story(make_story(files))
    story = Story.objects.get()
    job = run_alignment(start_alignment(story, enqueue=False).pk)
    assert job.status == "succeeded", job.error
    assert story.exchanges.exists()
