"""What the pages remember of a whole story is read again as soon as the story changes."""
import pytest
from django.urls import reverse

from newsdiff import storycache
from newsdiff.models import AlignedPair, AlignmentJob, Passage, Voice

from .conftest import build_story

pytestmark = pytest.mark.django_db


def test_a_state_is_built_once_and_at_most_max_entries_are_kept(monkeypatch):
    monkeypatch.setattr(storycache, "MAX_ENTRIES", 2)
    built = []
    for key in ("a", "b", "a", "c", "a", "b"):
        storycache.remembered(("state",), key, lambda: built.append(key))
    assert built == ["a", "b", "c", "b"]  # "a" was used last when "c" came, so "b" went


def test_the_state_changes_with_each_kind_of_write():
    story = build_story(3)
    states = [storycache.story_state(story)]

    def changed():
        states.append(storycache.story_state(story))
        return states[-1] != states[-2]

    passage = Passage.objects.filter(article__story=story).first()
    Passage.objects.filter(pk=passage.pk).update(voice=Voice.objects.get(story=story, slug="press"))  # attribution
    assert changed()
    Passage.objects.filter(pk=passage.pk).update(exchange=None)  # a passage moved
    assert changed()
    AlignmentJob.objects.create(story=story)  # an alignment queued, then its end
    assert changed()
    AlignmentJob.objects.filter(story=story).update(status="succeeded")
    assert changed()
    AlignedPair.objects.create(story=story, a=passage, b=Passage.objects.filter(article__story=story).last(),
                               score=0.4, method="test")  # a pair added outside a job
    assert changed()
    assert not changed()  # nothing written: the same state


def test_the_story_page_shows_a_voice_changed_behind_its_back(client):
    story = build_story(3)
    url = reverse("newsdiff:story", args=[story.slug]) + "?voice=press"
    before = client.get(url).content.decode()
    assert "The minister said" not in before
    Passage.objects.filter(article__story=story, text__startswith="The minister").update(
        voice=Voice.objects.get(story=story, slug="press"))  # as `manage.py attribute` writes, without a log
    assert "The minister said" in client.get(url).content.decode()
