"""Each bad input: a clear message naming the file, a non-zero exit, nothing stored for it."""
import pytest
from django.core.management import CommandError, call_command

from newsdiff import ingest
from newsdiff.ingest import ingest_story
from newsdiff.models import Article, Passage, Story

from .conftest import ARTICLE, STORY_TOML

pytestmark = pytest.mark.django_db


def run_ingest(folder, capsys):
    with pytest.raises(CommandError) as error:
        call_command("ingest", str(folder))
    out = capsys.readouterr().out
    return str(error.value), out


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file: it contains NUL bytes"),
        (b"", "empty file"),
        (b"   \n\n  ", "empty file"),
        ("Headline only\n\nShare this article\n", "empty after cleaning"),
        (bytes(range(1, 9)) * 50, "binary file"),
    ],
)
def test_a_bad_file_fails_alone_and_the_others_are_stored(make_story, capsys, content, message):
    folder = make_story({"a_good.txt": ARTICLE, "b_bad.txt": content})
    error, out = run_ingest(folder, capsys)
    assert "1 of 2 article files failed" in error
    assert f"failed    b_bad.txt: {message}" in out
    assert list(Article.objects.values_list("source", flat=True)) == ["a_good.txt"]


def test_a_file_over_the_size_limit_is_refused(make_story, capsys, settings):
    settings.NEWSDIFF_MAX_ARTICLE_BYTES = 1000
    folder = make_story({"big.txt": ARTICLE * 10})
    error, out = run_ingest(folder, capsys)
    assert "failed    big.txt: file too large" in out
    assert not Article.objects.exists()


def test_a_cp1252_file_is_read_and_its_encoding_recorded(make_story):
    folder = make_story({"a.txt": ARTICLE.replace('"', "“", 1).encode("cp1252")})
    [result] = ingest_story(folder).results
    assert result.outcome == "created"
    assert result.message.endswith("(not UTF-8: read as cp1252)")
    assert Article.objects.get().encoding == "cp1252"


@pytest.mark.parametrize(
    "toml, message",
    [
        (STORY_TOML.replace('slug = "talks"\n', ""), "missing slug"),
        (STORY_TOML.replace('slug = "east"\n', ""), "voices[0] has no slug"),
        (STORY_TOML.replace('name = "East"\n', 'name = "East"\ndefault = true\n'), "two or more default voices"),
        (STORY_TOML + '\n[[articles]]\nfile = "nope.txt"\n', "file 'nope.txt' does not exist"),
    ],
)
def test_a_bad_story_file_stores_nothing(make_story, capsys, toml, message):
    folder = make_story({"a.txt": ARTICLE}, toml=toml)
    error, _ = run_ingest(folder, capsys)
    assert error.startswith("nothing stored: ") and message in error and "story.toml" in error
    assert not Story.objects.exists() and not Article.objects.exists()


def test_an_article_is_stored_with_all_its_passages_or_not_at_all(make_story, monkeypatch):
    folder = make_story({"a.txt": ARTICLE})

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest.Passage.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        ingest_story(folder)
    assert not Article.objects.exists() and not Passage.objects.exists()
