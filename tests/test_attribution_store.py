import pytest
from django.core.management import call_command

from newsdiff.attribution import attribute_story
from newsdiff.ingest import ingest_story
from newsdiff.models import Passage, Speaker, Story, Voice

from .conftest import ARTICLE

pytestmark = pytest.mark.django_db

DETECTED = ARTICLE + '\nFormer envoy Carl Berg said the talks were "a start."\n'


@pytest.fixture
def story(make_story):
    folder = make_story({"a.txt": DETECTED})
    ingest_story(folder)
    return Story.objects.get(), folder


def test_ingest_attributes_voice_speaker_and_rule(story):
    smith = Passage.objects.get(text__contains="John Smith told")
    assert (smith.voice.slug, smith.speaker.name, smith.voice_decided_by, smith.voice_rule) == (
        "west", "John Smith", "auto", "cue:speaker")


def test_a_person_nobody_listed_is_stored_as_a_detected_speaker_in_the_default_voice(story):
    berg = Speaker.objects.get(name="Carl Berg")
    assert (berg.origin, berg.voice.slug) == ("detected", "press")
    assert Passage.objects.get(text__contains="Carl Berg").speaker == berg


def test_an_editors_voice_survives_the_attribute_command_and_a_re_ingest(story):
    _, folder = story
    passage = Passage.objects.get(text__contains="John Smith told")
    passage.voice = Voice.objects.get(slug="east")
    passage.voice_decided_by = Passage.DecidedBy.EDITOR
    passage.save()
    call_command("attribute", "talks")
    ingest_story(folder)
    passage.refresh_from_db()
    assert (passage.voice.slug, passage.voice_decided_by) == ("east", "editor")


def test_an_editors_mapping_of_a_detected_speaker_feeds_the_next_run(story):
    Speaker.objects.filter(name="Carl Berg").update(voice=Voice.objects.get(slug="west"), origin="editor")
    Passage.objects.filter(text__contains="Carl Berg").update(voice=Voice.objects.get(slug="press"))
    attribute_story(Story.objects.get())
    # Still press: "former" outranks any mapping; the speaker stays the editor's row.
    passage = Passage.objects.get(text__contains="Carl Berg")
    assert (passage.voice.slug, passage.speaker.origin) == ("press", "editor")


def test_an_editor_mapped_speaker_carries_their_voice(make_story):
    folder = make_story({"a.txt": "Talks\n\nNina Ross said the deal was fair.\n"})
    ingest_story(folder)
    assert Passage.objects.get(text__startswith="Nina").voice.slug == "press"
    Speaker.objects.filter(name="Nina Ross").update(voice=Voice.objects.get(slug="east"), origin="editor")
    call_command("attribute", "talks")
    assert Passage.objects.get(text__startswith="Nina").voice.slug == "east"


def test_re_running_attribution_changes_nothing_the_second_time(story):
    assert attribute_story(Story.objects.get()) == (1, 0)


def test_attribute_names_an_unknown_story():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no story 'nope'"):
        call_command("attribute", "nope")


def test_a_titled_official_nobody_listed_is_stored_in_the_default_voice_for_editors_to_map(make_story):
    ingest_story(make_story({"a.txt": "Talks\n\nEast Deputy Minister Olga Serova said the deal was fair.\n"}))
    serova = Speaker.objects.get(name="Olga Serova")
    assert (serova.origin, serova.voice.slug) == ("detected", "press")
    assert Passage.objects.get(text__contains="Serova").voice.slug == "east"  # what the text says of her
