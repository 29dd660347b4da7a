import datetime as dt
import re

import pytest

from newsdiff.storyfile import StoryFileError, load_story

from .conftest import STORY_TOML


def test_it_reads_voices_speakers_and_articles(make_story):
    toml = STORY_TOML + '\n[[articles]]\nfile = "a.txt"\noutlet = "Daily"\npublished = 2024-03-02\nurl = "https://x.test/a"\n'
    spec = load_story(make_story({"a.txt": "Headline\nText."}, toml=toml))
    assert (spec.slug, spec.title, spec.date) == ("talks", "Two capitals talk", dt.date(2024, 3, 1))
    assert [v.slug for v in spec.voices] == ["east", "west", "press"]
    assert spec.default_voice.slug == "press"
    assert spec.voices[0].speakers == ("Anna Petrova",)
    [article] = spec.articles
    assert (article.source, article.outlet, article.published) == ("a.txt", "Daily", dt.date(2024, 3, 2))


def test_without_articles_it_takes_every_txt_file_in_order(make_story):
    spec = load_story(make_story({"b.txt": "B", "a.txt": "A", "notes.md": "no"}) / "story.toml")
    assert [a.source for a in spec.articles] == ["a.txt", "b.txt"]


@pytest.mark.parametrize(
    "toml, message",
    [
        (STORY_TOML.replace('slug = "talks"\n', ""), "missing slug"),
        (STORY_TOML.replace('title = "Two capitals talk"\n', ""), "missing title"),
        (STORY_TOML.replace('slug = "west"\n', ""), "voices[1] has no slug"),
        (STORY_TOML.replace('name = "West"\n', 'name = "West"\ndefault = true\n'), "two or more default voices"),
        (STORY_TOML.replace("default = true\n", ""), "no default voice"),
        (STORY_TOML + '\n[[articles]]\nfile = "missing.txt"\n', "file 'missing.txt' does not exist"),
        ("slug = [", "not valid TOML"),
        (STORY_TOML.replace("date = 2024-03-01", 'date = "March"'), "is not a date"),
    ],
)
def test_it_refuses_a_bad_story_file_naming_the_problem(make_story, toml, message):
    folder = make_story({"a.txt": "Headline\nText."}, toml=toml)
    with pytest.raises(StoryFileError, match=re.escape(message)) as error:
        load_story(folder)
    assert str(folder / "story.toml") in str(error.value)


def test_it_reports_every_problem_at_once(make_story):
    toml = STORY_TOML.replace('slug = "talks"\n', "").replace('title = "Two capitals talk"\n', "")
    with pytest.raises(StoryFileError, match="missing slug; missing title"):
        load_story(make_story({"a.txt": "x"}, toml=toml))


def test_unknown_keys_are_warnings_not_errors(make_story):
    spec = load_story(make_story({"a.txt": "x"}, toml="colour = 'red'\n" + STORY_TOML))
    assert spec.warnings == ("unknown key 'colour' ignored",)


def test_a_missing_story_file_is_named(tmp_path):
    with pytest.raises(StoryFileError, match="no such file"):
        load_story(tmp_path)
