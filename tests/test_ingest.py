import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from newsdiff.ingest import CREATED, UNCHANGED, UPDATED, StoryClash, ingest_story
from newsdiff.models import Article, Passage, Speaker, Story, Voice

from .conftest import ARTICLE, SEED_STORY, STORY_TOML

pytestmark = pytest.mark.django_db


def test_it_stores_story_voices_speakers_article_and_passages(make_story):
    report = ingest_story(make_story({"a.txt": ARTICLE}))
    assert report.summary() == "1 created"
    story = Story.objects.get(slug="talks")
    assert list(story.voices.values_list("slug", "is_default")) == [("east", False), ("west", False), ("press", True)]
    assert Speaker.objects.get(story=story, name="John Smith").voice.slug == "west"
    article = Article.objects.get(story=story)
    assert (article.source, article.outlet.name, article.title) == ("a.txt", "Unknown", "Capitals agree to keep talking")
    assert article.raw_text == ARTICLE
    texts = list(article.passages.values_list("text", flat=True))
    assert texts == [
        "Capitals agree to keep talking",
        "The two ministers met in Geneva on Tuesday.",
        'Anna Petrova said the talks were "useful and frank."',
        '"We are ready to continue," John Smith told reporters.',
        "He added that a second round was planned.",
    ]
    assert "by Jane Doe" not in article.body and "Share this article" not in article.body


def test_every_passage_gets_a_voice_of_its_story_and_slices_the_body(make_story):
    ingest_story(make_story({"a.txt": ARTICLE}))
    voices = dict(Passage.objects.values_list("text", "voice__slug"))
    assert voices['"We are ready to continue," John Smith told reporters.'] == "west"
    assert voices["The two ministers met in Geneva on Tuesday."] == "press"
    for p in Passage.objects.select_related("article", "voice"):
        assert p.article.body[p.start:p.end] == p.text
        assert p.voice.story_id == p.article.story_id
        p.full_clean()


def test_running_it_twice_changes_nothing_and_says_so(make_story, capsys):
    folder = make_story({"a.txt": ARTICLE, "b.txt": ARTICLE.replace("Geneva", "Vienna")})
    call_command("ingest", str(folder))
    before = list(Passage.objects.values_list("pk", "text"))
    call_command("ingest", str(folder))
    assert "talks: 2 unchanged" in capsys.readouterr().out
    assert list(Passage.objects.values_list("pk", "text")) == before


def test_a_changed_file_is_updated_in_place(make_story):
    folder = make_story({"a.txt": ARTICLE})
    ingest_story(folder)
    article_pk = Article.objects.get().pk
    (folder / "a.txt").write_text(ARTICLE.replace("Geneva", "Vienna"), encoding="utf-8")
    [result] = ingest_story(folder).results
    assert result.outcome == UPDATED
    article = Article.objects.get()
    assert article.pk == article_pk and "Vienna" in article.body
    assert not Passage.objects.filter(text__contains="Geneva").exists()


def test_changed_metadata_alone_updates_the_article(make_story):
    folder = make_story({"a.txt": ARTICLE})
    ingest_story(folder)
    toml = (folder / "story.toml").read_text() + '\n[[articles]]\nfile = "a.txt"\noutlet = "Daily Planet"\n'
    (folder / "story.toml").write_text(toml)
    [result] = ingest_story(folder).results
    assert (result.outcome, Article.objects.get().outlet.name) == (UPDATED, "Daily Planet")


def test_an_editor_voice_survives_a_changed_file(make_story):
    folder = make_story({"a.txt": ARTICLE})
    ingest_story(folder)
    west = Voice.objects.get(slug="west")
    Passage.objects.filter(text__startswith="He added").update(voice=west, voice_decided_by="editor")
    (folder / "a.txt").write_text(ARTICLE.replace("Geneva", "Vienna"), encoding="utf-8")
    ingest_story(folder)
    passage = Passage.objects.get(text__startswith="He added")
    assert (passage.voice.slug, passage.voice_decided_by) == ("west", "editor")


