import pytest
from django.core.management import call_command

from newsdiff.attribution import attribute_story, roster_for
from newsdiff.ingest import add_article, ingest_story
from newsdiff.models import Article, Passage, Speaker, Story, Voice

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


def test_a_titled_official_nobody_listed_is_stored_in_their_sides_voice_for_editors_to_check(make_story):
    ingest_story(make_story({"a.txt": "Talks\n\nEast Deputy Minister Olga Serova said the deal was fair.\n"}))
    serova = Speaker.objects.get(name="Olga Serova")
    assert (serova.origin, serova.voice.slug) == ("detected", "east")
    assert Passage.objects.get(text__contains="Serova").voice.slug == "east"


ORLOVA_UNTITLED = "Talks\n\nThe talks ran late. Olga Orlova said the deal was fair.\n\nOrlova added that more was needed.\n"
ORLOVA_TITLED = "More talks\n\nEast Deputy Minister Olga Orlova said the talks would go on.\n"


def _orlova_voices():
    return sorted(Passage.objects.filter(text__contains="Orlova").values_list("voice__slug", flat=True))


def test_an_official_one_article_introduces_is_theirs_in_an_article_stored_before_it(make_story):
    # a.txt is stored first and names her without a title; b.txt says who she is.
    ingest_story(make_story({"a.txt": ORLOVA_UNTITLED, "b.txt": ORLOVA_TITLED}))
    orlova = Speaker.objects.get(name="Olga Orlova")
    assert (orlova.origin, orlova.voice.slug) == ("detected", "east")
    assert _orlova_voices() == ["east", "east", "east"]
    assert set(Passage.objects.filter(text__contains="Orlova").values_list("speaker__name", flat=True)) == {
        "Olga Orlova"}


def test_the_labels_do_not_depend_on_the_order_the_articles_come_in(make_story):
    ingest_story(make_story({"a.txt": ORLOVA_TITLED, "b.txt": ORLOVA_UNTITLED}))
    assert _orlova_voices() == ["east", "east", "east"]


def test_an_article_added_later_that_introduces_an_official_relabels_the_story(make_story):
    ingest_story(make_story({"a.txt": ORLOVA_UNTITLED}))
    assert _orlova_voices() == ["press", "press"]
    add_article(Story.objects.get(), "b.txt", ORLOVA_TITLED.encode())
    assert _orlova_voices() == ["east", "east", "east"]


def test_an_editors_mapping_of_a_detected_official_is_never_overwritten(make_story):
    folder = make_story({"a.txt": ORLOVA_UNTITLED, "b.txt": ORLOVA_TITLED})
    ingest_story(folder)
    Speaker.objects.filter(name="Olga Orlova").update(voice=Voice.objects.get(slug="west"), origin="editor")
    call_command("attribute", "talks")
    ingest_story(folder)
    orlova = Speaker.objects.get(name="Olga Orlova")
    assert (orlova.origin, orlova.voice.slug) == ("editor", "west")
    untitled = Passage.objects.filter(text__contains="Orlova").exclude(text__contains="Deputy Minister")
    assert set(untitled.values_list("voice__slug", flat=True)) == {"west"}


def test_a_person_detected_without_a_title_stays_out_of_the_roster(make_story):
    ingest_story(make_story({"a.txt": ORLOVA_UNTITLED}))
    assert Speaker.objects.get(name="Olga Orlova").voice.slug == "press"
    assert "Olga Orlova" not in {s.name for s in roster_for(Story.objects.get()).speakers}


ORLOVA_WEST = "Other talks\n\nWest adviser Olga Orlova said the offer was late.\n"
ORLOVA_FORMER = "Old hands\n\nFormer East deputy minister Olga Orlova said the deal was thin. Orlova added that it would hold.\n"


@pytest.mark.parametrize("files", [("a.txt", "b.txt"), ("b.txt", "a.txt")], ids=["east first", "west first"])
def test_a_person_two_articles_give_different_sides_stays_for_an_editor_whatever_the_order(make_story, files):
    east, west = files
    ingest_story(make_story({east: ORLOVA_TITLED, west: ORLOVA_WEST, "c.txt": ORLOVA_UNTITLED}))
    orlova = Speaker.objects.get(name="Olga Orlova")
    assert (orlova.origin, orlova.voice.slug) == ("detected", "press")
    assert Passage.objects.get(text__startswith="East Deputy").voice.slug == "east"  # each as its text says
    assert Passage.objects.get(text__startswith="West adviser").voice.slug == "west"
    assert Passage.objects.get(text__startswith="Orlova added").voice.slug == "press"


