"""The demo fixture and the seed story folder are two paths to the same data."""
import json

import pytest
from django.core.management import call_command

from newsdiff.fixture import story_fixture
from newsdiff.ingest import ingest_story
from newsdiff.models import AlignedPair, Article, Passage, Speaker, Story, Voice
from newsdiff.text import stock

from .conftest import ROOT, SEED_STORY

pytestmark = pytest.mark.django_db
FIXTURE = ROOT / "fixtures" / "biden_putin_2021.json"
DEMO_TAGS = ROOT / "fixtures" / "demo_tags.toml"
SHARED_EVAL = ROOT.parent / "shared" / "eval"


def snapshot():
    return {
        "story": list(Story.objects.values_list("slug", "title", "date")),
        "voices": list(Voice.objects.order_by("position").values_list("slug", "name", "is_default")),
        "speakers": sorted(Speaker.objects.values_list("name", "voice__slug")),
        "articles": list(Article.objects.order_by("source").values_list(
            "source", "outlet__name", "title", "published", "body", "content_hash")),
        "passages": list(Passage.objects.order_by("article__source", "position").values_list(
            "article__source", "position", "paragraph", "start", "end", "text", "kind", "voice__slug")),
    }


def test_loaddata_gives_the_same_story_as_ingesting_the_folder():
    ingest_story(SEED_STORY)
    from_folder = snapshot()
    Story.objects.all().delete()
    call_command("loaddata", "biden_putin_2021", verbosity=0)
    assert snapshot() == from_folder


def test_the_committed_fixture_is_what_the_folder_builds_now():
    # Fails when the text pipeline, the alignment or the folder changed without `make fixture`.
    assert json.loads(story_fixture(SEED_STORY, DEMO_TAGS)) == json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_the_demo_shows_editor_decisions_that_survive_its_alignment_run():
    call_command("loaddata", "biden_putin_2021", verbosity=0)
    tagged = set(AlignedPair.objects.exclude(tagged_at=None).values_list("a_id", "b_id", "status", "tagged_by"))
    assert {s for *_, s, _ in tagged} == {"confirmed", "rejected"} and len(tagged) >= 4
    call_command("align", "biden-putin-2021-12-07", verbosity=0)
    assert set(AlignedPair.objects.exclude(tagged_at=None).values_list("a_id", "b_id", "status", "tagged_by")) == tagged
    assert AlignedPair.objects.count() > len(tagged)


def test_building_the_fixture_leaves_the_database_as_it_was():
    ingest_story(SEED_STORY)
    Passage.objects.filter(position=1).update(voice_decided_by="editor")
    before = snapshot(), Passage.objects.filter(voice_decided_by="editor").count()
    story_fixture(SEED_STORY)
    assert (snapshot(), Passage.objects.filter(voice_decided_by="editor").count()) == before


def test_loading_the_fixture_twice_changes_nothing():
    call_command("loaddata", "biden_putin_2021", verbosity=0)
    first = snapshot()
    call_command("loaddata", "biden_putin_2021", verbosity=0)
    assert snapshot() == first


def test_no_seed_passage_is_a_boilerplate_line():
    ingest_story(SEED_STORY)
    boilerplate = stock.compile_lines(stock.BOILERPLATE_LINES)
    assert [t for t in Passage.objects.values_list("text", flat=True) if boilerplate.match(t)] == []