def test_the_same_text_under_two_names_is_stored_once(make_story):
    report = ingest_story(make_story({"a.txt": ARTICLE, "copy.txt": ARTICLE}))
    assert [r.outcome for r in report.results] == [CREATED, "failed"]
    assert "same file content as 'a.txt'" in report.results[1].message
    assert Article.objects.count() == 1


def test_an_editor_mapping_of_a_speaker_survives_re_ingest(make_story):
    folder = make_story({"a.txt": ARTICLE})
    ingest_story(folder)
    Speaker.objects.filter(name="John Smith").update(voice=Voice.objects.get(slug="east"), origin="editor")
    ingest_story(folder)
    assert Speaker.objects.get(name="John Smith").voice.slug == "east"


def test_moving_the_default_voice_in_the_file_moves_it_in_the_database(make_story):
    folder = make_story({"a.txt": ARTICLE})
    ingest_story(folder)
    toml = (folder / "story.toml").read_text().replace("default = true\n", "")
    toml = toml.replace('name = "East"\n', 'name = "East"\ndefault = true\n')
    (folder / "story.toml").write_text(toml)
    ingest_story(folder)
    assert list(Voice.objects.filter(is_default=True).values_list("slug", flat=True)) == ["east"]


def test_the_database_allows_one_default_voice_per_story(make_story):
    ingest_story(make_story({"a.txt": ARTICLE}))
    with pytest.raises(IntegrityError):
        Voice.objects.filter(slug="east").update(is_default=True)


def test_the_seed_story_ingests_with_its_outlets():
    report = ingest_story(SEED_STORY)
    assert report.summary() == "5 created"
    outlets = dict(Article.objects.values_list("source", "outlet__name"))
    assert outlets["000_67c2c16ffc38b262.txt"] == "Xinhua"
    assert outlets["004_cea50f6370969d2e.txt"] == "The Guardian"
    assert not Article.objects.filter(body__contains="Â").exists()
    assert ingest_story(SEED_STORY).summary() == f"5 {UNCHANGED}"


def test_a_folder_whose_slug_names_another_story_is_refused_and_names_it(make_story):
    ingest_story(make_story({"a.txt": ARTICLE}, name="first"))
    other = make_story({"b.txt": ARTICLE.replace("Tuesday", "Friday").replace("talks", "meeting")}, name="second",
                       toml=STORY_TOML.replace('title = "Two capitals talk"', 'title = "Another story"'))
    with pytest.raises(StoryClash, match="slug 'talks' is the story “Two capitals talk” .* none of this folder's"):
        ingest_story(other)
    story = Story.objects.get()
    assert story.title == "Two capitals talk" and [a.source for a in story.articles.all()] == ["a.txt"]


def test_merge_adds_the_folders_articles_to_the_story_of_that_slug(make_story):
    ingest_story(make_story({"a.txt": ARTICLE}, name="first"))
    other = make_story({"b.txt": ARTICLE.replace("Tuesday", "Friday").replace("talks", "meeting")}, name="second")
    ingest_story(other, merge=True)
    assert sorted(Story.objects.get().articles.values_list("source", flat=True)) == ["a.txt", "b.txt"]


def test_the_same_folder_ingested_again_is_no_clash(make_story):
    folder = make_story({"a.txt": ARTICLE})
    ingest_story(folder)
    assert ingest_story(folder).count(UNCHANGED) == 1


def test_the_ingest_command_refuses_a_clash_by_name_and_merges_when_told(make_story):
    call_command("ingest", str(make_story({"a.txt": ARTICLE}, name="first")), "--no-align")
    other = make_story({"b.txt": ARTICLE.replace("Tuesday", "Friday").replace("talks", "meeting")}, name="second")
    with pytest.raises(CommandError, match="nothing stored: .*slug 'talks' is the story “Two capitals talk”.*--merge"):
        call_command("ingest", str(other), "--no-align")
    assert Article.objects.count() == 1
    call_command("ingest", str(other), "--no-align", "--merge")
    assert Article.objects.count() == 2