def test_an_article_that_calls_the_person_a_former_official_keeps_them_out_of_the_roster(make_story):
    ingest_story(make_story({"a.txt": ORLOVA_FORMER, "b.txt": ORLOVA_TITLED}))
    assert Speaker.objects.get(name="Olga Orlova").voice.slug == "press"
    assert Passage.objects.get(text__startswith="Orlova added").voice.slug == "press"
    assert Passage.objects.get(text__startswith="East Deputy").voice.slug == "east"


def test_re_labelling_a_story_counts_each_changed_passage_once(make_story):
    ingest_story(make_story({"a.txt": ORLOVA_UNTITLED, "b.txt": ORLOVA_TITLED}))
    Passage.objects.filter(text__contains="Orlova").update(voice=Voice.objects.get(slug="west"))
    assert attribute_story(Story.objects.get()) == (2, 3)
    assert attribute_story(Story.objects.get()) == (2, 0)


def test_a_failed_relabel_keeps_the_new_article_and_says_how_to_redo_it(make_story, monkeypatch):
    from django.db import DatabaseError

    from newsdiff import ingest

    ingest_story(make_story({"a.txt": ORLOVA_UNTITLED}))

    def fail(story, **options):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(ingest, "attribute_story", fail)
    report = add_article(Story.objects.get(), "b.txt", ORLOVA_TITLED.encode())
    assert report.results[0].outcome == "created"
    assert any("manage.py attribute talks" in w and "database is locked" in w for w in report.warnings)
    assert _orlova_voices() == ["east", "press", "press"]  # b as its text says; a as it was


def test_after_ingest_only_articles_naming_someone_whose_voice_changed_are_labelled_again(make_story):
    unrelated = "Weather\n\nThe harbour froze early this winter.\n"
    folder = make_story({"a.txt": ORLOVA_UNTITLED, "c.txt": unrelated})
    ingest_story(folder)
    make_story({"b.txt": ORLOVA_TITLED})  # the same folder: a third article introduces her
    ingest_story(folder)
    assert _orlova_voices() == ["east", "east", "east"]
    story = Story.objects.get()
    assert attribute_story(story, only_naming_changes=True) == (0, 0)  # nobody's voice changed
    Speaker.objects.filter(name="Olga Orlova").update(voice=Voice.objects.get(slug="press"))
    # Decided again (east): a and b name her and are labelled again (unchanged); c is not read.
    assert attribute_story(story, only_naming_changes=True) == (2, 0)
    assert attribute_story(story) == (3, 0)


def test_an_article_added_later_that_calls_an_official_former_takes_them_out_again(make_story):
    ingest_story(make_story({"a.txt": ORLOVA_UNTITLED, "b.txt": ORLOVA_TITLED}))
    assert Speaker.objects.get(name="Olga Orlova").voice.slug == "east"
    add_article(Story.objects.get(), "c.txt", ORLOVA_FORMER.encode())
    # As if the three had come together: the story cannot tell which is true of her.
    assert Speaker.objects.get(name="Olga Orlova").voice.slug == "press"
    assert Passage.objects.get(text__startswith="Orlova added that more").voice.slug == "press"


def test_an_article_corrected_to_drop_the_title_takes_the_official_out_again(make_story):
    ingest_story(make_story({"a.txt": ORLOVA_UNTITLED, "b.txt": ORLOVA_TITLED}))
    add_article(Story.objects.get(), "b.txt", b"More talks\n\nOlga Orlova said the talks would go on.\n")
    assert Speaker.objects.get(name="Olga Orlova").voice.slug == "press"
    assert _orlova_voices() == ["press", "press", "press"]


def test_an_official_named_by_a_two_letter_word_is_theirs_in_every_article(make_story):
    ingest_story(make_story({"a.txt": "Talks\n\nLi said the deal was fair.\n",
                             "b.txt": "More talks\n\nEast Deputy Minister Li Qiang said the talks would go on.\n"}))
    li = Passage.objects.get(text__startswith="Li said")
    assert (li.voice.slug, li.speaker.name) == ("east", "Li Qiang")


def test_an_upload_decides_the_officials_from_what_the_other_articles_stored_without_reading_them(make_story):
    ingest_story(make_story({"a.txt": ORLOVA_UNTITLED, "b.txt": ORLOVA_TITLED}))
    b = Article.objects.get(source="b.txt")
    assert b.detections == {"sides": {"Olga Orlova": ["east"]}, "doubted": []}
    # Pretend b, stored earlier, had called her a former minister: the next upload must weigh that
    # (it reads only itself), and she leaves the roster.
    Article.objects.filter(pk=b.pk).update(detections={"sides": {}, "doubted": ["Olga Orlova"]})
    add_article(Story.objects.get(), "c.txt", b"Weather\n\nThe harbour froze early this winter.\n")
    assert Speaker.objects.get(name="Olga Orlova").voice.slug == "press"
    assert Article.objects.get(pk=b.pk).detections["doubted"] == ["Olga Orlova"]  # not read again
