"""A story folder cannot reach outside itself, and story.toml values are checked before anything is stored."""
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsdiff.models import Article, Story
from newsdiff.storyfile import LIMITS, StoryFileError, load_story

from .conftest import STORY_TOML

ARTICLE = "Talks end\n\nThe two sides met on Tuesday. They agreed to meet again.\n"


def refused(folder, message):
    with pytest.raises(StoryFileError, match=re.escape(message)):
        load_story(folder)


@pytest.fixture
def secret(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("SECRET_KEY = 'do not read me'\n\nA line of prose that ends here.\n", encoding="utf-8")
    return outside


@pytest.mark.parametrize("listed", ["/etc/hostname", "../secret.txt"])
def test_an_article_path_outside_the_folder_is_refused_by_name(make_story, secret, listed):
    folder = make_story({"a.txt": ARTICLE}, toml=STORY_TOML + f'\n[[articles]]\nfile = "{listed}"\n')
    refused(folder, f"{listed!r} is outside the story folder")


@pytest.mark.parametrize("listed", [True, False])
def test_a_link_leading_out_of_the_folder_is_refused(make_story, secret, listed):
    toml = STORY_TOML + '\n[[articles]]\nfile = "leak.txt"\n' if listed else STORY_TOML
    folder = make_story({"a.txt": ARTICLE}, toml=toml)
    (folder / "leak.txt").symlink_to(secret)
    refused(folder, "'leak.txt' is outside the story folder")


@pytest.mark.django_db
def test_ingest_of_a_leaking_folder_stores_nothing_and_says_why(make_story, secret):
    folder = make_story({"a.txt": ARTICLE})
    (folder / "leak.txt").symlink_to(secret)
    with pytest.raises(CommandError, match="outside the story folder"):
        call_command("ingest", str(folder), "--no-align")
    assert not Story.objects.exists() and not Article.objects.exists()


def test_a_link_inside_the_folder_is_read(make_story):
    folder = make_story({"a.txt": ARTICLE})
    (folder / "b.txt").symlink_to(folder / "a.txt")
    assert [a.source for a in load_story(folder).articles] == ["a.txt", "b.txt"]


def test_a_directory_named_like_an_article_is_not_a_regular_file(make_story):
    folder = make_story({"a.txt": ARTICLE}, toml=STORY_TOML + '\n[[articles]]\nfile = "notes"\n')
    (folder / "notes").mkdir()
    refused(folder, "'notes' is not a regular file")


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)", "ftp://example.com/a", "data:text/html,x"])
def test_only_http_and_https_addresses_are_taken(make_story, url):
    folder = make_story({"a.txt": ARTICLE}, toml=STORY_TOML + f'\n[[articles]]\nfile = "a.txt"\nurl = "{url}"\n')
    refused(folder, "is not an http or https address")


def test_an_https_address_is_kept(make_story):
    toml = STORY_TOML + '\n[[articles]]\nfile = "a.txt"\nurl = "https://example.com/a"\n'
    assert load_story(make_story({"a.txt": ARTICLE}, toml=toml)).articles[0].url == "https://example.com/a"


@pytest.mark.parametrize("toml, message", [
    (STORY_TOML.replace('slug = "talks"', "slug = 42"), "slug must be a string, not int"),
    (STORY_TOML.replace('title = "Two capitals talk"', "title = 7"), "title must be a string, not int"),
    (STORY_TOML.replace('slug = "talks"', f'slug = "{"s" * 300}"'), f"slug is 300 characters long; at most {LIMITS['slug']}"),
    (STORY_TOML.replace('title = "Two capitals talk"', f'title = "{"t" * 20000}"'), "title is 20000 characters long"),
    ("aliases = 5\n" + STORY_TOML, "aliases must be a list of lists of spellings"),
    (STORY_TOML + '\n[[articles]]\nfile = "a.txt"\noutlet = "' + "o" * 10000 + '"\n', "outlet is 10000 characters long"),
    ("articles = []\n" + STORY_TOML, "articles = [] lists no article"),
    (STORY_TOML.replace('name = "East"', 'name = ["East"]'), "voices[0].name must be a string, not list"),
])
def test_a_value_of_the_wrong_type_or_size_is_named(make_story, toml, message):
    refused(make_story({"a.txt": ARTICLE}, toml=toml), message)


def test_too_many_voices_is_one_clear_problem(make_story):
    voices = "".join(f'\n[[voices]]\nslug = "v{k}"\n' for k in range(10000))
    refused(make_story({"a.txt": ARTICLE}, toml=STORY_TOML + voices), f"10003 voices: at most {LIMITS['voices']}")


def test_a_byte_order_mark_is_accepted(make_story):
    folder = make_story({"a.txt": ARTICLE})
    (folder / "story.toml").write_bytes(b"\xef\xbb\xbf" + STORY_TOML.encode("utf-8"))
    assert load_story(folder).slug == "talks"


def test_a_story_file_that_is_a_directory_is_named(tmp_path):
    (tmp_path / "story.toml").mkdir()
    with pytest.raises(StoryFileError, match="story.toml: not a file"):
        load_story(tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["symlink", "dotdot"])
def test_export_never_carries_a_file_from_outside_the_folder(make_story, secret, client, how):
    toml = STORY_TOML + ('\n[[articles]]\nfile = "a.txt"\n\n[[articles]]\nfile = "../secret.txt"\n' if how == "dotdot" else "")
    folder = make_story({"a.txt": ARTICLE}, toml=toml)
    if how == "symlink":
        (folder / "leak.txt").symlink_to(secret)
    with pytest.raises(CommandError, match="outside the story folder"):
        call_command("ingest", str(folder), "--no-align")
    (folder / "story.toml").write_text(STORY_TOML, encoding="utf-8")  # the researcher fixes the file list...
    if how == "symlink":
        (folder / "leak.txt").unlink()  # ...or removes the link, and ingests again
    call_command("ingest", str(folder), "--no-align")
    export = client.get("/stories/talks/export.json")
    body = export.getvalue()
    assert export.status_code == 200 and b"do not read me" not in body
    assert [a["source"] for a in json.loads(body)["articles"]] == ["a.txt"]
